// `sheetbook serve`: its description (the help is made from it) and its parser.
import { DATA_FLAG, describeCommand, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import { commandHelp } from './help';
import type { ServeOptions } from './serve.runner';

export const command = describeCommand({
  name: 'serve',
  summary: 'シートをブラウザで書く画面を開きます（このコンピューターの中だけ。Ctrl+C で終わります）。',
  details: [
    '表示されたアドレス（http://127.0.0.1:番号/?token=…）をブラウザで開きます。アドレスの token を知っている人だけが使えます。',
    '年度の一覧、シートの入力欄、入力しながらの検査、PDF の見本があり、保存すると data/<年度>/<番号>.yaml を',
    '書き換えます（コメントや書き方はそのまま、変えた値だけ）。インターネットにはつながず、何もダウンロードしません。',
  ],
  flags: {
    year: { ...YEAR_FLAG, description: '最初に開く年度' },
    port: { type: 'string', value: '番号', description: '待ち受けるポート番号（1024〜65535）', absent: '省くと空いている番号を選びます', example: '8080' },
    open: { type: 'boolean', description: '始めたら、既定のブラウザでアドレスを開きます' },
    data: DATA_FLAG,
    out: OUT_FLAG,
  },
  exitCodes: '終了コード: 0 Ctrl+C で終わった / 1 始められない（ポートが使用中、市のデータの誤りなど） / 2 使い方の誤り',
});

export const help = commandHelp(command);

export function parse(argv: string[]): ServeOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  if (positionals.length > 0) usageError('serve', `serve に番号やファイルは指定できません（「${positionals.join(' ')}」）。`);
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) < 1024 || Number(values.port) > 65535) {
      usageError('serve', `--port には 1024〜65535 の番号を指定してください（「${values.port}」）。`);
    }
    port = Number(values.port);
  }
  return { year: parseYear('serve', values.year), port, open: values.open ?? false, dataDir: values.data, outDir: values.out };
}
