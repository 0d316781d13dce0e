// Synthetic sheets: the bundled ones with every free-text field set to text of a chosen length,
// mixing Japanese, figures with units, Latin words, brackets and full-width spaces. Deterministic per seed.
import { bundledSheet } from './data';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '電子申請の拡大を図るため、', '関係各課にヒアリングを実施した。', '職員アンケートでは認知度62%、満足度83%の結果を得た。',
  'アカウント数は583件から637件に増加し、', '決算額は31,521千円であった。', 'Chat tool と GIS を活用し、',
  '「つくば市情報化推進計画」に基づき', '（令和4年度から移管予定）', 'ネットワーク機器の更新作業を行う必要がある。',
  'ー・ッャュョ等の小書き文字や長音を含む文ー。', 'Web閲覧制御機器及びメール記録システム', '　全角スペースで始まる段落。',
  '8:30~22:00 のネットワーク停止時間を0.1%未満に抑える。', 'デジタル・ガバメント推進体制の活用', '12件の手続について',
];

/** Text of exactly `length` characters (code points), built from realistic pieces. */
export function textOfLength(length: number, random: () => number): string {
  let text = '';
  while ([...text].length < length) text += PIECES[Math.floor(random() * PIECES.length)];
  return [...text].slice(0, length).join('');
}

/** Where each free-text field lives in a sheet, and the longest text a person might try in it. */
export const FREE_TEXT_FIELDS: { path: (string | number)[]; max: number }[] = [
  { path: ['legalBasis'], max: 400 },
  { path: ['overview', 'target'], max: 200 },
  { path: ['overview', 'purpose'], max: 1000 },
  { path: ['overview', 'activities'], max: 3000 },
  { path: ['participation', 'sharing'], max: 1500 },
  { path: ['participation', 'planning'], max: 1500 },
  { path: ['participation', 'implementation'], max: 1500 },
  { path: ['participation', 'review'], max: 1500 },
  { path: ['indicators', 0, 'name'], max: 100 },
  { path: ['indicators', 0, 'description'], max: 1000 },
  { path: ['results', 'previousIssues'], max: 3000 },
  { path: ['results', 'achievements'], max: 3000 },
  { path: ['results', 'challenges', 'operations'], max: 3000 },
  { path: ['results', 'challenges', 'organization'], max: 3000 },
  { path: ['results', 'improvementGoal'], max: 3000 },
  { path: ['direction', 'reason'], max: 1000 },
  { path: ['name'], max: 100 },
  { path: ['budgetItem', 'name'], max: 100 },
  { path: ['individualPlan'], max: 200 },
];

export function getPath(object: any, path: (string | number)[]): any {
  return path.reduce((o, k) => o?.[k], object);
}

export function setPath(object: any, path: (string | number)[], value: unknown): void {
  const parent = getPath(object, path.slice(0, -1));
  parent[path[path.length - 1]] = value;
}

/**
 * A sheet whose free-text fields have lengths drawn between 0 and `scale` × each field's maximum.
 * scale 0.05 gives sheets that fit at the standard size; 1 gives sheets far too long.
 */
export function generateSheet(seed: number, scale: number, base = ['087', '088', '089', '090', '091'][seed % 5]): any {
  const random = prng(seed);
  const sheet = bundledSheet(base);
  if (sheet.indicators.length === 0) sheet.indicators.push(structuredClone(bundledSheet('087').indicators[0]));
  for (const field of FREE_TEXT_FIELDS) {
    // Fields a sheet must have filled in get at least one character; the others may be empty.
    const optional = ['legalBasis', 'individualPlan'].includes(String(field.path[0])) || field.path[0] === 'indicators';
    const length = Math.floor(random() * random() * field.max * scale) + (optional ? 0 : 1);
    const text = textOfLength(length, random);
    // White space alone is refused (it prints as a blank cell): a field that may be empty is then empty.
    setPath(sheet, field.path, text.trim() === '' ? (optional ? '' : '事業') : text);
  }
  return sheet;
}
