import { describe, expect, it } from 'vitest';
import { LinkStore } from '../../../simulator/aipix/links.js';
import { ApiSessionStore } from '../../../simulator/aipix/sessions.js';
import { formatMicros, formatSqlTime, parseAipixTime } from '../../../simulator/aipix/time.js';

describe('aipix API sessions', () => {
  it('issue bearer tokens up to the cap, then list the sessions (419)', () => {
    const store = new ApiSessionStore(() => 0, () => ({ maxSessions: 2, ttlMs: 0 }));
    const a = store.issue({ client: 'web', uuid: 'u1' });
    const b = store.issue({});
    expect(a.kind).toBe('issued');
    expect(b.kind).toBe('issued');
    const third = store.issue({});
    expect(third.kind).toBe('tooMany');
    if (third.kind !== 'tooMany' || a.kind !== 'issued') throw new Error('unreachable');
    expect(third.sessions.map((s) => s.id)).toContain(a.session.id);
    expect(a.session.id).toMatch(/^[0-9a-f]{80}$/);
    expect(store.authenticate(`Bearer ${a.session.token}`)).toBe(a.session);
    expect(store.authenticate(a.session.token)).toBeUndefined();
    expect(store.authenticate('Bearer nope')).toBeUndefined();
  });

  it('remove the session named in session_id and then issue', () => {
    const store = new ApiSessionStore(() => 0, () => ({ maxSessions: 1, ttlMs: 0 }));
    const first = store.issue({});
    if (first.kind !== 'issued') throw new Error('unreachable');
    expect(store.issue({ removeSessionId: 'not-a-session' }).kind).toBe('unknownSession');
    const second = store.issue({ removeSessionId: first.session.id });
    expect(second.kind).toBe('issued');
    expect(store.authenticate(`Bearer ${first.session.token}`)).toBeUndefined();
    expect(store.size).toBe(1);
  });

  it('expire tokens after ttl when one is set', () => {
    let now = 0;
    const store = new ApiSessionStore(() => now, () => ({ maxSessions: 5, ttlMs: 1000 }));
    const s = store.issue({});
    if (s.kind !== 'issued') throw new Error('unreachable');
    now = 1000;
    expect(store.authenticate(`Bearer ${s.session.token}`)).toBeDefined();
    now = 1001;
    expect(store.authenticate(`Bearer ${s.session.token}`)).toBeUndefined();
  });
});

describe('aipix media links', () => {
  const base = { kind: 'live-hls' as const, cameraIndex: 0, profile: 'sub' as const, streamUuid: 'stream-a' };
  it('are refused from expired_at on', () => {
    let now = 10_000;
    const links = new LinkStore(() => now);
    const grant = links.grant({ ...base, expiresMs: 15_000 });
    expect(grant.token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(links.check(grant.token, 'stream-a', ['live-hls']).ok).toBe(true);
    now = 14_999;
    expect(links.check(grant.token, 'stream-a', ['live-hls']).ok).toBe(true);
    now = 15_000;
    expect(links.check(grant.token, 'stream-a', ['live-hls'])).toEqual({ ok: false, reason: 'expired' });
  });

  it('only open the stream and kind they were made for', () => {
    const links = new LinkStore(() => 0);
    const grant = links.grant({ ...base, expiresMs: 1000 });
    expect(links.check(grant.token, 'stream-b', ['live-hls'])).toEqual({ ok: false, reason: 'mismatch' });
    expect(links.check(grant.token, 'stream-a', ['archive-hls'])).toEqual({ ok: false, reason: 'mismatch' });
    expect(links.check('forged', 'stream-a', ['live-hls'])).toEqual({ ok: false, reason: 'unknown' });
    expect(links.check(null, 'stream-a', ['live-hls'])).toEqual({ ok: false, reason: 'unknown' });
    links.clear();
    expect(links.check(grant.token, 'stream-a', ['live-hls'])).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('aipix times', () => {
  const t = Date.UTC(2000, 0, 1, 0, 0, 0, 120);
  it('answer with six fraction digits and Z', () => {
    expect(formatMicros(t)).toBe('2000-01-01T00:00:00.120000Z');
    expect(formatSqlTime(t)).toBe('2000-01-01 00:00:00');
  });
  it('read ISO with Z or offset, SQL form and epoch seconds', () => {
    expect(parseAipixTime('2000-01-01T00:00:00.120000Z')).toBe(t);
    expect(parseAipixTime('2000-01-01T03:00:00.12+03:00')).toBe(t);
    expect(parseAipixTime('2000-01-01 00:00:00')).toBe(t - 120);
    expect(parseAipixTime('946684800')).toBe(t - 120);
    expect(parseAipixTime(946684800)).toBe(t - 120);
    expect(parseAipixTime('soon')).toBeUndefined();
    expect(parseAipixTime(undefined)).toBeUndefined();
  });
});
