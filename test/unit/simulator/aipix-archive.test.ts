import { describe, expect, it } from 'vitest';
import { archiveChunks, resolveStart, rewriteLivePlaylist, vodPlaylist } from '../../../simulator/aipix/archive.js';
import { paginate } from '../../../simulator/aipix/cameras.js';

describe('aipix pagination (Laravel resource shape)', () => {
  const items = Array.from({ length: 27 }, (_, i) => i + 1);
  const path = 'http://127.0.0.1:1/api/v1/cameras';

  it('pages 25 at a time with links and meta', () => {
    const first = paginate(items, 1, 25, path, new URLSearchParams('per_page=25'));
    expect(first.data).toHaveLength(25);
    expect(first.meta).toEqual({ current_page: 1, from: 1, last_page: 2, path, per_page: 25, to: 25, total: 27 });
    expect(first.links.prev).toBeNull();
    expect(first.links.next).toBe(`${path}?per_page=25&page=2`);
    const second = paginate(items, 2, 25, path, new URLSearchParams());
    expect(second.data).toEqual([26, 27]);
    expect(second.meta).toMatchObject({ from: 26, to: 27 });
    expect(second.links.next).toBeNull();
  });

  it('answers an empty page past the end', () => {
    const beyond = paginate(items, 9, 25, path, new URLSearchParams());
    expect(beyond.data).toEqual([]);
    expect(beyond.meta).toMatchObject({ current_page: 9, from: null, to: null, last_page: 2 });
  });
});

describe('aipix archive start (move_to)', () => {
  it('moves a start before the archive to the archive start, and only then', () => {
    expect(resolveStart(1000, 5000)).toEqual({ startMs: 5000, moveToMs: 5000 });
    expect(resolveStart(6000, 5000)).toEqual({ startMs: 6000, moveToMs: null });
    expect(resolveStart(6000, undefined)).toEqual({ startMs: 6000, moveToMs: null });
  });
});

describe('aipix archive chunks', () => {
  // segments  |0 ------------- 20s|   gap   |30s ---- 40s|
  // request          5s ............................ 35s
  const segments = [
    { startMs: 0, endMs: 20_000 },
    { startMs: 30_000, endMs: 40_000 },
  ];
  it('start on the keyframe at or before the request and restart after gaps', () => {
    expect(archiveChunks(segments, 5000, 35_000, 4000)).toEqual([
      { startMs: 4000, endMs: 12_000, discontinuity: false },
      { startMs: 12_000, endMs: 20_000, discontinuity: false },
      { startMs: 30_000, endMs: 35_000, discontinuity: true },
    ]);
  });

  it('become a VOD playlist with discontinuities and wall-clock dates', () => {
    const chunks = archiveChunks(segments, 5000, 35_000, 4000);
    const text = vodPlaylist(chunks, (c) => `${c.startMs}-${c.endMs}.ts?token=T`);
    expect(text.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-TARGETDURATION:8',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:04.000Z',
      '#EXTINF:8.000,',
      '4000-12000.ts?token=T',
      '#EXTINF:8.000,',
      '12000-20000.ts?token=T',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:30.000Z',
      '#EXTINF:5.000,',
      '30000-35000.ts?token=T',
      '#EXT-X-ENDLIST',
      '',
    ]);
  });
});

describe('aipix live playlist rewriting', () => {
  it('tokenises segment lines and EXT-X-MAP URIs', () => {
    const text = ['#EXTM3U', '#EXT-X-MAP:URI="init.mp4"', '#EXTINF:1.0,', 'seg-12.m4s', '#EXTINF:1.0,', '/hls/cam0/seg-13.m4s?x=1', ''].join('\n');
    const out = rewriteLivePlaylist(text, (name) => `${name}?token=T`);
    expect(out.split('\n')).toEqual(['#EXTM3U', '#EXT-X-MAP:URI="init.mp4?token=T"', '#EXTINF:1.0,', 'seg-12.m4s?token=T', '#EXTINF:1.0,', 'seg-13.m4s?token=T', '']);
  });
});
