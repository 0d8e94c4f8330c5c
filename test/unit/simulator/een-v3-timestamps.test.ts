import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp } from '../../../simulator/een-v3/timestamps.js';

const t0 = Date.UTC(2022, 7, 8, 7, 57, 37, 0);

describe('parseTimestamp', () => {
  it.each([
    ['2022-08-08T07:57:37.000+00:00', t0],
    ['2022-08-08T07:57:37+00:00', t0],
    ['2022-08-08T09:57:37.000+02:00', t0],
    ['2022-08-08T02:27:37.000-05:30', t0],
    ['2022-08-08T07:57:37.123456+00:00', t0 + 123],
    ['2022-08-08T07:57:37.5+00:00', t0 + 500],
  ])('%s', (text, ms) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, ms });
  });

  it('accepts Z unless told not to (GET /media refuses it)', () => {
    expect(parseTimestamp('2022-08-08T07:57:37.000Z')).toEqual({ ok: true, ms: t0 });
    expect(parseTimestamp('2022-08-08T07:57:37.000Z', { allowZulu: false })).toEqual({ ok: false, reason: 'zulu' });
    expect(parseTimestamp('2022-08-08T07:57:37.000+00:00', { allowZulu: false })).toEqual({ ok: true, ms: t0 });
  });

  it('reads an unencoded "+" (a space) only when lenient', () => {
    expect(parseTimestamp('2022-08-08T07:57:37.000 00:00')).toEqual({ ok: false, reason: 'format' });
    expect(parseTimestamp('2022-08-08T07:57:37.000 00:00', { spaceAsPlus: true })).toEqual({ ok: true, ms: t0 });
  });

  it.each([
    ['20220808T075737Z', 'format'],
    ['2022-08-08 07:57:37+00:00', 'format'],
    ['2022-08-08T07:57:37.000+0000', 'format'],
    ['2022-08-08T07:57:37.000', 'format'],
    ['1659945457000', 'format'],
    ['2022-02-30T00:00:00.000+00:00', 'range'],
    ['2022-13-01T00:00:00.000+00:00', 'range'],
    ['2022-08-08T24:00:00.000+00:00', 'range'],
    ['2022-08-08T07:57:37.000+15:00', 'range'],
  ])('refuses %s (%s)', (text, reason) => {
    expect(parseTimestamp(text)).toEqual({ ok: false, reason });
  });
});

describe('formatTimestamp', () => {
  it('writes milliseconds and +00:00, and round-trips', () => {
    expect(formatTimestamp(t0 + 42)).toBe('2022-08-08T07:57:37.042+00:00');
    expect(parseTimestamp(formatTimestamp(t0 + 42), { allowZulu: false })).toEqual({ ok: true, ms: t0 + 42 });
  });
});
