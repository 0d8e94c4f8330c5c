/**
 * OAuth2 state of the simulated auth.eagleeyenetworks.com: authorization codes, grants with their
 * access and refresh tokens, and media sessions. Pure apart from the injected clock and random
 * source, so rotation and expiry are unit-tested with a fake clock.
 *
 * A grant is one sign-in (one code exchange). It holds exactly one live access token and one live
 * refresh token; rotation replaces both at once, which is how EEN documents it: "each use
 * invalidates the old refresh token *and* the access token derived from it".
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface TokenStoreOptions {
  accessTtlMs: number;
  refreshIdleTtlMs: number;
  refreshMaxTtlMs: number;
  codeTtlMs: number;
  rotate: boolean;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  scope: string;
}

export interface TokenError {
  /** HTTP status EEN answers with: 400 malformed/redirect mismatch, 401 bad/expired/reused code or refresh token. */
  status: 400 | 401 | 403;
  error: 'invalid_request' | 'invalid_grant' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';
  description: string;
}

export interface AccessInfo {
  grantId: string;
  userId: string;
  clientId: string;
  scope: string;
  expiresMs: number;
}

interface Grant {
  id: string;
  clientId: string;
  userId: string;
  scope: string;
  createdMs: number;
  revoked: boolean;
  refreshToken: string;
  refreshLastUsedMs: number;
  accessToken: string | null;
  accessExpiresMs: number;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  userId: string;
  expiresMs: number;
  used: boolean;
  grantId: string | null;
  codeChallenge: string | null;
}

export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  userId: string;
  /** PKCE S256 challenge, when the client sent one. */
  codeChallenge?: string | null;
}

/**
 * RFC 8252 §7.3: for loopback IP literal redirect URIs the port is not compared (the app picks a
 * free one at run time). Everything else must be identical, character for character.
 */
export function redirectUriMatches(registered: readonly string[], candidate: string): boolean {
  if (registered.includes(candidate)) return true;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') || url.hash || url.username || url.password) return false;
  // The candidate must be written canonically (no default port tricks, no "..", no case games).
  const withoutPort = `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
  const canonical = `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}${url.search}`;
  if (canonical !== candidate) return false;
  return registered.includes(withoutPort);
}

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class TokenStore {
  private readonly codes = new Map<string, AuthCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly byAccess = new Map<string, string>();
  private readonly byRefresh = new Map<string, string>();
  /** Refresh tokens that were rotated away: using one again is a 401, not "unknown". */
  private readonly retiredRefresh = new Set<string>();
  private readonly mediaSessions = new Map<string, string>();
  private readonly signingKey: Buffer;

  constructor(
    private readonly options: TokenStoreOptions,
    private readonly now: () => number,
    private readonly random: (bytes: number) => string = (bytes) => randomBytes(bytes).toString('base64url'),
  ) {
    this.signingKey = randomBytes(32);
  }

  issueCode(request: CodeRequest): string {
    this.sweep();
    const code = this.random(24);
    this.codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      userId: request.userId,
      expiresMs: this.now() + this.options.codeTtlMs,
      used: false,
      grantId: null,
      codeChallenge: request.codeChallenge ?? null,
    });
    return code;
  }

  exchangeCode(input: { code: string; clientId: string; redirectUri: string | undefined; codeVerifier?: string }): TokenSet | TokenError {
    const entry = this.codes.get(input.code);
    if (!entry || entry.clientId !== input.clientId) return { status: 401, error: 'invalid_grant', description: 'authorization code is invalid' };
    if (entry.used) {
      // RFC 6749 §4.1.2: a code used twice should revoke what was issued from it.
      if (entry.grantId) this.revokeGrant(entry.grantId);
      return { status: 401, error: 'invalid_grant', description: 'authorization code was already used' };
    }
    if (this.now() >= entry.expiresMs) return { status: 401, error: 'invalid_grant', description: 'authorization code has expired' };
    if (input.redirectUri !== entry.redirectUri) return { status: 400, error: 'invalid_grant', description: 'redirect_uri does not match the authorization request' };
    if (entry.codeChallenge !== null) {
      if (!input.codeVerifier || pkceS256(input.codeVerifier) !== entry.codeChallenge) {
        return { status: 400, error: 'invalid_grant', description: 'code_verifier does not match the code_challenge' };
      }
    }
    entry.used = true;
    const grant = this.createGrant(entry.clientId, entry.userId, entry.scope);
    entry.grantId = grant.id;
    return this.tokenSet(grant);
  }

  refresh(input: { refreshToken: string; clientId: string }): TokenSet | TokenError {
    if (this.retiredRefresh.has(input.refreshToken)) {
      return { status: 401, error: 'invalid_grant', description: 'refresh token was already used (tokens rotate on every refresh)' };
    }
    const grantId = this.byRefresh.get(input.refreshToken);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant || grant.revoked || grant.clientId !== input.clientId) return { status: 401, error: 'invalid_grant', description: 'refresh token is invalid' };
    const now = this.now();
    if (now - grant.refreshLastUsedMs >= this.options.refreshIdleTtlMs || now - grant.createdMs >= this.options.refreshMaxTtlMs) {
      this.revokeGrant(grant.id);
      return { status: 401, error: 'invalid_grant', description: 'refresh token has expired' };
    }
    grant.refreshLastUsedMs = now;
    if (!this.options.rotate) {
      // Non-rotating tokens hand back the current access token while it is still valid.
      if (grant.accessToken && now < grant.accessExpiresMs) return this.tokenSet(grant);
      this.replaceAccess(grant);
      return this.tokenSet(grant);
    }
    this.byRefresh.delete(grant.refreshToken);
    this.retiredRefresh.add(grant.refreshToken);
    grant.refreshToken = this.random(32);
    this.byRefresh.set(grant.refreshToken, grant.id);
    this.replaceAccess(grant);
    return this.tokenSet(grant);
  }

  verifyAccess(token: string): AccessInfo | null {
    const grantId = this.byAccess.get(token);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant || grant.revoked || grant.accessToken !== token) return null;
    if (this.now() >= grant.accessExpiresMs) return null;
    return { grantId: grant.id, userId: grant.userId, clientId: grant.clientId, scope: grant.scope, expiresMs: grant.accessExpiresMs };
  }

  /** Admin knob: every access token (and media session) stops working now; refresh tokens still work. */
  expireAccessTokens(): void {
    for (const grant of this.grants.values()) {
      if (grant.accessToken) this.byAccess.delete(grant.accessToken);
      grant.accessToken = null;
    }
    this.mediaSessions.clear();
  }

  revokeAllGrants(): void {
    for (const id of this.grants.keys()) this.revokeGrant(id);
  }

  /** A media-session cookie value, valid as long as the sign-in (grant) it came from. */
  createMediaSession(access: AccessInfo): string {
    const id = this.random(24);
    this.mediaSessions.set(id, access.grantId);
    return id;
  }

  verifyMediaSession(id: string): { grantId: string; userId: string } | null {
    const grantId = this.mediaSessions.get(id);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant || grant.revoked) return null;
    return { grantId: grant.id, userId: grant.userId };
  }

  private createGrant(clientId: string, userId: string, scope: string): Grant {
    const now = this.now();
    const grant: Grant = {
      id: this.random(12),
      clientId,
      userId,
      scope,
      createdMs: now,
      revoked: false,
      refreshToken: this.random(32),
      refreshLastUsedMs: now,
      accessToken: null,
      accessExpiresMs: 0,
    };
    this.grants.set(grant.id, grant);
    this.byRefresh.set(grant.refreshToken, grant.id);
    this.replaceAccess(grant);
    return grant;
  }

  private replaceAccess(grant: Grant): void {
    if (grant.accessToken) this.byAccess.delete(grant.accessToken);
    const now = this.now();
    grant.accessExpiresMs = now + this.options.accessTtlMs;
    grant.accessToken = this.mintJwt(grant, now);
    this.byAccess.set(grant.accessToken, grant.id);
  }

  /** JWT-shaped like EEN's tokens; the store, not the signature, decides validity (so revocation works). */
  private mintJwt(grant: Grant, now: number): string {
    const header = Buffer.from(JSON.stringify({ kid: 'tessera-sim', alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        sub: grant.userId,
        aud: grant.clientId,
        iss: 'tessera-sim',
        scope: grant.scope,
        iat: Math.floor(now / 1000),
        exp: Math.floor(grant.accessExpiresMs / 1000),
        jti: this.random(12),
      }),
    ).toString('base64url');
    const signature = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  private tokenSet(grant: Grant): TokenSet {
    return {
      accessToken: grant.accessToken!,
      refreshToken: grant.refreshToken,
      expiresInSeconds: Math.max(0, Math.floor((grant.accessExpiresMs - this.now()) / 1000)),
      scope: grant.scope,
    };
  }

  private revokeGrant(id: string): void {
    const grant = this.grants.get(id);
    if (!grant) return;
    grant.revoked = true;
    if (grant.accessToken) this.byAccess.delete(grant.accessToken);
    this.byRefresh.delete(grant.refreshToken);
    grant.accessToken = null;
    for (const [session, grantId] of this.mediaSessions) if (grantId === id) this.mediaSessions.delete(session);
  }

  /** Forget expired codes so a long-running demo does not grow without bound. */
  private sweep(): void {
    const now = this.now();
    for (const [code, entry] of this.codes) if (now >= entry.expiresMs + this.options.codeTtlMs) this.codes.delete(code);
  }
}
