// What YAML reads differently from what a person typed (a ` #`, a leading `&`, `true`, a slipped indent…) is reported at
// load; the corpus (test/corpus/invalid) holds the mistakes. Here: the look-alikes that are right and must stay silent.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateFiles } from '../src/commands/validate.runner';
import { displayPath, formatFinding } from '../src/model/report';
import { DATA_FILE_SCHEMAS } from '../src/pipeline/data-file';
import { loadYamlFile, parseSheetText } from '../src/pipeline/load';

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
    ['a comment after a code of fixed form (it cannot hold a ` # `)', 'code: 01-020108-14', 'code: 01-020108-14  # 予算科目'],
    ['a comment after a block text mark (the text is on the lines below)', 'purpose: 市役所の業務効率化や価値の高い住民サービスの提供を図る。', 'purpose: |  # 2 段落\n    市役所の業務効率化や\n    価値の高い住民サービスの提供を図る。'],
    ['a `#` and a full-width space in a literal block are text', 'purpose: 市役所の業務効率化や価値の高い住民サービスの提供を図る。', 'purpose: |\n    \u3000市役所の業務効率化 # DX\n    \u3000価値の高い住民サービスの提供を図る。'],
    ['a line break between English words (the space is right)', 'individualPlan: つくば市情報化推進計画', 'individualPlan: Tsukuba Digital\n  Plan'],
    ['a line break kept by a blank line', 'purpose: 市役所の業務効率化や価値の高い住民サービスの提供を図る。', 'purpose: 市役所の業務効率化や\n\n    価値の高い住民サービスの提供を図る。'],
    ['an escaped line break in a quoted text joins without a space', 'purpose: 市役所の業務効率化や価値の高い住民サービスの提供を図る。', 'purpose: "市役所の業務効率化や\\\n    価値の高い住民サービスの提供を図る。"'],
    ['a colon without a space inside a text, and a URL', 'individualPlan: つくば市情報化推進計画', 'individualPlan: 計画:2021 https://www.city.tsukuba.lg.jp/'],
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
      '102:3 エラー 方向性 › 理由: 同じ項目名（reason）が 2 回書かれています（1 回目は 101 行目）。どちらか一方を消してください',
    ]);
  });
});

describe('load: what YAML would silently cut or change in a sentence is an error, at its place', () => {
  it.each([
    [
      'a comment after a text, `# ` with a space (today it validated clean and printed 「情報化推進事業」 alone)',
      'name: 情報化推進事業',
      'name: 情報化推進事業  # 番号は付けない',
      '5:16 エラー 事務事業名: 「#」から後ろはコメントとして読まれ、印刷されません（「# 番号は付けない」が消えます）。「#」も文章に入れるには、値全体を "…" で囲むか（name: "情報化推進事業 # 番号は付けない"）、全角の「＃」にしてください。コメントなら、値の後ろではなく別の行に書いてください',
    ],
    [
      'a comment after the last line of a text wrapped over two lines',
      'individualPlan: つくば市情報化推進計画',
      'individualPlan: Tsukuba Digital\n  Plan # 2021年度版',
      '24:8 エラー 個別計画: 「#」から後ろはコメントとして読まれ、印刷されません（「# 2021年度版」が消えます）。「#」も文章に入れるには、値全体を "…" で囲むか（individualPlan: "…Plan # 2021年度版"）、全角の「＃」にしてください。コメントなら、値の後ろではなく別の行に書いてください',
    ],
    [
      'a tab after a text (dropped by YAML, and it cannot be printed)',
      'division: 情報政策課',
      'division: 情報政策課\t',
      '12:16 エラー 担当課: タブ文字は印刷できません（値の前後のタブは読み取りで消えます）。タブを消すか、空白が要るなら全角スペースにしてください',
    ],
    [
      'a tab before a text',
      'division: 情報政策課',
      'division: \t情報政策課',
      '12:11 エラー 担当課: タブ文字は印刷できません（値の前後のタブは読み取りで消えます）。タブを消すか、空白が要るなら全角スペースにしてください',
    ],
    [
      'a `>` text over two lines of Japanese (the line break prints as a half-width space)',
      'purpose: 市役所の業務効率化や価値の高い住民サービスの提供を図る。',
      'purpose: >\n    市役所の業務効率化や\n    価値の高い住民サービスの提供を図る。',
      '33:5 エラー 事業の概要 › 目的: 「>」の文章の改行は半角スペース 1 つとして読まれ、「…所の業務効率化や 価値の高い住民サ…」のように間が空いて印刷されます。1 行につなげて書くか、改行のまま印刷するには「purpose: |」と書いて、次の行から字下げして文章を書いてください',
    ],
    [
      'a quoted text over two lines of Japanese',
      'target: 市職員',
      'target: "市\n    職員"',
      '31:5 エラー 事業の概要 › 対象: 行の終わりの改行は半角スペース 1 つとして読まれ、「市 職員」のように間が空いて印刷されます。1 行につなげて書くか、改行のまま印刷するには「target: |」と書いて、次の行から字下げして文章を書いてください',
    ],
    [
      'a `|` with no text under it',
      'legalBasis: ""',
      'legalBasis: >-',
      '25:13 エラー 根拠法令等: 値が空になっています: 「>」は複数行の文章の印として読まれ、次の行から字下げして書いた文章が値になります（ここには何もありません）。「>-」という文字を書くなら legalBasis: ">-" のように " で囲んでください',
    ],
    [
      'a comment after an item of a list of texts',
      'legalBasis: ""',
      'legalBasis: ""\ndoubts:\n  - 指標2の単位 # 原本で読めない',
      '27:12 エラー 要確認 › 要確認の内容1: 「#」から後ろはコメントとして読まれ、印刷されません（「# 原本で読めない」が消えます）。「#」も文章に入れるには、値全体を "…" で囲むか（- "指標2の単位 # 原本で読めない"）、全角の「＃」にしてください。コメントなら、値の後ろではなく別の行に書いてください',
    ],
    [
      // Issue 19's sentence corpus: the `[` inside the next sentence opens nothing, the unclosed list opened above.
      'a text that starts with an unclosed `[`, above a text with a `[` inside it (the error is the first one’s)',
      '    organization: 特になし。\n  improvementGoal: 各システム',
      '    organization: [Chat tool を活用する\n  improvementGoal: Chat tool を[活用する。各システム',
      '80:19 エラー 事業の成果と課題 › 課題 › 組織、予算等: 値が「[」で始まっているため一覧の始まりとして読まれ、文章になりません（閉じる「]」もありません）。文章として書くには、値全体を "…" で囲むか（organization: "[Chat tool を活用する"）、全角の「［」や「【」にしてください',
    ],
    [
      'a text of full-width spaces alone (prints as a blank cell, and no PDF reader reads it back)',
      'legalBasis: ""',
      'legalBasis: \u3000\u3000',
      '25:13 エラー 根拠法令等: 空白（全角スペースなど）だけが書かれています。印刷すると空欄と同じで、PDF からも文字として読み取れません。空欄にするなら "" と書いてください',
    ],
  ])('%s', (_what, from, to, expected) => {
    expect(validateText(sheetWith(from, to)).filter((f) => !/記入してください|取り込み時の要確認/.test(f))).toEqual([expected]);
  });

  it('a comment after a sentence of the city data (evaluation-sentences.yaml) is an error too, not only in sheets', () => {
    const file = join(ROOT, 'data', 'evaluation-sentences.yaml');
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => /^\s+3: \S/.test(l));
    expect(line, 'a sentence for score 3').toBeGreaterThan(0);
    const lines = text.split('\n');
    lines[line] = lines[line].replace(/(\S)$/, '$1 # 標準');
    const source = loadYamlFile('evaluation-sentences.yaml', Buffer.from(lines.join('\n')), { empty: {}, schema: DATA_FILE_SCHEMAS['evaluation-sentences'] });
    expect(source.findings.map((f) => f.line)).toEqual([line + 1]);
    expect(source.findings[0].message).toMatch(/^「#」から後ろはコメントとして読まれ、印刷されません（「# 標準」が消えます）。/);
  });
});
