// Stage 3 — derive: a validated sheet → everything the layout prints, as display strings.
// Era years, column headings, SDG names, standard sentences and number formats are decided here, once.
import { personnelCostFor, type CityData } from '../model/city';
import { costYears, eraShortLabel, eraYearLabel, indicatorYears } from '../model/era';
import { formatAmount, formatIndicator, formatNumber, formatTwoDecimals } from '../model/format';
import { sdgLine } from '../model/sdgs';
import type { DataPath, EvaluationItemKey, Indicator, Sheet, YearRow } from '../model/types';

export const INDICATOR_SLOTS = 5;
export const PAGES_PER_SHEET = 2;
export const EVALUATION_ITEMS: EvaluationItemKey[] = ['citizenNeeds', 'progress', 'cityInvolvement', 'priority'];

/**
 * Text a person wrote, bound for one box of the form (`box` names its size in templates/layout.yaml).
 * The fit stage sets the size it is printed at; `field` is where it came from, for messages.
 */
export interface TextBox {
  box: string;
  text: string;
  field: DataPath;
  /** Tried when `text` cannot fit even at the floor (e.g. a list set as running text). */
  alternative?: string;
  /** What to do when it cannot fit at all, added to the message. */
  hint?: string;
  fontSize?: number;
  characterSpacing?: number;
  /** The text as pdfmake sets it (see measure.ts), filled in by the fit stage with the size. */
  runs?: unknown[];
}

const box = (id: string, text: string, field: DataPath, alternative?: string, hint?: string): TextBox => ({
  box: id,
  text,
  field,
  ...(alternative === undefined ? {} : { alternative }),
  ...(hint === undefined ? {} : { hint }),
});

export interface IndicatorSlot {
  number: number;
  name: TextBox;
  kind: TextBox;
  target: string[];
  actual: string[];
  description: TextBox;
}

export interface SheetView {
  fiscalYear: number;
  number: string;
  name: string;
  title: string;
  projectName: TextBox;
  budgetItem: TextBox;
  department: TextBox;
  departmentName: string;
  divisionName: string;
  mayorPledges: TextBox;
  section: TextBox;
  /** 戦略プラン rows, at least three: the form prints 新規・継続, 事業分類 and 事業体制 beside them. */
  strategicPlanRows: { code: TextBox; policy: string; measure: string; title: TextBox }[];
  status: TextBox;
  category: TextBox;
  structure: TextBox;
  individualPlan: TextBox;
  period: TextBox;
  legalBasis: TextBox;
  sdgs: TextBox;
  overview: { target: TextBox; purpose: TextBox; activities: TextBox };
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
  participation: { sharing: TextBox; planning: TextBox; implementation: TextBox; review: TextBox };
  indicatorTable: { years: string[]; slots: IndicatorSlot[] };
  results: {
    previousIssues: TextBox;
    achievements: TextBox;
    challenges: { operations: TextBox; organization: TextBox };
    improvementGoal: TextBox;
  };
  evaluation: Record<EvaluationItemKey, { score: string; sentence: TextBox }>;
  direction: { decision: TextBox; reason: TextBox };
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
  const at = (key: string): DataPath => (indicator ? ['indicators', index, key] : ['indicators']);
  return {
    number: index + 1,
    // The unit always stands in parentheses after the name, `()` when blank, as the official sheet prints it.
    name: box('indicatorName', `${indicator?.name ?? ''} (${indicator?.unit ?? ''})`, at('name')),
    kind: box('indicatorKind', indicator?.kind ?? '', at('kind')),
    target: values(indicator?.target),
    actual: values(indicator?.actual),
    description: box('indicatorDescription', indicator?.description ?? '', at('description')),
  };
}

export function deriveSheetView(sheet: Sheet, city: CityData): SheetView {
  const years = costYears(sheet.fiscalYear);
  const indYears = indicatorYears(sheet.fiscalYear);
  const number = formatNumber(sheet.number);
  const c = sheet.costs;
  const sdgLines = [...sheet.sdgs].sort((a, b) => a - b).map(sdgLine);
  return {
    fiscalYear: sheet.fiscalYear,
    number,
    name: sheet.name,
    title: `${eraYearLabel(sheet.fiscalYear)} ${city.documentTitle}`,
    projectName: box('projectName', `${number} ${sheet.name}`, ['name']),
    budgetItem: box('budgetItem', `${sheet.budgetItem.code} ${sheet.budgetItem.name}`, ['budgetItem', 'name']),
    department: box('department', `${sheet.department}${sheet.division}`, ['department']),
    departmentName: sheet.department,
    divisionName: sheet.division,
    mayorPledges: box('mayorPledges', sheet.mayorPledges.join(' '), ['mayorPledges']),
    section: box('section', sheet.section, ['section']),
    strategicPlanRows: [
      ...sheet.strategicPlans.map((p, i) => ({
        code: box('planCode', p.code, ['strategicPlans', i, 'code']),
        policy: String(p.policy),
        measure: String(p.measure),
        title: box('planTitle', p.title, ['strategicPlans', i, 'title']),
      })),
      ...Array.from({ length: Math.max(0, 3 - sheet.strategicPlans.length) }, () => ({
        code: box('planCode', '', ['strategicPlans']),
        policy: '',
        measure: '',
        title: box('planTitle', '', ['strategicPlans']),
      })),
    ],
    status: box('sideItem', sheet.status, ['status']),
    category: box('sideItem', sheet.category, ['category']),
    structure: box('sideItem', sheet.structure, ['structure']),
    individualPlan: box('individualPlan', sheet.individualPlan, ['individualPlan']),
    period: box('period', sheet.period, ['period']),
    legalBasis: box('legalBasis', sheet.legalBasis, ['legalBasis']),
    // One goal a line; when too many for the box, the goals run on as one text.
    sdgs: box('sdgs', sdgLines.join('\n'), ['sdgs'], sdgLines.join('　'), '目標の数を減らしてください'),
    overview: {
      target: box('target', sheet.overview.target, ['overview', 'target']),
      purpose: box('purpose', sheet.overview.purpose, ['overview', 'purpose']),
      activities: box('activities', sheet.overview.activities, ['overview', 'activities']),
    },
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
    participation: {
      sharing: box('participation', sheet.participation.sharing, ['participation', 'sharing']),
      planning: box('participation', sheet.participation.planning, ['participation', 'planning']),
      implementation: box('participation', sheet.participation.implementation, ['participation', 'implementation']),
      review: box('participation', sheet.participation.review, ['participation', 'review']),
    },
    indicatorTable: {
      years: indYears.map(eraShortLabel),
      slots: Array.from({ length: INDICATOR_SLOTS }, (_, i) => indicatorSlot(sheet.indicators[i], i, indYears)),
    },
    results: {
      previousIssues: box('previousIssues', sheet.results.previousIssues, ['results', 'previousIssues']),
      achievements: box('achievements', sheet.results.achievements, ['results', 'achievements']),
      challenges: {
        operations: box('challengeOperations', sheet.results.challenges.operations, ['results', 'challenges', 'operations']),
        organization: box('challengeOrganization', sheet.results.challenges.organization, ['results', 'challenges', 'organization']),
      },
      improvementGoal: box('improvementGoal', sheet.results.improvementGoal, ['results', 'improvementGoal']),
    },
    evaluation: Object.fromEntries(
      EVALUATION_ITEMS.map((item) => {
        const e = sheet.evaluation[item];
        const sentence = evaluationSentence(city, item, e.score, e.sentence);
        return [item, { score: String(e.score), sentence: box('evaluationSentence', sentence, ['evaluation', item, 'sentence']) }];
      }),
    ) as SheetView['evaluation'],
    direction: {
      decision: box('directionDecision', sheet.direction.decision, ['direction', 'decision']),
      reason: box('directionReason', sheet.direction.reason, ['direction', 'reason']),
    },
  };
}
