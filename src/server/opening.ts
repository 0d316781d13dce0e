// The address `serve --open` hands to the system's opener. An opener and the browser it starts show their
// arguments in the process list, which every user of the machine can read: they get a one-time address instead of
// the token, `/?open=<code>`, that turns into the token's cookie once, within a few minutes, and never again.
import { randomBytes } from 'node:crypto';
import { sameToken } from './auth';

/** Long enough for a browser that is slow to start; short enough that a code left unused soon means nothing. */
const LIFETIME_MS = 5 * 60_000;

export class OpeningCodes {
  private readonly codes = new Map<string, number>();

  /** A new code, valid once within LIFETIME_MS. */
  issue(now = Date.now()): string {
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, now + LIFETIME_MS);
    return code;
  }

  /** True once for a code issued and not yet used or expired; the code is spent either way. */
  redeem(given: string | null, now = Date.now()): boolean {
    let valid = false;
    for (const [code, expires] of this.codes) {
      if (expires < now) this.codes.delete(code);
      else if (given !== null && sameToken(given, code)) {
        this.codes.delete(code);
        valid = true;
      }
    }
    return valid;
  }
}
