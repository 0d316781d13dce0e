// The checks of a sheet against last year's sheets it continues (src/pipeline/last-year.ts), run by the check stage:
// `continues` names real sheets; the past years' figures that last year's sheet printed (`x-agreesWithLastYear`)
// agree with it, or `restatements` says why not; a text the form expects anew (`x-expectsNewText`) is not last year's.
import type { CityData } from '../model/city';
import { eraYearText } from '../model/era';
import { formatAmount, formatIndicator, formatNumber, formatTwoDecimals } from '../model/format';
import { AGREES_WITH_LAST_YEAR, EXPECTS_NEW_TEXT, formField, rowYears, type Sheet } from '../model/form';
import { displayPath } from '../model/report';
import type { DataPath, Severity } from '../model/types';
import { personnelCosts } from './derive';
import { continuedNumbers, lastYearOf, type ReferenceSheet } from './last-year';

export interface LastYearNote {
  severity: Severity;
  path: DataPath;
  message: string;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function valueAt(data: unknown, path: DataPath): unknown {
  let value: any = data;
  for (const step of path) value = isObject(value) || Array.isArray(value) ? (value as any)[step] : undefined;
  return value;
}

/** A figure of a year row as the sheet prints it (derive's formats): the comparison is of what was printed. */
function printer(row: string[]): (value: number) => string {
  const node = formField(row).node;
  if (node['x-years'] === 'indicator') return formatIndicator;
  return formField([...row, '*']).node.multipleOf === 0.01 ? formatTwoDecimals : formatAmount;
}

/** The restatements a sheet makes, by the place they name: `costs.settled.2020` → its reason. */
export function restatementsOf(sheet: unknown): Map<string, { reason: string; index: number }> {
  const list = valueAt(sheet, ['restatements']);
  const map = new Map<string, { reason: string; index: number }>();
  if (!Array.isArray(list)) return map;
  list.forEach((entry, index) => {
    if (isObject(entry) && typeof entry.path === 'string' && typeof entry.reason === 'string') map.set(entry.path, { reason: entry.reason, index });
  });
  return map;
}

/** 人件費計 as printed: written, or computed from the rates (a record printed it already). */
function withPersonnelCosts(data: Record<string, any>, city: CityData, origin: ReferenceSheet['origin'] | 'self'): Record<string, any> {
  if (origin === 'record' || !isObject(data.costs)) return data;
  try {
    return { ...data, costs: { ...data.costs, personnelCost: personnelCosts(data as Sheet, city) } };
  } catch {
    return data; // malformed costs: the schema reports them
  }
}

/** The indicator of a reference that an indicator of this sheet continues: the one of the same name, else the same slot. */
function matchingIndicator(refs: ReferenceSheet[], name: unknown, index: number): { ref: ReferenceSheet; index: number }[] {
  for (const ref of refs) {
    const list = valueAt(ref.data, ['indicators']);
    const found = Array.isArray(list) ? list.findIndex((ind) => isObject(ind) && typeof name === 'string' && name !== '' && ind.name === name) : -1;
    if (found >= 0) return [{ ref, index: found }];
  }
  return refs.length === 1 && isObject(valueAt(refs[0].data, ['indicators', index])) ? [{ ref: refs[0], index }] : [];
}

export function lastYearNotes(sheet: Sheet, file: string, city: CityData): LastYearNote[] {
  if (!isNumber(sheet.fiscalYear)) return [];
  const lastYear = lastYearOf(file, sheet.fiscalYear);
  if (!lastYear) return [];
  const notes: LastYearNote[] = [];
  const year = lastYear.year;
  const folder = displayPath(`${lastYear.dataDir}/${year}`);
  const explicit = Array.isArray(sheet.continues);
  const refs: ReferenceSheet[] = [];
  continuedNumbers(sheet).forEach((number, i) => {
    const ref = lastYear.sheet(number);
    if (ref) refs.push(ref);
    else if (explicit && lastYear.known()) {
      notes.push({
        severity: 'error',
        path: ['continues', i],
        message:
          `${eraYearText(year)}のシートに事業番号 ${formatNumber(number)} がありません（${folder}/ にも発行の記録にもありません）。` +
          `前年度の事業番号を書いてください（${eraYearText(year)}の事業番号: ${lastYear.numbers().map(formatNumber).join('、')}）`,
      });
    } else if (explicit && i === 0) {
      notes.push({
        severity: 'warning',
        path: ['continues'],
        message: `${eraYearText(year)}のシート（${folder}/）も発行の記録もないため、引き継ぐシートを確かめられません`,
      });
    }
  });
  if (refs.length === 0) return notes;
  notes.push(...figureNotes(sheet, refs, city));
  notes.push(...copiedTextNotes(sheet, refs));
  return notes;
}

/** The figures of the years both tables print up to last year, against last year's sheets (their sum, for a merge). */
function figureNotes(sheet: Sheet, refs: ReferenceSheet[], city: CityData): LastYearNote[] {
  const notes: LastYearNote[] = [];
  const restated = restatementsOf(sheet);
  const compared = new Set<string>();
  const self = withPersonnelCosts(sheet as unknown as Record<string, any>, city, 'self');
  const refData = new Map(refs.map((ref) => [ref, withPersonnelCosts(ref.data, city, ref.origin)]));
  const lastYear = sheet.fiscalYear - 1;
  const compare = (path: DataPath, sources: { ref: ReferenceSheet; path: DataPath }[], print: (v: number) => string) => {
    const now = valueAt(self, path);
    const was = sources.map((s) => valueAt(refData.get(s.ref), s.path));
    if (!isNumber(now) || sources.length === 0 || !was.every(isNumber)) return;
    const key = path.join('.');
    compared.add(key);
    const before = print((was as number[]).reduce((a, b) => a + b, 0));
    const after = print(now);
    const restatement = restated.get(key);
    if (before === after) {
      if (restatement) {
        notes.push({
          severity: 'warning',
          path: ['restatements', restatement.index, 'path'],
          message: `${key} は前年度のシートと同じ数値（${after}）です。数値を変えていなければ、この修正の行を消してください`,
        });
      }
      return;
    }
    if (restatement) return;
    const where = sources.map((s) => `${s.ref.label}（${s.ref.where(s.path)}）`).join('と');
    const whose = sources.length > 1 ? `${where}の合計` : where;
    notes.push({
      severity: 'warning',
      path,
      message:
        `前年度のシートと数値が違います: このシートは ${after}、${whose}は ${before} です。` +
        `意図して変えたときは、restatements に「- {path: ${key}, reason: 変えた理由}」を書いてください（理由は新旧対照表と正誤表に載ります）`,
    });
  };
  for (const row of AGREES_WITH_LAST_YEAR) {
    const print = printer(row);
    const years = rowYears(formField(row).node, sheet.fiscalYear).filter((y) => y <= lastYear && rowYears(formField(row).node, lastYear).includes(y));
    const star = row.indexOf('*');
    if (star < 0) {
      for (const y of years) compare([...row, String(y)], refs.map((ref) => ({ ref, path: [...row, String(y)] })), print);
      continue;
    }
    const list = valueAt(sheet, row.slice(0, star));
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      const matches = matchingIndicator(refs, isObject(item) ? item.name : undefined, i);
      const at = (index: number) => row.map((step) => (step === '*' ? index : step));
      for (const y of years) compare([...at(i), String(y)], matches.map((m) => ({ ref: m.ref, path: [...at(m.index), String(y)] })), print);
    });
  }
  for (const [key, { index }] of restated) {
    if (compared.has(key)) continue;
    notes.push({
      severity: 'warning',
      path: ['restatements', index, 'path'],
      message: `${key} は前年度のシートと比べる数値ではありません（比べるのは、両方の表にある${eraYearText(lastYear)}までの年度の数値です）。場所を確かめてください`,
    });
  }
  return notes;
}

/** A text written anew every year that is, word for word, the text of a sheet it continues (unless review lists it). */
function copiedTextNotes(sheet: Sheet, refs: ReferenceSheet[]): LastYearNote[] {
  const notes: LastYearNote[] = [];
  const review = new Set(Array.isArray(sheet.review) ? sheet.review : []);
  for (const { path, mayRepeat } of EXPECTS_NEW_TEXT) {
    const key = path.join('.');
    const text = valueAt(sheet, path);
    if (typeof text !== 'string' || text.trim() === '' || mayRepeat.includes(text.trim()) || review.has(key)) continue;
    const same = refs.find((ref) => valueAt(ref.data, path) === text);
    if (!same) continue;
    notes.push({
      severity: 'warning',
      path,
      message: `前年度のシート（${same.label}、${same.where(path)}）と同じ文章です。今年度の内容に書き直してください`,
    });
  }
  return notes;
}
