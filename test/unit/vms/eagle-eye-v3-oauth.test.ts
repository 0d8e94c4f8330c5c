// OAuth pieces of the Eagle Eye v3 adapter: PKCE S256 (RFC 7636 test vector), the authorization
// address, HTTP Basic client authentication, and the secret kept in the credential store.
import { describe, expect, it } from 'vitest';
import { authorizationUrl, basicClientAuth, createPkce, parseStoredSecret, pkceChallenge, randomState, serializeStoredSecret } from '../../../main/vms/eagle-eye-v3/oauth.js';

describe('PKCE', () => {
  it('matches the RFC 7636 Appendix B example', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes 43-character base64url verifiers with 256 bits, a fresh one each time', () => {
    const a = createPkce();
    const b = createPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.challenge).toBe(pkceChallenge(a.verifier));
    expect(a.verifier).not.toBe(b.verifier);
    expect(createPkce(() => Buffer.alloc(32, 1)).verifier).toBe(Buffer.alloc(32, 1).toString('base64url'));
    expect(randomState()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('authorization address', () => {
  it('asks for a code with PKCE S256 and the loopback redirect', () => {
    const url = new URL(
      authorizationUrl({
        authOrigin: 'https://auth.eagleeyenetworks.com',
        clientId: 'abc',
        redirectUri: 'http://127.0.0.1:53682/callback',
        state: 'st',
        codeChallenge: 'ch',
        loginHint: 'op@example.com',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.eagleeyenetworks.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'abc',
      response_type: 'code',
      scope: 'vms.all',
      redirect_uri: 'http://127.0.0.1:53682/callback',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      login_hint: 'op@example.com',
    });
  });

  it('form-encodes client id and secret before Basic (RFC 6749 §2.3.1)', () => {
    expect(basicClientAuth('id', 'secret')).toBe(`Basic ${Buffer.from('id:secret').toString('base64')}`);
    expect(basicClientAuth('a:b', 'p w&')).toBe(`Basic ${Buffer.from('a%3Ab:p+w%26').toString('base64')}`);
  });
});

describe('kept secret', () => {
  it('holds the client secret and the latest refresh token', () => {
    const text = serializeStoredSecret({ clientSecret: 's3cret', refreshToken: 'r1' });
    expect(JSON.parse(text)).toEqual({ eagleEyeV3: 1, clientSecret: 's3cret', refreshToken: 'r1' });
    expect(parseStoredSecret(text)).toEqual({ clientSecret: 's3cret', refreshToken: 'r1' });
    expect(parseStoredSecret(serializeStoredSecret({ clientSecret: 's3cret' }))).toEqual({ clientSecret: 's3cret' });
  });

  it('reads anything else as a client secret typed by the operator', () => {
    expect(parseStoredSecret('plain-secret')).toEqual({ clientSecret: 'plain-secret' });
    expect(parseStoredSecret('{not json')).toEqual({ clientSecret: '{not json' });
    expect(parseStoredSecret('{"clientSecret":"x"}')).toEqual({ clientSecret: '{"clientSecret":"x"}' });
    expect(parseStoredSecret('')).toEqual({ clientSecret: '' });
  });
});
