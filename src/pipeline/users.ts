// data/users.yaml: the accounts of `sheetbook serve` (src/model/users.schema.json). Its existence switches accounts
// on. It is read with positions and checked like every data file, with the same Japanese findings, but never through
// the checked-value cache (data-file.ts keeps parsed values under node_modules/.cache): the hashes stay in this one
// file. No finding ever shows a hash: one about the hash says only what is wrong and how to set it again.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor, Role } from '../model/actor';
import type { Finding } from '../model/types';
import { DATA_FILE_SCHEMAS } from './data-file';
import { loadYamlFile } from './load';
import { precompiledValidator, schemaFindings } from './validate';

export const USERS_FILE = 'users.yaml';

export interface Account {
  name: string;
  displayName: string;
  role: Role;
  department?: string;
  division?: string;
  passwordHash: string;
}

/** What the file holds: `users:` by log-in name. */
export interface UsersFile {
  users: Record<string, Omit<Account, 'name'>>;
}

export const usersFilePath = (dataDir: string): string => join(dataDir, USERS_FILE);

/** Accounts are on when the data folder has a users.yaml (even one with errors: then nobody may log in). */
export const accountsOn = (dataDir: string): boolean => existsSync(usersFilePath(dataDir));

/** The person an account stands for, as the server's handlers see them. */
export const actorOf = (a: Account): Actor => ({
  name: a.name,
  displayName: a.displayName,
  role: a.role,
  ...(a.department !== undefined ? { department: a.department } : {}),
  ...(a.division !== undefined ? { division: a.division } : {}),
});

const HASH_TEXT = /\$scrypt\$[^\s"'」）]*/g;

/**
 * The accounts of `file`, or undefined with the findings when it cannot be used (a missing file is an error here:
 * ask `accountsOn` first). `bytes` when already read.
 */
export function readUsersFile(file: string, bytes?: Buffer): { accounts: Map<string, Account> | undefined; findings: Finding[] } {
  let data: Buffer;
  try {
    data = bytes ?? readFileSync(file);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ファイルが見つかりません。' : `ファイルを読めません（${(error as NodeJS.ErrnoException).code ?? (error as Error).message}）。`;
    return { accounts: undefined, findings: [{ file, line: 1, column: 1, severity: 'error', labels: [], path: [], message: why }] };
  }
  const schema = DATA_FILE_SCHEMAS.users;
  const source = loadYamlFile(file, data, { schema });
  let findings = source.findings;
  if (findings.length === 0 && source.data !== undefined) {
    findings = [...schemaFindings(source, precompiledValidator('users', schema), schema), ...roleFindings(source.data, (path) => source.locate(path, 'key'), file)];
  }
  findings = findings.map(withoutHashes);
  if (findings.length > 0 || source.data === undefined) return { accounts: undefined, findings };
  const accounts = new Map<string, Account>();
  for (const [name, account] of Object.entries((source.data as UsersFile).users ?? {})) accounts.set(name, { name, ...account });
  return { accounts, findings: [] };
}

/** What validate reports of a data folder's users.yaml: nothing when there is none. */
export function usersFileFindings(dataDir: string): Finding[] {
  return accountsOn(dataDir) ? readUsersFile(usersFilePath(dataDir)).findings : [];
}

/** What the role needs that the schema alone cannot say: an editor's 部 and 課, a reviewer's 部. */
function roleFindings(data: unknown, locate: (path: (string | number)[]) => { line: number; column: number }, file: string): Finding[] {
  const findings: Finding[] = [];
  const users = (data as Partial<UsersFile> | null)?.users;
  if (!users || typeof users !== 'object') return findings;
  for (const [name, account] of Object.entries(users)) {
    if (!account || typeof account !== 'object') continue;
    const needs: ('department' | 'division')[] = account.role === 'editor' ? ['department', 'division'] : account.role === 'reviewer' ? ['department'] : [];
    for (const field of needs) {
      if (account[field] !== undefined) continue;
      const title = field === 'department' ? '担当部' : '担当課';
      const pos = locate(['users', name, 'role']);
      findings.push({
        file,
        ...pos,
        severity: 'error',
        labels: ['アカウントの一覧', `アカウント「${name}」`],
        path: ['users', name, field],
        message: `役割が ${account.role} のアカウントには「${title}」（${field}）が必要です`,
      });
    }
  }
  return findings;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A finding about a hash says what to do, never the hash; and no message anywhere quotes one. A log-in name the
 * schema refuses is explained as one (validate.ts words a refused key of a map as a year when the pattern takes 2021).
 */
function withoutHashes(finding: Finding): Finding {
  const about = finding.path[finding.path.length - 1] === 'passwordHash';
  const name = finding.path[1];
  const badName = finding.path.length === 2 && finding.path[0] === 'users' && !NAME.test(String(name));
  const message = badName
    ? `「${String(name)}」はログイン名として使えません。${DATA_FILE_SCHEMAS.users.properties!.users.propertyNames!.description}`
    : about
    ? `パスワードのハッシュが正しくありません（sheetbook users が書く scrypt の形ではありません）。手で書き換えず、「sheetbook users passwd ${String(name)} --password-stdin」で設定し直してください`
    : finding.message.replace(HASH_TEXT, '（パスワードのハッシュ）');
  return { ...finding, message };
}
