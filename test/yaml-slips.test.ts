// What YAML reads differently from what a person typed (a ` #`, a leading `&`, `true`, a slipped indent…) is reported at
// load; the corpus (test/corpus/invalid) holds the mistakes. Here: the look-alikes that are right and must stay silent.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateFiles } from '../src/commands/validate.runner';
import { displayPath, formatFinding } from '../src/model/report';
import { parseSheetText } from '../src/pipeline/load';

const ROOT = resolve(__dirname, '..');
const SHEET_087 = readFileSync(join(ROOT, 'data', '2021', '087.yaml'), 'utf8');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function sheetWith(from: string, to: string): string {
  expect(SHEET_087.split(from).length - 1, `「${from}」 occurs once in 087.yaml`).toBe(1);
  return SHEET_087.replace(from, to);
}

function validateText(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sheetbook-slips-'));
  dirs.push(dir);
  const file = join(dir, 'sheet.yaml');
  writeFileSync(file, text);
  return validateFiles({ paths: [file], dataDir: join(ROOT, 'data') }).findings.map((f) => formatFinding(f).slice(`${displayPath(f.file)}:`.length));
}

describe('load: look-alikes that are right', () => {
  it.each([
    ['a comment by intent after a text (`# ` with a space)', 'name: 情報化推進事業', 'name: 情報化推進事業  # 番号は付けない'],
    ['a comment by intent after one space, as in the bundled 091.yaml', 'title: 行政手続きの電子化に向けた取組', 'title: 行政手続きの電子化に向けた取組 # 原本で途中までしか読めない項目'],
    ['a comment after a flow mapping of figures', '2022: 7575, 2023: 7575}', '2022: 7575, 2023: 7575}  # 千円'],
    ['a comment after a glued `#` on a figure row', '2022: 7575, 2023: 7575}', '2022: 7575, 2023: 7575} #千円'],
    ['a comment after a quoted value', 'legalBasis: ""', 'legalBasis: "" #なし'],
    ['a comment on its own line', 'target: 市職員', '# 対象は前年度と同じ\n  target: 市職員'],
    ['a comment after a group key', 'overview:', 'overview:  #事業の概要'],
    ['a quoted `#` in a text', 'target: 市職員', 'target: "市職員 #DX推進"'],
    ['a full-width ＃ in a text', 'target: 市職員', 'target: 市職員 ＃DX推進'],
    ['a `#` inside a word (not after a space)', 'target: 市職員', 'target: 市職員#1'],
    ['an ampersand inside a text', 'target: 市職員', 'target: 市職員&市民'],
    ['an explicitly quoted number in a text', 'section: 企画推進係', 'section: "101"'],
    ['yes/no/on/off stay text in YAML 1.2', 'section: 企画推進係', 'section: on'],
    ['a date-like text', 'period: 毎年度', 'period: 2021-04-01'],
    ['a literal block scalar keeps line breaks', 'purpose: 市役所の業務効率化や価値の高い住民サービスの提供を図る。', 'purpose: |\n    市役所の業務効率化や\n    価値の高い住民サービスの提供を図る。'],
    ['English wrapped over two lines (the space is right)', 'individualPlan: つくば市情報化推進計画', 'individualPlan: Tsukuba\n  Digital Plan'],
    ['decision: null (blank is allowed in the form)', 'decision: 継続', 'decision: null'],
    ['a comment by intent after an empty choice', 'decision: 継続', 'decision:  # 未定'],
    ['a note after a choice (the choice is whole)', 'status: 継続', 'status: 継続 #前年度から'],
  ])('%s', (_what, from, to) => {
    const findings = validateText(sheetWith(from, to));
    expect(findings.filter((f) => !/記入してください/.test(f))).toEqual([]);
  });

  it('the bundled sheets load without a finding', () => {
    for (const n of ['087', '088', '089', '090', '091']) {
      const file = join(ROOT, 'data', '2021', `${n}.yaml`);
      expect(parseSheetText(file, readFileSync(file)).findings, n).toEqual([]);
    }
  });

  it('a sheet made by `sheetbook new` (comments after quoted blanks) loads without a finding', () => {
    const text = 'fiscalYear: 2021\nnumber: 100\nname: ""  # 事務事業名（番号は付けない）\nbudgetItem:\n  code: ""  # 予算科目コード（例: 01-020108-14）\nmayorPledges: []  # 市長公約の番号（なければ []）\n';
    expect(parseSheetText('new.yaml', Buffer.from(text)).findings).toEqual([]);
  });

  it('a found slip leaves the rest of the file to be checked: a second, unrelated mistake is still reported', () => {
    const text = sheetWith('  purpose: 市役所', '    purpose: 市役所').replace('  reason: —', '  reason: —\n  reason: —');
    expect(validateText(text)).toEqual([
      '31:5 エラー 字下げがずれています: 「purpose:」は同じまとまりの項目（target: など）より 2 文字深く字下げされています。「target:」と同じ桁にそろえてください（行頭からスペース 2 個）',
      '102:3 エラー 同じ項目名（reason）が 2 回書かれています（1 回目は 101 行目）。どちらか一方を消してください',
    ]);
  });
});
