/** An error meant for the user: its message is Japanese and complete, so the CLI prints it without a stack. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

const CAUSES: Record<string, string> = {
  EACCES: '権限がありません',
  EPERM: '権限がありません',
  EROFS: '読み取り専用の場所です',
  ENOSPC: 'ディスクの空きがありません',
  EDQUOT: 'ディスクの使用量の上限に達しています',
  ENOENT: '見つかりません',
  ENOTDIR: '途中にフォルダではなくファイルがあります',
  EISDIR: 'ファイルではなくフォルダです',
  EEXIST: '同じ名前のものが既にあります',
  EBUSY: 'ほかのプログラムが使用中です',
  EMFILE: '開いているファイルが多すぎます',
  ENAMETOOLONG: '名前が長すぎます',
};

const WRITES = new Set(['open', 'write', 'mkdir', 'rename', 'unlink', 'rmdir', 'rm', 'copyfile', 'fsync']);

/**
 * A failure of the file system (a folder that cannot be written, a disk that is full…) in Japanese, naming the
 * file or folder and the cause; undefined for any other error. Exit code 1, like any other problem with the input.
 */
export function fileSystemError(error: unknown): UserError | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string' || !(e.code in CAUSES)) return undefined;
  const path = e.path ? `「${e.path}」` : 'ファイル';
  const verb = e.syscall && WRITES.has(e.syscall) && e.code !== 'ENOENT' ? '書き込めません' : '読み書きできません';
  return new UserError(`${path}に${verb}: ${CAUSES[e.code]}（${e.code}）。フォルダの場所と権限を確かめてください（書き出し先は --out で変えられます）。`, 1);
}
