// Stage 3 — check: the rules a sheet's figures and words obey beyond its schema (README, 「検査すること」), each placed in the file.
import { basename, dirname } from 'node:path';
import { personnelCostFor, type CityData } from '../model/city';
import { costYears, eraYearText } from '../model/era';
import { EVALUATION_ITEMS, FORM_FIELDS, formField, isReviewEntry, isYearRow, MUST_FILL, rowYears, SHEET_FORM, STANDARD_CHOICE_FIELDS, standardChoicesOf, standardSpelling, type FieldNode, type Sheet } from '../model/form';
import { formatAmount, formatTwoDecimals } from '../model/format';
import type { SheetSource } from './load';
import { numberFromFileName } from '../model/data-folder';
import { labelsFor } from '../model/schema';
import { lastYearNotes } from './check-last-year';
import type { DataPath, Finding, Severity } from '../model/types';


class Findings {
  readonly list: Finding[] = [];
  constructor(private readonly source: SheetSource) {}
  add(severity: Severity, path: DataPath, message: string, at: 'key' | 'value' = 'value'): void {
    const pos = this.source.locate(path, at);
    this.list.push({ file: this.source.file, line: pos.line, column: pos.column, severity, labels: labelsFor(path), message, path });
  }
}

const era = (year: number | string) => eraYearText(Number(year));

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The checks run on whatever parts of the sheet are well formed, even when the schema found errors elsewhere,
 * so that one run reports every problem. A check whose inputs are malformed is skipped (the schema reported them).
 */
export function checkConsistency(
  data: unknown,
  source: SheetSource,
  city: CityData,
  canPrint: (codePoint: number) => boolean,
  schemaErrors: Finding[] = [],
): Finding[] {
  const out = new Findings(source);
  // Values the schema already refused are not used again: one mistake, one finding.
  const refused = new Set(schemaErrors.map((f) => f.path.join('/')));
  const usable = (path: DataPath) => !refused.has(path.join('/'));
  if (!isObject(data)) return out.list;
  const sheet = data as unknown as Sheet;
  const guarded = (check: () => void) => {
    try {
      check();
    } catch {
      // malformed input: already reported by the schema
    }
  };
  let yearAgrees = true;
  guarded(() => (yearAgrees = checkIdentity(sheet, source.file, out)));
  // Year columns are judged against the sheet's year only when that year is right.
  if (yearAgrees && isNumber(sheet.fiscalYear)) guarded(() => checkYears(sheet, out));
  if (isObject(sheet.costs)) guarded(() => checkSettledTotals(sheet, out, usable));
  if (isObject(sheet.costs) && isNumber(sheet.fiscalYear)) guarded(() => checkPersonnelCosts(sheet, city, out, usable));
  if (isObject(sheet.evaluation)) guarded(() => checkEvaluationSentences(sheet, city, out));
  guarded(() => checkPrintable(sheet, [], out, canPrint));
  guarded(() => checkFilledIn(sheet, out));
  guarded(() => checkStandardChoices(sheet, out, usable));
  guarded(() => checkBlankTexts(sheet, [], out, usable));
  guarded(() => checkReview(sheet, out));
  guarded(() => checkDoubts(sheet, out));
  // Last year's sheets it continues: past figures that agree, texts written anew, `continues` that names real sheets.
  if (yearAgrees) guarded(() => lastYearNotes(sheet, source.file, city).forEach((note) => out.add(note.severity, note.path, note.message)));
  return out.list;
}

/** The year rows of the form, and whether a sheet may leave each out (人件費計 is computed when it does). */
const YEAR_ROWS = FORM_FIELDS.filter((f) => isYearRow(f.node)).map((f) => {
  const parent = f.path.slice(0, -1).reduce<FieldNode | undefined>((n, step) => (step === '*' ? n?.items : n?.properties?.[step]), SHEET_FORM);
  return { ...f, optional: !(parent?.required ?? []).includes(f.path[f.path.length - 1]) };
});

function checkFilledIn(sheet: Sheet, out: Findings): void {
  for (const { path, hint } of MUST_FILL) {
    let value: unknown = sheet;
    for (const step of path) value = isObject(value) ? value[step as string] : undefined;
    if (value === null || (typeof value === 'string' && value.trim() === '')) {
      out.add('error', path, `記入してください（まだ空欄です）${hint ? `（${hint}）` : ''}`);
    }
  }
}

/**
 * A text field with usual values (事業分類) may hold another, kept as written; a warning names the usual ones, and the
 * standard spelling where the text differs from one only in it (ASCII brackets: 自治事務(任意)).
 */
function checkStandardChoices(sheet: Sheet, out: Findings, usable: (path: DataPath) => boolean): void {
  for (const { path, title } of STANDARD_CHOICE_FIELDS) {
    if (path.includes('*') || !usable(path)) continue;
    const value = valueAt(sheet, path);
    const choices = standardChoicesOf(path);
    if (typeof value !== 'string' || value.trim() === '' || choices.includes(value)) continue;
    const standard = standardSpelling(path, value);
    out.add(
      'warning',
      path,
      standard
        ? `「${value}」は${title}の標準の書き方ではありません。「${standard}」と書いてください`
        : `「${value}」は${title}のふだんの値（${choices.join('、')}）のどれでもありません。このままでも印刷しますが、どれかに当たるなら、その書き方にしてください`,
    );
  }
}

const MUST_FILL_PATHS = new Set(MUST_FILL.map((f) => f.path.join('/')));

/**
 * A text of white space alone (a full-width space, say) prints as a blank cell, and no PDF reader reads it back
 * as text: an error wherever it stands (a field that must be filled in says so itself).
 */
function checkBlankTexts(value: unknown, path: DataPath, out: Findings, usable: (path: DataPath) => boolean): void {
  if (typeof value === 'string') {
    if (value !== '' && value.trim() === '' && !MUST_FILL_PATHS.has(path.join('/')) && usable(path)) {
      out.add('error', path, '空白（全角スペースなど）だけが書かれています。印刷すると空欄と同じで、PDF からも文字として読み取れません。空欄にするなら "" と書いてください');
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkBlankTexts(v, [...path, i], out, usable));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (path.length > 0 || (k !== 'review' && k !== 'doubts')) checkBlankTexts(v, [...path, k], out, usable);
  }
}

/**
 * What `rollover` carried over and listed under `review`: a text stays an error until rewritten and its entry
 * deleted; a figure of the sheet's own year, until it is entered (not 0) or its entry deleted (it really is 0).
 */
function checkReview(sheet: Sheet, out: Findings): void {
  if (!Array.isArray(sheet.review)) return;
  for (const entry of sheet.review) {
    // An entry the schema does not know was reported there; it names no field to point at.
    if (typeof entry !== 'string' || !isReviewEntry(entry)) continue;
    const path: DataPath = entry.split('.').map((step) => (/^[0-9]$/.test(step) ? Number(step) : step));
    const remove = `review の一覧から「${entry}」の行を消してください`;
    if (/\.20[0-9]{2}$/.test(entry)) {
      const value = valueAt(sheet, path);
      if (value === 0) {
        out.add('error', path, `${era(path[path.length - 1])}の数値がまだ 0 のままです。今年度の数値を入力してください（本当に 0 なら、${remove}）`);
      }
    } else {
      out.add('error', path, `前年度の文章のままです。今年度の内容に書き直したら、${remove}`);
    }
  }
}

/** What `sheetbook import` could not read with confidence: an error until someone checks it against the original. */
function checkDoubts(sheet: Sheet, out: Findings): void {
  if (!Array.isArray(sheet.doubts)) return;
  sheet.doubts.forEach((doubt, i) => {
    if (typeof doubt !== 'string') return;
    out.add('error', ['doubts', i], `取り込み時の要確認: ${doubt}。原本と照らし合わせて直したら、doubts の一覧からこの行を消してください`);
  });
}

function valueAt(data: unknown, path: DataPath): unknown {
  let value: unknown = data;
  for (const step of path) value = isObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[step as string] : undefined;
  return value;
}

/**
 * The folder says the fiscal year and the file name says the project number; the sheet must agree with both.
 * Returns false when the fiscal year disagrees with the folder.
 */
function checkIdentity(sheet: Sheet, file: string, out: Findings): boolean {
  const folder = basename(dirname(file));
  let agrees = true;
  if (/^[0-9]{4}$/.test(folder) && isNumber(sheet.fiscalYear) && Number(folder) !== sheet.fiscalYear) {
    out.add('error', ['fiscalYear'], `年度 ${sheet.fiscalYear} がフォルダ「${folder}」と合いません。年度かファイルの置き場所を直してください`);
    agrees = false;
  }
  const fromName = numberFromFileName(file);
  if (fromName !== undefined && isNumber(sheet.number) && fromName !== sheet.number) {
    out.add(
      'error',
      ['number'],
      `事業番号 ${sheet.number} がファイル名「${basename(file)}」と合いません。ファイル名を「${String(sheet.number).padStart(3, '0')}.yaml」にするか、番号を直してください`,
    );
  }
  return agrees;
}

function checkYearKeys(row: unknown, years: number[], path: DataPath, out: Findings, allowMissing = false): void {
  // A row with keys that are not years was refused by the schema; its years cannot be judged.
  if (!isObject(row) || Object.keys(row).some((k) => !/^[0-9]{4}$/.test(k))) return;
  const expected = new Set(years.map(String));
  for (const key of Object.keys(row)) {
    if (!expected.has(key)) {
      out.add('error', [...path, key], `${key}年度（${era(key)}）はこの表の年度（${era(years[0])}〜${era(years[years.length - 1])}）にありません`, 'key');
    }
  }
  if (allowMissing) return;
  const missing = years.filter((y) => !(String(y) in row));
  if (missing.length > 0) {
    out.add('error', path, `${missing.map((y) => `${era(y)}（${y}）`).join('、')}の値がありません。まだない年度は 0 と書いてください`, 'key');
  }
}

/** Every year row (`x-years` in the schema) holds exactly the years of its table; an optional row may leave years out. */
function checkYears(sheet: Sheet, out: Findings): void {
  for (const field of YEAR_ROWS) {
    const years = rowYears(field.node, sheet.fiscalYear);
    const star = field.path.indexOf('*');
    const list = star < 0 ? [undefined] : (valueAt(sheet, field.path.slice(0, star)) as unknown[] | undefined)?.map((_, i) => i) ?? [];
    for (const index of list) {
      const path: DataPath = field.path.map((step) => (step === '*' ? index! : step));
      const row = valueAt(sheet, path);
      if (row !== undefined || !field.optional) checkYearKeys(row, years, path, out, field.optional);
    }
  }
}

/** A cost row's title, as the form prints it (messages name rows as the sheet does). */
const title = (row: keyof Sheet['costs']) => formField(['costs', row]).title;

/** 決算額 = 一般財源 + 国庫、県支出金、地方債 + その他, every year. */
function checkSettledTotals(sheet: Sheet, out: Findings, usable: (path: DataPath) => boolean): void {
  const c = sheet.costs;
  if (![c.settled, c.generalFund, c.subsidies, c.otherFunds].every(isObject)) return;
  for (const year of Object.keys(c.settled)) {
    const parts = [c.generalFund[year], c.subsidies[year], c.otherFunds[year]];
    if (!parts.every(isNumber) || !isNumber(c.settled[year])) continue; // missing or malformed: reported elsewhere
    if (!['settled', 'generalFund', 'subsidies', 'otherFunds'].every((row) => usable(['costs', row, year]))) continue;
    const sum = parts.reduce((a, b) => a + b, 0);
    if (sum !== c.settled[year]) {
      const terms = (['generalFund', 'subsidies', 'otherFunds'] as const).map((row, i) => `${title(row)} ${formatAmount(parts[i])}`);
      out.add(
        'error',
        ['costs', 'settled', year],
        `${title('settled')} ${formatAmount(c.settled[year])} が内訳の合計 ${formatAmount(sum)}（${terms.join(' + ')}）と合いません`,
      );
    }
  }
}

/** 人件費計 ≈ 従事割合 × the year's cost per staff-year + 時間外勤務 × the year's overtime rate (within 1 千円). */
function checkPersonnelCosts(sheet: Sheet, city: CityData, out: Findings, usable: (path: DataPath) => boolean): void {
  const c = sheet.costs;
  if (!isObject(c.staffRatio) || !isObject(c.overtimeHours)) return;
  for (const year of costYears(sheet.fiscalYear).map(String)) {
    const ratio = c.staffRatio[year];
    const hours = c.overtimeHours[year];
    if (!isNumber(ratio) || !isNumber(hours)) continue;
    if (!['staffRatio', 'overtimeHours', 'personnelCost'].every((row) => usable(['costs', row, year]))) continue;
    const written = isObject(c.personnelCost) && isNumber(c.personnelCost[year]) ? c.personnelCost[year] : undefined;
    const computed = personnelCostFor(city, year, ratio, hours);
    const rate = city.personnelRates[year];
    if (computed === undefined || !rate) {
      if (written === undefined) {
        out.add(
          'error',
          c.personnelCost ? ['costs', 'personnelCost'] : ['costs'],
          `${era(year)}の人件費単価が personnel-rates.yaml にないため${title('personnelCost')}を計算できません。${title('personnelCost')}を書くか、単価を追加してください`,
          'key',
        );
      }
      continue;
    }
    if (written !== undefined && Math.abs(written - computed) > 1) {
      out.add(
        'warning',
        ['costs', 'personnelCost', year],
        `${title('personnelCost')} ${formatAmount(written)} が ${title('staffRatio')} ${formatTwoDecimals(ratio)} × ${rate.staffYear} + ${title('overtimeHours')} ${formatTwoDecimals(hours)} × ${rate.overtimeHour} = ${formatAmount(computed)} と合いません`,
      );
    }
  }
}

function checkEvaluationSentences(sheet: Sheet, city: CityData, out: Findings): void {
  for (const item of EVALUATION_ITEMS) {
    const e = sheet.evaluation[item];
    if (!isObject(e) || !isNumber(e.score) || (e.sentence !== undefined && typeof e.sentence !== 'string')) continue;
    const standard = city.evaluationSentences[item]?.[String(e.score)];
    if (e.sentence === undefined) {
      if (!standard) {
        out.add('error', ['evaluation', item], `点数 ${e.score} の標準文言が evaluation-sentences.yaml にありません。sentence に文言を書いてください`, 'key');
      }
    } else if (standard && e.sentence !== standard && !e.exception) {
      out.add(
        'warning',
        ['evaluation', item, 'sentence'],
        `点数 ${e.score} の標準文言「${standard}」と異なります。意図して変えたのなら exception: true を書いてください`,
      );
    }
  }
}

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/u;

/** Every character of every text must exist in the font and be printable: never a blank box in the PDF. */
function allPrintable(text: string, canPrint: (codePoint: number) => boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp !== 10 && !canPrint(cp)) return false;
  }
  return true;
}

function checkPrintable(value: unknown, path: DataPath, out: Findings, canPrint: (codePoint: number) => boolean): void {
  if (typeof value === 'string') {
    // Every character of every text passes here: first, the quick question whether any is wrong at all.
    if (!CONTROL.test(value) && allPrintable(value, canPrint)) return;
    const bad = new Map<string, string>();
    for (const ch of value) {
      const cp = ch.codePointAt(0)!;
      const control = CONTROL.test(ch);
      if (!control && (cp === 10 || canPrint(cp))) continue;
      const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      bad.set(ch, control ? `制御文字（${code}${cp === 9 ? '、タブ' : ''}）` : `「${ch}」（${code}）`);
    }
    if (bad.size > 0) {
      out.add(
        'error',
        path,
        `フォントにない文字・印刷できない文字があります: ${[...bad.values()].join('、')}。別の字に置き換えるか、削除してください`,
      );
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkPrintable(v, [...path, i], out, canPrint));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkPrintable(v, [...path, k], out, canPrint);
  }
}
