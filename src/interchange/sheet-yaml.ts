// Sheets written out as YAML in the house style of data/ (the bundled sheets): sections in form order with a
// Japanese comment each, one line per fiscal-year row. Used by `new`, `rollover` and `import`.
import { dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { costYears, eraYearText, indicatorYears } from '../model/era';
import { formatNumber } from '../model/format';
import { choicesOf, EVALUATION_ITEMS, type Sheet, type YearRow } from '../model/form';

// The committed schema (src/model), which editors read through each file's first line.
export const SCHEMA_FILE = resolve(__dirname, '../../src/model/sheet.schema.json');

/** Section comments: what to write where (shown to whoever opens the file). */
export interface SheetYamlNotes {
  /** A line at the top under the title (e.g. where the draft came from). */
  origin?: string;
  /** Extra guidance per section, for a blank sheet. */
  guide?: boolean;
}

function scalar(value: unknown): string {
  if (typeof value === 'string' && value.includes('\n')) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(scalar).join(', ')}]`;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function yearRow<T>(row: YearRow<T> | undefined, years: number[]): string {
  const keys = row ? Object.keys(row).sort() : [];
  // Keep every year the row has, in order; the checker reports years outside the table.
  const all = [...new Set([...years.map(String).filter((y) => row && y in row), ...keys])].sort();
  return `{${all.map((y) => `${y}: ${scalar(row![y])}`).join(', ')}}`;
}

/** `選択肢: 新規、継続`: an enum field's choices, for the guidance comments of a blank sheet. */
const choices = (path: (string | number)[]): string => `選択肢: ${choicesOf(path).join('、')}`;

export function sheetYaml(sheet: Sheet, file: string, notes: SheetYamlNotes = {}): string {
  const fy = sheet.fiscalYear;
  const cy = costYears(fy);
  const iy = indicatorYears(fy);
  const schema = relative(dirname(resolve(file)), SCHEMA_FILE).split('\\').join('/');
  const g = (text: string) => (notes.guide ? `  # ${text}` : '');
  const out: string[] = [
    `# yaml-language-server: $schema=${schema}`,
    `# ${eraYearText(fy)} 事務事業マネジメントシート ${formatNumber(sheet.number)}`,
  ];
  if (notes.origin) out.push(`# ${notes.origin}`);
  if (sheet.review && sheet.review.length > 0) {
    out.push(
      '',
      '# 前年度から引き継いだ文章と、今年度の数値（まだ 0）です。書き直したら（数値は入力したら）、その行をこの一覧から消してください。',
      '# 数値が本当に 0 のときも、確かめたらその行を消します。',
      'review:',
    );
    for (const item of sheet.review) out.push(`  - ${item}`);
    out.push('');
  }
  if (sheet.doubts && sheet.doubts.length > 0) {
    out.push('', '# 取り込みで確かでなかった箇所です。原本と照らし合わせて直したら、その行をこの一覧から消してください。', 'doubts:');
    for (const doubt of sheet.doubts) out.push(`  - ${JSON.stringify(doubt)}`);
    out.push('');
  }
  out.push(`fiscalYear: ${fy}`, `number: ${sheet.number}`, `name: ${scalar(sheet.name)}${g('事務事業名（番号は付けない）')}`, '');
  out.push('# 事業の基本情報');
  out.push('budgetItem:', `  code: ${scalar(sheet.budgetItem.code)}${g('予算科目コード（例: 01-020108-14）')}`, `  name: ${scalar(sheet.budgetItem.name)}`);
  out.push(`department: ${scalar(sheet.department)}`, `division: ${scalar(sheet.division)}`, `section: ${scalar(sheet.section)}`);
  out.push(`mayorPledges: ${scalar(sheet.mayorPledges)}${g('市長公約の番号（なければ []）')}`);
  if (sheet.strategicPlans.length === 0) out.push(`strategicPlans: []${g('戦略プラン: - {code: IV-3, policy: 3, measure: 2, title: 取組名}')}`);
  else {
    out.push('strategicPlans:');
    for (const p of sheet.strategicPlans) {
      out.push(`  - code: ${scalar(p.code)}`, `    policy: ${p.policy}`, `    measure: ${p.measure}`, `    title: ${scalar(p.title)}`);
    }
  }
  out.push(`status: ${scalar(sheet.status)}${g(choices(['status']))}`, `category: ${scalar(sheet.category)}${g('例: 自治事務（任意）')}`, `structure: ${scalar(sheet.structure)}${g('例: 一部委託')}`);
  out.push(`individualPlan: ${scalar(sheet.individualPlan)}`, `period: ${scalar(sheet.period)}${g('例: 毎年度')}`, `legalBasis: ${scalar(sheet.legalBasis)}`);
  out.push(`sdgs: ${scalar(sheet.sdgs)}${g('SDGs の目標番号 1〜17（例: [9, 16]）')}`, '');
  out.push('# 事業の概要');
  out.push('overview:', `  target: ${scalar(sheet.overview.target)}`, `  purpose: ${scalar(sheet.overview.purpose)}`, `  activities: ${scalar(sheet.overview.activities)}`, '');
  out.push('# コストの推移（単位: 千円・人・時間。年度は西暦で書きます）');
  out.push('costs:');
  const c = sheet.costs;
  const rows: [string, YearRow<unknown> | undefined][] = [
    ['budget', c.budget],
    ['settled', c.settled],
    ['generalFund', c.generalFund],
    ['subsidies', c.subsidies],
    ['otherFunds', c.otherFunds],
    ['personnelCost', c.personnelCost],
    ['staffRatio', c.staffRatio],
    ['overtimeHours', c.overtimeHours],
    ['partTimeStaff', c.partTimeStaff],
  ];
  for (const [key, row] of rows) {
    const guide = key === 'partTimeStaff' ? g(choices(['costs', 'partTimeStaff', '2021'])) : '';
    if (row) out.push(`  ${`${key}:`.padEnd(16)} ${yearRow(row, cy)}${guide}`);
  }
  out.push('');
  out.push('# 市民参加の取組状況（取組がなければ「—」）');
  const p = sheet.participation;
  out.push('participation:', `  sharing: ${scalar(p.sharing)}`, `  planning: ${scalar(p.planning)}`, `  implementation: ${scalar(p.implementation)}`, `  review: ${scalar(p.review)}`, '');
  out.push('# 指標の推移（5枠まで。使わない枠は書かなくてよい）');
  if (sheet.indicators.length === 0) out.push('indicators: []');
  else {
    out.push('indicators:');
    for (const ind of sheet.indicators) {
      out.push(`  - name: ${scalar(ind.name)}`, `    unit: ${scalar(ind.unit)}`);
      if (ind.kind !== undefined) out.push(`    kind: ${scalar(ind.kind)}${g(choices(['indicators', 0, 'kind']))}`);
      out.push(`    target: ${yearRow(ind.target, iy)}`, `    actual: ${yearRow(ind.actual, iy)}`);
      if (ind.description !== undefined) out.push(`    description: ${scalar(ind.description)}`);
    }
  }
  out.push('');
  out.push('# 事業の成果と課題');
  const r = sheet.results;
  out.push('results:', `  previousIssues: ${scalar(r.previousIssues)}`, `  achievements: ${scalar(r.achievements)}`, '  challenges:');
  out.push(`    operations: ${scalar(r.challenges.operations)}`, `    organization: ${scalar(r.challenges.organization)}`, `  improvementGoal: ${scalar(r.improvementGoal)}`, '');
  out.push('# 評価（点数 1〜5 と文言。文言を省くと標準文言が入ります）');
  out.push('evaluation:');
  for (const item of EVALUATION_ITEMS) {
    const e = sheet.evaluation[item];
    out.push(`  ${item}:`, `    score: ${scalar(e.score)}${g('点数: 1〜5 の整数')}`);
    if (e.sentence !== undefined) out.push(`    sentence: ${scalar(e.sentence)}`);
    if (e.exception !== undefined) out.push(`    exception: ${e.exception}`);
  }
  out.push('');
  out.push('# 方向性');
  out.push('direction:', `  decision: ${scalar(sheet.direction.decision)}${g(choices(['direction', 'decision']))}`, `  reason: ${scalar(sheet.direction.reason)}`, '');
  return out.join('\n');
}
