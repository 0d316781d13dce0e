// `sheetbook serve`: its description (the help is made from it) and its parser.
import { isIP } from 'node:net';
import { DATA_FLAG, describeCommand, OUT_FLAG, parseCommandArgs, parseYear, usageError, YEAR_FLAG } from './args';
import { commandHelp } from './help';
import type { ServeOptions } from './serve.runner';

export const command = describeCommand({
  name: 'serve',
  summary: 'シートをブラウザで書く画面を開きます（アカウントがなければこのコンピューターの中だけ。Ctrl+C で終わります）。',
  details: [
    '表示されたアドレス（http://127.0.0.1:番号/?token=…）をブラウザで開きます。アドレスの token を知っている人だけが使えます。',
    'data/users.yaml（sheetbook users add で作ります）があるとアカウントでの利用になり、名前とパスワードでログインします。',
    'そのときだけ --host でほかのコンピューターからも使えます（--tls-cert と --tls-key で HTTPS）。',
    '年度の一覧、シートの入力欄、入力しながらの検査、PDF の見本があり、保存すると data/<年度>/<番号>.yaml を',
    '書き換えます（コメントや書き方はそのまま、変えた値だけ）。インターネットにはつながず、何もダウンロードしません。',
  ],
  flags: {
    year: { ...YEAR_FLAG, description: '最初に開く年度' },
    port: { type: 'string', value: '番号', description: '待ち受けるポート番号（1024〜65535）', absent: '省くと空いている番号を選びます', example: '8080' },
    open: { type: 'boolean', description: '始めたら、既定のブラウザでアドレスを開きます' },
    host: {
      type: 'string',
      value: 'アドレス',
      description: '待ち受けるアドレス（IP アドレス。0.0.0.0 ですべて）',
      default: '127.0.0.1',
      note: '127.0.0.1 以外はアカウント（data/users.yaml）があるときだけ',
    },
    origin: {
      type: 'string',
      multiple: true,
      value: 'URL',
      description: '利用者が開くアドレスがこのサーバーのアドレスと違うとき（DNS の名前、リバースプロキシ）のそのアドレス',
      example: 'https://sheetbook.city.example',
    },
    'tls-cert': { type: 'string', value: 'ファイル', description: 'HTTPS の証明書（PEM）。--tls-key と一緒に指定します' },
    'tls-key': { type: 'string', value: 'ファイル', description: 'HTTPS の秘密鍵（PEM）' },
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
  const host = values.host;
  if (!isIP(host) && host !== 'localhost') usageError('serve', `--host には IP アドレスを指定してください（「${host}」。例: 0.0.0.0、192.168.1.10）。DNS の名前で開くときは --origin で指定します。`);
  const origins = (values.origin ?? []).map((origin) => {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username) {
      usageError('serve', `--origin には https://名前 または https://名前:番号 の形のアドレスを指定してください（「${origin}」）。`);
    }
    return url.origin;
  });
  const [cert, key] = [values['tls-cert'], values['tls-key']];
  if ((cert === undefined) !== (key === undefined)) usageError('serve', 'HTTPS には --tls-cert（証明書）と --tls-key（秘密鍵）の両方を指定してください。');
  return {
    year: parseYear('serve', values.year),
    port,
    open: values.open ?? false,
    dataDir: values.data,
    outDir: values.out,
    host,
    origins,
    tls: cert !== undefined && key !== undefined ? { cert, key } : undefined,
  };
}
