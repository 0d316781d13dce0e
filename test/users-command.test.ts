// `sheetbook users` (issue 22, points 2 and 7): accounts in data/users.yaml, passwords only as scrypt hashes read
// from standard input, never printed; the file checked like every data file (positions, Japanese, no hash shown) and
// written whole, readable by its owner only.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { verifyPassword } from '../src/model/password';
import { bundledSheet, makeDataDir } from './helpers/data';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const PASSWORD = 'kaba-no-ki 2026';

function users(dataDir: string, args: string[], input = '') {
  const run = spawnSync(process.execPath, [CLI, 'users', ...args, '--data', dataDir], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, all: run.stdout + run.stderr };
}

const ADD_TARO = ['add', 'tsukuba-taro', '--display-name', '筑波 太郎', '--role', 'editor', '--department', '政策イノベーション部', '--division', '情報政策課', '--password-stdin'];

describe('sheetbook users', () => {
  it('adds an account with a scrypt hash of the password from stdin, prints neither, writes the file whole and private', async () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const file = join(dataDir, 'users.yaml');
    const added = users(dataDir, ADD_TARO, `${PASSWORD}\n`);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('アカウント「tsukuba-taro」を');
    const text = readFileSync(file, 'utf8');
    const account = parse(text).users['tsukuba-taro'];
    expect(account).toMatchObject({ displayName: '筑波 太郎', role: 'editor', department: '政策イノベーション部', division: '情報政策課' });
    expect(account.passwordHash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(text).not.toContain(PASSWORD);
    expect(added.all).not.toContain(PASSWORD);
    expect(added.all).not.toContain(account.passwordHash.split('$')[4]);
    // The trailing line end is not part of the password.
    expect(await verifyPassword(PASSWORD, account.passwordHash)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}\n`, account.passwordHash)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*users\.schema\.json$/);

    // A second account: a new salt, so the same password gives another hash; the first account's lines unchanged.
    const inode = statSync(file).ino;
    const second = users(dataDir, ['add', 'kenkyu-hanako', '--display-name', '研究 花子', '--role', 'planning', '--password-stdin'], PASSWORD);
    expect(second.code).toBe(0);
    const both = parse(readFileSync(file, 'utf8')).users;
    expect(both['kenkyu-hanako'].passwordHash).not.toBe(account.passwordHash);
    expect(both['tsukuba-taro']).toEqual(account);
    // Replaced by a rename (a new file), never written over in place; no temporary file left behind.
    expect(statSync(file).ino).not.toBe(inode);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('.'))).toEqual([]);

    const listed = users(dataDir, ['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('kenkyu-hanako\t研究 花子\tplanning\ntsukuba-taro\t筑波 太郎\teditor\t政策イノベーション部\t情報政策課\n');

    // passwd: a new hash, the rest as it was; a comment a person added stays.
    writeFileSync(file, `${readFileSync(file, 'utf8')}# 2026-12 情報政策課から依頼\n`);
    const changed = users(dataDir, ['passwd', 'tsukuba-taro', '--password-stdin'], 'another long secret 9');
    expect(changed.code).toBe(0);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('# 2026-12 情報政策課から依頼');
    const hash = parse(after).users['tsukuba-taro'].passwordHash;
    expect(await verifyPassword('another long secret 9', hash)).toBe(true);
    expect(changed.all).not.toContain(hash.split('$')[4]);

    const removed = users(dataDir, ['remove', 'kenkyu-hanako']);
    expect(removed.code).toBe(0);
    expect(Object.keys(parse(readFileSync(file, 'utf8')).users)).toEqual(['tsukuba-taro']);
  });

  it.each([
    ['', 'パスワードが空です。'],
    ['short1', 'パスワードが短すぎます（6 文字）。10 文字以上にしてください。'],
    ['aaaaaaaaaaaa', '文字の種類が少なすぎます'],
    ['1234567890', '単純な並び'],
    ['password123!', 'よく使われる語'],
    ['tsukuba-taro-2026', 'ログイン名を含めないでください'],
  ])('refuses the weak password %j with a Japanese reason and exit 2, changing nothing', (password, reason) => {
    const dataDir = makeDataDir({});
    const file = join(dataDir, 'users.yaml');
    users(dataDir, ADD_TARO, PASSWORD);
    const before = readFileSync(file);
    const run = users(dataDir, ['passwd', 'tsukuba-taro', '--password-stdin'], password);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(reason);
    expect(run.stderr).toContain('何も書き換えませんでした');
    expect(readFileSync(file)).toEqual(before);
    // Nor is a first account made with one.
    const fresh = makeDataDir({});
    expect(users(fresh, ADD_TARO, password).code).toBe(2);
    expect(readdirSync(fresh)).not.toContain('users.yaml');
  });

  it('says what is wrong with the command line in Japanese (exit 2)', () => {
    const dataDir = makeDataDir({});
    const cases: [string[], string][] = [
      [[], 'add・remove・passwd・list のどれか'],
      [['add', 'taro', '--display-name', '太郎', '--role', 'editor', '--password-stdin'], '--department（担当部）が必要です'],
      [['add', 'taro', '--display-name', '太郎', '--role', 'boss', '--password-stdin'], '--role には editor か reviewer か planning'],
      [['add', 'taro', '--role', 'planning', '--password-stdin'], '--display-name で表示名を指定してください'],
      [['add', 'taro', '--display-name', '太郎', '--role', 'planning'], '--password-stdin を付けて'],
      [['add', '太郎', '--display-name', '太郎', '--role', 'planning', '--password-stdin'], 'ログイン名「太郎」は使えません'],
      [['remove', 'nobody'], 'アカウント「nobody」は data/users.yaml にありません'],
      [['remove', 'taro', '--role', 'editor'], '--role は users add でだけ使えます'],
    ];
    for (const [args, message] of cases) {
      const run = users(dataDir, args, PASSWORD);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    users(dataDir, ADD_TARO, PASSWORD);
    const again = users(dataDir, ADD_TARO, PASSWORD);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('アカウント「tsukuba-taro」は');
  });

  it('a broken users.yaml: validate names file, line and field without showing a hash; users changes nothing (exit 1)', () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const file = join(dataDir, 'users.yaml');
    users(dataDir, ADD_TARO, PASSWORD);
    const good = readFileSync(file, 'utf8');
    const hash = parse(good).users['tsukuba-taro'].passwordHash as string;
    const broken = good
      .replace('role: editor', 'role: boss')
      .replace(hash, hash.slice(0, 40))
      .replace('users:\n', 'users:\n  村長:\n    displayName: 村長\n    role: planning\n    passwordHash: "x"\n  reviewer-1:\n    displayName: 確認 一郎\n    role: reviewer\n    passwordHash: "' + hash + '"\n');
    writeFileSync(file, broken);
    const lineOf = (text: string) => broken.split('\n').findIndex((l) => l.includes(text) && !l.includes(hash)) + 1;
    const run = spawnSync(process.execPath, [CLI, 'validate', '--data', dataDir], { encoding: 'utf8', cwd: dataDir });
    expect(run.status).toBe(1);
    const out = run.stdout + run.stderr;
    expect(out).toContain(`users.yaml:${lineOf('村長:')}:3 エラー アカウントの一覧: 「村長」はログイン名として使えません。`);
    expect(out).toContain(`users.yaml:${lineOf('role: boss')}:11 エラー アカウントの一覧 › アカウント「tsukuba-taro」 › 役割: 「editor」「reviewer」「planning」のいずれかを入力してください（"boss" は選べません）`);
    expect(out).toContain(`users.yaml:${lineOf(hash.slice(0, 40))}:19 エラー アカウントの一覧 › アカウント「tsukuba-taro」 › パスワードのハッシュ: パスワードのハッシュが正しくありません`);
    expect(out).toContain('sheetbook users passwd tsukuba-taro --password-stdin');
    expect(out).toContain(`users.yaml:${lineOf('role: reviewer')}:5 エラー アカウントの一覧 › アカウント「reviewer-1」: 役割が reviewer のアカウントには「担当部」（department）が必要です`);
    expect(out).not.toContain('$scrypt$');
    expect(out).not.toContain(hash.split('$')[3]);
    const json = spawnSync(process.execPath, [CLI, 'validate', '--data', dataDir, '--format', 'json'], { encoding: 'utf8' });
    expect(json.stdout).not.toContain('$scrypt$');

    const add = users(dataDir, ['add', 'kenkyu-hanako', '--display-name', '研究 花子', '--role', 'planning', '--password-stdin'], PASSWORD);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('何も書き換えませんでした');
    expect(add.all).not.toContain('$scrypt$');
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });
});
