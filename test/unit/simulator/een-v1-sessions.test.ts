import { describe, expect, it } from 'vitest';
import { SessionStore, type SimUser, type UserState } from '../../../simulator/een-v1/sessions.js';

const base = { password: 'pw', twoFactor: false, smsHint: '', emailHint: '' };
const users: SimUser[] = [
  { ...base, id: 'u1', username: 'op@x', state: 'active' },
  { ...base, id: 'u2', username: 'tfa@x', state: 'active', twoFactor: true, smsHint: '*** *** 779', emailHint: '**@x' },
  ...(['account-suspended', 'account-inactive', 'account-pending', 'user-disabled', 'user-pending'] as UserState[]).map((state, i) => ({
    ...base,
    id: `p${i}`,
    username: `${state}@x`,
    state,
  })),
];

function store(overrides: Partial<ConstructorParameters<typeof SessionStore>[1]> = {}) {
  let now = 1_000_000;
  let counter = 0;
  const s = new SessionStore(
    users,
    {
      brandSubdomain: 'c001',
      authTokenTtlMs: 60_000,
      twoFactorCodeTtlMs: 900_000,
      twoFactorCode: '4242',
      twoFactorMaxFailures: 3,
      idleTimeoutMs: 10_000,
      pendingUserBeforeBadPassword: true,
      ...overrides,
    },
    () => now,
    (n) => Buffer.alloc(n, (counter += 1)),
  );
  return { s, advance: (ms: number) => (now += ms) };
}

function token(result: ReturnType<SessionStore['authenticate']>): string {
  if (!('body' in result)) throw new Error(`authenticate failed: ${result.status}`);
  return result.body.token;
}

describe('authenticate', () => {
  it('answers the documented codes', () => {
    const { s } = store();
    expect(s.authenticate(undefined, 'pw', undefined).status).toBe(400);
    expect(s.authenticate('nobody@x', 'pw', undefined).status).toBe(401);
    expect(s.authenticate('op@x', 'bad', undefined).status).toBe(401);
    expect(s.authenticate('account-suspended@x', 'pw', undefined).status).toBe(402);
    expect(s.authenticate('account-inactive@x', 'pw', undefined).status).toBe(460);
    expect(s.authenticate('account-pending@x', 'pw', undefined).status).toBe(461);
    expect(s.authenticate('user-disabled@x', 'pw', undefined).status).toBe(412);
    expect(s.authenticate('user-pending@x', 'pw', undefined).status).toBe(462);
    expect(s.authenticate('OP@X', 'pw', undefined).status).toBe(200);
  });

  it('answers 462 before 401 for a pending user of an active account (switchable)', () => {
    expect(store().s.authenticate('user-pending@x', 'bad', undefined).status).toBe(462);
    expect(store({ pendingUserBeforeBadPassword: false }).s.authenticate('user-pending@x', 'bad', undefined).status).toBe(401);
  });

  it('adds the scrubbed TFA destinations for a two-factor user', () => {
    const r = store().s.authenticate('tfa@x', 'pw', undefined);
    expect(r).toMatchObject({ status: 200, body: { two_factor_authentication_code: { sms: '*** *** 779', email: '**@x' } } });
  });
});

describe('authorize (simple scheme)', () => {
  it('turns a token into a session once, with a cluster-prefixed auth_key', () => {
    const { s } = store();
    const t = token(s.authenticate('op@x', 'pw', undefined));
    const r = s.authorize(t, undefined);
    expect(r.status).toBe(200);
    if (!('session' in r)) throw new Error('no session');
    expect(r.session.key).toMatch(/^c001~[0-9a-f]{32}$/);
    expect(s.authorize(t, undefined).status).toBe(401);
    expect(s.authorize(undefined, undefined).status).toBe(400);
  });

  it('lets tokens expire', () => {
    const { s, advance } = store();
    const t = token(s.authenticate('op@x', 'pw', undefined));
    advance(60_001);
    expect(s.authorize(t, undefined).status).toBe(401);
  });
});

describe('two-factor scheme', () => {
  it('needs the code to be sent, then accepts it and trusts the device', () => {
    const { s } = store();
    const t = token(s.authenticate('tfa@x', 'pw', undefined));
    expect(s.authorize(t, '4242').status).toBe(401); // code not sent yet
    expect(s.sendTwoFactorCode(t, 'fax').status).toBe(415);
    expect(s.sendTwoFactorCode(t, undefined).status).toBe(400);
    expect(s.sendTwoFactorCode(t, 'sms').status).toBe(200);
    expect(s.authorize(t, undefined).status).toBe(401);
    const r = s.authorize(t, '4242');
    if (!('tfaKey' in r) || !r.tfaKey) throw new Error('no tfa_key');
    // The trusted device skips two-factor next time.
    const again = s.authenticate('tfa@x', 'pw', r.tfaKey);
    expect(again).toMatchObject({ status: 200 });
    expect('body' in again && again.body.two_factor_authentication_code).toBeFalsy();
    expect(s.authorize(token(again), undefined).status).toBe(200);
  });

  it('answers 406 for wrong codes, then 429 and locks the user (412 on authenticate)', () => {
    const { s } = store();
    const t = token(s.authenticate('tfa@x', 'pw', undefined));
    s.sendTwoFactorCode(t, 'email');
    expect([1, 2, 3].map(() => s.authorize(t, '0000').status)).toEqual([406, 406, 406]);
    expect(s.authorize(t, '0000').status).toBe(429);
    expect(s.authorize(t, '4242').status).toBe(429); // locked: even the right code is refused
    expect(s.authenticate('tfa@x', 'pw', undefined).status).toBe(412);
  });

  it('rejects an expired code with 401', () => {
    const { s, advance } = store({ authTokenTtlMs: 3_600_000 });
    const t = token(s.authenticate('tfa@x', 'pw', undefined));
    s.sendTwoFactorCode(t, 'sms');
    advance(900_001);
    expect(s.authorize(t, '4242').status).toBe(401);
  });
});

describe('sessions', () => {
  function login(s: SessionStore): string {
    const r = s.authorize(token(s.authenticate('op@x', 'pw', undefined)), undefined);
    if (!('session' in r)) throw new Error('no session');
    return r.session.key;
  }

  it('expire after the idle timeout, and activity keeps them alive', () => {
    const { s, advance } = store();
    const key = login(s);
    advance(9_000);
    expect(s.lookup(key)).toBeDefined();
    advance(9_000);
    expect(s.isValid(key)).toBe(true);
    advance(1_001);
    expect(s.isValid(key)).toBe(false);
    expect(s.lookup(key)).toBeUndefined();
  });

  it('end on logout and on expire-all', () => {
    const { s } = store();
    const a = login(s);
    const b = login(s);
    s.logout(a);
    expect(s.lookup(a)).toBeUndefined();
    expect(s.lookup(b)).toBeDefined();
    s.expireAll();
    expect(s.lookup(b)).toBeUndefined();
  });
});
