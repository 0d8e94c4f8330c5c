import { describe, expect, it } from 'vitest';
import { HlsPlaylistError, parseHlsPlaylist } from '../../../main/media/hls-playlist.js';

const base = 'http://media.example/live/0000/index.m3u8?token=OLD';

describe('parseHlsPlaylist', () => {
  it('reads a live media playlist: sequence numbers, durations, URIs resolved against the playlist (AIPIX keeps the token per segment)', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:41',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T12:31:32.741+0000',
      '#EXTINF:2.000000,',
      'seg_00041.ts?token=NEW',
      '#EXTINF:1.960000,',
      '/other/seg_00042.ts',
      '',
    ].join('\n');
    expect(parseHlsPlaylist(text, base)).toEqual({
      targetDurationS: 2,
      segments: [
        { seq: 41, url: 'http://media.example/live/0000/seg_00041.ts?token=NEW', durationS: 2 },
        { seq: 42, url: 'http://media.example/other/seg_00042.ts', durationS: 1.96 },
      ],
      ended: false,
      initSection: false,
      variants: [],
    });
  });

  it('marks the end of a stream, fMP4 segments and master playlists', () => {
    expect(parseHlsPlaylist('#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n#EXTINF:4,\r\na.ts\r\n#EXT-X-ENDLIST\r\n', base)).toMatchObject({ ended: true, segments: [{ seq: 0, durationS: 4 }] });
    expect(parseHlsPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\na.m4s\n', base).initSection).toBe(true);
    expect(parseHlsPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow/index.m3u8?token=T\n', base)).toMatchObject({
      variants: ['http://media.example/live/0000/low/index.m3u8?token=T'],
      segments: [],
    });
  });

  it('a segment without a usable EXTINF counts as the target duration', () => {
    expect(parseHlsPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:,\na.ts\n', base).segments[0]!.durationS).toBe(3);
  });

  it('refuses what is not a playlist (a login page, a JSON error) and unreadable numbers', () => {
    expect(() => parseHlsPlaylist('<!doctype html><title>Sign in</title>', base)).toThrow(HlsPlaylistError);
    expect(() => parseHlsPlaylist('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:abc\n', base)).toThrow(/MEDIA-SEQUENCE is not a number/);
  });
});
