// AIPIX recorded-media conversions: archive_ranges in the shapes servers send, and what Tessera
// reads of an archive (VOD) playlist.
import { describe, expect, it } from 'vitest';
import { rangesToPeriods, readVodPlaylist } from '../../../main/vms/aipix/mapper.js';

const t = (hms: string): number => Date.parse(`2026-01-02T${hms}Z`);

describe('rangesToPeriods', () => {
  it('reads text times, epoch seconds and ms, and durations; merges touching ranges, sorted', () => {
    const periods = rangesToPeriods([
      { from: '2026-01-02T04:00:00.000000Z', to: '2026-01-02T04:05:00.000000Z' },
      { from: t('03:00:00') / 1000, to: t('03:10:00') / 1000 },
      { from: t('03:10:00'), duration: 120 },
      { from: String(t('03:30:00') / 1000), to: '2026-01-02 03:40:00' },
    ]);
    expect(periods).toEqual([
      { fromMs: t('03:00:00'), toMs: t('03:12:00') },
      { fromMs: t('03:30:00'), toMs: t('03:40:00') },
      { fromMs: t('04:00:00'), toMs: t('04:05:00') },
    ]);
  });

  it.each([
    ['an unreadable time', [{ from: 'soon', to: '2026-01-02T04:00:00Z' }]],
    ['no end', [{ from: '2026-01-02T04:00:00Z' }]],
    ['an end before the start', [{ from: '2026-01-02T04:00:00Z', to: '2026-01-02T03:00:00Z' }]],
    ['a negative time', [{ from: -5, to: 10 }]],
  ])('refuses %s', (_, ranges) => {
    expect(rangesToPeriods(ranges)).toBeUndefined();
  });

  it('reads an empty list as nothing recorded', () => {
    expect(rangesToPeriods([])).toEqual([]);
  });
});

describe('readVodPlaylist', () => {
  const vod = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-TARGETDURATION:8',
    '#EXT-X-PROGRAM-DATE-TIME:2026-01-02T03:04:04.000Z',
    '#EXTINF:8.000,',
    'a.ts?token=x',
    '#EXTINF:3.500,',
    'b.ts?token=x',
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');

  it('gives the wall time of the first segment, the summed duration and the end', () => {
    expect(readVodPlaylist(vod)).toEqual({ startMs: t('03:04:04'), durationMs: 11_500, segments: 2, ended: true });
  });

  it('tells an open playlist, one without wall time, and what is no playlist', () => {
    expect(readVodPlaylist(vod.replace('#EXT-X-ENDLIST', ''))?.ended).toBe(false);
    expect(readVodPlaylist(vod.replace(/^#EXT-X-PROGRAM-DATE-TIME.*$/m, ''))?.startMs).toBeUndefined();
    expect(readVodPlaylist('<!DOCTYPE html><html>Login</html>')).toBeUndefined();
    expect(readVodPlaylist('')).toBeUndefined();
  });
});
