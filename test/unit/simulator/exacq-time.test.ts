import { describe, expect, it } from 'vitest';
import { formatUtcMillis, formatUtcSeconds, parseExacqTime } from '../../../simulator/exacq/time.js';

const utc = Date.UTC(2018, 5, 20, 13, 56, 21);

describe('exacq times', () => {
  it('reads RFC 3339 with Z, with a local offset and with fractions', () => {
    expect(parseExacqTime('2018-06-20T13:56:21Z', 0)).toBe(utc);
    expect(parseExacqTime('2018-06-20T09:56:21-04:00', 0)).toBe(utc);
    expect(parseExacqTime('2018-06-20T15:26:21+0130', 0)).toBe(utc);
    expect(parseExacqTime('2018-06-20T13:56:21.250Z', 0)).toBe(utc + 250);
  });

  it('treats offset-less times with the given offset (server-local or UTC)', () => {
    expect(parseExacqTime('2018-06-20T09:56:21', -240)).toBe(utc);
    expect(parseExacqTime('2018-06-20 13:56:21', 0)).toBe(utc);
  });

  it('refuses what is not a time', () => {
    expect(parseExacqTime('yesterday', 0)).toBeUndefined();
    expect(parseExacqTime('', 0)).toBeUndefined();
    expect(parseExacqTime('1529502981', 0)).toBeUndefined();
  });

  it('answers UTC with Z, to the second and to the millisecond', () => {
    expect(formatUtcSeconds(utc + 999)).toBe('2018-06-20T13:56:21Z');
    expect(formatUtcMillis(utc + 2)).toBe('2018-06-20T13:56:21.002Z');
  });
});
