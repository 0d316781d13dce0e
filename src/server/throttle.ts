// Repeated wrong passwords are slowed down, per account name (whether it exists or not, so that the answer tells
// nothing) and per address. Up to `limit` failures cost nothing; each one after that locks the name (or the address)
// for twice as long as the one before, from `baseMs` up to `maxMs`. While locked, a log-in is answered 429 with
// Retry-After without looking at the password, even a right one: a guessing loop learns nothing during the lock.
// An address has a higher limit than a name, as a whole office may reach the server through one address.
// Failures are forgotten `forgetMs` after the last one; a right password clears its name's failures (not its
// address's: one account of one's own would otherwise reset the count for guesses at the others).

export interface ThrottleOptions {
  accountLimit?: number;
  addressLimit?: number;
  baseMs?: number;
  maxMs?: number;
  forgetMs?: number;
  now?: () => number;
}

interface Record {
  failures: number;
  last: number;
  until: number;
}

const MAX_ENTRIES = 10_000;

export class LoginThrottle {
  private readonly accountLimit: number;
  private readonly addressLimit: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly now: () => number;
  private readonly records = new Map<string, Record>();

  constructor(options: ThrottleOptions = {}) {
    this.accountLimit = options.accountLimit ?? 5;
    this.addressLimit = options.addressLimit ?? 20;
    this.baseMs = options.baseMs ?? 5_000;
    this.maxMs = options.maxMs ?? 15 * 60_000;
    this.forgetMs = options.forgetMs ?? 60 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until a log-in to `name` from `address` is taken again; 0 when it is taken now. */
  wait(name: string, address: string): number {
    const now = this.now();
    return Math.max(0, ...[this.get(`name:${name}`, now), this.get(`address:${address}`, now)].map((r) => (r ? r.until - now : 0)));
  }

  failed(name: string, address: string): void {
    const now = this.now();
    this.count(`name:${name}`, this.accountLimit, now);
    this.count(`address:${address}`, this.addressLimit, now);
  }

  succeeded(name: string): void {
    this.records.delete(`name:${name}`);
  }

  private get(key: string, now: number): Record | undefined {
    const r = this.records.get(key);
    if (r && now - r.last >= this.forgetMs && now >= r.until) {
      this.records.delete(key);
      return undefined;
    }
    return r;
  }

  private count(key: string, limit: number, now: number): void {
    if (this.records.size >= MAX_ENTRIES) this.sweep(now);
    const r = this.get(key, now) ?? { failures: 0, last: now, until: 0 };
    r.failures++;
    r.last = now;
    if (r.failures >= limit) r.until = now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(30, r.failures - limit));
    this.records.set(key, r);
  }

  private sweep(now: number): void {
    for (const key of [...this.records.keys()]) this.get(key, now);
    // Still full (a flood of names): the oldest go first; their lock ends early, the address's does not.
    for (const key of this.records.keys()) {
      if (this.records.size < MAX_ENTRIES * 0.9) break;
      if (key.startsWith('name:')) this.records.delete(key);
    }
  }
}
