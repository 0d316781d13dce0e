// Reading past official sheets back into data: from extracted text (the seed's tab-separated form) or from a
// PDF's text. Each sheet is read label by label in the form's reading order; what cannot be read with
// confidence is listed with its place in the input, never guessed silently.
import { joinWrappedLines } from '../model/line-breaking';
import { fiscalYearOf } from '../model/era';
import { blankSheet, EVALUATION_ITEMS, formField, officialLabel, type Indicator, type Sheet, type YearRow } from '../model/form';
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

const TITLE = /^(令和|平成)\s*(元|[0-9]{1,2})年度\s*事務事業マネジメントシート$/;
const SECTION_HEADERS = new Set(['事業の基本情報', '事業の概要', 'コストの推移', '市民参加の取組状況', '指標の推移', '事業の成果と課題', '評価']);

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

/** Split the input into sheets at their title lines; stretches without 事務事業名 (a cover, contents) are skipped. */
export function splitSheets(lines: SourceLine[]): SourceLine[][] {
  const sheets: SourceLine[][] = [];
  let current: SourceLine[] | undefined;
  for (const line of lines) {
    if (TITLE.test(line.text)) {
      current = [line];
      sheets.push(current);
    } else current?.push(line);
  }
  return sheets.filter((s) => s.some((l) => l.text.startsWith('事務事業名')));
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
    while (this.i < this.lines.length && SECTION_HEADERS.has(this.lines[this.i].text)) this.i++;
  }

  /** The line that starts with `label`; lines skipped on the way are reported. */
  take(label: string | RegExp, what: string): { rest: string; where: string } | undefined {
    this.skipHeaders();
    const start = this.i;
    for (let j = this.i; j < this.lines.length; j++) {
      const text = this.lines[j].text;
      const m = typeof label === 'string' ? (text === label || text.startsWith(`${label} `) ? [label] : null) : label.exec(text);
      if (m) {
        for (let k = start; k < j; k++) if (!SECTION_HEADERS.has(this.lines[k].text)) this.note(`読み取れない行を飛ばしました: 「${this.lines[k].text}」`, this.lines[k].where);
        this.i = j + 1;
        return { rest: trim(text.slice(m[0].length)), where: this.lines[j].where };
      }
    }
    this.note(`「${what}」が見つかりません`);
    return undefined;
  }

  /** Text continued on following lines until a line that starts one of `until` (wrapped in the PDF). */
  continued(first: string, until: (string | RegExp)[]): string {
    let value = first;
    while (this.i < this.lines.length) {
      const text = this.lines[this.i].text;
      const stops = until.some((u) => (typeof u === 'string' ? text === u || text.startsWith(`${u} `) : u.test(text)));
      if (stops || SECTION_HEADERS.has(text) || TITLE.test(text)) break;
      value = value === '' ? text : joinWrappedLines(value, text);
      this.i++;
    }
    return value;
  }
}

/** `left LABEL right` on one line: the last occurrence of the label separates the two cells. */
function splitAt(text: string, label: string): [string, string] | undefined {
  const at = text.lastIndexOf(` ${label} `);
  if (at >= 0) return [trim(text.slice(0, at)), trim(text.slice(at + label.length + 2))];
  if (text.endsWith(` ${label}`)) return [trim(text.slice(0, -label.length - 1)), ''];
  if (text.startsWith(`${label} `)) return ['', trim(text.slice(label.length + 1))];
  if (text === label) return ['', ''];
  return undefined;
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

// The cost rows in the form's order, each with the line that carries it in the official text (from the schema).
const COST_ROWS = (['budget', 'settled', 'generalFund', 'subsidies', 'otherFunds', 'personnelCost', 'staffRatio', 'overtimeHours', 'partTimeStaff'] as const).map(
  (key) => [key, officialLabel(['costs', key]), formField(['costs', key]).title] as const,
);

export interface ReadOptions {
  /** The source prints every text whole (a PDF that sheetbook wrote): no cell can have been cut at its edge. */
  whole?: boolean;
}

export function readSheet(lines: SourceLine[], options: ReadOptions = {}): ImportedSheet {
  const r = new SheetReader(lines);
  const clipped = (text: string) => !options.whole && looksClipped(text);
  const title = TITLE.exec(lines[0].text)!;
  const eraYear = title[2] === '元' ? 1 : Number(title[2]);
  const fiscalYear = fiscalYearOf(title[1], eraYear)!;
  const costYears = [-2, -1, 0, 1, 2].map((d) => fiscalYear + d);
  const indYears = [-2, -1, 0, 1, 2, 3].map((d) => fiscalYear + d);

  const nameLine = r.take('事務事業名', '事務事業名');
  const nameMatch = /^([0-9]{1,4}) (.*)$/.exec(nameLine?.rest ?? '');
  if (!nameMatch) r.note(`事務事業名から事業番号を読み取れません（「${nameLine?.rest ?? ''}」）`, nameLine?.where);

  const budgetLine = r.take('予算科目', '予算科目');
  const [budgetCell = '', orgCell = ''] = (budgetLine && splitAt(budgetLine.rest, '担当部課')) ?? [budgetLine?.rest ?? '', ''];
  const budget = /^([0-9]{2}-[0-9]{6}-[0-9]{2}) ?(.*)$/.exec(budgetCell);
  if (!budget) r.note(`予算科目のコードを読み取れません（「${budgetCell}」）`, budgetLine?.where);
  const budgetName = budget?.[2] ?? budgetCell;
  if (clipped(budgetName)) r.note(`予算科目の名称が途中で切れている可能性があります（「${budgetName}」）。原本で確かめてください`, budgetLine?.where);
  const org = /^(.+?部)(.+)$/.exec(orgCell);
  if (!org) r.note(`担当部課を部と課に分けられません（「${orgCell}」）。department と division を確かめてください`, budgetLine?.where);

  const pledgeLine = r.take('市長公約', '市長公約');
  const [pledges = '', section = ''] = (pledgeLine && splitAt(pledgeLine.rest, '係名')) ?? ['', ''];
  const mayorPledges = pledges.split(' ').filter(Boolean).map(Number);
  if (mayorPledges.some((n) => !Number.isInteger(n))) r.note(`市長公約の番号を読み取れません（「${pledges}」）`, pledgeLine?.where);

  // 戦略プラン rows, with 新規・継続, 事業分類 and 事業体制 at their right.
  const side: Record<string, string> = {};
  const strategicPlans: Sheet['strategicPlans'] = [];
  const planFirst = r.take('戦略プラン', '戦略プラン');
  const planLines: { text: string; where?: string }[] = planFirst ? [{ text: planFirst.rest, where: planFirst.where }] : [];
  while (planFirst && r.peek() && !r.peek()!.text.startsWith('個別計画')) {
    const line = r.next()!;
    planLines.push({ text: line.text, where: line.where });
  }
  for (const { text, where } of planLines) {
    let rest = text;
    for (const label of ['新規・継続', '事業分類', '事業体制']) {
      const split = splitAt(rest, label);
      if (split) {
        side[label] = split[1];
        rest = split[0];
      }
    }
    if (rest === '') continue;
    const plan = /^(\S+) ([0-9]+) ([0-9]+) (.+)$/.exec(rest);
    if (!plan) {
      r.note(`戦略プランの行を読み取れません（「${rest}」）`, where);
      continue;
    }
    if (clipped(plan[4])) r.note(`戦略プランの取組名が途中で切れている可能性があります（「${plan[4]}」）。原本で確かめてください`, where);
    strategicPlans.push({ code: plan[1], policy: Number(plan[2]), measure: Number(plan[3]), title: plan[4] });
  }
  for (const label of ['新規・継続', '事業分類', '事業体制']) if (!(label in side)) r.note(`「${label}」が見つかりません`, planFirst?.where);

  const planLine = r.take('個別計画', '個別計画');
  const [individualPlan = '', period = ''] = (planLine && splitAt(planLine.rest, '事業期間')) ?? ['', ''];
  const legalLine = r.take('根拠法令等', '根拠法令等');
  let legalText = legalLine?.rest ?? '';
  let sdgText = '';
  const sameLine = splitAt(legalText, 'SDGs');
  if (sameLine) [legalText, sdgText] = sameLine;
  else {
    legalText = r.continued(legalText, [/^SDGs( |$)/]);
    sdgText = r.take(/^SDGs/, 'SDGs')?.rest ?? '';
  }
  const sdgs: number[] = [];
  const sdgLines = [sdgText];
  while (r.peek() && /^[0-9]{2}\D/.test(r.peek()!.text)) sdgLines.push(r.next()!.text);
  for (const line of sdgLines.filter(Boolean)) {
    const goal = /^([0-9]{2})/.exec(line);
    if (goal && Number(goal[1]) >= 1 && Number(goal[1]) <= 17) sdgs.push(Number(goal[1]));
    else r.note(`SDGs の目標番号を読み取れません（「${line}」）`);
  }

  const target = r.continued(r.take('対象', '対象')?.rest ?? '', ['目的']);
  const purpose = r.continued(r.take('目的', '目的')?.rest ?? '', ['概要 (取組内容)']);
  const activities = r.continued(r.take('概要 (取組内容)', '概要 (取組内容)')?.rest ?? '', ['項目']);

  const header = r.take('項目', 'コストの推移の見出し');
  const headerYears = (header?.rest ?? '').replace(/ (?=[0-9]年度)/g, '').split(' ').filter(Boolean);
  if (headerYears.length !== 5) r.note(`コストの推移の年度の見出しを読み取れません（「${header?.rest ?? ''}」）`, header?.where);
  const costs: Record<string, YearRow<unknown>> = {};
  for (const [key, label, what] of COST_ROWS) {
    const row = r.take(label, what);
    if (!row) continue;
    if (key === 'partTimeStaff') {
      const marks = row.rest.split(' ').filter((t) => t === '有' || t === '無');
      if (marks.length !== 5) r.note(`会計年度任用職員有無: 「有」「無」が 5 個ではありません（「${row.rest}」）`, row.where);
      costs[key] = byYear(costYears, costYears.map((_, k) => marks[k] ?? '無'));
    } else costs[key] = byYear(costYears, figures(row.rest, 5, r, what));
  }

  const participationLabels = (['sharing', 'planning', 'implementation', 'review'] as const).map((key) => [key, formField(['participation', key]).title] as const);
  const participation = {} as Sheet['participation'];
  participationLabels.forEach(([key, label], k) => {
    const next = participationLabels[k + 1]?.[1];
    participation[key] = r.continued(r.take(label, label)?.rest ?? '', next ? [next] : [/^([0-9] )?指標名/]);
  });

  const indicators: Indicator[] = [];
  for (let slot = 1; slot <= 5; slot++) {
    const head = r.take(/^([0-9] )?指標名( |$)/, `指標${slot}の指標名`);
    if (!head) break;
    const m = /^(.*?) ?\(([^()]*)\)(?: (活動結果指標|成果指標))?$/.exec(head.rest);
    if (!m) r.note(`指標${slot}の指標名と単位を読み取れません（「${head.rest}」）`, head.where);
    r.take(/^R[0-9]{2}年度|^H[0-9]{2}年度/, `指標${slot}の年度`);
    const target = figures(r.take(/^([0-9] )?目標値/, `指標${slot}の目標値`)?.rest ?? '', 6, r, `指標${slot} › 目標値`);
    const actual = figures(r.take(/^([0-9] )?実績/, `指標${slot}の実績`)?.rest ?? '', 6, r, `指標${slot} › 実績`);
    const description = r.continued(r.take('指標の概要', `指標${slot}の概要`)?.rest ?? '', [/^([0-9] )?指標名( |$)/, '前年度の課題への対応']);
    const used = (m?.[1] ?? '') !== '' || (m?.[2] ?? '') !== '' || m?.[3] !== undefined || description !== '' || [...target, ...actual].some((v) => v !== 0);
    if (!used) continue;
    const indicator: Indicator = { name: m?.[1] ?? head.rest, unit: m?.[2] ?? '', target: byYear(indYears, target), actual: byYear(indYears, actual) };
    if (m?.[3]) indicator.kind = m[3] as Indicator['kind'];
    indicator.description = description;
    if (indicators.length !== slot - 1) r.note(`指標${slot}より前に空の枠があります。空の枠は省いて読みました`, head.where);
    indicators.push(indicator);
  }

  const previousIssues = r.continued(r.take('前年度の課題への対応', '前年度の課題への対応')?.rest ?? '', ['成果']);
  const achievements = r.continued(r.take('成果', '成果')?.rest ?? '', ['課題']);
  const operations = r.continued(trim(r.take(/^課題 業務/, '課題 › 業務')?.rest.replace(/^課題 業務/, '') ?? ''), ['組織、予算等']);
  const organization = r.continued(r.take('組織、予算等', '組織、予算等')?.rest ?? '', ['改善目標']);
  const improvementGoal = r.continued(r.take('改善目標', '改善目標')?.rest ?? '', ['評価', '市民ニーズ']);

  const evaluation = {} as Sheet['evaluation'];
  for (const key of EVALUATION_ITEMS) {
    const label = formField(['evaluation', key]).title;
    const line = r.take(label, label);
    const m = /^([1-5]) ?(.*)$/.exec(line?.rest ?? '');
    if (!m) r.note(`${label}の点数を読み取れません（「${line?.rest ?? ''}」）`, line?.where);
    evaluation[key] = { score: Number(m?.[1] ?? 0), sentence: m?.[2] ?? '' };
  }
  // 方向性 is both the section's heading and its first row's label.
  let decisionLine = r.take('方向性', '方向性');
  if (decisionLine && decisionLine.rest === '') decisionLine = r.take('方向性', '方向性');
  const reason = r.continued(r.take('理由', '理由')?.rest ?? '', []);

  // A field the official text does not carry stays as a blank sheet has it (validate then asks for it).
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
    status: (side['新規・継続'] as Sheet['status']) ?? '継続',
    category: side['事業分類'] ?? '',
    structure: side['事業体制'] ?? '',
    individualPlan,
    period,
    legalBasis: legalText,
    sdgs,
    overview: { target, purpose, activities },
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
