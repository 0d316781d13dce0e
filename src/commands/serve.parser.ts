// `sheetbook serve`: its flags and help.
import { commandHelp, DATA_FLAG, HELP_FLAG, HELP_LINES, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import type { ServeOptions } from './serve.runner';

const FLAGS = {
  year: YEAR_FLAG,
  port: { type: 'string', example: '8080' },
  open: { type: 'boolean' },
  data: DATA_FLAG,
  out: OUT_FLAG,
  help: HELP_FLAG,
} as const;

export const help = commandHelp(
  `使い方:
  sheetbook serve [--year 年度] [--port 番号] [--open] [--data フォルダ] [--out フォルダ]
      シートをブラウザで書くための画面を、このコンピューターの中だけ（127.0.0.1）で開きます。
      表示されたアドレス（http://127.0.0.1:番号/?token=…）をブラウザで開きます。アドレスの token を
      知っている人だけが使えます。年度の一覧、シートの入力欄、入力しながらの検査、PDF の見本があり、
      保存すると data/<年度>/<番号>.yaml を書き換えます（コメントや書き方はそのまま、変えた値だけ）。
      インターネットにはつながず、何もダウンロードしません。終わるには Ctrl+C を押します。`,
  [
    '  --year 年度      最初に開く年度（例: 2021）。省くと data/ の最新の年度',
    '  --port 番号      待ち受けるポート番号（1024〜65535）。省くと空いている番号を選びます',
    '  --open           始めたら、既定のブラウザでアドレスを開きます',
    HELP_LINES.data,
    '  --out フォルダ   PDF を書き出すフォルダ（既定: output）',
  ],
  '終了コード: 0 Ctrl+C で終わった / 1 始められない（ポートが使用中、市のデータの誤りなど） / 2 使い方の誤り',
);

export function parse(argv: string[]): ServeOptions {
  const { values, positionals } = parseCommandArgs('serve', argv, FLAGS);
  if (positionals.length > 0) usageError('serve', `serve に番号やファイルは指定できません（「${positionals.join(' ')}」）。`);
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) < 1024 || Number(values.port) > 65535) {
      usageError('serve', `--port には 1024〜65535 の番号を指定してください（「${values.port}」）。`);
    }
    port = Number(values.port);
  }
  return { year: parseYear('serve', values.year), port, open: values.open ?? false, dataDir: values.data ?? 'data', outDir: values.out ?? 'output' };
}
