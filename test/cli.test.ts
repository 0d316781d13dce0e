// The command line itself: each command takes only its own flags, says so in Japanese, and selects years and
// sheets the same way. Runs the built CLI (dist/cli.js, made by `npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../src/pipeline/write';
import { bundledSheet, makeDataDir } from './helpers/data';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function cli(...args: string[]) {
  expect(existsSync(CLI), 'dist/cli.js exists (run `npm run build` first)').toBe(true);
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SHEETBOOK_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Nothing a Japanese user would have to read in English: no parser text, no error codes, no stack. */
function expectNoEnglish(output: string): void {
  expect(output).not.toMatch(/Unknown option|ERR_PARSE_ARGS|Unexpected argument|argument is ambiguous|does not take an argument|TypeError|Error:/);
  expect(output).not.toMatch(/^\s+at /m);
}

const outDir = () => mkdtempSync(join(tmpdir(), 'sheetbook-cli-out-'));

/** --data (and --out, where the command takes it) pointing at fresh temporary folders. */
function sandbox(command: string): string[] {
  const data = ['--data', makeDataDir({ '087.yaml': bundledSheet('087') })];
  return ['build', 'booklet', 'export'].includes(command) ? [...data, '--out', outDir()] : data;
}

describe('each command takes only its own flags', () => {
  it.each([
    ['build', ['--format', 'json'], '--format', ['--year', '--data', '--out', '-h/--help']],
    ['build', ['--bogus'], '--bogus', ['--year', '--data', '--out', '-h/--help']],
    ['new', ['093', '--out', 'X'], '--out', ['--year', '--department', '--division', '--data', '-h/--help']],
    ['export', ['--only', '087'], '--only', ['--year', '--format', '--data', '--out', '-h/--help']],
    ['validate', ['--only', '087'], '--only', ['--year', '--data', '--format', '-h/--help']],
    ['booklet', ['--format', 'csv'], '--format', ['--year', '--only', '--department', '--data', '--out', '-h/--help']],
    ['rollover', ['2021', '2022', '--year', '2021'], '--year', ['--data', '-h/--help']],
    ['import', ['a.txt', '--out', 'X'], '--out', ['--data', '-h/--help']],
    ['build', ['-x'], '-x', ['--year', '--data', '--out', '-h/--help']],
    ['watch', ['--format', 'json'], '--format', ['--year', '--booklet', '--data', '--out', '-h/--help']],
  ])('%s %j: exit 2, names the command and its flags, in Japanese', (command, args, flag, flags) => {
    // In a throwaway folder: a command that ignored the flag would otherwise write into the repository.
    const { code, stdout, stderr } = cli(command, ...args, ...sandbox(command));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${command} では ${flag} は使えません。`);
    expect(stderr).toContain(`${command} で使えるオプション: ${flags.join(', ')}`);
    expect(stderr).toContain(`sheetbook ${command} --help`);
    expectNoEnglish(stderr);
  });

  it.each([
    [['build', '--year'], '--year'],
    [['build', '--data', '--out', 'x'], '--data'],
    [['booklet', '--only'], '--only'],
    [['validate', '--format'], '--format'],
  ])('%j: a flag without its value is a usage error in Japanese', (args, flag) => {
    const { code, stderr } = cli(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(flag);
    expect(stderr).toContain('値を指定してください');
    expectNoEnglish(stderr);
  });

  it('a switch given a value is a usage error in Japanese', () => {
    const { code, stderr } = cli('build', '--help=yes');
    expect(code).toBe(2);
    expect(stderr).toContain('--help');
    expectNoEnglish(stderr);
  });

  it.each([
    [['build', '--year', '21'], 'build の --year には西暦 4 桁の年度を指定してください'],
    [['validate', '--format', 'xml'], 'validate の --format には text か json を指定してください'],
    [['export', '--format', 'xml'], 'export の --format には csv か json を指定してください'],
    [['booklet', '087'], 'booklet に番号は指定できません'],
    [['export', '087'], 'export に番号は指定できません'],
    [['new'], 'new には事業番号を 1 つ指定してください'],
    [['rollover', '2021'], 'rollover には元の年度と先の年度を指定してください'],
    [['build', 'abc'], 'シート番号は数字で指定してください'],
    [['watch', '087'], 'watch に番号やファイルは指定できません'],
    [['watch', '--year', '21'], 'watch の --year には西暦 4 桁の年度を指定してください'],
  ])('%j: a bad value is a usage error', (args, message) => {
    const { code, stderr } = cli(...args, ...sandbox(args[0]));
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expectNoEnglish(stderr);
  });

  it('an unknown command lists the commands', () => {
    const { code, stderr } = cli('bulid');
    expect(code).toBe(2);
    expect(stderr).toContain('「bulid」というコマンドはありません。');
    expect(stderr).toContain('build');
    expect(stderr).toContain('booklet');
    expectNoEnglish(stderr);
  });

  it('validate: paths together with --year is a usage error', () => {
    const { code, stderr } = cli('validate', 'data/2021', '--year', '2021');
    expect(code).toBe(2);
    expect(stderr).toContain('--year');
    expectNoEnglish(stderr);
  });
});

describe('help and version', () => {
  it('build --help shows build only', () => {
    const { code, stdout, stderr } = cli('build', '--help');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('sheetbook build [番号…] [--year 年度] [--data フォルダ] [--out フォルダ]');
    expect(stdout).not.toContain('sheetbook booklet');
    expect(stdout).not.toContain('--department');
  });

  it('-h and `help build` give the same text as build --help', () => {
    const help = cli('build', '--help').stdout;
    expect(cli('build', '-h').stdout).toBe(help);
    expect(cli('help', 'build').stdout).toBe(help);
  });

  it('--help wins over flags the command does not take', () => {
    const { code, stdout } = cli('export', '--only', '087', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('sheetbook export');
  });

  it.each(['booklet', 'validate', 'new', 'rollover', 'import', 'export', 'watch'])('%s --help shows its own usage line', (command) => {
    const { code, stdout } = cli(command, '--help');
    expect(code).toBe(0);
    expect(stdout).toContain(`sheetbook ${command}`);
    for (const other of ['build', 'validate', 'booklet', 'new', 'rollover', 'import', 'export', 'watch'].filter((c) => c !== command)) {
      expect(stdout).not.toMatch(new RegExp(`^  sheetbook ${other} `, 'm'));
    }
  });

  it('--help gives the overview of every command', () => {
    const { code, stdout } = cli('--help');
    expect(code).toBe(0);
    for (const command of ['build', 'validate', 'booklet', 'new', 'rollover', 'import', 'export', 'watch']) expect(stdout).toContain(`sheetbook ${command}`);
    expect(stdout).toContain('--version');
  });

  it('--version and -v print the version of package.json', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(version).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+/);
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = cli(flag);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(version);
    }
  });

  it('an unknown top-level flag is a usage error in Japanese', () => {
    const { code, stderr } = cli('--bogus');
    expect(code).toBe(2);
    expectNoEnglish(stderr);
  });
});

describe('validate --year', () => {
  // 2021 is sound; 2019 holds a sheet with a mistake.
  function twoYears(): string {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const broken = bundledSheet('087');
    broken.fiscalYear = 2019;
    broken.costs.settled[2020] = '24,857円';
    mkdirSync(join(dataDir, '2019'));
    writeFileSync(join(dataDir, '2019', '087.yaml'), stringify(broken, { lineWidth: 0 }));
    return dataDir;
  }

  it('checks that year only', () => {
    const dataDir = twoYears();
    const sound = cli('validate', '--year', '2021', '--data', dataDir);
    expect(sound.code).toBe(0);
    expect(sound.stdout).toContain('1 ファイルを検査しました');
    expect(sound.stdout).not.toContain('2019');
    const broken = cli('validate', '--year', '2019', '--data', dataDir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('1 ファイルを検査しました');
    // Without --year, every year is checked.
    expect(cli('validate', '--data', dataDir).code).toBe(1);
  });

  it('a year without its folder is a usage error in Japanese', () => {
    const { code, stderr } = cli('validate', '--year', '2030', '--data', twoYears());
    expect(code).toBe(2);
    expect(stderr).toContain('2030年度のフォルダ');
    expectNoEnglish(stderr);
  });
});

describe('build and booklet select sheets the same way', () => {
  function duplicated(): string {
    return makeDataDir({ '087.yaml': bundledSheet('087'), '87.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
  }

  it.each(['build', 'booklet'])('%s reports both files of a duplicated number and leaves both out', (command) => {
    const out = outDir();
    const { code, stdout, stderr } = cli(command, '--data', duplicated(), '--out', out);
    expectNoEnglish(stderr);
    expect(code).toBe(1);
    expect(stdout).toMatch(/087\.yaml:1:1 エラー 同じ年度に同じ事業番号のファイルがあります（87\.yaml）/);
    expect(stdout).toMatch(/87\.yaml:1:1 エラー 同じ年度に同じ事業番号のファイルがあります（087\.yaml）/);
    // Only 088 is rendered; the two files of 087 are neither built nor rendered for the booklet.
    expect(stdout).toContain('描画 1 件、前回の描画を再利用 0 件、誤りのため作成せず 2 件');
    const written = existsSync(join(out, '2021')) ? readdirSync(join(out, '2021')) : [];
    expect(written).not.toContain('087.pdf');
    expect(written).not.toContain('booklet.pdf');
  });

  it.each(['build', 'booklet'])('%s names the numbers it cannot find, the same way', (command) => {
    const dataDir = makeDataDir({ '088.yaml': bundledSheet('088') });
    const args = command === 'build' ? ['092', '093'] : ['--only', '092,093'];
    const { code, stderr } = cli(command, ...args, '--data', dataDir, '--out', outDir());
    expect(code).toBe(2); // a number with no sheet is a mistake in the command: a usage error
    expect(stderr).toContain('2021年度のシート 092、093 が見つかりません');
    expectNoEnglish(stderr);
  });

  it.each(['build', 'booklet', 'export'])('%s --year with no folder for that year: exit 2', (command) => {
    const { code, stderr } = cli(command, '--year', '2030', '--data', makeDataDir({ '088.yaml': bundledSheet('088') }), '--out', outDir());
    expect(code).toBe(2);
    expect(stderr).toContain('2030年度のフォルダ');
    expectNoEnglish(stderr);
  });
});

describe('signals', () => {
  it('library code installs no signal handlers', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    writeFileAtomic(join(outDir(), 'a.bin'), Buffer.from('x'));
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('the program still dies of a polite kill (its handler re-raises the signal) and leaves no temporary file', async () => {
    // Enough sheets for worker threads, so the main thread is free to take the signal while they render.
    const sheets: Record<string, unknown> = {};
    for (let n = 1; n <= 16; n++) sheets[`${String(n).padStart(3, '0')}.yaml`] = { ...bundledSheet('087'), number: n };
    const out = outDir();
    const child = spawn(process.execPath, [CLI, 'build', '--data', makeDataDir(sheets), '--out', out]);
    await new Promise<void>((resolve) => {
      child.stdout.once('data', () => child.kill('SIGTERM'));
      child.on('exit', () => resolve());
    });
    expect(child.signalCode).toBe('SIGTERM');
    const written = existsSync(join(out, '2021')) ? readdirSync(join(out, '2021')) : [];
    expect(written.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
