#!/usr/bin/env node
// The command line: parse flags, call a runner, turn every failure into a Japanese message and an exit code.
import './lazy-modules';
import { parseArgs } from 'node:util';
import { UserError } from './model/errors';
import { removePendingTemporaries } from './pipeline/write';

// Each command loads only what it needs: a one-sheet rebuild should start fast.
const commands = {
  booklet: () => import('./commands/booklet.runner'),
  build: () => import('./commands/build.runner'),
  export: () => import('./commands/export.runner'),
  import: () => import('./commands/import.runner'),
  new: () => import('./commands/new.runner'),
  rollover: () => import('./commands/rollover.runner'),
  validate: () => import('./commands/validate.runner'),
};

const HELP = `sheetbook — 事務事業マネジメントシートを YAML から A4 の PDF にします

使い方:
  sheetbook build [番号…] [--year 年度] [--data フォルダ] [--out フォルダ]
      シートを検査し、誤りのないものを PDF にします。
      番号を省くと、その年度のすべてのシートを作ります（例: sheetbook build 087 089）。

  sheetbook validate [ファイルまたはフォルダ…] [--data フォルダ] [--format text|json]
      シートを検査し、すべての誤りを「ファイル:行:桁 重大度 項目 › 項目: 説明」の形で一覧にします。
      何も書き換えません。指定がなければ --data のすべての年度を検査します。

  sheetbook booklet [--year 年度] [--only 番号,番号…] [--department 部名…] [--data フォルダ] [--out フォルダ]
      その年度の冊子（表紙・目次・全シート）を output/<年度>/booklet.pdf に作ります。
      --only や --department で議会用の抜粋を作れます（例: booklet-087-089.pdf）。
      変わったシートだけを作り直し、ほかは前回の結果を再利用します。

  sheetbook new 番号 [--year 年度] [--department 部名] [--division 課名] [--data フォルダ]
      新しい事業の空のシート data/<年度>/<番号>.yaml を作ります（既にあれば作りません）。

  sheetbook rollover 元の年度 先の年度 [--data フォルダ]
      前年度のシートから次の年度のシートを作ります（例: sheetbook rollover 2021 2022）。
      数値は年度ごとに引き継ぎ、毎年書き直す文章には印（review）を付けます。上書きはしません。

  sheetbook import ファイル… [--data フォルダ]
      過去の公式シート（テキストに書き出したもの、または PDF）を読み取り、1 シート 1 ファイルの
      YAML の下書きを data/<年度>/<番号>.yaml に作ります。確かでない箇所は「要確認」として一覧にします。
      既にあるファイルは上書きしません。

  sheetbook export [--year 年度] [--format csv|json] [--data フォルダ] [--out フォルダ]
      オープンデータ用に、1 事業 1 行の表を output/<年度>/opendata.csv（または .json）に書き出します。
      CSV は Excel でそのまま開ける UTF-8（BOM 付き）です。

オプション:
  --year 年度      西暦の年度（例: 2021）。省くと data/ の最新の年度
  --data フォルダ  シートの YAML があるフォルダ（既定: data）
  --out フォルダ   PDF を書き出すフォルダ（既定: output）。<年度>/<番号>.pdf に書きます
  --format 形式    validate の出力: text（既定）か json。export の形式: csv（既定）か json
  --only 番号      冊子に入れるシート（カンマ区切り、例: 087,089）
  --department 部  冊子に入れる部（くり返し指定できます）
  -h, --help       この説明を表示します

終了コード: 0 成功 / 1 シートに誤りがある / 2 使い方の誤り`;

function usage(message: string): never {
  throw new UserError(`${message}\n「sheetbook --help」で使い方を確認してください。`, 2);
}

function parseYear(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{4}$/.test(value)) usage(`--year には西暦 4 桁の年度を指定してください（「${value}」）。`);
  return Number(value);
}

function parseNumbers(values: string[]): number[] {
  return values.map((v) => {
    if (!/^[0-9]{1,4}$/.test(v)) usage(`シート番号は数字で指定してください（「${v}」）。`);
    return Number(v);
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        year: { type: 'string' },
        data: { type: 'string', default: 'data' },
        out: { type: 'string', default: 'output' },
        format: { type: 'string' },
        only: { type: 'string', multiple: true },
        department: { type: 'string', multiple: true },
        division: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    usage(`オプションが正しくありません: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case 'build': {
      const { runBuild } = await commands.build();
      const summary = await runBuild({
        numbers: parseNumbers(rest),
        year: parseYear(values.year),
        dataDir: values.data!,
        outDir: values.out!,
      });
      return summary.failed.length > 0 ? 1 : 0;
    }
    case 'booklet': {
      if (rest.length > 0) usage(`booklet に番号は指定できません（「${rest.join(' ')}」）。シートを選ぶには --only を使います。`);
      const only = parseNumbers((values.only ?? []).flatMap((v) => v.split(/[,、，]/)).map((v) => v.trim()).filter(Boolean));
      const { runBooklet } = await commands.booklet();
      const result = await runBooklet({
        year: parseYear(values.year),
        dataDir: values.data!,
        outDir: values.out!,
        selection: { only, departments: values.department ?? [] },
      });
      return result.file ? 0 : 1;
    }
    case 'new': {
      if (rest.length !== 1) usage('new には事業番号を 1 つ指定してください（例: sheetbook new 092）。');
      const [number] = parseNumbers(rest);
      const departments = values.department ?? [];
      if (departments.length > 1) usage('new の --department は 1 つだけ指定してください。');
      const { runNew } = await commands.new();
      runNew({ number, year: parseYear(values.year), department: departments[0], division: values.division, dataDir: values.data! });
      return 0;
    }
    case 'rollover': {
      if (rest.length !== 2) usage('rollover には元の年度と先の年度を指定してください（例: sheetbook rollover 2021 2022）。');
      const [from, to] = rest.map((y) => parseYear(y)!);
      const { runRollover } = await commands.rollover();
      const result = runRollover({ from, to, dataDir: values.data! });
      return result.skipped.length > 0 ? 1 : 0;
    }
    case 'import': {
      const { runImport } = await commands.import();
      const result = await runImport({ files: rest, dataDir: values.data! });
      return result.written.length + result.skipped.length > 0 ? 0 : 1;
    }
    case 'export': {
      if (rest.length > 0) usage(`export に番号は指定できません（「${rest.join(' ')}」）。`);
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') usage(`export の --format には csv か json を指定してください（「${format}」）。`);
      const { runExport } = await commands.export();
      const result = await runExport({ year: parseYear(values.year), dataDir: values.data!, outDir: values.out!, format });
      return result.file ? 0 : 1;
    }
    case 'validate': {
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') usage(`validate の --format には text か json を指定してください（「${format}」）。`);
      const { runValidate } = await commands.validate();
      return await runValidate({ paths: rest, year: parseYear(values.year), dataDir: values.data!, format });
    }
    case undefined:
      console.log(HELP);
      return 2;
    default:
      usage(`「${command}」というコマンドはありません。`);
  }
}

// On Ctrl+C or a polite kill, take the temporary files of unfinished writes along, then die of the same signal.
// (The library installs no handlers: this is the program's decision. A hard kill is tidied by the next run.)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    removePendingTemporaries();
    process.kill(process.pid, signal);
  });
}

// For `npm run bench`: the peak memory of the whole process (worker threads included).
if (process.env.SHEETBOOK_REPORT_RSS) process.on('exit', () => console.error(`maxRSS=${process.resourceUsage().maxRSS}`));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      console.error(error.message);
      process.exitCode = error.exitCode;
    } else {
      // An unexpected failure is still reported in Japanese; the details are kept for developers only.
      console.error(`予期しないエラーが起きました: ${(error as Error)?.message ?? error}`);
      if (process.env.SHEETBOOK_DEBUG) console.error(error);
      process.exitCode = 70;
    }
  },
);
