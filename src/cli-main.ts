// The command line: find the command, load only its parser and runner, run it, and turn every failure into a
// Japanese message and an exit code (0 success, 1 errors in the sheets or data, 2 usage errors).
// Started by src/cli.ts, or by the bundled program (src/program.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wantsHelp, type CommandParser, type CommandRunner } from './commands/args';
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
  status: command(() => import('./commands/status.parser'), () => import('./commands/status.runner')),
  serve: command(() => import('./commands/serve.parser'), () => import('./commands/serve.runner')),
};

const OVERVIEW = `sheetbook — 事務事業マネジメントシートを YAML から A4 の PDF にします

使い方: sheetbook コマンド [引数…] [オプション…]

コマンド:
  sheetbook build [番号…]
      シートを検査し、誤りのないものを PDF にします。
  sheetbook validate [ファイルまたはフォルダ…]
      シートを検査し、すべての誤りを一覧にします。何も書き換えません。
  sheetbook booklet
      その年度の冊子（表紙・目次・全シート）や、議会用の抜粋を作ります。
  sheetbook new 番号
      新しい事業の空のシートを作ります。
  sheetbook rollover 元の年度 先の年度
      前年度のシートから次の年度のシートを作ります。
  sheetbook import ファイル…
      過去の公式シート（テキストまたは PDF）を読み取り、YAML の下書きを作ります。
  sheetbook export
      オープンデータ用に、1 事業 1 行の表（CSV または JSON）を書き出します。
  sheetbook publish
      その年度を発行します（全シート、評価結果一覧、冊子と、発行した内容の記録）。
  sheetbook errata --date 訂正日
      発行した後の訂正: 正誤表、差し替えページ、改訂した冊子を作ります。
  sheetbook watch
      シートを保存するたびに検査し、そのシートの PDF を作り直します（Ctrl+C で終わります）。
  sheetbook status
      その年度のすべてのシートの状況（誤り、書き直しの残り、発行後の変更、保存日時）を一覧にします。
  sheetbook serve
      シートをブラウザで書く画面を開きます（このコンピューターの中だけ。Ctrl+C で終わります）。

コマンドごとの使い方とオプション: sheetbook コマンド --help（例: sheetbook build --help、sheetbook help build）

オプション:
  -h, --help       この説明を表示します
  -v, --version    sheetbook の版を表示します

終了コード: 0 成功 / 1 シートやデータに誤りがある・ファイルを読み書きできない / 2 使い方の誤り`;

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
    console.log(OVERVIEW);
    return 2;
  }
  if (name === '-h' || name === '--help') {
    console.log(OVERVIEW);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    console.log(version());
    return 0;
  }
  if (name === 'help') {
    if (rest.length === 0) {
      console.log(OVERVIEW);
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
