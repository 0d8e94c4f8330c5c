/**
 * VMS Client API sessions. POST /api/v1/token issues `access_token: "Bearer <n>|<secret>"`
 * (the prefix is part of the value, §5.1) and a session id (`user.access_token_id`). A user has
 * at most maxSessions at once: one more login answers 419 listing the sessions, and a login
 * that names one of them in `session_id` removes it and succeeds.
 */
import { randomBytes } from 'node:crypto';

export interface ApiSession {
  /** `access_token_id`: what a 419 lists and `session_id` names. */
  id: string;
  /** The bearer secret, without the "Bearer " prefix. */
  token: string;
  client: string | undefined;
  uuid: string | undefined;
  createdMs: number;
  lastUsedMs: number;
}

export type IssueResult =
  | { kind: 'issued'; session: ApiSession }
  | { kind: 'tooMany'; sessions: ApiSession[] }
  | { kind: 'unknownSession' };

export class ApiSessionStore {
  private readonly sessions = new Map<string, ApiSession>();
  private counter = 0;

  constructor(
    private readonly now: () => number,
    private readonly limits: () => { maxSessions: number; ttlMs: number },
  ) {}

  issue(args: { removeSessionId?: string | null; client?: string; uuid?: string }): IssueResult {
    this.expireOld();
    if (args.removeSessionId) {
      if (!this.sessions.has(args.removeSessionId)) return { kind: 'unknownSession' };
      this.sessions.delete(args.removeSessionId);
    }
    if (this.sessions.size >= this.limits().maxSessions) return { kind: 'tooMany', sessions: [...this.sessions.values()] };
    const now = this.now();
    this.counter += 1;
    const session: ApiSession = {
      id: randomBytes(40).toString('hex'),
      token: `${this.counter}|${randomBytes(30).toString('base64url')}`,
      client: args.client,
      uuid: args.uuid,
      createdMs: now,
      lastUsedMs: now,
    };
    this.sessions.set(session.id, session);
    return { kind: 'issued', session };
  }

  /** The session of an `Authorization` header value ("Bearer <token>"), or undefined. */
  authenticate(header: string | undefined): ApiSession | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) return undefined;
    this.expireOld();
    for (const session of this.sessions.values()) {
      if (session.token === match[1]) {
        session.lastUsedMs = this.now();
        return session;
      }
    }
    return undefined;
  }

  clear(): void {
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }

  private expireOld(): void {
    const { ttlMs } = this.limits();
    if (ttlMs <= 0) return;
    const now = this.now();
    for (const [id, session] of this.sessions) if (now - session.createdMs > ttlMs) this.sessions.delete(id);
  }
}
