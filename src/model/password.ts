// Passwords of the accounts (data/users.yaml): kept only as scrypt hashes, each with its own random salt and the
// parameters it was made with, in one string — `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64 without padding, as the
// PHC string format writes it) — so that a stronger setting later leaves the older hashes readable. A password is
// never written, printed or kept anywhere else.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface HashCost {
  /** log2 of scrypt's N. 15: 32 MiB and about 0.1 s a hash on a developer's machine. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_COST: HashCost = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const HASH = /^\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,2}),p=([0-9]{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function derive(password: string, salt: Buffer, cost: HashCost, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: 256 * 2 ** cost.ln * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A new hash of `password` with a new random salt. */
export async function hashPassword(password: string, cost: HashCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, KEY_BYTES);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** The parts of a hash, or undefined when it is not one this program writes (or its cost is out of reason). */
function parseHash(hash: string): { cost: HashCost; salt: Buffer; key: Buffer } | undefined {
  const m = HASH.exec(hash);
  if (!m) return undefined;
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.ln < 1 || cost.ln > 20 || cost.r < 1 || cost.p < 1 || cost.p > 16) return undefined;
  const key = Buffer.from(m[5], 'base64');
  return key.length >= 16 ? { cost, salt: Buffer.from(m[4], 'base64'), key } : undefined;
}

export const isPasswordHash = (hash: string): boolean => parseHash(hash) !== undefined;

/** True when `password` is the one `hash` was made from; compared in constant time. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = parseHash(hash);
  if (!parts) return false;
  const key = await derive(password, parts.salt, parts.cost, parts.key.length);
  return timingSafeEqual(key, parts.key);
}

export const MIN_PASSWORD_LENGTH = 10;
const COMMON = ['password', 'passw0rd', 'qwerty', 'letmein', 'welcome', 'admin', 'tsukuba', 'sheetbook', 'abc123', 'iloveyou'];

/** Why `password` may not be used for the account `name`, in Japanese; undefined when it may. */
export function passwordProblem(password: string, name: string): string | undefined {
  const chars = [...password];
  if (chars.length === 0) return 'パスワードが空です。';
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'パスワードに改行や制御文字は使えません。';
  if (chars.length < MIN_PASSWORD_LENGTH) return `パスワードが短すぎます（${chars.length} 文字）。${MIN_PASSWORD_LENGTH} 文字以上にしてください。`;
  if (new Set(chars).size < 4) return 'パスワードに使われている文字の種類が少なすぎます（同じ文字のくり返しなど）。';
  const lower = password.toLowerCase();
  if (lower.includes(name.toLowerCase())) return 'パスワードにログイン名を含めないでください。';
  if (isSequence(lower)) return 'パスワードが単純な並び（12345…、abcde… など）です。';
  const stripped = lower.replace(/[^a-z]/g, '');
  if (COMMON.some((word) => stripped === word || lower.startsWith(word) || lower.endsWith(word))) return 'パスワードがよく使われる語（password など）からできています。';
  return undefined;
}

const RUNS = ['0123456789'.repeat(4), 'abcdefghijklmnopqrstuvwxyz'.repeat(2), 'qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn'];

/** 1234567890…, abcdefgh…, qwertyui…, and the same backwards. */
function isSequence(text: string): boolean {
  const backwards = [...text].reverse().join('');
  return RUNS.some((run) => run.includes(text) || run.includes(backwards));
}
