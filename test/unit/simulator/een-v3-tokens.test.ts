import { describe, expect, it } from 'vitest';
import { pkceS256, redirectUriMatches, TokenStore, type TokenSet } from '../../../simulator/een-v3/tokens.js';

const minute = 60_000;

function setup(overrides: Partial<ConstructorParameters<typeof TokenStore>[0]> = {}) {
  let now = 1_700_000_000_000;
  let n = 0;
  const store = new TokenStore(
    { accessTtlMs: 10 * minute, refreshIdleTtlMs: 60 * minute, refreshMaxTtlMs: 180 * minute, codeTtlMs: 5 * minute, rotate: true, ...overrides },
    () => now,
    () => `r${++n}`,
  );
  const advance = (ms: number) => (now += ms);
  const signIn = (): TokenSet => {
    const code = store.issueCode({ clientId: 'c', redirectUri: 'http://127.0.0.1:5555/callback', scope: 'vms.all', userId: 'u@x' });
    const set = store.exchangeCode({ code, clientId: 'c', redirectUri: 'http://127.0.0.1:5555/callback' });
    if ('error' in set) throw new Error(set.description);
    return set;
  };
  return { store, advance, signIn };
}

describe('redirect URI matching (exact, RFC 8252 loopback port rule)', () => {
  const registered = ['http://127.0.0.1/callback', 'https://app.example/cb'];
  it.each([
    ['http://127.0.0.1/callback', true],
    ['http://127.0.0.1:49152/callback', true],
    ['http://[::1]:49152/callback', false], // only the registered host literal
    ['http://localhost:49152/callback', false],
    ['http://127.0.0.1:49152/callback/', false],
    ['http://127.0.0.1:49152/Callback', false],
    ['http://127.0.0.1:49152/callback?x=1', false],
    ['http://127.0.0.1:49152/callback#frag', false],
    ['https://app.example/cb', true],
    ['https://app.example:8443/cb', false],
    ['not a url', false],
  ])('%s → %s', (uri, ok) => {
    expect(redirectUriMatches(registered, uri)).toBe(ok);
  });
});

describe('TokenStore', () => {
  it('exchanges a code once; a second use is refused and revokes what it issued', () => {
    const { store } = setup();
    const code = store.issueCode({ clientId: 'c', redirectUri: 'http://127.0.0.1:1/callback', scope: 'vms.all', userId: 'u' });
    const first = store.exchangeCode({ code, clientId: 'c', redirectUri: 'http://127.0.0.1:1/callback' });
    expect('accessToken' in first).toBe(true);
    const second = store.exchangeCode({ code, clientId: 'c', redirectUri: 'http://127.0.0.1:1/callback' });
    expect(second).toMatchObject({ status: 401, error: 'invalid_grant' });
    expect(store.verifyAccess((first as TokenSet).accessToken)).toBeNull();
  });

  it('refuses an expired code (5 min), a wrong redirect_uri (400) and another client', () => {
    const { store, advance } = setup();
    const issue = () => store.issueCode({ clientId: 'c', redirectUri: 'http://127.0.0.1:1/callback', scope: 'vms.all', userId: 'u' });
    expect(store.exchangeCode({ code: issue(), clientId: 'c', redirectUri: 'http://127.0.0.1:2/callback' })).toMatchObject({ status: 400 });
    expect(store.exchangeCode({ code: issue(), clientId: 'other', redirectUri: 'http://127.0.0.1:1/callback' })).toMatchObject({ status: 401 });
    const late = issue();
    advance(5 * minute);
    expect(store.exchangeCode({ code: late, clientId: 'c', redirectUri: 'http://127.0.0.1:1/callback' })).toMatchObject({ status: 401, description: expect.stringMatching(/expired/) });
  });

  it('checks PKCE S256 when the authorization request had a challenge', () => {
    const { store } = setup();
    const verifier = 'a-long-random-verifier-string-with-enough-entropy-123';
    const issue = () => store.issueCode({ clientId: 'c', redirectUri: 'http://127.0.0.1:1/cb', scope: 'vms.all', userId: 'u', codeChallenge: pkceS256(verifier) });
    expect(store.exchangeCode({ code: issue(), clientId: 'c', redirectUri: 'http://127.0.0.1:1/cb', codeVerifier: 'wrong' })).toMatchObject({ status: 400 });
    expect('accessToken' in store.exchangeCode({ code: issue(), clientId: 'c', redirectUri: 'http://127.0.0.1:1/cb', codeVerifier: verifier })).toBe(true);
  });

  it('issues JWT-shaped access tokens that expire after the TTL', () => {
    const { store, advance, signIn } = setup();
    const set = signIn();
    expect(set.accessToken.split('.')).toHaveLength(3);
    expect(set.expiresInSeconds).toBe(600);
    expect(store.verifyAccess(set.accessToken)).toMatchObject({ userId: 'u@x', scope: 'vms.all' });
    advance(10 * minute - 1);
    expect(store.verifyAccess(set.accessToken)).not.toBeNull();
    advance(1);
    expect(store.verifyAccess(set.accessToken)).toBeNull();
  });

  it('rotates: a refresh kills the old refresh token and its access token at once; reuse is 401', () => {
    const { store, signIn } = setup();
    const a = signIn();
    const b = store.refresh({ refreshToken: a.refreshToken, clientId: 'c' }) as TokenSet;
    expect(b.refreshToken).not.toBe(a.refreshToken);
    expect(b.accessToken).not.toBe(a.accessToken);
    expect(store.verifyAccess(a.accessToken)).toBeNull();
    expect(store.verifyAccess(b.accessToken)).not.toBeNull();
    expect(store.refresh({ refreshToken: a.refreshToken, clientId: 'c' })).toMatchObject({ status: 401, description: expect.stringMatching(/already used/) });
    // The reuse attempt does not harm the live lineage.
    const c = store.refresh({ refreshToken: b.refreshToken, clientId: 'c' });
    expect('accessToken' in c).toBe(true);
  });

  it('refresh tokens die after the idle TTL and after the absolute maximum', () => {
    const { store, advance, signIn } = setup();
    const idle = signIn();
    advance(60 * minute);
    expect(store.refresh({ refreshToken: idle.refreshToken, clientId: 'c' })).toMatchObject({ status: 401, description: expect.stringMatching(/expired/) });

    let set = signIn();
    // 3 × 59 min < 180 min: each refresh is inside both limits.
    for (let i = 0; i < 3; i++) {
      advance(59 * minute);
      const next = store.refresh({ refreshToken: set.refreshToken, clientId: 'c' });
      expect(next).toHaveProperty('accessToken');
      set = next as TokenSet;
    }
    advance(4 * minute); // 181 min after sign-in
    expect(store.refresh({ refreshToken: set.refreshToken, clientId: 'c' })).toMatchObject({ status: 401 });
  });

  it('non-rotating mode returns the same refresh token and the current access token while valid', () => {
    const { store, advance, signIn } = setup({ rotate: false });
    const a = signIn();
    const b = store.refresh({ refreshToken: a.refreshToken, clientId: 'c' }) as TokenSet;
    expect(b.refreshToken).toBe(a.refreshToken);
    expect(b.accessToken).toBe(a.accessToken);
    advance(10 * minute);
    const c = store.refresh({ refreshToken: a.refreshToken, clientId: 'c' }) as TokenSet;
    expect(c.accessToken).not.toBe(a.accessToken);
    expect(store.verifyAccess(c.accessToken)).not.toBeNull();
  });

  it('expireAccessTokens: every access token and media session stops, refresh still works', () => {
    const { store, signIn } = setup();
    const a = signIn();
    const session = store.createMediaSession(store.verifyAccess(a.accessToken)!);
    expect(store.verifyMediaSession(session)).not.toBeNull();
    store.expireAccessTokens();
    expect(store.verifyAccess(a.accessToken)).toBeNull();
    expect(store.verifyMediaSession(session)).toBeNull();
    const b = store.refresh({ refreshToken: a.refreshToken, clientId: 'c' });
    expect('accessToken' in b).toBe(true);
  });

  it('media sessions live as long as the sign-in, across refreshes', () => {
    const { store, signIn } = setup();
    const a = signIn();
    const session = store.createMediaSession(store.verifyAccess(a.accessToken)!);
    store.refresh({ refreshToken: a.refreshToken, clientId: 'c' });
    expect(store.verifyMediaSession(session)).not.toBeNull();
    store.revokeAllGrants();
    expect(store.verifyMediaSession(session)).toBeNull();
  });
});
