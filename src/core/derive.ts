// Stage 3 — derive: a validated sheet → everything the layout prints, as display strings.
// Era years, column headings, SDG names, standard sentences and number formats are decided here, once.
import { personnelCostFor, type CityData } from './city';
import { costYears, eraShortLabel, eraYearLabel, indicatorYears } from './era';
import { formatAmount, formatIndicator, formatNumber, formatTwoDecimals } from './format';
import { sdgLine } from './sdgs';
import type { EvaluationItemKey, Indicator, Sheet, YearRow } from './types';

export const INDICATOR_SLOTS = 5;
export const PAGES_PER_SHEET = 2;
export const EVALUATION_ITEMS: EvaluationItemKey[] = ['citizenNeeds', 'progress', 'cityInvolvement', 'priority'];

export interface IndicatorSlot {
  number: number;
  name: string;
  unit: string;
  kind: string;
  target: string[];
  actual: string[];
  description: string;
}

export interface SheetView {
  fiscalYear: number;
  number: string;
  title: string;
  projectName: string;
  budgetItem: string;
  department: string;
  mayorPledges: string;
  section: string;
  /** 戦略プラン rows, at least three: the form prints 新規・継続, 事業分類 and 事業体制 beside them. */
  strategicPlanRows: { code: string; policy: string; measure: string; title: string }[];
  status: string;
  category: string;
  structure: string;
  individualPlan: string;
  period: string;
  legalBasis: string;
  sdgs: string[];
  overview: Sheet['overview'];
  costTable: {
    years: string[];
    budget: string[];
    settled: string[];
    generalFund: string[];
    subsidies: string[];
    otherFunds: string[];
    personnelCost: string[];
    staffRatio: string[];
    overtimeHours: string[];
    partTimeStaff: string[];
  };
  participation: Sheet['participation'];
  indicatorTable: { years: string[]; slots: IndicatorSlot[] };
  results: Sheet['results'];
  evaluation: Record<EvaluationItemKey, { score: string; sentence: string }>;
  direction: Sheet['direction'];
  /** Page labels at the foot (`1 / 2`), known before rendering because a sheet is always two pages. */
  pageLabels: string[];
}

function row<T>(values: YearRow<T>, years: number[], format: (v: T) => string, missing: T): string[] {
  return years.map((y) => format(values[String(y)] ?? missing));
}

/** 人件費計 as written, or computed from the rates for the years where the sheet leaves it out. */
export function personnelCosts(sheet: Sheet, city: CityData): YearRow<number> {
  const result: YearRow<number> = {};
  for (const y of costYears(sheet.fiscalYear).map(String)) {
    const written = sheet.costs.personnelCost?.[y];
    result[y] =
      written ?? personnelCostFor(city, y, sheet.costs.staffRatio[y] ?? 0, sheet.costs.overtimeHours[y] ?? 0) ?? 0;
  }
  return result;
}

/** The standard sentence for an evaluation score, unless the sheet writes its own. */
export function evaluationSentence(city: CityData, item: EvaluationItemKey, score: number, own?: string): string {
  return own ?? city.evaluationSentences[item]?.[String(score)] ?? '';
}

function indicatorSlot(indicator: Indicator | undefined, index: number, years: number[]): IndicatorSlot {
  const values = (row: YearRow<number> | undefined) => years.map((y) => formatIndicator(row?.[String(y)] ?? 0));
  return {
    number: index + 1,
    name: indicator?.name ?? '',
    unit: indicator?.unit ?? '',
    kind: indicator?.kind ?? '',
    target: values(indicator?.target),
    actual: values(indicator?.actual),
    description: indicator?.description ?? '',
  };
}

export function deriveSheetView(sheet: Sheet, city: CityData, pageLabels?: string[]): SheetView {
  const years = costYears(sheet.fiscalYear);
  const indYears = indicatorYears(sheet.fiscalYear);
  const number = formatNumber(sheet.number);
  const c = sheet.costs;
  return {
    fiscalYear: sheet.fiscalYear,
    number,
    title: `${eraYearLabel(sheet.fiscalYear)} ${city.documentTitle}`,
    projectName: `${number} ${sheet.name}`,
    budgetItem: `${sheet.budgetItem.code} ${sheet.budgetItem.name}`,
    department: `${sheet.department}${sheet.division}`,
    mayorPledges: sheet.mayorPledges.join(' '),
    section: sheet.section,
    strategicPlanRows: [
      ...sheet.strategicPlans.map((p) => ({ code: p.code, policy: String(p.policy), measure: String(p.measure), title: p.title })),
      ...Array.from({ length: Math.max(0, 3 - sheet.strategicPlans.length) }, () => ({ code: '', policy: '', measure: '', title: '' })),
    ],
    status: sheet.status,
    category: sheet.category,
    structure: sheet.structure,
    individualPlan: sheet.individualPlan,
    period: sheet.period,
    legalBasis: sheet.legalBasis,
    sdgs: [...sheet.sdgs].sort((a, b) => a - b).map(sdgLine),
    overview: sheet.overview,
    costTable: {
      years: years.map(eraYearLabel),
      budget: row(c.budget, years, formatAmount, 0),
      settled: row(c.settled, years, formatAmount, 0),
      generalFund: row(c.generalFund, years, formatAmount, 0),
      subsidies: row(c.subsidies, years, formatAmount, 0),
      otherFunds: row(c.otherFunds, years, formatAmount, 0),
      personnelCost: row(personnelCosts(sheet, city), years, formatAmount, 0),
      staffRatio: row(c.staffRatio, years, formatTwoDecimals, 0),
      overtimeHours: row(c.overtimeHours, years, formatTwoDecimals, 0),
      partTimeStaff: row(c.partTimeStaff, years, String, '無'),
    },
    participation: sheet.participation,
    indicatorTable: {
      years: indYears.map(eraShortLabel),
      slots: Array.from({ length: INDICATOR_SLOTS }, (_, i) => indicatorSlot(sheet.indicators[i], i, indYears)),
    },
    results: sheet.results,
    evaluation: Object.fromEntries(
      EVALUATION_ITEMS.map((item) => {
        const e = sheet.evaluation[item];
        return [item, { score: String(e.score), sentence: evaluationSentence(city, item, e.score, e.sentence) }];
      }),
    ) as SheetView['evaluation'],
    direction: sheet.direction,
    pageLabels: pageLabels ?? Array.from({ length: PAGES_PER_SHEET }, (_, i) => `${i + 1} / ${PAGES_PER_SHEET}`),
  };
}
