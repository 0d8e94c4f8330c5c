import { describe, expect, it } from 'vitest';
import { formatEen, parseEenAbsolute, parseEenTimestamp, parseStreamStart, typedTimestamp } from '../../../simulator/een-v1/timestamps.js';
import { parseCookies, parsePairs, sessionKeyOf, type EenRequest } from '../../../simulator/een-v1/http.js';

const NOW = Date.UTC(2018, 3, 1, 12, 0, 0, 250);

describe('EEN timestamp codec', () => {
  it('formats and parses the seed example (Jan 2, 2018 08:30:20.00 == 20180102083020.000)', () => {
    const ms = Date.UTC(2018, 0, 2, 8, 30, 20, 0);
    expect(formatEen(ms)).toBe('20180102083020.000');
    expect(parseEenAbsolute('20180102083020.000')).toBe(ms);
  });

  it('keeps milliseconds and pads every field', () => {
    const ms = Date.UTC(2018, 9, 1, 0, 0, 1, 45);
    expect(formatEen(ms)).toBe('20181001000001.045');
    expect(parseEenAbsolute('20181001000001.045')).toBe(ms);
    expect(parseEenAbsolute('20181001000001.5')).toBe(ms - 45 + 500);
    expect(parseEenAbsolute('20181001000001')).toBe(ms - 45);
  });

  it('rejects malformed and impossible dates', () => {
    for (const bad of ['', 'now', '2018010208302.000', '20180102083020.0000', '20180231000000.000', '20181301000000.000', '2018-01-02T08:30:20Z']) {
      expect(parseEenAbsolute(bad)).toBeNull();
    }
  });

  it('accepts now and signed millisecond offsets as relative times', () => {
    expect(parseEenTimestamp('now', NOW)).toEqual({ ms: NOW, relative: true });
    expect(parseEenTimestamp('+300000', NOW)).toEqual({ ms: NOW + 300_000, relative: true });
    expect(parseEenTimestamp('-5000', NOW)).toEqual({ ms: NOW - 5000, relative: true });
    // An unencoded "+" in a query string arrives as a space.
    expect(parseEenTimestamp(' 300000', NOW)).toEqual({ ms: NOW + 300_000, relative: true });
    expect(parseEenTimestamp('20180401120000.000', NOW)).toEqual({ ms: NOW - 250, relative: false });
    expect(parseEenTimestamp('yesterday', NOW)).toBeNull();
    expect(parseEenTimestamp(undefined, NOW)).toBeNull();
  });

  it('recognises stream_<id> play starts', () => {
    expect(parseStreamStart('stream_ca0e1cf2-1401291315740')).toBe('ca0e1cf2-1401291315740');
    expect(parseStreamStart('stream_')).toBeNull();
    expect(parseStreamStart('20180401120000.000')).toBeNull();
  });

  it('writes typed header values as type-timestamp', () => {
    expect(typedTimestamp('preview', Date.UTC(2018, 8, 17, 21, 34, 5, 700))).toBe('preview-20180917213405.700');
  });
});

describe('v1 request parameters', () => {
  it('splits on & and ; and decodes + as space (first value wins)', () => {
    const q = parsePairs('c=100676b2;t=now;a=pre&A=c001~abc&t=later&e=%2B300000&x=+300000');
    expect(q.get('c')).toBe('100676b2');
    expect(q.get('t')).toBe('now');
    expect(q.get('a')).toBe('pre');
    expect(q.get('A')).toBe('c001~abc');
    expect(q.get('e')).toBe('+300000');
    expect(q.get('x')).toBe(' 300000');
  });

  it('reads cookies', () => {
    const c = parseCookies('auth_key=c001~1; ee-poll-ses=abc; tfa_key=zz');
    expect([...c]).toEqual([
      ['auth_key', 'c001~1'],
      ['ee-poll-ses', 'abc'],
      ['tfa_key', 'zz'],
    ]);
  });

  it('finds the session id in query, then POST form, then body, then cookie', () => {
    const req = (parts: Partial<Pick<EenRequest, 'query' | 'form' | 'body' | 'cookies'>>): EenRequest =>
      ({ query: new Map(), form: new Map(), body: new Map(), cookies: new Map(), ...parts }) as EenRequest;
    const all = { query: new Map([['A', 'q']]), form: new Map([['A', 'f']]), body: new Map([['A', 'b']]), cookies: new Map([['auth_key', 'c']]) };
    expect(sessionKeyOf(req(all))).toBe('q');
    expect(sessionKeyOf(req({ ...all, query: new Map() }))).toBe('f');
    expect(sessionKeyOf(req({ body: all.body, cookies: all.cookies }))).toBe('b');
    expect(sessionKeyOf(req({ cookies: all.cookies }))).toBe('c');
    expect(sessionKeyOf(req({}))).toBeUndefined();
  });
});
