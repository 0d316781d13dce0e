// The command line: find the command, load only its parser and runner, run it, and turn every failure into a
// Japanese message and an exit code (0 success, 1 errors in the sheets or data, 2 usage errors).
// Started by src/cli.ts, or by the bundled program (src/program.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELP_FLAG, wantsHelp, type CommandParser, type CommandRunner, type FlagTable } from './commands/args';
import { optionLines, overviewEntry } from './commands/help';
import { fileSystemError, UserError } from './model/errors';
import { removePendingTemporaries } from './pipeline/write';

interface Command<Options> {
  parser: () => Promise<CommandParser<Options>>;
  runner: () => Promise<CommandRunner<Options>>;
}

const command = <Options>(parser: Command<Options>['parser'], runner: Command<Options>['runner']): Command<Options> => ({ parser, runner });

// Each command loads only what it needs: a one-sheet rebuild should start fast.
const COMMANDS: Record<string, Command<any>> = {
  build: command(() => import('./commands/build.parser'), () => import('./commands/build.runner')),
  validate: command(() => import('./commands/validate.parser'), () => import('./commands/validate.runner')),
  booklet: command(() => import('./commands/booklet.parser'), () => import('./commands/booklet.runner')),
  new: command(() => import('./commands/new.parser'), () => import('./commands/new.runner')),
  rollover: command(() => import('./commands/rollover.parser'), () => import('./commands/rollover.runner')),
  import: command(() => import('./commands/import.parser'), () => import('./commands/import.runner')),
  export: command(() => import('./commands/export.parser'), () => import('./commands/export.runner')),
  publish: command(() => import('./commands/publish.parser'), () => import('./commands/publish.runner')),
  errata: command(() => import('./commands/errata.parser'), () => import('./commands/errata.runner')),
  watch: command(() => import('./commands/watch.parser'), () => import('./commands/watch.runner')),
  diff: command(() => import('./commands/diff.parser'), () => import('./commands/diff.runner')),
  status: command(() => import('./commands/status.parser'), () => import('./commands/status.runner')),
  serve: command(() => import('./commands/serve.parser'), () => import('./commands/serve.runner')),
  users: command(() => import('./commands/users.parser'), () => import('./commands/users.runner')),
};

/** The program's own flags (it takes no others before the command). */
const PROGRAM_FLAGS = { help: HELP_FLAG, version: { type: 'boolean', short: 'v', description: 'sheetbook の版を表示します' } } as const satisfies FlagTable;

/** `sheetbook --help`: every command's entry, made from its description (so each parser module is loaded). */
async function overview(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map(async (c) => (await c.parser()).command));
  return `sheetbook — 事務事業マネジメントシートを YAML から A4 の PDF にします

使い方: sheetbook コマンド [引数…] [オプション…]

コマンド:
${commands.map(overviewEntry).join('\n')}

コマンドごとの使い方とオプション: sheetbook コマンド --help（例: sheetbook build --help、sheetbook help build）

オプション:
${optionLines(PROGRAM_FLAGS).join('\n')}

終了コード: 0 成功 / 1 シートやデータに誤りがある・ファイルを読み書きできない / 2 使い方の誤り`;
}

// The package's folder: dist/ is the compiled sources (dist/cli-main.js).
const PACKAGE_DIR = join(__dirname, '..');

const COMMAND_LIST = `コマンド: ${Object.keys(COMMANDS).join(', ')}`;

function usage(message: string): never {
  throw new UserError(`${message}\n「sheetbook --help」で使い方を確認してください。`, 2);
}

function version(): string {
  return JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
}

function find(name: string): Command<unknown> {
  const found = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!found) usage(`「${name}」というコマンドはありません。${COMMAND_LIST}`);
  return found;
}

async function main(argv: string[], stop: AbortSignal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.log(await overview());
    return 2;
  }
  if (name === '-h' || name === '--help') {
    console.log(await overview());
    return 0;
  }
  if (name === '-v' || name === '--version') {
    console.log(version());
    return 0;
  }
  if (name === 'help') {
    if (rest.length === 0) {
      console.log(await overview());
      return 0;
    }
    if (rest.length > 1) usage(`help には、説明を見たいコマンドを 1 つ指定してください（例: sheetbook help build）。`);
    console.log((await find(rest[0]).parser()).help);
    return 0;
  }
  if (name.startsWith('-')) usage(`最初にコマンドを書いてください（「${name}」はコマンドではありません。例: sheetbook build --year 2021）。${COMMAND_LIST}`);

  const { parser, runner } = find(name);
  const { help, parse } = await parser();
  if (wantsHelp(rest)) {
    console.log(help);
    return 0;
  }
  const options = parse(rest);
  const run = await runner();
  stoppable = run.runsUntilStopped === true;
  return run.main(options, stop);
}

const stopOnSignal = new AbortController();
let stoppable = false;
function onSignal(signal: NodeJS.Signals): void {
  removePendingTemporaries();
  if (stoppable && !stopOnSignal.signal.aborted) {
    stopOnSignal.abort();
    process.once(signal, onSignal);
    return;
  }
  process.kill(process.pid, signal);
}

/**
 * Run one command line `argv` (without node and the script) to its end: every failure becomes its Japanese message
 * on stderr, and the result is the exit code. `stop` is aborted to ask a command that runs until stopped to end.
 */
function runCommand(argv: string[], stop: AbortSignal = new AbortController().signal): Promise<number> {
  return main(argv, stop).then(
    (code) => code,
    (error: unknown) => {
      const known = error instanceof UserError ? error : fileSystemError(error);
      if (known) {
        console.error(known.message);
        return known.exitCode;
      }
      // An unexpected failure is still reported in Japanese; the details are kept for developers only.
      console.error(`予期しないエラーが起きました: ${(error as Error)?.message ?? error}`);
      if (process.env.SHEETBOOK_DEBUG) console.error(error);
      return 70;
    },
  );
}

/** Run the command line `argv` as the program: sets process.exitCode; installs the signal handlers. */
export function runCli(argv: string[]): Promise<void> {
  // On Ctrl+C or a polite kill, take the temporary files of unfinished writes along, then die of the same signal.
  // A command that runs until stopped (watch) is asked to stop instead and ends on its own, its files written whole;
  // a second signal ends it at once, the same way.
  // (The library installs no handlers: this is the program's decision. A hard kill is tidied by the next run.)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);

  // For `npm run bench`: the peak memory of the whole process (worker threads included).
  if (process.env.SHEETBOOK_REPORT_RSS) process.on('exit', () => console.error(`maxRSS=${process.resourceUsage().maxRSS}`));

  return runCommand(argv, stopOnSignal.signal).then((code) => {
    process.exitCode = code;
  });
}
