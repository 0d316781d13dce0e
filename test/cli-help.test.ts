// The help of every command is made from the one description of it in its parser module (`command`: usage, summary,
// and the flag table the parser itself uses, each flag with its Japanese description): every flag the parser takes
// is in the help, the help names no flag the parser refuses, and `sheetbook --help` lists each command's summary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandParser } from '../src/commands/args';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function cli(...args: string[]) {
  expect(existsSync(CLI), 'dist/cli.js exists (run `npm run build` first)').toBe(true);
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const COMMANDS = ['build', 'validate', 'booklet', 'new', 'rollover', 'import', 'export', 'publish', 'errata', 'watch', 'users'];
const PARSERS: Record<string, () => Promise<unknown>> = {
  build: () => import('../src/commands/build.parser'),
  validate: () => import('../src/commands/validate.parser'),
  booklet: () => import('../src/commands/booklet.parser'),
  new: () => import('../src/commands/new.parser'),
  rollover: () => import('../src/commands/rollover.parser'),
  import: () => import('../src/commands/import.parser'),
  export: () => import('../src/commands/export.parser'),
  publish: () => import('../src/commands/publish.parser'),
  errata: () => import('../src/commands/errata.parser'),
  watch: () => import('../src/commands/watch.parser'),
  users: () => import('../src/commands/users.parser'),
};

async function parserOf(name: string): Promise<CommandParser<unknown>> {
  return (await PARSERS[name]()) as CommandParser<unknown>;
}

/** The lines of the help's option list: `  --year 年度      西暦の年度…`. */
function optionLines(help: string): string[] {
  const start = help.indexOf('\nオプション:\n');
  expect(start).toBeGreaterThan(0);
  return help.slice(start + '\nオプション:\n'.length).split('\n\n')[0].split('\n');
}

/** The usage line: `  sheetbook build [番号…] [--year 年度] …`. */
const usageLine = (help: string, name: string) => help.split('\n').find((l) => l.startsWith(`  sheetbook ${name}`))!;

describe('each command’s help is made from its flag table', () => {
  it.each(COMMANDS)('%s: every flag the parser takes is in the help, once in the options and in the usage line', async (name) => {
    const { command, help } = await parserOf(name);
    expect(command.name).toBe(name);
    const lines = optionLines(help);
    const flags = Object.entries(command.flags);
    // One option line per flag of the table, in its order, each saying the flag's own description.
    expect(lines).toHaveLength(flags.length);
    for (const [i, [flag, spec]] of flags.entries()) {
      expect(spec.description, `${name} --${flag} has a description`).toMatch(/[^\x00-\x7f]/);
      const shown = spec.short ? `-${spec.short}, --${flag}` : `--${flag}`;
      expect(lines[i]).toMatch(new RegExp(`^  ${shown}( |$)`));
      expect(lines[i]).toContain(spec.description);
      if (spec.type === 'string') expect(lines[i]).toContain(`--${flag} ${spec.value}`);
      if (spec.default !== undefined && !spec.choices) expect(lines[i]).toContain(`（既定: ${spec.default}）`);
      if (flag === 'help') continue;
      const usage = usageLine(help, name);
      expect(usage, `${name} usage names --${flag}`).toMatch(new RegExp(`--${flag}( |\\]|$)`));
      // Optional flags in brackets, required ones without.
      expect(usage.includes(`[--${flag}`)).toBe(!spec.required);
    }
    // Flags that are described in the same words by every command that takes them come from one place.
    const shared = await import('../src/commands/args');
    for (const [flag, common] of [['year', shared.YEAR_FLAG], ['data', shared.DATA_FLAG], ['out', shared.OUT_FLAG]] as const) {
      if (command.flags[flag]) expect(command.flags[flag].description).toBe(common.description);
    }
  });

  it.each(COMMANDS)('%s: the help names no flag the parser refuses', async (name) => {
    const { help, parse } = await parserOf(name);
    const named = [...new Set([...help.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]))];
    expect(named.length).toBeGreaterThan(1);
    for (const flag of named) {
      // The parser may refuse the value or miss an operand; it must not refuse the flag itself.
      let refused = '';
      try {
        parse([`--${flag}=2021`]);
      } catch (error) {
        refused = (error as Error).message;
      }
      expect(refused, `${name} --${flag}`).not.toContain(`では --${flag} は使えません`);
    }
    // And the other way: a flag of no table is refused, in the words the help test relies on.
    expect(() => parse(['--bogus'])).toThrow(`${name} では --bogus は使えません`);
  });

  it('build --help reads as before, in Japanese', () => {
    const { code, stdout, stderr } = cli('build', '--help');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        '使い方:',
        '  sheetbook build [番号…] [--year 年度] [--data フォルダ] [--out フォルダ]',
        '      シートを検査し、誤りのないものを PDF にします。',
        '      番号を省くと、その年度のすべてのシートを作ります（例: sheetbook build 087 089）。',
        '',
        'オプション:',
        '  --year 年度      西暦の年度（例: 2021）。省くと data/ の最新の年度',
        '  --data フォルダ  シートの YAML があるフォルダ（既定: data）',
        '  --out フォルダ   書き出すフォルダ（既定: output）。<年度>/<番号>.pdf に書きます',
        '  -h, --help       この説明を表示します',
        '',
        '終了コード: 0 成功 / 1 シートに誤りがある / 2 使い方の誤り',
        '',
      ].join('\n'),
    );
  });

  it.each(COMMANDS)('%s: the descriptions of the options line up in one column (full-width characters count twice)', async (name) => {
    const { command, help } = await parserOf(name);
    const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);
    const descriptions = Object.values(command.flags).map((spec) => spec.description);
    const columns = optionLines(help).map((line, i) => width(line.slice(0, line.indexOf(descriptions[i]))));
    expect(new Set(columns).size, `${name}: ${columns}`).toBe(1);
  });

  it('sheetbook --help lists every command with its usage and the summary its own help begins with', async () => {
    const { code, stdout } = cli('--help');
    expect(code).toBe(0);
    for (const name of COMMANDS) {
      const { command, help } = await parserOf(name);
      const required = Object.entries(command.flags)
        .filter(([, spec]) => spec.required)
        .map(([flag, spec]) => `--${flag} ${spec.value}`);
      const usage = ['  sheetbook', name, command.operands, ...required].filter(Boolean).join(' ');
      expect(stdout).toContain(`${usage}\n      ${command.summary}\n`);
      expect(help).toContain(`\n      ${command.summary}\n`);
    }
    expect(stdout).toContain('-v, --version');
  });
});
