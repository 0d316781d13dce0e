// The overview of a year's evaluation (評価結果一覧), published with the booklet: on its first page the counts
// by 方向性 (in total and by 部) and two charts — the 方向性 and the total cost by 部 — then the list of every
// project with its 方向性, its four scores and its total cost. Computed from the values the sheets print (the
// derived view, and the same 人件費計 the cost table shows); laid out by templates/overview.hbs.
import { join } from 'node:path';
import { issuedOn, type CityData } from '../model/city';
import { eraYearLabel, eraYearText } from '../model/era';
import { UserError } from '../model/errors';
import { DIRECTIONS, EVALUATION_ITEMS, formField, type Direction, type EvaluationItemKey, type Sheet } from '../model/form';
import { formatAmount, formatNumber } from '../model/format';
import { personnelCosts } from '../pipeline/derive';
import type { FitNote, FittedBox } from '../pipeline/fit';
import type { DocDefinition } from '../pipeline/layout';
import type { RenderedDocument } from '../pdf/pages';
import { renderPages } from '../pipeline/render';
import { documentPdf, type Workspace } from '../pipeline/sheet';
import { writeFileAtomic } from '../pipeline/write';
import type { PrintedValue } from './printed';
import { barSteps, costChart, directionChart, wrapLabel } from './charts';

/** The overview's name: its title after the year, and its file's name. */
export const OVERVIEW_TITLE = '評価結果一覧';

/** A checked sheet as the overview takes it: its data and its derived view (`checkSheet(…).sheet` and `.view`). */
/** One project of the overview. Costs are the fiscal year's, in 千円. */
export interface OverviewProject {
  number: number;
  name: string;
  department: string;
  division: string;
  direction: Direction;
  /** The four scores, in the order of `OverviewData.evaluationItems`. */
  scores: number[];
  /** 決算額 of the year. */
  settled: number;
  /** 人件費計 of the year (as the sheet's cost table prints it: written, or computed from the rates). */
  personnel: number;
  /** トータルコスト: settled + personnel. */
  total: number;
}

/** Counts and costs of a group of projects (a 部, or all of them). */
export interface OverviewTally {
  projects: number;
  /** Projects by 方向性, in the order of `OverviewData.directions` (zeros included). */
  byDirection: number[];
  settled: number;
  personnel: number;
  total: number;
}

export interface OverviewData {
  fiscalYear: number;
  /** 「令和 3年度 評価結果一覧」 */
  title: string;
  city: string;
  /** Every 方向性 a sheet may take, in the schema's order. */
  directions: Direction[];
  /** The evaluation items in form order, with their labels (the schema's titles). */
  evaluationItems: { key: EvaluationItemKey; label: string }[];
  /** In number order. */
  projects: OverviewProject[];
  /** 部 in order of their first project's number. */
  departments: (OverviewTally & { name: string })[];
  total: OverviewTally;
}

const emptyTally = (): OverviewTally => ({ projects: 0, byDirection: DIRECTIONS.map(() => 0), settled: 0, personnel: 0, total: 0 });

function count(tally: OverviewTally, project: OverviewProject): void {
  tally.projects += 1;
  tally.byDirection[DIRECTIONS.indexOf(project.direction)] += 1;
  tally.settled += project.settled;
  tally.personnel += project.personnel;
  tally.total += project.total;
}

/** One project's row of the overview, from its checked sheet: the figures of the sheet's own year. */
export function overviewProject(sheet: Sheet, city: CityData): OverviewProject {
  const label = formatNumber(sheet.number);
  const year = String(sheet.fiscalYear);
  const direction = sheet.direction.decision as Direction;
  if (!DIRECTIONS.includes(direction)) throw new UserError(`シート ${label} の方向性（「${direction ?? ''}」）が選択肢にありません。`);
  const scores = EVALUATION_ITEMS.map((item) => sheet.evaluation[item].score);
  if (!scores.every((s): s is number => Number.isInteger(s))) throw new UserError(`シート ${label} の評価の点数が入力されていません。`);
  const settled = sheet.costs.settled[year] ?? 0;
  const personnel = personnelCosts(sheet, city)[year] ?? 0;
  return { number: sheet.number, name: sheet.name, department: sheet.department, division: sheet.division, direction, scores, settled, personnel, total: settled + personnel };
}

/** The overview's figures for a fiscal year, from its checked sheets (in any order). */
export function overviewData(fiscalYear: number, sheets: readonly Sheet[], city: CityData): OverviewData {
  for (const sheet of sheets) {
    if (sheet.fiscalYear !== fiscalYear) {
      throw new UserError(`シート ${formatNumber(sheet.number)} は${eraYearText(sheet.fiscalYear)}のシートです。${eraYearText(fiscalYear)}の${OVERVIEW_TITLE}には入れられません。`);
    }
  }
  return summarize(fiscalYear, sheets.map((sheet) => overviewProject(sheet, city)), city);
}

/** The overview's figures from each project's row. */
export function summarize(fiscalYear: number, rows: readonly OverviewProject[], city: CityData): OverviewData {
  const seen = new Set<number>();
  for (const row of rows) {
    if (seen.has(row.number)) throw new UserError(`${OVERVIEW_TITLE}: 事業番号 ${formatNumber(row.number)} のシートが 2 つあります。`);
    seen.add(row.number);
  }
  const projects = [...rows];
  projects.sort((a, b) => a.number - b.number);
  const departments = new Map<string, OverviewTally & { name: string }>();
  const total = emptyTally();
  for (const project of projects) {
    let department = departments.get(project.department);
    if (!department) departments.set(project.department, (department = { name: project.department, ...emptyTally() }));
    count(department, project);
    count(total, project);
  }
  return {
    fiscalYear,
    title: `${eraYearLabel(fiscalYear)} ${OVERVIEW_TITLE}`,
    city: city.name,
    directions: [...DIRECTIONS],
    evaluationItems: EVALUATION_ITEMS.map((key) => ({ key, label: formField(['evaluation', key]).title })),
    projects,
    departments: [...departments.values()],
    total,
  };
}

/** The overview drawn, ready to be placed in a booklet (after its contents) or written as its own PDF. */
export type RenderedOverview = RenderedDocument & { info: DocDefinition['info'] };

/** 「3件（60.0%）」: a count and its share of all projects. */
function countLabel(n: number, of: number): string {
  return of === 0 ? `${n}件` : `${n}件（${((n / of) * 100).toFixed(1)}%）`;
}

/** The table of templates/layout.yaml the template draws, checked to have the columns the data has. */
function checkColumns(workspace: Workspace, table: string, expected: number, what: string): void {
  const columns = workspace.templates.layout.tables[table]?.columns.length;
  if (columns !== expected) {
    throw new UserError(`templates/layout.yaml の tables.${table} には列が ${expected} 列（${what}）必要です（${columns ?? 0} 列あります）。`);
  }
}

/** Draw the overview: page 1 (counts and charts), then the project list on as many pages as it takes. */
export async function renderOverview(workspace: Workspace, fiscalYear: number, data: OverviewData): Promise<RenderedOverview> {
  const { layout } = workspace.templates;
  if (fiscalYear !== data.fiscalYear) throw new Error(`overview data of ${data.fiscalYear} rendered as ${fiscalYear}`);
  checkColumns(workspace, 'overviewCounts', data.directions.length + 2, '部、方向性ごと、計');
  checkColumns(workspace, 'overviewList', data.evaluationItems.length + 5, '番号、事務事業名、部・課、方向性、評価項目ごと、トータルコスト');
  const fit = (box: string, text: string, field: string[]): FittedBox => {
    const notes: FitNote[] = [];
    const fitted = workspace.fitter.fitBox({ box, text, field }, notes);
    if (notes.some((n) => n.severity === 'error')) {
      throw new UserError(`${OVERVIEW_TITLE}の「${text.replace(/\n/g, ' ')}」が枠に収まりません。templates/layout.yaml の boxes.${box} を見直してください。`);
    }
    return fitted;
  };

  // How the overview with an empty list is laid out: whether both charts are drawn (pdfmake leaves out, without a
  // word, a figure taller than a page), and whether page 1 holds everything before the list (two pages in all).
  const trial = (definition: DocDefinition) => {
    const { pages, structure } = renderPages(definition, layout, workspace.fontSet);
    const figures = structure.flatMap((n, i) => (n.s === 'Figure' ? [i] : []));
    const drawn = figures.every((sid) => pages.some((page) => page.marks.includes(sid)));
    return { drawn, onPage1: drawn && pages.length <= 2 };
  };
  const charts = layout.overview.charts;
  const contentWidth = layout.page.width - layout.page.margins[0] - layout.page.margins[2];
  const costWidth = contentWidth - charts.directionWidth - charts.gap;
  if (costWidth < charts.labelWidth + 60) {
    throw new UserError('templates/layout.yaml の overview.charts の directionWidth と gap が大きすぎて、コストのグラフが入りません。');
  }
  const of = data.total.projects;
  const directionBars = data.directions.map((direction, i) => ({ direction, count: data.total.byDirection[i], label: countLabel(data.total.byDirection[i], of) }));
  const wrapped = data.departments.map((d) => wrapLabel(workspace.fontSet, layout.font, d.name, charts.fontSize, charts.labelWidth));
  const costBars = data.departments.map((d, i) => ({ lines: wrapped[i], parts: [d.settled, d.personnel], label: formatAmount(d.total) }));
  const partNames = [formField(['costs', 'settled']).title, formField(['costs', 'personnelCost']).title];
  const directionSvg = directionChart(workspace.fontSet, layout, directionBars);
  const costSvg = (step: number) => costChart(workspace.fontSet, layout, costBars, partNames, costWidth, step);

  // What each chart shows, in words: a screen reader reads this for the figure (PDF/UA: a figure has /Alt).
  const directionAlt = `方向性の内訳のグラフ。${directionBars.map((b) => `${b.direction} ${b.label}`).join('、')}。`;
  const costAlt = `部別のトータルコストのグラフ（千円）。${data.departments
    .map((d) => `${d.name} ${formatAmount(d.total)}（${partNames[0]} ${formatAmount(d.settled)}、${partNames[1]} ${formatAmount(d.personnel)}）`)
    .join('、')}。`;

  const tally = (t: OverviewTally) => ({ counts: t.byDirection.map(String), projects: String(t.projects) });
  const counts = {
    rows: data.departments.map((d) => ({ department: fit('overviewDepartment', d.name, ['department']), ...tally(d) })),
    total: tally(data.total),
  };
  const rows = data.projects.map((p) => ({
    number: formatNumber(p.number),
    name: fit('overviewName', p.name, ['name']),
    unit: fit('overviewUnit', `${p.department}\n${p.division}`, ['department']),
    direction: p.direction,
    scores: p.scores.map(String),
    total: formatAmount(p.total),
  }));
  const definition = (cost: string, listed: typeof rows): DocDefinition => {
    const context = {
      layout,
      title: data.title,
      city: data.city,
      directions: data.directions,
      evaluationItems: data.evaluationItems.map((i) => i.label),
      counts,
      charts: {
        direction: { svg: directionSvg, width: charts.directionWidth, alt: directionAlt },
        cost: { svg: cost, width: costWidth, parts: partNames.join('＋'), alt: costAlt },
      },
      list: {
        rows: listed,
        total: formatAmount(data.total.total),
        // 合計 spans every column but the cost (pdfmake wants the cells it covers as empty objects).
        totalSpan: data.evaluationItems.length + 4,
        spanned: Array.from({ length: data.evaluationItems.length + 3 }, () => ({})),
      },
    };
    return workspace.templates.overview(context);
  };

  // The cost chart grows with the number of 部. Its bars are narrowed, step by step, until page 1 holds it; when no
  // step will do (many 部), the charts move to the next page, at the largest step that a page holds.
  const steps = barSteps(layout, Math.max(1, ...wrapped.map((w) => w.length)));
  let cost: string | undefined;
  let onAPage: string | undefined;
  for (const step of steps) {
    const svg = costSvg(step);
    const { drawn, onPage1 } = trial(definition(svg, []));
    if (onPage1) {
      cost = svg;
      break;
    }
    if (drawn) onAPage ??= svg;
  }
  cost ??= onAPage;
  if (cost === undefined) {
    throw new UserError(
      `${OVERVIEW_TITLE}: 部が ${data.departments.length} あるため、部別のトータルコストのグラフが 1 ページに入りません。` +
        'templates/layout.yaml の overview.charts の fontSize（文字の大きさ）を小さくするか、labelWidth（部の名前を折り返す幅）を広げてください。',
    );
  }
  const rendered = renderPages(definition(cost, rows), layout, workspace.fontSet);
  const departments = data.departments.map((d) => d.name);
  return {
    ...rendered,
    info: {
      title: data.title,
      author: data.city,
      subject: `${data.city} ${data.title}（${data.projects.length} 事業）`,
      keywords: departments.join(', '),
    },
  };
}

/** The overview as its own PDF: its pages numbered `1 / n`… as the sheets are. */
export function overviewPdf(workspace: Workspace, fiscalYear: number, rendered: RenderedOverview): Buffer {
  return documentPdf(workspace, rendered, rendered.info, issuedOn(workspace.city, fiscalYear));
}

/** Where the overview's PDF goes: `<outDir>/<year>/評価結果一覧.pdf`. */
export const overviewPath = (outDir: string, fiscalYear: number): string => join(outDir, String(fiscalYear), `${OVERVIEW_TITLE}.pdf`);

/** Write the overview's PDF (whole or not at all); returns its path. */
export function writeOverview(workspace: Workspace, fiscalYear: number, rendered: RenderedOverview, outDir = 'output'): string {
  const target = overviewPath(outDir, fiscalYear);
  writeFileAtomic(target, overviewPdf(workspace, fiscalYear, rendered));
  return target;
}

/**
 * What the overview prints, value by value, for the record and the 正誤表: the counts by 方向性 and the cost of each
 * 部 (page 1), and each project's row of the list (the page it landed on, read from the rendered pages' marked
 * content: the list is the document's last table, one row per project after the header).
 */
export function overviewValues(data: OverviewData, rendered: RenderedDocument): PrintedValue[] {
  const values: PrintedValue[] = [];
  const title = '評価結果一覧';
  for (const tally of [...data.departments, { ...data.total, name: '合計' }]) {
    data.directions.forEach((direction, i) => {
      values.push({ key: `overview.counts.${tally.name}.${direction}`, page: 1, place: [title, '方向性別の事業数', tally.name, direction], text: String(tally.byDirection[i]) });
    });
    values.push({ key: `overview.cost.${tally.name}`, page: 1, place: [title, '部別のトータルコスト（千円）', tally.name], text: formatAmount(tally.total) });
  }
  const structure = rendered.structure;
  const list = structure.map((n, i) => (n.s === 'Table' ? i : -1)).filter((i) => i >= 0).at(-1);
  const rows = structure.map((n, i) => (n.s === 'TR' && n.p === list ? i : -1)).filter((i) => i >= 0);
  const pageOf = new Map<number, number>();
  rendered.pages.forEach((page, p) => page.marks.forEach((sid) => {
    for (let at = sid; at >= 0; at = structure[at].p) if (structure[at].s === 'TR' && !pageOf.has(at)) pageOf.set(at, p + 1);
  }));
  data.projects.forEach((project, k) => {
    const page = pageOf.get(rows[k + 1]) ?? 1;
    const who = `${formatNumber(project.number)} ${project.name}`;
    const cells: [string, string][] = [
      ['方向性', project.direction],
      ...data.evaluationItems.map((item, i): [string, string] => [item.label, String(project.scores[i])]),
      ['トータルコスト（千円）', formatAmount(project.total)],
    ];
    for (const [label, text] of cells) values.push({ key: `overview.list.${formatNumber(project.number)}.${label}`, page, place: [title, who, label], text });
  });
  return values;
}
