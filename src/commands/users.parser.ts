// `sheetbook users`: its description (the help is made from it) and its parser.
import type { Role } from '../model/actor';
import { DATA_FLAG, describeCommand, parseCommandArgs, usageError } from './args';
import { commandHelp } from './help';
import type { UsersAction, UsersOptions } from './users.runner';

const ROLES = ['editor', 'reviewer', 'planning'] as const;
const ACTIONS: readonly UsersAction[] = ['add', 'remove', 'passwd', 'list'];

export const command = describeCommand({
  name: 'users',
  operands: 'add|remove|passwd|list [ログイン名]',
  summary: 'serve のアカウント（data/users.yaml）を加える・消す・パスワードを変える・一覧にします。',
  details: [
    'data/users.yaml があると、serve はアカウントでの利用になります（ログインが必要になり、ほかの',
    'コンピューターからも使えるようにできます）。パスワードは標準入力から読み（--password-stdin）、',
    'scrypt のハッシュだけを書きます。パスワードもハッシュも表示しません。',
    '例: printf \'%s\' "$PW" | sheetbook users add tsukuba-taro --display-name "筑波 太郎" --role editor \\',
    '      --department 政策イノベーション部 --division 情報政策課 --password-stdin',
    '    sheetbook users remove tsukuba-taro',
    '    sheetbook users passwd tsukuba-taro --password-stdin',
    'add には --display-name・--role・--password-stdin が、editor には --department と --division が、',
    'reviewer には --department が必要です。',
  ],
  flags: {
    'display-name': { type: 'string', value: '表示名', description: '画面と履歴に出る名前（add）', example: '"筑波 太郎"' },
    role: { type: 'string', value: '役割', description: '役割（add）', choices: ROLES, note: 'editor は課のシート、reviewer は部のシート、planning は年度のすべてのシート' },
    department: { type: 'string', value: '部', description: '担当部。シートの担当部と同じ書き方（add）', example: '政策イノベーション部' },
    division: { type: 'string', value: '課', description: '担当課。シートの担当課と同じ書き方（add）', example: '情報政策課' },
    'password-stdin': { type: 'boolean', description: 'パスワードを標準入力から読みます（add と passwd。最後の改行は除きます）' },
    data: DATA_FLAG,
  },
  exitCodes: '終了コード: 0 成功 / 1 data/users.yaml に誤りがある・書き込めない / 2 使い方の誤り（ないアカウント、弱いパスワードなど）',
});

export const help = commandHelp(command);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function parse(argv: string[]): UsersOptions {
  const { values, positionals } = parseCommandArgs(command, argv);
  const [action, name, ...extra] = positionals;
  if (action === undefined) usageError('users', `users の後に ${ACTIONS.join('・')} のどれかを書いてください（例: sheetbook users add tsukuba-taro …）。`);
  if (!(ACTIONS as readonly string[]).includes(action)) usageError('users', `「${action}」は users のコマンドではありません。${ACTIONS.join('・')} のどれかを書いてください。`);
  const act = action as UsersAction;
  if (extra.length > 0) usageError('users', `ログイン名は 1 つだけ指定してください（「${extra.join(' ')}」は余分です）。`);
  if (act === 'list') {
    if (name !== undefined) usageError('users', `users list にログイン名は指定できません（「${name}」）。`);
  } else {
    if (name === undefined) usageError('users', `users ${act} の後にログイン名を書いてください（例: sheetbook users ${act} tsukuba-taro）。`);
    if (!NAME.test(name)) usageError('users', `ログイン名「${name}」は使えません。半角の英数字と . _ - で書き、英数字で始めます（64 文字まで。例: tsukuba-taro）。`);
  }
  // Each flag only where it means something: a flag given to the wrong action is a mistake, said so.
  const accountFlags = (['display-name', 'role', 'department', 'division'] as const).filter((f) => values[f] !== undefined);
  if (act !== 'add' && accountFlags.length > 0) usageError('users', `${accountFlags.map((f) => `--${f}`).join('・')} は users add でだけ使えます。`);
  const needsPassword = act === 'add' || act === 'passwd';
  if (!needsPassword && values['password-stdin']) usageError('users', `--password-stdin は users add と users passwd でだけ使えます。`);
  if (needsPassword && !values['password-stdin']) {
    usageError('users', `users ${act} にはパスワードが必要です。--password-stdin を付けて、標準入力から渡してください（例: printf '%s' "$PW" | sheetbook users ${act} ${name} --password-stdin）。`);
  }
  let role: Role | undefined;
  if (act === 'add') {
    if (values['display-name'] === undefined || values['display-name'].trim() === '') usageError('users', 'users add には --display-name で表示名を指定してください（例: --display-name "筑波 太郎"）。');
    if (values.role === undefined) usageError('users', `users add には --role で役割を指定してください（${ROLES.join('・')}）。`);
    if (!(ROLES as readonly string[]).includes(values.role)) usageError('users', `--role には ${ROLES.join(' か ')} を指定してください（「${values.role}」）。`);
    role = values.role as Role;
    for (const [flag, text] of [['department', values.department], ['division', values.division], ['display-name', values['display-name']]] as const) {
      if (text !== undefined && (text.trim() === '' || /[\n\r]/.test(text))) usageError('users', `--${flag} が空か、改行を含んでいます。`);
    }
    if ((role === 'editor' || role === 'reviewer') && values.department === undefined) usageError('users', `役割が ${role} のアカウントには --department（担当部）が必要です。`);
    if (role === 'editor' && values.division === undefined) usageError('users', '役割が editor のアカウントには --division（担当課）が必要です。');
  }
  return {
    action: act,
    name: name ?? '',
    displayName: values['display-name'],
    role,
    department: values.department,
    division: values.division,
    dataDir: values.data,
  };
}
