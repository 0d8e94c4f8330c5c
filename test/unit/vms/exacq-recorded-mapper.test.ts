// The exacq recorded-media conversions: clips with the site's own UTC offset, recorded-time
// offsets of a search (gaps squeezed out), frame rate from frame counts, speeds, part headers.
import { describe, expect, it } from 'vitest';
import { partHeaders } from '../../../main/vms/exacq/client.js';
import { clipsToPeriods, recordedFps, searchOffsetOf, toExacqSpeed, wallAtSearchOffset } from '../../../main/vms/exacq/mapper.js';

const t = (hms: string): number => Date.parse(`2026-03-01T${hms}Z`);

describe('clipsToPeriods', () => {
  it('reads UTC clips, offset clips and zone-less clips as server-local (timezone -4), merged and sorted', () => {
    const periods = clipsToPeriods(
      [
        { startTime: '2026-03-01T10:00:20Z', endTime: '2026-03-01T10:00:30Z' },
        // Server-local (-4): 06:00:00 local = 10:00:00 UTC, touching the next clip.
        { startTime: '2026-03-01T06:00:00', endTime: '2026-03-01T06:00:10' },
        { startTime: '2026-03-01T06:00:10-04:00', endTime: '2026-03-01T06:00:15-04:00' },
      ],
      -4,
    );
    expect(periods).toEqual([
      { fromMs: t('10:00:00'), toMs: t('10:00:15') },
      { fromMs: t('10:00:20'), toMs: t('10:00:30') },
    ]);
  });

  it('reads a half-hour zone (timezone 5.5) and refuses a clip that is no time', () => {
    expect(clipsToPeriods([{ startTime: '2026-03-01T15:30:00', endTime: '2026-03-01T15:30:05' }], 5.5)).toEqual([{ fromMs: t('10:00:00'), toMs: t('10:00:05') }]);
    expect(clipsToPeriods([{ startTime: 'yesterday', endTime: '2026-03-01T10:00:00Z' }], 0)).toBeUndefined();
  });
});

describe('search offsets (recorded time, gaps squeezed out)', () => {
  //   wall    10:00:00 |--A--| 10:00:10 ....gap.... 10:00:20 |----B----| 10:00:35
  //   offset  0             10 000                  10 000             25 000
  const periods = [
    { fromMs: t('10:00:00'), toMs: t('10:00:10') },
    { fromMs: t('10:00:20'), toMs: t('10:00:35') },
  ];

  it.each([
    ['before the first clip', '09:59:00', 0],
    ['inside A', '10:00:04.5', 4500],
    ['in the gap: the start of B', '10:00:15', 10_000],
    ['inside B', '10:00:21', 11_000],
    ['past the end', '10:01:00', 25_000],
  ])('%s → offset', (_, hms, offset) => {
    expect(searchOffsetOf(periods, t(hms))).toBe(offset);
  });

  it.each([
    [0, '10:00:00'],
    [9_900, '10:00:09.900'],
    [10_000, '10:00:20'],
    [24_999, '10:00:34.999'],
    [99_000, '10:00:35'],
    [-300, '10:00:00'],
  ])('offset %i → wall %s', (offset, hms) => {
    expect(wallAtSearchOffset(periods, offset)).toBe(t(hms));
  });

  it('has no wall time without clips', () => {
    expect(wallAtSearchOffset([], 0)).toBeUndefined();
  });
});

describe('recordedFps', () => {
  const minute = [{ fromMs: 0, toMs: 60_000 }];
  it('divides frames by recorded seconds, whole fps', () => {
    expect(recordedFps(600, minute)).toBe(10);
    expect(recordedFps(1799, minute)).toBe(30);
  });
  it('does not guess from too little or nonsense', () => {
    expect(recordedFps(undefined, minute)).toBeUndefined();
    expect(recordedFps(40, [{ fromMs: 0, toMs: 4000 }])).toBeUndefined();
    expect(recordedFps(0, minute)).toBeUndefined();
    expect(recordedFps(60_000, minute)).toBeUndefined();
  });
});

describe('toExacqSpeed', () => {
  it.each([
    [1, 100],
    [0.25, 25],
    [-1, -100],
    [16, 1600],
    [0, 0],
    [128, 12800],
  ])('%f× → %i', (rate, speed) => expect(toExacqSpeed(rate)).toBe(speed));
  it('refuses speeds exacq cannot play', () => {
    expect(toExacqSpeed(129)).toBeUndefined();
    expect(toExacqSpeed(Number.NaN)).toBeUndefined();
  });
});

describe('partHeaders', () => {
  const head = '--exacqvisionframe\r\nContent-Type: video/h264\r\nDataLen: 1200\r\nIframe: 1\r\nFrame: 12\r\nTimeOffset: 1200\r\n\r\n';
  it('reads the first part headers once the blank line arrived', () => {
    const headers = partHeaders(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(10)]));
    expect(headers?.get('timeoffset')).toBe('1200');
    expect(headers?.get('frame')).toBe('12');
    expect(headers?.get('iframe')).toBe('1');
  });
  it('waits for more bytes, and skips a preamble', () => {
    expect(partHeaders(Buffer.from(head.slice(0, 40), 'latin1'))).toBeUndefined();
    expect(partHeaders(Buffer.from(`preamble\r\n${head}`, 'latin1'))?.get('datalen')).toBe('1200');
  });
});
