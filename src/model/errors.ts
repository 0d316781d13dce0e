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
  ENOSPC: 'ディスクの空きが足りません',
  EDQUOT: 'ディスクの使用量の上限に達しています',
  EFBIG: 'ファイルが大きすぎて、この場所には書けません',
  EIO: 'ディスクなどの装置で読み書きのエラーが起きました',
  ESHORTWRITE: 'ディスクなどの装置が書き込みを受け付けません',
  ENOENT: '見つかりません',
  ENOTDIR: '途中にフォルダではなくファイルがあります',
  EISDIR: 'ファイルではなくフォルダです',
  EEXIST: '同じ名前のものが既にあります',
  EBUSY: 'ほかのプログラムが使用中です',
  ETXTBSY: 'ほかのプログラムが使用中です',
  EMFILE: '開いているファイルが多すぎます',
  ENAMETOOLONG: '名前が長すぎます',
};

/** What to do about a failed write, by its cause. */
const WRITE_FIXES: Record<string, string> = {
  ENOSPC: 'ディスクの空きを作ってから、もう一度実行してください（書き出し先は --out で変えられます）。',
  EDQUOT: 'ディスクの空きを作ってから、もう一度実行してください（書き出し先は --out で変えられます）。',
  EFBIG: '別の場所に書き出してください（--out で変えられます）。',
  EIO: 'ディスクや USB メモリ、ネットワークの接続を確かめてから、もう一度実行してください。',
  ESHORTWRITE: 'ディスクや USB メモリ、ネットワークの接続を確かめてから、もう一度実行してください。',
  EBUSY: 'そのファイルを開いているプログラム（PDF の表示ソフトなど）を閉じてから、もう一度実行してください。',
  ETXTBSY: 'そのファイルを開いているプログラム（PDF の表示ソフトなど）を閉じてから、もう一度実行してください。',
};
const DEFAULT_FIX = 'フォルダの場所と権限を確かめてください（書き出し先は --out で変えられます）。';

const WRITES = new Set(['open', 'write', 'mkdir', 'rename', 'unlink', 'rmdir', 'rm', 'copyfile', 'fsync', 'link']);

/** The fields of a failed write (src/pipeline/write.ts, WriteFailure) this message uses. */
interface FailedWrite extends NodeJS.ErrnoException {
  /** How many files the command was writing together (none of them changed). */
  together?: number;
}

/**
 * A failure of the file system (a folder that cannot be written, a disk that is full…) in Japanese, naming the
 * file or folder and the cause, and saying what was left as it was; undefined for any other error. Exit code 1,
 * like any other problem with the input.
 */
export function fileSystemError(error: unknown): UserError | undefined {
  const e = error as FailedWrite;
  if (!e || typeof e.code !== 'string' || !(e.code in CAUSES)) return undefined;
  const path = e.path ? `「${e.path}」` : 'ファイル';
  const writing = e.syscall !== undefined && WRITES.has(e.syscall) && e.code !== 'ENOENT';
  const verb = writing ? '書き込めません' : '読み書きできません';
  const code = e.code === 'ESHORTWRITE' ? '' : `（${e.code}）`;
  const kept =
    e.together === undefined ? '' : e.together > 1 ? `何も書き換えていません（一緒に書き出す ${e.together} 件のファイルは、どれも前のままです）。` : '前のファイルはそのままです。';
  const fix = writing ? (WRITE_FIXES[e.code] ?? DEFAULT_FIX) : DEFAULT_FIX;
  return new UserError(`${path}に${verb}: ${CAUSES[e.code]}${code}。${kept}${fix}`, 1);
}
