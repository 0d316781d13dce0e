// Reading past official sheets back into data: from extracted text (the seed's tab-separated form) or from a
// PDF's text. Each sheet is read label by label in the form's reading order; what cannot be read with
// confidence is listed with its place in the input, never guessed silently.
//
// The form is the schema's (src/model/form.ts): every label looked for is what the sheet prints for a field (officialLabelPattern),
// the cost rows and their years, the indicator slots and the choices are the schema's, era years are era.ts's. What
// belongs to the printed page and to no field (which cells share a line, the order of the lines) is written here,
// each once: under "The official page" below, and in readSheet, which reads the lines in the page's order.
import { joinWrappedLines } from '../model/line-breaking';
import { ERA_SHORT_LABEL, ERA_YEAR_LABEL, parseEraYearLabel } from '../model/era';
import {
  blankSheet,
  choicesOf,
  COST_ROWS,
  escapeRegExp,
  EVALUATION_ITEMS,
  FORM_FIELDS,
  formField,
  INDICATOR_SLOTS,
  NEXT_YEAR_VALUES,
  officialLabel,
  officialLabelPattern,
  rowYears,
  sectionHeading,
  SHEET_FORM,
  type Indicator,
  type Sheet,
  type YearRow,
} from '../model/form';
import { labelsFor } from '../model/schema';
import type { DataPath } from '../model/types';
import type { PdfLine, PdfPage } from './pdf-text';

/**
 * One line of input, its cells joined by single spaces, and where it came from (for messages). From a PDF,
 * `stated`: the texts on the line that the PDF states outright (ActualText), so that its spaces are known.
 */
export interface SourceLine {
  text: string;
  where: string;
  stated?: string[];
}

export interface ImportNote {
  where: string;
  message: string;
}

export interface ImportedSheet {
  sheet: Sheet;
  notes: ImportNote[];
  where: string;
}

/**
 * White space trimmed, except full-width spaces and line breaks: in a PDF's text they come only from what the PDF
 * states (ActualText), so they are the original's, such as a paragraph's opening full-width space, or the line
 * break that ends a paragraph (joined to the next line as it is, by joinWrappedLines).
 */
const trim = (s: string): string => s.replace(/^[^\S\u3000\n]+|[^\S\u3000\n]+$/g, '');

/** A field's title. */
const title = (...path: string[]): string => formField(path).title;

/** The label that starts the official line of a field (what the sheet prints for it). */
const label = (...path: string[]): RegExp => officialLabel(path);

/** A field as messages name it: its labels below its section (`課題 › 業務`, `指標2 › 目標値`; `事務事業名`). */
const what = (path: DataPath): string => {
  const labels = labelsFor(path);
  return labels.slice(labels.length > 1 ? 1 : 0).join(' › ');
};

// ——— The official page: what it prints that is no field's, each fact once. ———

/** A sheet starts at its title: its fiscal year as an era year, then the form's title (`令和 3年度 事務事業マネジメントシート`). */
const TITLE = new RegExp(`^(${ERA_YEAR_LABEL})\\s*${escapeRegExp(SHEET_FORM.title!)}$`);

/**
 * The section headings, each a line of its own: the sections' names as YAML files head them (x-section, without the
 * note in （） that the YAML heading adds). 方向性 names both its section and the section's first row: it is read as
 * that row's label, not skipped as a heading.
 */
const SECTION_HEADINGS = new Set(
  FORM_FIELDS.flatMap((f) => (f.node['x-section'] ? [sectionHeading(f.path)] : [])).filter(
    (heading) => !FORM_FIELDS.some((f) => f.title === heading && !f.node['x-section']),
  ),
);

/** The fields printed at the right of the 戦略プラン rows, one a row: those of the side box (x-box sideItem). */
const SIDE_ITEMS = FORM_FIELDS.filter((f) => f.node['x-box'] === 'sideItem').map((f) => f.path);

/**
 * 課題 is printed once, across the rows of its two texts: the text carries it before the first row's label only
 * (`課題 業務 …`). The cost table's groups (事業費, 内訳, 人件費), which are no field, are the rows' x-group.
 */
const CHALLENGES = ['results', 'challenges'];
const FIRST_CHALLENGE = new RegExp(`^${escapeRegExp(title(...CHALLENGES))} (?:${officialLabelPattern([...CHALLENGES, 'operations'])})(?= |$)`);

/** An indicator slot's number is printed once, across its rows: the text may carry it before any row's label. */
const slotRow = (field: string): RegExp => new RegExp(`^(?:[0-9] )?(?:${officialLabelPattern(['indicators', '*', field])})(?= |$)`);

/** An indicator's first line: `名称 (単位) 種類`, the kind being one of the schema's choices or none. */
const INDICATOR_HEAD = new RegExp(`^(.*?) ?\\(([^()]*)\\)(?: (${choicesOf(['indicators', '*', 'kind']).map(escapeRegExp).join('|')}))?$`);

/** The cells of the 事務事業名 line (`087 情報化推進事業`) and of the 予算科目 cell (`01-020108-14 …に要する経費`). */
const NUMBER_AND_NAME = /^([0-9]{1,4}) (.*)$/;
const BUDGET_CODE_AND_NAME = /^([0-9]{2}-[0-9]{6}-[0-9]{2}) ?(.*)$/;

/** One 担当部課 cell holds both the department and the division: a department's name ends in 部. */
const DEPARTMENT_AND_DIVISION = /^(.+?部)(.+)$/;

/** A 戦略プラン row: its code, policy and measure numbers, then the measure's title. */
const STRATEGIC_PLAN_ROW = /^(\S+) ([0-9]+) ([0-9]+) (.+)$/;

/** An SDGs cell, one goal a line: its number in two digits, then the goal's name (`09産業と技術革新の基盤をつくろう`). */
const SDG_GOAL = /^([0-9]{2})/;
const SDG_LINE = /^[0-9]{2}\D/;

/** Text as the seed gives it: cells separated by tabs, sometimes with HTML paragraph marks from the extraction. */
export function linesFromText(text: string, name: string): SourceLine[] {
  return text
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .flatMap((line, i) =>
      // `<p>…</p> <p>…</p>` in one cell were paragraphs of the original: each becomes a line.
      line.split(/<\/p>\s*<p>/).map((piece) => ({
        text: piece
          .split('\t')
          .map((cell) => cell.replace(/<\/?p>/g, '').trim())
          .filter((cell) => cell !== '')
          .join(' '),
        where: `${name}:${i + 1}`,
      })),
    )
    .filter((l) => l.text !== '');
}

const PAGE_NUMBER = /^[0-9]+( \/ [0-9]+)?$/;

/**
 * Whether the last line of a page is its page number, not data: a tagged page may say so (a page number is an
 * artifact there, as on sheetbook's pages and in any PDF/UA file); else the number stands apart, in the foot of the
 * page — further below the line above it than the lines of one text are apart. A figure that ends a text, on a
 * line of its own, is neither.
 */
function isPageNumber(line: PdfLine, above: PdfLine | undefined, tagged: boolean): boolean {
  if (!PAGE_NUMBER.test(line.text)) return false;
  if (tagged && line.artifact) return true;
  return above === undefined || line.y - above.y > 2 * Math.max(line.size, above.size);
}

/** Pages of text taken out of a PDF (cells separated by tabs): page numbers at the foot are not data. */
export function linesFromPdfPages(pages: PdfPage[], name: string): SourceLine[] {
  const lines: SourceLine[] = [];
  pages.forEach(({ lines: pdfLines, tagged }, p) => {
    const pageLines = pdfLines.map((l) => ({ ...l, text: l.text.split('\t').map(trim).filter(Boolean).join(' ') })).filter((l) => l.text !== '');
    while (pageLines.length > 0 && isPageNumber(pageLines[pageLines.length - 1], pageLines[pageLines.length - 2], tagged)) pageLines.pop();
    pageLines.forEach(({ text, stated }, i) => {
      const line: SourceLine = { text, where: `${name}（${p + 1} ページ ${i + 1} 行目）` };
      if (stated.length > 0) line.stated = stated;
      lines.push(line);
    });
  });
  return lines;
}

/** Split the input into sheets at their title lines; stretches without a 事務事業名 line (a cover, contents) are skipped. */
export function splitSheets(lines: SourceLine[]): SourceLine[][] {
  const sheets: SourceLine[][] = [];
  let current: SourceLine[] | undefined;
  for (const line of lines) {
    if (TITLE.test(line.text)) {
      current = [line];
      sheets.push(current);
    } else current?.push(line);
  }
  return sheets.filter((s) => s.some((l) => label('name').test(l.text)));
}

const number = (token: string): number => Number(token.replace(/,/g, ''));
const isFigure = (token: string) => /^-?[0-9][0-9,]*(\.[0-9]+)?$/.test(token);

class SheetReader {
  // Line 0 is the title, read by the caller.
  private i = 1;
  readonly notes: ImportNote[] = [];

  constructor(private readonly lines: SourceLine[]) {}

  /** The next line, without consuming it. */
  peek(): SourceLine | undefined {
    return this.lines[this.i];
  }

  next(): SourceLine | undefined {
    return this.lines[this.i++];
  }

  get where(): string {
    return this.lines[Math.min(this.i, this.lines.length - 1)]?.where ?? '';
  }

  note(message: string, where = this.where): void {
    this.notes.push({ where, message });
  }

  private skipHeaders(): void {
    while (this.i < this.lines.length && SECTION_HEADINGS.has(this.lines[this.i].text)) this.i++;
  }

  /** The line that starts with `label`; lines skipped on the way are reported. */
  take(label: RegExp, what: string): { rest: string; where: string } | undefined {
    this.skipHeaders();
    const start = this.i;
    for (let j = this.i; j < this.lines.length; j++) {
      const text = this.lines[j].text;
      const m = label.exec(text);
      if (m) {
        for (let k = start; k < j; k++) if (!SECTION_HEADINGS.has(this.lines[k].text)) this.note(`読み取れない行を飛ばしました: 「${this.lines[k].text}」`, this.lines[k].where);
        this.i = j + 1;
        return { rest: trim(text.slice(m[0].length)), where: this.lines[j].where };
      }
    }
    this.note(`「${what}」が見つかりません`);
    return undefined;
  }

  /** Text continued on following lines until a line that starts one of `until` (wrapped in the PDF). */
  continued(first: string, until: RegExp[]): string {
    let value = first;
    while (this.i < this.lines.length) {
      const text = this.lines[this.i].text;
      if (until.some((u) => u.test(text)) || SECTION_HEADINGS.has(text) || TITLE.test(text)) break;
      value = value === '' ? text : joinWrappedLines(value, text);
      this.i++;
    }
    return value;
  }

  /** The text of the field at `path`, on its line and the lines after it, until a line that starts one of `until`. */
  text(path: string[], until: RegExp[], label = officialLabel(path)): string {
    return this.continued(this.take(label, what(path))?.rest ?? '', until);
  }
}

/**
 * `left LABEL right` on one line, the label a field's (officialLabelPattern): the last occurrence of the label
 * between two cells separates them, else one that ends or starts the line.
 */
function splitAt(text: string, path: string[]): [string, string] | undefined {
  const found = [...text.matchAll(new RegExp(`(?<=^| )(?:${officialLabelPattern(path)})(?= |$)`, 'g'))];
  const inner = found.filter((m) => m.index > 0 && m.index + m[0].length < text.length);
  const m = inner[inner.length - 1] ?? found.find((m) => m.index > 0) ?? found[0];
  if (!m) return undefined;
  return [trim(text.slice(0, Math.max(0, m.index - 1))), trim(text.slice(m.index + m[0].length + 1))];
}

/** Names of official cells end in a noun; one ending in a particle was most likely cut at the cell's edge. */
function looksClipped(text: string): boolean {
  return /[をのにがはとでへや、]$/.test(text) || /に要する経$/.test(text);
}

function figures(rest: string, count: number, reader: SheetReader, what: string): number[] {
  const tokens = rest.split(' ').filter(isFigure);
  if (tokens.length !== count) reader.note(`${what}: 数値が ${count} 個ではありません（${tokens.length} 個: 「${rest}」）`);
  return Array.from({ length: count }, (_, k) => (tokens[k] === undefined ? 0 : number(tokens[k])));
}

function byYear<T>(years: number[], values: T[]): YearRow<T> {
  return Object.fromEntries(years.map((y, k) => [String(y), values[k]]));
}

export interface ReadOptions {
  /** The source prints every text whole (a PDF that sheetbook wrote): no cell can have been cut at its edge. */
  whole?: boolean;
}

export function readSheet(lines: SourceLine[], options: ReadOptions = {}): ImportedSheet {
  const r = new SheetReader(lines);
  const clipped = (text: string) => !options.whole && looksClipped(text);
  const fiscalYear = parseEraYearLabel(TITLE.exec(lines[0].text)![1])!;
  const costYears = rowYears(formField(['costs', COST_ROWS[0]]).node, fiscalYear);
  const indicatorYears = rowYears(formField(['indicators', '*', 'target']).node, fiscalYear);

  const nameLine = r.take(label('name'), what(['name']));
  const nameMatch = NUMBER_AND_NAME.exec(nameLine?.rest ?? '');
  if (!nameMatch) r.note(`${title('name')}から${title('number')}を読み取れません（「${nameLine?.rest ?? ''}」）`, nameLine?.where);

  // 予算科目 and 担当部課 share a line; 担当部課 (x-label) is the department's and the division's cell.
  const budgetLine = r.take(label('budgetItem'), what(['budgetItem']));
  const [budgetCell = '', orgCell = ''] = (budgetLine && splitAt(budgetLine.rest, ['department'])) ?? [budgetLine?.rest ?? '', ''];
  const budget = BUDGET_CODE_AND_NAME.exec(budgetCell);
  if (!budget) r.note(`${title('budgetItem')}のコードを読み取れません（「${budgetCell}」）`, budgetLine?.where);
  const budgetName = budget?.[2] ?? budgetCell;
  if (clipped(budgetName)) r.note(`${title('budgetItem')}の名称が途中で切れている可能性があります（「${budgetName}」）。原本で確かめてください`, budgetLine?.where);
  const org = DEPARTMENT_AND_DIVISION.exec(orgCell);
  if (!org) r.note(`${title('department')}と${title('division')}に分けられません（「${orgCell}」）。department と division を確かめてください`, budgetLine?.where);

  // 市長公約 and 係名 share a line.
  const pledgeLine = r.take(label('mayorPledges'), what(['mayorPledges']));
  const [pledges = '', section = ''] = (pledgeLine && splitAt(pledgeLine.rest, ['section'])) ?? ['', ''];
  const mayorPledges = pledges.split(' ').filter(Boolean).map(Number);
  if (mayorPledges.some((n) => !Number.isInteger(n))) r.note(`${title('mayorPledges')}の番号を読み取れません（「${pledges}」）`, pledgeLine?.where);

  // 戦略プラン rows, with the side items (新規・継続, 事業分類, 事業体制) at their right.
  const side = new Map<string, string>();
  const strategicPlans: Sheet['strategicPlans'] = [];
  const planFirst = r.take(label('strategicPlans'), what(['strategicPlans']));
  const planLines: { text: string; where?: string }[] = planFirst ? [{ text: planFirst.rest, where: planFirst.where }] : [];
  while (planFirst && r.peek() && !label('individualPlan').test(r.peek()!.text)) {
    const line = r.next()!;
    planLines.push({ text: line.text, where: line.where });
  }
  for (const { text, where } of planLines) {
    let rest = text;
    for (const path of SIDE_ITEMS) {
      const split = splitAt(rest, path);
      if (split) {
        side.set(path.join('.'), split[1]);
        rest = split[0];
      }
    }
    if (rest === '') continue;
    const plan = STRATEGIC_PLAN_ROW.exec(rest);
    if (!plan) {
      r.note(`${title('strategicPlans')}の行を読み取れません（「${rest}」）`, where);
      continue;
    }
    if (clipped(plan[4])) r.note(`${title('strategicPlans')}の${title('strategicPlans', '*', 'title')}が途中で切れている可能性があります（「${plan[4]}」）。原本で確かめてください`, where);
    strategicPlans.push({ code: plan[1], policy: Number(plan[2]), measure: Number(plan[3]), title: plan[4] });
  }
  for (const path of SIDE_ITEMS) if (!side.has(path.join('.'))) r.note(`「${what(path)}」が見つかりません`, planFirst?.where);

  // 個別計画 and 事業期間 share a line; so may 根拠法令等 and SDGs, whose goals follow a line each.
  const planLine = r.take(label('individualPlan'), what(['individualPlan']));
  const [individualPlan = '', period = ''] = (planLine && splitAt(planLine.rest, ['period'])) ?? ['', ''];
  const legalLine = r.take(label('legalBasis'), what(['legalBasis']));
  let legalText = legalLine?.rest ?? '';
  let sdgText = '';
  const sameLine = splitAt(legalText, ['sdgs']);
  if (sameLine) [legalText, sdgText] = sameLine;
  else {
    legalText = r.continued(legalText, [label('sdgs')]);
    sdgText = r.take(label('sdgs'), what(['sdgs']))?.rest ?? '';
  }
  const sdgs: number[] = [];
  const goalRange = formField(['sdgs']).node.items!;
  const sdgLines = [sdgText];
  while (r.peek() && SDG_LINE.test(r.peek()!.text)) sdgLines.push(r.next()!.text);
  for (const line of sdgLines.filter(Boolean)) {
    const goal = SDG_GOAL.exec(line);
    if (goal && Number(goal[1]) >= goalRange.minimum! && Number(goal[1]) <= goalRange.maximum!) sdgs.push(Number(goal[1]));
    else r.note(`${title('sdgs')} の目標番号を読み取れません（「${line}」）`);
  }

  /** The texts of a section in form order, each running on until the next one's label (the last until `after`). */
  const sectionTexts = (section: 'overview' | 'participation', after: RegExp): Record<string, string> => {
    const keys = Object.keys(formField([section]).node.properties!);
    return Object.fromEntries(keys.map((key, k) => [key, r.text([section, key], [k + 1 < keys.length ? label(section, keys[k + 1]) : after])]));
  };
  const overview = sectionTexts('overview', label('costs')) as Sheet['overview'];

  // The cost table: its heading line (項目, x-head) gives the years, then a line a row.
  const header = r.take(label('costs'), `${title('costs')}の見出し`);
  const headerYears = (header?.rest ?? '').match(new RegExp(`${ERA_YEAR_LABEL}|\\S+`, 'g')) ?? [];
  if (headerYears.length !== costYears.length || headerYears.some((y) => parseEraYearLabel(y) === undefined))
    r.note(`${title('costs')}の年度の見出しを読み取れません（「${header?.rest ?? ''}」）`, header?.where);
  const costs: Record<string, YearRow<unknown>> = {};
  for (const key of COST_ROWS) {
    const path = ['costs', key];
    const row = r.take(label(...path), what(path));
    if (!row) continue;
    const years = rowYears(formField(path).node, fiscalYear);
    const choices = choicesOf([...path, '*']);
    if (choices.length > 0) {
      // A row of choices (会計年度任用職員有無: 有 or 無), a choice a year; one not read is the schema's default.
      const marks = row.rest.split(' ').filter((t) => choices.includes(t));
      if (marks.length !== years.length) r.note(`${what(path)}: ${choices.map((c) => `「${c}」`).join('')}が ${years.length} 個ではありません（「${row.rest}」）`, row.where);
      costs[key] = byYear(years, years.map((_, k) => marks[k] ?? formField([...path, '*']).node.default));
    } else costs[key] = byYear(years, figures(row.rest, years.length, r, what(path)));
  }

  const participation = sectionTexts('participation', slotRow('name')) as Sheet['participation'];

  // The indicator slots, each printed whether used or not: a slot left empty is not a sheet's indicator.
  const indicators: Indicator[] = [];
  for (let slot = 1; slot <= INDICATOR_SLOTS; slot++) {
    const slotName = what(['indicators', slot - 1]);
    const head = r.take(slotRow('name'), `${slotName}の${title('indicators', '*', 'name')}`);
    if (!head) break;
    const m = INDICATOR_HEAD.exec(head.rest);
    if (!m) r.note(`${slotName}の${title('indicators', '*', 'name')}と${title('indicators', '*', 'unit')}を読み取れません（「${head.rest}」）`, head.where);
    r.take(new RegExp(`^${ERA_SHORT_LABEL}`), `${slotName}の年度`);
    const target = figures(r.take(slotRow('target'), `${slotName}の${title('indicators', '*', 'target')}`)?.rest ?? '', indicatorYears.length, r, what(['indicators', slot - 1, 'target']));
    const actual = figures(r.take(slotRow('actual'), `${slotName}の${title('indicators', '*', 'actual')}`)?.rest ?? '', indicatorYears.length, r, what(['indicators', slot - 1, 'actual']));
    const description = r.continued(r.take(slotRow('description'), `${slotName}の概要`)?.rest ?? '', [slotRow('name'), label('results', 'previousIssues')]);
    const used = (m?.[1] ?? '') !== '' || (m?.[2] ?? '') !== '' || m?.[3] !== undefined || description !== '' || [...target, ...actual].some((v) => v !== 0);
    if (!used) continue;
    const indicator: Indicator = { name: m?.[1] ?? head.rest, unit: m?.[2] ?? '', target: byYear(indicatorYears, target), actual: byYear(indicatorYears, actual) };
    if (m?.[3]) indicator.kind = m[3] as Indicator['kind'];
    indicator.description = description;
    if (indicators.length !== slot - 1) r.note(`${slotName}より前に空の枠があります。空の枠は省いて読みました`, head.where);
    indicators.push(indicator);
  }

  const previousIssues = r.text(['results', 'previousIssues'], [label('results', 'achievements')]);
  const achievements = r.text(['results', 'achievements'], [label(...CHALLENGES)]);
  const operations = r.text([...CHALLENGES, 'operations'], [label(...CHALLENGES, 'organization')], FIRST_CHALLENGE);
  const organization = r.text([...CHALLENGES, 'organization'], [label('results', 'improvementGoal')]);
  const improvementGoal = r.text(['results', 'improvementGoal'], [label('evaluation'), label('evaluation', EVALUATION_ITEMS[0])]);

  // Each evaluation item's line: its score, then its sentence.
  const evaluation = {} as Sheet['evaluation'];
  const score = formField(['evaluation', EVALUATION_ITEMS[0], 'score']).node;
  for (const key of EVALUATION_ITEMS) {
    const line = r.take(label('evaluation', key), what(['evaluation', key]));
    const m = /^([0-9]) ?(.*)$/.exec(line?.rest ?? '');
    const scored = m && Number(m[1]) >= score.minimum! && Number(m[1]) <= score.maximum! ? m : undefined;
    if (!scored) r.note(`${title('evaluation', key)}の${score.title}を読み取れません（「${line?.rest ?? ''}」）`, line?.where);
    evaluation[key] = { score: Number(scored?.[1] ?? 0), sentence: scored?.[2] ?? '' };
  }
  // 方向性 is both the section's heading and its first row's label: a line of the label alone is the heading.
  let decisionLine = r.take(label('direction', 'decision'), what(['direction', 'decision']));
  if (decisionLine && decisionLine.rest === '') decisionLine = r.take(label('direction', 'decision'), what(['direction', 'decision']));
  const reason = r.text(['direction', 'reason'], []);

  // A field the official text does not carry stays as a blank sheet has it (validate then asks for it). A sheet whose
  // 新規・継続 cannot be read is taken to go on, as next year's sheet would (x-nextYear), and the reader says so.
  const continuing = NEXT_YEAR_VALUES.find((v) => v.key === 'status')!.value as Sheet['status'];
  const sheet: Sheet = {
    ...blankSheet(fiscalYear, 0),
    fiscalYear,
    number: Number(nameMatch?.[1] ?? 0),
    name: nameMatch?.[2] ?? nameLine?.rest ?? '',
    budgetItem: { code: budget?.[1] ?? '', name: budgetName },
    department: org?.[1] ?? orgCell,
    division: org?.[2] ?? '',
    section,
    mayorPledges,
    strategicPlans,
    status: (side.get('status') as Sheet['status']) ?? continuing,
    category: side.get('category') ?? '',
    structure: side.get('structure') ?? '',
    individualPlan,
    period,
    legalBasis: legalText,
    sdgs,
    overview,
    costs: costs as unknown as Sheet['costs'],
    participation,
    indicators,
    results: { previousIssues, achievements, challenges: { operations, organization }, improvementGoal },
    evaluation,
    // Whatever the text says: a word the schema does not know is reported when the draft is validated.
    direction: { decision: (decisionLine?.rest ?? '') as Sheet['direction']['decision'], reason },
  };
  return { sheet, notes: r.notes, where: lines[0].where };
}
