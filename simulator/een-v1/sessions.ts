/**
 * Login state of the simulated v1 service: users, single-use authenticate tokens, two-factor
 * codes and lockout, trusted devices (`tfa_key`), and `auth_key` sessions with idle expiry.
 * Pure apart from the injected clock and random source; every outcome is a status code value,
 * in the precedence order of seed 001.
 */
import { randomBytes } from 'node:crypto';

export type UserState = 'active' | 'account-suspended' | 'account-inactive' | 'account-pending' | 'user-disabled' | 'user-pending';

export interface SimUser {
  id: string;
  username: string;
  password: string;
  twoFactor: boolean;
  state: UserState;
  /** Scrubbed delivery addresses shown in the authenticate answer of a TFA user. */
  smsHint: string;
  emailHint: string;
}

export interface Session {
  key: string;
  user: SimUser;
  createdMs: number;
  lastSeenMs: number;
}

export interface SessionStoreOptions {
  brandSubdomain: string;
  authTokenTtlMs: number;
  twoFactorCodeTtlMs: number;
  twoFactorCode: string;
  twoFactorMaxFailures: number;
  idleTimeoutMs: number;
  pendingUserBeforeBadPassword: boolean;
}

type Failure = { status: number; reason: string };

export type AuthenticateResult =
  | Failure
  | { status: 200; body: { token: string; two_factor_authentication_code?: { sms: string; email: string } } };

export type AuthorizeResult = Failure | { status: 200; session: Session; tfaKey?: string };

interface PendingToken {
  user: SimUser;
  expiresMs: number;
  twoFactorRequired: boolean;
  sentCode?: { code: string; expiresMs: number };
}

/** Codes for users whose account or user record is not usable (seed 001, authenticate). */
const stateStatus: Record<Exclude<UserState, 'active'>, Failure> = {
  'account-suspended': { status: 402, reason: 'Account is suspended' },
  'account-inactive': { status: 460, reason: 'Account is inactive' },
  'account-pending': { status: 461, reason: 'Account is pending' },
  'user-disabled': { status: 412, reason: 'User is disabled' },
  'user-pending': { status: 462, reason: 'User is pending' },
};
/** Table order of seed 001: 402, 460, 461, 412, 462. */
const stateOrder: Exclude<UserState, 'active'>[] = ['account-suspended', 'account-inactive', 'account-pending', 'user-disabled', 'user-pending'];

export class SessionStore {
  private readonly users: SimUser[];
  private readonly tokens = new Map<string, PendingToken>();
  private readonly sessions = new Map<string, Session>();
  private readonly tfaFailures = new Map<string, number>();
  private readonly lockedUsers = new Set<string>();
  /** tfa_key value → ids of users who completed a TFA login from that device. */
  private readonly trustedDevices = new Map<string, Set<string>>();

  constructor(
    users: readonly SimUser[],
    private readonly options: SessionStoreOptions,
    private readonly now: () => number,
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {
    this.users = [...users];
  }

  authenticate(username: string | undefined, password: string | undefined, tfaKey: string | undefined): AuthenticateResult {
    if (!username || !password) return { status: 400, reason: 'username and password are required' };
    const user = this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    if (!user) return { status: 401, reason: 'Supplied credentials are not valid' };
    const accountActive = !user.state.startsWith('account-');
    if (this.options.pendingUserBeforeBadPassword && user.state === 'user-pending' && accountActive) {
      return stateStatus['user-pending'];
    }
    if (user.password !== password) return { status: 401, reason: 'Supplied credentials are not valid' };
    for (const state of stateOrder) if (user.state === state) return stateStatus[state];
    if (this.lockedUsers.has(user.id)) return { status: 412, reason: 'User is locked after too many two-factor failures' };

    const token = this.random(128).toString('base64');
    const trusted = tfaKey !== undefined && (this.trustedDevices.get(tfaKey)?.has(user.id) ?? false);
    const twoFactorRequired = user.twoFactor && !trusted;
    this.tokens.set(token, { user, expiresMs: this.now() + this.options.authTokenTtlMs, twoFactorRequired });
    if (!twoFactorRequired) return { status: 200, body: { token } };
    return { status: 200, body: { token, two_factor_authentication_code: { sms: user.smsHint, email: user.emailHint } } };
  }

  /** POST /g/aaa/two_factor_authenticate: "sends" the code (the simulator's code is fixed and documented). */
  sendTwoFactorCode(token: string | undefined, type: string | undefined): Failure | { status: 200 } {
    if (!token || !type) return { status: 400, reason: 'token and two_factor_authentication_type are required' };
    if (type !== 'sms' && type !== 'email') return { status: 415, reason: 'Specified TFA authentication type not supported' };
    const pending = this.liveToken(token);
    if (!pending?.twoFactorRequired) return { status: 400, reason: 'token is not valid for two-factor authentication' };
    pending.sentCode = { code: this.options.twoFactorCode, expiresMs: this.now() + this.options.twoFactorCodeTtlMs };
    return { status: 200 };
  }

  authorize(token: string | undefined, code: string | undefined): AuthorizeResult {
    if (!token) return { status: 400, reason: 'token is required' };
    const pending = this.liveToken(token);
    if (!pending) {
      // Seed 001: 406 is "Invalid TFA supplied or Invalid TFA and invalid Token supplied".
      if (code !== undefined && code !== this.options.twoFactorCode) return { status: 406, reason: 'Invalid TFA code' };
      return { status: 401, reason: 'Invalid token supplied' };
    }
    const user = pending.user;
    if (!pending.twoFactorRequired) {
      this.tokens.delete(token);
      return { status: 200, session: this.openSession(user) };
    }
    if (this.lockedUsers.has(user.id)) return { status: 429, reason: 'User is locked after too many two-factor failures' };
    if (code === undefined || !pending.sentCode || pending.sentCode.expiresMs <= this.now()) {
      return { status: 401, reason: 'Missing or expired two-factor code' };
    }
    if (code !== pending.sentCode.code) {
      const failures = (this.tfaFailures.get(user.id) ?? 0) + 1;
      this.tfaFailures.set(user.id, failures);
      if (failures > this.options.twoFactorMaxFailures) {
        this.lockedUsers.add(user.id);
        return { status: 429, reason: 'User is locked after too many two-factor failures' };
      }
      return { status: 406, reason: 'Invalid TFA code' };
    }
    this.tokens.delete(token);
    this.tfaFailures.delete(user.id);
    const tfaKey = this.random(16).toString('hex');
    this.trustedDevices.set(tfaKey, new Set([user.id]));
    return { status: 200, session: this.openSession(user), tfaKey };
  }

  /** The session for a key, touching it; undefined when unknown or idle for too long. */
  lookup(key: string | undefined): Session | undefined {
    if (!key) return undefined;
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const now = this.now();
    if (now - session.lastSeenMs > this.options.idleTimeoutMs) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeenMs = now;
    return session;
  }

  /** Like lookup, without counting as activity (used by long-lived pushes to re-check validity). */
  isValid(key: string): boolean {
    const session = this.sessions.get(key);
    return session !== undefined && this.now() - session.lastSeenMs <= this.options.idleTimeoutMs;
  }

  logout(key: string): void {
    this.sessions.delete(key);
  }

  /** Admin knob "expire every session now". Trusted devices and lockouts survive, as on the real service. */
  expireAll(): void {
    this.sessions.clear();
    this.tokens.clear();
  }

  private liveToken(token: string): PendingToken | undefined {
    const pending = this.tokens.get(token);
    if (pending && pending.expiresMs <= this.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return pending;
  }

  private openSession(user: SimUser): Session {
    // Real keys carry the cluster as a prefix (`c001~…`); some clients derive the host from it.
    const key = `${this.options.brandSubdomain}~${this.random(16).toString('hex')}`;
    const now = this.now();
    const session: Session = { key, user, createdMs: now, lastSeenMs: now };
    this.sessions.set(key, session);
    return session;
  }
}
