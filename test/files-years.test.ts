// Issue 19, points 7 and 9: every sheet-like file of a year folder is read or named, and the year a command works on
// is never a surprise (it is said when defaulted, and a year without an issue date gets no made-up dates).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runRollover } from '../src/commands/rollover.runner';
import { startWatch } from '../src/commands/watch.runner';
import { bundledSheet, makeDataDir } from './helpers/data';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const NUMBERS = ['087', '088', '089', '090', '091'];

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SHEETBOOK_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, out: `${run.stdout}${run.stderr}` };
}

function expectNoStack(output: string): void {
  expect(output).not.toMatch(/TypeError|Error:|予期しないエラー/);
  expect(output).not.toMatch(/^\s+at /m);
}

/** The first line of stderr that is sheetbook's own (not a warning of node's, which may come first). */
const firstLine = (stderr: string) => stderr.split('\n').filter((l) => !/^\((node:[0-9]+|Use `node)/.test(l))[0];

const outDir = () => mkdtempSync(join(tmpdir(), 'sheetbook-files-out-'));
const fiveSheets = () => makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));

/** A bundled sheet renumbered, as a file of its own. */
function renumbered(from: string, number: number): string {
  const sheet = bundledSheet(from);
  sheet.number = number;
  return stringify(sheet, { lineWidth: 0 });
}

describe('point 7: a symlinked sheet', () => {
  /** data/2021/099.yaml → data/drafts/099.yaml: a link that stays inside the data folder. */
  function linkedInside(): string {
    const dataDir = fiveSheets();
    mkdirSync(join(dataDir, 'drafts'));
    writeFileSync(join(dataDir, 'drafts', '099.yaml'), renumbered('091', 99));
    symlinkSync('../drafts/099.yaml', join(dataDir, '2021', '099.yaml'));
    return dataDir;
  }

  /** data/2021/099.yaml → a file outside the data folder. */
  function linkedOutside(): { dataDir: string; target: string } {
    const dataDir = fiveSheets();
    const elsewhere = mkdtempSync(join(tmpdir(), 'sheetbook-elsewhere-'));
    const target = join(elsewhere, '099.yaml');
    writeFileSync(target, renumbered('091', 99));
    symlinkSync(target, join(dataDir, '2021', '099.yaml'));
    return { dataDir, target };
  }

  it('a link inside data/ is read by validate (folder and --year), as validate of the file itself does', () => {
    const dataDir = linkedInside();
    for (const args of [['--data', dataDir], ['--year', '2021', '--data', dataDir], [join(dataDir, '2021')]]) {
      const run = cli('validate', ...args);
      expect(run.code, run.out).toBe(0);
      expect(run.stdout).toContain('6 ファイルを検査しました');
    }
  });

  it('a link inside data/ is built, put into the booklet and exported', () => {
    const dataDir = linkedInside();
    const out = outDir();
    const build = cli('build', '--data', dataDir, '--out', out);
    expect(build.code, build.out).toBe(0);
    expect(existsSync(join(out, '2021', '099.pdf'))).toBe(true);
    const booklet = cli('booklet', '--data', dataDir, '--out', out);
    expect(booklet.code, booklet.out).toBe(0);
    expect(booklet.stdout).toContain('（6 事業、');
    const exported = cli('export', '--data', dataDir, '--out', out);
    expect(exported.code, exported.out).toBe(0);
    expect(exported.stdout).toContain('（6 事業）');
  });

  it('a link leading outside data/ is refused by every command, naming the link and where it leads', () => {
    const { dataDir, target } = linkedOutside();
    const link = join(dataDir, '2021', '099.yaml');
    const refusal = `${link}:1:1 エラー データのフォルダ（${dataDir}）の外のファイル ${target} へのリンクです`;
    for (const args of [['validate', '--data', dataDir], ['validate', '--year', '2021', '--data', dataDir], ['validate', link]]) {
      const run = cli(...args);
      expect(run.code, `${args.join(' ')}\n${run.out}`).toBe(1);
      expect(run.stdout).toContain(refusal);
      expectNoStack(run.out);
    }
    const out = outDir();
    for (const command of ['build', 'booklet', 'export']) {
      const run = cli(command, '--data', dataDir, '--out', out);
      expect(run.code, `${command}\n${run.out}`).toBe(1);
      expect(run.out).toContain(refusal);
      expectNoStack(run.out);
    }
    const written = readdirSync(join(out, '2021'));
    expect(written).not.toContain('099.pdf');
    expect(written).not.toContain('booklet.pdf');
    expect(written).not.toContain('opendata.csv');
    // The other sheets are still built, and a council selection that leaves it out is still made.
    expect(written).toContain('087.pdf');
    expect(cli('booklet', '--only', '087', '--data', dataDir, '--out', out).code).toBe(0);
  });

  it('a broken link named as a sheet is an error, not a sheet silently missing', () => {
    const dataDir = fiveSheets();
    symlinkSync('../drafts/gone.yaml', join(dataDir, '2021', '099.yaml'));
    const run = cli('validate', '--data', dataDir);
    expect(run.code, run.out).toBe(1);
    expect(run.stdout).toContain(`${join(dataDir, '2021', '099.yaml')}:1:1 エラー リンク先のファイル`);
    expect(cli('booklet', '--data', dataDir, '--out', outDir()).code).toBe(1);
  });
});

describe('point 7: files that look like sheets but are not read', () => {
  function lookalikes(): string {
    const dataDir = fiveSheets();
    const year = join(dataDir, '2021');
    writeFileSync(join(year, '092.YAML'), renumbered('090', 92));
    writeFileSync(join(year, '087.yaml.bak'), renumbered('087', 87));
    writeFileSync(join(year, '088 のコピー.yaml'), renumbered('088', 88));
    writeFileSync(join(year, 'メモ.txt'), 'a note, not a sheet\n'); // not sheet-like: nothing said
    mkdirSync(join(year, 'published')); // the records' folder: nothing said
    return dataDir;
  }

  const expected = (dataDir: string) => [
    `${join(dataDir, '2021', '087.yaml.bak')}:1:1 警告 シートのファイルとしては読みません`,
    `${join(dataDir, '2021', '088 のコピー.yaml')}:1:1 警告 シートのファイルとしては読みません`,
    `${join(dataDir, '2021', '092.YAML')}:1:1 警告 シートのファイルとしては読みません（拡張子が大文字です。「092.yaml」に名前を変えると読みます）`,
  ];

  it('validate names each of them and why, as warnings (exit 0)', () => {
    const dataDir = lookalikes();
    for (const args of [['--data', dataDir], ['--year', '2021', '--data', dataDir]]) {
      const run = cli('validate', ...args);
      expect(run.code, run.out).toBe(0);
      for (const line of expected(dataDir)) expect(run.stdout).toContain(line);
      expect(run.stdout).not.toContain('メモ.txt');
      expect(run.stdout).not.toContain('published');
      expect(run.stdout).toContain('5 ファイルを検査しました');
    }
  });

  it.each(['build', 'booklet', 'export'])('%s names them too, and works on the five sheets', (command) => {
    const dataDir = lookalikes();
    const run = cli(command, '--data', dataDir, '--out', outDir());
    expect(run.code, run.out).toBe(0);
    for (const line of expected(dataDir)) expect(run.out).toContain(line);
  });

  it('validate of such a file itself checks it and says that the other commands do not read it', () => {
    const dataDir = lookalikes();
    const run = cli('validate', join(dataDir, '2021', '092.YAML'));
    expect(run.code, run.out).toBe(0);
    expect(run.stdout).toContain(expected(dataDir)[2]);
  });

  it('watch names them when it starts', async () => {
    const dataDir = lookalikes();
    const lines: string[] = [];
    const watch = startWatch({ dataDir, outDir: outDir(), booklet: false, year: 2021 }, (l) => lines.push(l));
    await watch.close();
    for (const line of expected(dataDir)) expect(lines.some((l) => l.startsWith(line)), line).toBe(true);
  });

  it('a .yml file is a sheet like a .yaml file', () => {
    const dataDir = fiveSheets();
    writeFileSync(join(dataDir, '2021', '093.yml'), renumbered('090', 93));
    const run = cli('validate', '--year', '2021', '--data', dataDir);
    expect(run.code, run.out).toBe(0);
    expect(run.stdout).toContain('6 ファイルを検査しました: エラー 0 件、警告 2 件');
  });
});

describe('--only and --department given nothing', () => {
  it.each([
    [['--only', ''], '--only'],
    [['--only=,'], '--only'],
    [['--only', ' 、'], '--only'],
    [['--department', ''], '--department'],
  ])('booklet %j is refused (exit 2), the whole year is not built', (args, flag) => {
    const out = outDir();
    const run = cli('booklet', ...args, '--data', fiveSheets(), '--out', out);
    expect(run.code, run.out).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${flag} に(シートの番号|部の名前)がありません`));
    expect(run.stderr).toContain('sheetbook booklet --help');
    expect(existsSync(join(out, '2021'))).toBe(false);
    expectNoStack(run.out);
  });
});

describe('point 9: the year a command works on', () => {
  it.each([
    ['build', []],
    ['booklet', []],
    ['export', []],
    ['publish', []],
  ])('%s without --year says which year on stderr, and why', (command, args) => {
    const dataDir = fiveSheets();
    const run = cli(command, ...args, '--data', dataDir, '--out', outDir());
    expect(firstLine(run.stderr)).toBe(`対象年度: 2021年度（令和3年度。--year を省いたので、${dataDir} にある最新の年度。ほかの年度は --year で指定します）`);
    if (command !== 'publish') expect(cli(command, ...args, '--year', '2021', '--data', dataDir, '--out', outDir()).stderr).not.toContain('対象年度');
  });

  it('errata without --year says which year', () => {
    const dataDir = fiveSheets();
    const run = cli('errata', '--date', '2022-11-01', '--data', dataDir, '--out', outDir());
    expect(firstLine(run.stderr)).toMatch(/^対象年度: 2021年度（令和3年度。/);
  });

  it('new without --year says which year, also when it is the year after the newest', () => {
    const dataDir = fiveSheets();
    const run = cli('new', '092', '--data', dataDir);
    expect(run.code, run.out).toBe(0);
    expect(firstLine(run.stderr)).toBe(`対象年度: 2022年度（令和4年度。--year を省いたので、${dataDir} にある最新の、発行日の決まった 2021年度の次の年度。ほかの年度は --year で指定します）`);
  });
});

describe('point 9: a year without an issue date gets no made-up dates', () => {
  /** A data folder whose newest year, 2022, has sheets (rolled over and finished) but no issue date. */
  function unissuedYear(): string {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
    runRollover({ from: 2021, to: 2022, dataDir }, () => {});
    for (const n of ['087', '088']) {
      const file = join(dataDir, '2022', `${n}.yaml`);
      const sheet = parse(readFileSync(file, 'utf8'));
      delete sheet.review;
      writeFileSync(file, stringify(sheet, { lineWidth: 0 }));
    }
    return dataDir;
  }

  const fix = (dataDir: string) => `${join(dataDir, 'city.yaml')} の years: の下に「2022: {issueDate: YYYY-MM-DD}」`;

  it('booklet refuses, with the file and the field to set, and writes nothing', () => {
    const dataDir = unissuedYear();
    const out = outDir();
    for (const args of [[], ['--only', '087']]) {
      const run = cli('booklet', ...args, '--data', dataDir, '--out', out);
      expect(run.code, run.out).toBe(1);
      expect(run.out).toContain('令和4年度（2022年度）の発行日がないため、冊子は作りません');
      expect(run.out).toContain(fix(dataDir));
      expectNoStack(run.out);
    }
    expect(existsSync(join(out, '2022'))).toBe(false);
  });

  it('publish refuses the same way, and writes nothing (no record either)', () => {
    const dataDir = unissuedYear();
    const out = outDir();
    const run = cli('publish', '--data', dataDir, '--out', out);
    expect(run.code, run.out).toBe(1);
    expect(run.out).toContain('令和4年度（2022年度）の発行日がないため、発行できません');
    expect(run.out).toContain(fix(dataDir));
    expect(existsSync(join(out, '2022'))).toBe(false);
    expect(existsSync(join(dataDir, '2022', 'published'))).toBe(false);
  });

  it('build makes the sheet PDFs, says so in one warning line, and puts no date in them', () => {
    const dataDir = unissuedYear();
    const [first, second] = [outDir(), outDir()];
    const run = cli('build', '--data', dataDir, '--out', first);
    expect(run.code, run.out).toBe(0);
    const warnings = run.out.split('\n').filter((l) => l.includes('発行日'));
    expect(warnings).toEqual([
      `${join(dataDir, 'city.yaml')}: 警告 令和4年度（2022年度）の発行日がないため、シートの PDF に作成日を入れていません。発行日は表紙と PDF の作成日になります。発行する前に years: の下に「2022: {issueDate: YYYY-MM-DD}」を書いてください。`,
    ]);
    const pdf = readFileSync(join(first, '2022', '087.pdf')).toString('latin1');
    expect(pdf).not.toContain('D:2000');
    expect(pdf).not.toContain('2000-01-01');
    expect(pdf).not.toContain('/CreationDate');
    expect(pdf).not.toContain('xmp:CreateDate');
    // Still the same bytes from the same input.
    expect(cli('build', '--data', dataDir, '--out', second).code).toBe(0);
    expect(readFileSync(join(second, '2022', '087.pdf')).equals(readFileSync(join(first, '2022', '087.pdf')))).toBe(true);
  });

  it('the issue\'s case: new 092 while 2021 is issued, then booklet says it works on 2022 and why it refuses', () => {
    const dataDir = fiveSheets();
    expect(cli('new', '092', '--data', dataDir).code).toBe(0);
    const run = cli('booklet', '--data', dataDir, '--out', outDir());
    expect(run.code, run.out).toBe(1);
    expect(firstLine(run.stderr)).toMatch(/^対象年度: 2022年度（/);
    expect(run.out).toContain(fix(dataDir));
    // Once the year has its date, the booklet is a matter of its sheets again.
    const city = join(dataDir, 'city.yaml');
    writeFileSync(city, readFileSync(city, 'utf8') + '  2022:\n    issueDate: 2023-10-02\n');
    const again = cli('booklet', '--data', dataDir, '--out', outDir());
    expect(again.code).toBe(1);
    expect(again.out).not.toContain('発行日がない');
    expect(again.stdout).toContain('誤りのあるシートが 1 件あるため');
  });

  it('watch --booklet builds the sheets of such a year, says the warning once, and makes no booklet', async () => {
    const dataDir = unissuedYear();
    const out = outDir();
    const lines: string[] = [];
    const watch = startWatch({ dataDir, outDir: out, booklet: true }, (l) => lines.push(l));
    try {
      const next = watch.nextRebuild();
      const file = join(dataDir, '2022', '087.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: (.*)$/m, 'name: $1（改）'));
      const rebuild = await next;
      expect(rebuild.problem).toBeUndefined();
      expect(rebuild.written).toEqual([join(out, '2022', '087.pdf')]);
      expect(rebuild.booklet).toBeUndefined();
    } finally {
      await watch.close();
    }
    expect(lines.filter((l) => l.includes('PDF に作成日を入れていません'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('発行日がないため、冊子は作りません'))).toBe(true);
  });
});
