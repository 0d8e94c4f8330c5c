// AIPIX wire → CameraRecord, the 419 session choice, times (6-digit fractions, playlists), the
// X-UUID, and the tolerance of the wire schemas.
import { describe, expect, it } from 'vitest';
import { deviceUuid } from '../../../main/vms/aipix/client.js';
import { fromAipixTime, playlistStartMs, sessionToRemove, toAipixTime, toCameraRecord } from '../../../main/vms/aipix/mapper.js';
import { cameraPageSchema, liveLinkSchema, tokenAnswerSchema, tooManySessionsSchema, wireCameraSchema, type WireSession } from '../../../main/vms/aipix/wire-types.js';

describe('AIPIX times', () => {
  it.each([
    ['2000-01-01T00:00:00.000000Z', Date.UTC(2000, 0, 1)],
    ['2026-03-04T05:06:07.123456Z', Date.UTC(2026, 2, 4, 5, 6, 7, 123)],
    ['2026-03-04T05:06:07.999999Z', Date.UTC(2026, 2, 4, 5, 6, 7, 999)],
    ['2026-03-04T05:06:07.5Z', Date.UTC(2026, 2, 4, 5, 6, 7, 500)],
    ['2026-03-04T05:06:07Z', Date.UTC(2026, 2, 4, 5, 6, 7)],
    ['2026-03-04T08:06:07.000000+03:00', Date.UTC(2026, 2, 4, 5, 6, 7)],
    ['2026-03-04 05:06:07', Date.UTC(2026, 2, 4, 5, 6, 7)],
    ['2026-03-04T05:06Z', Date.UTC(2026, 2, 4, 5, 6)],
  ])('reads %s', (text, ms) => {
    expect(fromAipixTime(text)).toBe(ms);
  });

  it.each([null, undefined, '', 'never', '2026-03-04', '2026-02-30T25:00:00Z'])('refuses %j', (text) => {
    expect(fromAipixTime(text)).toBeUndefined();
  });

  it('writes requests as ISO UTC with milliseconds', () => {
    expect(toAipixTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678Z');
    expect(fromAipixTime(toAipixTime(1_700_000_000_123))).toBe(1_700_000_000_123);
  });

  it('finds the wall-clock start of an HLS playlist', () => {
    const playlist = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PROGRAM-DATE-TIME:2026-01-02T03:04:04.000Z', '#EXTINF:8.000,', 'a.ts?token=x', '#EXT-X-DISCONTINUITY', '#EXT-X-PROGRAM-DATE-TIME:2026-01-02T03:10:00.000Z'].join('\n');
    expect(playlistStartMs(playlist)).toBe(Date.UTC(2026, 0, 2, 3, 4, 4));
    expect(playlistStartMs('#EXTM3U\n#EXTINF:8,\na.ts\n')).toBeUndefined();
  });
});

describe('toCameraRecord', () => {
  const base = { id: '7', name: 'Gate', status: 'active', is_archive_recording: true, streams: [] };

  it.each([
    ['active', 'online', undefined],
    ['inactive', 'offline', 'the AIPIX server gets no video from the camera'],
    ['empty', 'off', 'no video stream is configured for this camera'],
    ['partial', 'unknown', 'AIPIX status "partial"'],
    [null, 'unknown', undefined],
  ])('maps status %j to %s', (status, state, detail) => {
    const record = toCameraRecord({ ...base, status });
    expect(record.state).toBe(state);
    expect(record.stateDetail).toBe(detail);
  });

  it('turns high/low streams into main/sub profiles and prefers pretty_name', () => {
    const record = toCameraRecord({
      ...base,
      pretty_name: 'Main gate',
      streams: [
        { type: 'low', width: 640, height: 360 },
        { type: 'high', width: null, height: null },
        { type: 'other', width: 1, height: 1 },
      ],
    });
    expect(record).toEqual({ id: '7', name: 'Main gate', state: 'online', recording: true, groups: [], profiles: [{ name: 'main' }, { name: 'sub', width: 640, height: 360 }] });
  });

  it('gives a camera without streams one main profile, a name and recording false', () => {
    expect(toCameraRecord({ id: '8', streams: null, is_archive_recording: null })).toMatchObject({ name: 'Camera 8', recording: false, profiles: [{ name: 'main' }] });
  });
});

describe('sessionToRemove (419)', () => {
  const ours = 'our-device';
  const s = (id: string, uuid: string | null, lastUsed: string | null, created = '2026-01-01T00:00:00.000000Z'): WireSession => ({ id, client: 'web', uuid, created_at: created, last_used_at: lastUsed });

  it('picks the least recently used session this device left behind', () => {
    //  time →   a(other)   b(ours)      c(ours)     d(other)
    const pick = sessionToRemove(
      [s('a', 'phone', '2026-01-01T01:00:00.000000Z'), s('c', ours, '2026-01-01T05:00:00.000000Z'), s('b', ours, '2026-01-01T03:00:00.000000Z'), s('d', 'tablet', '2026-01-01T09:00:00.000000Z')],
      ours,
    );
    expect(pick).toEqual({ session: expect.objectContaining({ id: 'b' }), ours: true, lastUsedMs: Date.UTC(2026, 0, 1, 3) });
  });

  it('else the least recently used of all, by last use or creation; timeless sessions first', () => {
    expect(sessionToRemove([s('a', 'x', '2026-01-01T04:00:00.000000Z'), s('b', 'y', null, '2026-01-01T02:00:00.000000Z')], ours)).toMatchObject({ session: { id: 'b' }, ours: false, lastUsedMs: Date.UTC(2026, 0, 1, 2) });
    const timeless = sessionToRemove([s('a', 'x', '2026-01-01T04:00:00.000000Z'), { id: 'z' }], ours);
    expect(timeless).toEqual({ session: { id: 'z' }, ours: false });
  });

  it('has nothing to pick from an empty list', () => {
    expect(sessionToRemove([], ours)).toBeUndefined();
  });
});

describe('AIPIX wire schemas', () => {
  it('reads the token answer, 419 lists with numeric ids, and Laravel pages', () => {
    expect(tokenAnswerSchema.parse({ access_token: 'Bearer 1|x', user: { access_token_id: 5 } }).access_token).toBe('Bearer 1|x');
    expect(tooManySessionsSchema.parse({ message: 'm', sessions: [{ id: 42 }] }).sessions).toEqual([{ id: '42' }]);
    const page = cameraPageSchema.parse({ data: [{ id: 1, streams: [{ type: 'high', width: '1920', height: 1080 }] }], meta: { current_page: 1, last_page: 2 }, links: { next: 'http://x/?page=2' } });
    expect(page.data[0]!.streams![0]).toMatchObject({ width: 1920, height: 1080 });
    expect(wireCameraSchema.parse({ id: '3' }).id).toBe('3');
  });

  it('accepts http(s) and rtsp links only', () => {
    expect(liveLinkSchema.safeParse({ url: 'https://media/live/x/index.m3u8?token=t' }).success).toBe(true);
    expect(liveLinkSchema.safeParse({ url: 'rtsp://media:554/x?token=t', fallback_url: null }).success).toBe(true);
    expect(liveLinkSchema.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(liveLinkSchema.safeParse({ url: 'javascript:alert(1)' }).success).toBe(false);
  });
});

describe('deviceUuid', () => {
  it('is a stable v4-shaped UUID per site', () => {
    const a = deviceUuid('site-a');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deviceUuid('site-a')).toBe(a);
    expect(deviceUuid('site-b')).not.toBe(a);
  });
});
