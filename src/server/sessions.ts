// The sessions of logged-in people, in memory only (a restart logs everyone out). A session is a random id in an
// HttpOnly cookie; the server keeps only the id's SHA-256, so that neither a lookup's timing nor a dump of memory
// gives a usable id. It ends after `idleMs` without a request, after `maxMs` in any case, at log-out, and as soon as
// its account is removed or its password changed (the hash the session was opened with is kept and compared).
import { createHash, randomBytes } from 'node:crypto';

export interface Session {
  name: string;
  /** The account's passwordHash when the session began: another one (passwd) ends it. */
  passwordHash: string;
  /** Sent back in X-CSRF-Token by a write that carries no Origin (a script). */
  csrfToken: string;
  created: number;
  lastSeen: number;
}

export interface SessionOptions {
  /** Idle time after which a session ends (default 30 minutes). */
  idleMs?: number;
  /** Longest life of a session, however busy (default 12 hours: a working day). */
  maxMs?: number;
  now?: () => number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export class SessionStore {
  readonly idleMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;
  private readonly sessions = new Map<string, Session>();

  constructor(options: SessionOptions = {}) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.maxMs = options.maxMs ?? 12 * 3600_000;
    this.now = options.now ?? Date.now;
  }

  /** A new session for the account: its id (for the cookie) and the session. */
  open(name: string, passwordHash: string): { id: string; session: Session } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = { name, passwordHash, csrfToken: randomBytes(32).toString('base64url'), created: now, lastSeen: now };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session of a cookie's id (its idle time starts again), or undefined. */
  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const now = this.now();
    if (this.expired(session, now)) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  private expired(s: Session, now: number): boolean {
    return now - s.lastSeen >= this.idleMs || now - s.created >= this.maxMs;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, s] of this.sessions) if (this.expired(s, now)) this.sessions.delete(key);
  }
}
