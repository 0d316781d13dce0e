// `sheetbook users add|remove|passwd|list`: the accounts of `serve`, in data/users.yaml. The file is changed in place
// (the yaml library's Document: comments and order kept), checked before and after, and written atomically, readable
// by its owner only. Passwords come from standard input, are refused when weak, and only their scrypt hash is written;
// neither is ever printed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { isMap, parseDocument, type Document, type YAMLMap } from 'yaml';
import type { Role } from '../model/actor';
import { UserError } from '../model/errors';
import { hashPassword, passwordProblem } from '../model/password';
import { displayPath, formatFinding } from '../model/report';
import { DataFileError } from '../pipeline/data-file';
import { readUsersFile, usersFilePath, type Account } from '../pipeline/users';
import { writeFileAtomic } from '../pipeline/write';

export type UsersAction = 'add' | 'remove' | 'passwd' | 'list';

export interface UsersOptions {
  action: UsersAction;
  name: string;
  displayName?: string;
  role?: Role;
  department?: string;
  division?: string;
  dataDir: string;
}

const SCHEMA_FILE = resolve(__dirname, '../../src/model/users.schema.json');

/** Options for tests: the password's source and the hash's cost. */
export interface UsersIo {
  readPassword?: (changing: boolean) => Promise<string>;
}

export async function main(options: UsersOptions, _stop?: AbortSignal, io: UsersIo = {}): Promise<number> {
  const file = usersFilePath(options.dataDir);
  const shown = displayPath(file);
  const exists = existsSync(file);
  const text = exists ? readFileSync(file, 'utf8') : '';
  const accounts = exists ? checked(file) : new Map<string, Account>();

  if (options.action === 'list') {
    if (!exists) {
      console.error(`${shown} はありません（アカウントなし。serve はこのコンピューターの中だけで、token で使います）。`);
      return 0;
    }
    for (const a of [...accounts.values()].sort((x, y) => x.name.localeCompare(y.name))) console.log(describe(a));
    console.error(`${accounts.size} 人のアカウントがあります（${shown}）。`);
    return 0;
  }

  const known = accounts.get(options.name);
  if (options.action === 'add' && known) {
    throw new UserError(`アカウント「${options.name}」は ${shown} にすでにあります。パスワードを変えるには sheetbook users passwd ${options.name} --password-stdin を使います。`, 2);
  }
  if (options.action !== 'add' && !known) {
    const names = [...accounts.keys()];
    throw new UserError(`アカウント「${options.name}」は ${exists ? shown : 'data/users.yaml'} にありません。${names.length ? `あるアカウント: ${names.join('、')}` : 'アカウントはまだありません。'}`, 2);
  }

  const doc = exists ? parseDocument(text) : newDocument(file);
  let done: string;
  if (options.action === 'remove') {
    doc.deleteIn(['users', options.name]);
    done = `アカウント「${options.name}」（${known!.displayName}）を ${shown} から消しました。そのアカウントのログインは、動いている serve でもすぐに使えなくなります。`;
  } else {
    const password = await (io.readPassword ?? readPassword)(options.action === 'passwd');
    const problem = passwordProblem(password, options.name);
    if (problem) throw new UserError(`${problem}何も書き換えませんでした。`, 2);
    const passwordHash = await hashPassword(password);
    if (options.action === 'passwd') {
      doc.setIn(['users', options.name, 'passwordHash'], passwordHash);
      done = `アカウント「${options.name}」のパスワードを変えました（${shown}）。前のパスワードでのログインは、動いている serve でもすぐに終わります。`;
    } else {
      const account: Omit<Account, 'name'> = {
        displayName: options.displayName!,
        ...(options.department !== undefined ? { department: options.department } : {}),
        ...(options.division !== undefined ? { division: options.division } : {}),
        role: options.role!,
        passwordHash,
      };
      if (!isMap(doc.get('users'))) doc.set('users', doc.createNode({}));
      doc.setIn(['users', options.name], doc.createNode(account));
      // One account a block of lines (a new file's `users: {}` would make them all one line).
      (doc.get('users') as YAMLMap).flow = false;
      done = `アカウント「${options.name}」を ${shown} に加えました: ${describe({ name: options.name, ...account })}`;
    }
  }
  const bytes = Buffer.from(doc.toString({ lineWidth: 0 }), 'utf8');
  // What is written is read back first: the file the server will read is one this program accepts.
  const after = readUsersFile(file, bytes);
  if (after.findings.length > 0) throw new DataFileError(after.findings);
  writeFileAtomic(file, bytes, { mode: 0o600 });
  console.log(done);
  return 0;
}

/** The accounts of the file as it is; a file with errors stops the command (nothing is written). */
function checked(file: string): Map<string, Account> {
  const { accounts, findings } = readUsersFile(file);
  if (!accounts) {
    throw new UserError(
      [...findings.map(formatFinding), `${displayPath(file)} に誤りがあるため、何も書き換えませんでした。上の誤りを直してから、もう一度実行してください。`].join('\n'),
      1,
    );
  }
  return accounts;
}

/** `tsukuba-taro 筑波 太郎 editor 政策イノベーション部 情報政策課` — never the hash. */
const describe = (a: Omit<Account, 'passwordHash'> & { passwordHash?: string }): string =>
  [a.name, a.displayName, a.role, a.department, a.division].filter((x) => x !== undefined).join('\t');

function newDocument(file: string): Document {
  const schema = relative(dirname(resolve(file)), SCHEMA_FILE).split('\\').join('/');
  return parseDocument(
    [
      `# yaml-language-server: $schema=${schema}`,
      '# sheetbook serve のアカウント。このファイルがあると serve はログインが必要になります。',
      '# sheetbook users add|remove|passwd で書き換えます（パスワードは scrypt のハッシュだけを書きます）。',
      'users: {}',
      '',
    ].join('\n'),
  );
}

/** The password from standard input: piped (its last line end taken off), or typed at a terminal without echo (twice). */
async function readPassword(changing: boolean): Promise<string> {
  if (process.stdin.isTTY) {
    // Typed unseen, so typed twice.
    const first = await readHidden(changing ? '新しいパスワード: ' : 'パスワード: ');
    const again = await readHidden('もう一度: ');
    if (again !== first) throw new UserError('2 回の入力が違います。何も書き換えませんでした。', 2);
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolvePassword, reject) => {
    let text = '';
    const finish = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolvePassword(text);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new UserError('中止しました。何も書き換えませんでした。', 2));
          return;
        }
        text = ch === '\u007f' || ch === '\b' ? [...text].slice(0, -1).join('') : text + ch;
      }
    };
    stdin.on('data', onData);
  });
}
