// Eagle Eye v3 wire → Tessera: timestamps (only here: "+00:00" ↔ epoch ms), connection statuses,
// camera records and the layout grid.
import { describe, expect, it } from 'vitest';
import { cameraStateOf, fromEenTimestamp, packPanes, recordedUrlFrom, toCameraRecord, toEenTimestamp, toIntervals, toMotionMarks, toServerLayout } from '../../../main/vms/eagle-eye-v3/mapper.js';
import { wireEventSchema, wireMediaIntervalSchema } from '../../../main/vms/eagle-eye-v3/wire-types.js';

describe('EEN v3 timestamps', () => {
  it('writes UTC with milliseconds and +00:00, never Z', () => {
    expect(toEenTimestamp(Date.UTC(2022, 7, 8, 7, 57, 37, 0))).toBe('2022-08-08T07:57:37.000+00:00');
    expect(toEenTimestamp(1)).toBe('1970-01-01T00:00:00.001+00:00');
    expect(() => toEenTimestamp(Number.NaN)).toThrow(RangeError);
  });

  it.each([
    ['2022-08-08T07:57:37.000+00:00', Date.UTC(2022, 7, 8, 7, 57, 37, 0)],
    ['2022-08-08T07:57:37.123Z', Date.UTC(2022, 7, 8, 7, 57, 37, 123)],
    ['2022-08-08T09:57:37.5+02:00', Date.UTC(2022, 7, 8, 7, 57, 37, 500)],
    ['2022-08-08T02:27:37-05:30', Date.UTC(2022, 7, 8, 7, 57, 37, 0)],
    // Finer than ms: truncated, not rounded.
    ['2022-08-08T07:57:37.999999+00:00', Date.UTC(2022, 7, 8, 7, 57, 37, 999)],
    ['2024-02-29T00:00:00.000+00:00', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, ms) => {
    expect(fromEenTimestamp(text)).toBe(ms);
  });

  it.each(['', '2022-08-08', '2022-08-08 07:57:37+00:00', '2022-08-08T07:57:37 00:00', '2023-02-29T00:00:00Z', '2022-13-01T00:00:00Z', '2022-08-08T24:00:00Z', '2022-08-08T07:57:37+15:00', '20220808075737.000'])(
    'refuses %j',
    (text) => {
      expect(fromEenTimestamp(text)).toBeUndefined();
    },
  );

  it('round-trips', () => {
    for (const ms of [0, 1_700_000_000_123, Date.UTC(2030, 11, 31, 23, 59, 59, 999)]) expect(fromEenTimestamp(toEenTimestamp(ms))).toBe(ms);
  });
});

describe('EEN v3 camera status', () => {
  it.each([
    ['online', 'online', undefined],
    ['deviceOffline', 'offline', 'the camera is offline'],
    ['bridgeOffline', 'offline', 'the bridge the camera is attached to is offline'],
    ['invalidCredentials', 'unauthorized', 'the bridge cannot log in to the camera (invalid credentials)'],
    ['off', 'off', 'the camera is turned off'],
    ['error', 'offline', 'the camera reports an error'],
    ['unknown', 'unknown', 'the site does not know the camera status'],
    [null, 'unknown', 'the site does not know the camera status'],
    // The how-to text says "offline", which is not in the enum; anything new counts as offline.
    ['offline', 'offline', 'the camera is offline'],
    ['streamingPaused', 'offline', 'the site reports the status "streamingPaused"'],
  ])('%s → %s', (wire, state, detail) => {
    expect(cameraStateOf(wire)).toEqual({ state, ...(detail ? { stateDetail: detail } : {}) });
  });

  it('maps a camera: location first among the groups, both stream profiles', () => {
    expect(
      toCameraRecord({ id: '1000a001', name: ' Dock ', status: { connectionStatus: 'online' }, tags: ['outdoor', 'Harbour'], locationSummary: { name: 'Harbour' } }),
    ).toEqual({ id: '1000a001', name: 'Dock', state: 'online', recording: true, groups: ['Harbour', 'outdoor'], profiles: [{ name: 'main' }, { name: 'sub' }] });
    expect(toCameraRecord({ id: '1000a002', name: '', status: { connectionStatus: 'bridgeOffline' } })).toMatchObject({
      name: '1000a002',
      state: 'offline',
      stateDetail: 'the bridge the camera is attached to is offline',
      recording: false,
      groups: [],
    });
  });
});

describe('EEN v3 layouts', () => {
  it('flows size × size panes left to right, top to bottom, into the first free spot', () => {
    // paneColumns 3, sizes [2,1,1,1]:   A A B
    //                                   A A C
    //                                   D . .
    expect(packPanes([2, 1, 1, 1], 3)).toEqual([
      { x: 0, y: 0, size: 2 },
      { x: 2, y: 0, size: 1 },
      { x: 2, y: 1, size: 1 },
      { x: 0, y: 2, size: 1 },
    ]);
    // A pane wider than the grid is clipped to it; sizes outside 1–3 are clamped.
    expect(packPanes([3, 0, 9], 2)).toEqual([
      { x: 0, y: 0, size: 2 },
      { x: 0, y: 2, size: 1 },
      { x: 0, y: 3, size: 2 },
    ]);
  });

  it('maps a layout to a grid with global camera ids; empty panes stay empty tiles', () => {
    const { layout, dropped } = toServerLayout(
      {
        id: 'L1',
        name: 'Lobby',
        panes: [
          { id: 1, size: 2, cameraId: '1000a001', type: 'preview' },
          { id: 2, size: 1, cameraId: '1000a002', type: 'preview' },
          { id: 3, size: 1, cameraId: null, type: 'compositePreview' },
        ],
        settings: { paneColumns: 3 },
      },
      'site1',
    );
    expect(dropped).toBe(0);
    expect(layout).toEqual({
      id: 'L1',
      siteId: 'site1',
      name: 'Lobby',
      columns: 3,
      rows: 2,
      tiles: [
        { x: 0, y: 0, width: 2, height: 2, cameraIds: ['site1/1000a001'] },
        { x: 2, y: 0, width: 1, height: 1, cameraIds: ['site1/1000a002'] },
        { x: 2, y: 1, width: 1, height: 1, cameraIds: [] },
      ],
    });
  });

  it('leaves out panes beyond 16 rows and says how many', () => {
    const panes = Array.from({ length: 40 }, (_, i) => ({ id: i, size: 1, cameraId: `c${i}` }));
    const { layout, dropped } = toServerLayout({ id: 'big', name: 'Everything', panes, settings: { paneColumns: 2 } }, 's');
    expect(layout.rows).toBe(16);
    expect(layout.tiles).toHaveLength(32);
    expect(dropped).toBe(8);
  });
});

describe('EEN v3 recordings → intervals, marks and moved URLs', () => {
  const t = (text: string) => fromEenTimestamp(text)!;
  it('/media intervals: offsets read (not only +00:00), unreadable ones left out, sorted, URLs kept', () => {
    const items = [
      { startTimestamp: '2026-11-22T02:05:00.000+00:00', endTimestamp: '2026-11-22T02:10:00.000+00:00', flvUrl: 'http://m/flv?startTimestamp=a' },
      { startTimestamp: '2026-11-22T03:00:00.000+01:00', endTimestamp: '2026-11-22T02:05:00.000+00:00', mp4Url: 'http://m/mp4' },
      { startTimestamp: '2026-11-22T02:20:00.000Z', endTimestamp: 'soon' },
    ];
    expect(toIntervals(items.map((i) => wireMediaIntervalSchema.parse(i)))).toEqual([
      { fromMs: t('2026-11-22T02:00:00.000+00:00'), toMs: t('2026-11-22T02:05:00.000+00:00'), mp4Url: 'http://m/mp4' },
      { fromMs: t('2026-11-22T02:05:00.000+00:00'), toMs: t('2026-11-22T02:10:00.000+00:00'), flvUrl: 'http://m/flv?startTimestamp=a' },
    ]);
  });

  it('/events → motion marks inside the window with their end and words; an open event has no end', () => {
    const events = [
      { type: 'een.personMotionDetectionEvent.v1', startTimestamp: '2026-11-22T02:01:00.000+00:00', endTimestamp: null },
      { type: 'een.motionDetectionEvent.v1', startTimestamp: '2026-11-22T02:00:10.500+00:00', endTimestamp: '2026-11-22T02:00:30.000+00:00' },
      { type: 'een.motionDetectionEvent.v1', startTimestamp: '2026-11-22T01:59:59.000+00:00', endTimestamp: '2026-11-22T02:00:03.000+00:00' },
    ].map((e) => wireEventSchema.parse(e));
    expect(toMotionMarks(events, t('2026-11-22T02:00:00.000+00:00'), t('2026-11-22T03:00:00.000+00:00'))).toEqual([
      { atMs: t('2026-11-22T02:00:10.500+00:00'), endMs: t('2026-11-22T02:00:30.000+00:00'), type: 'motion', label: 'Motion' },
      { atMs: t('2026-11-22T02:01:00.000+00:00'), type: 'motion', label: 'Person moving' },
    ]);
  });

  it('a recorded URL is moved to a keyframe with +00:00 times; one without startTimestamp starts at its interval', () => {
    const interval = { fromMs: t('2026-11-22T02:05:00.000+00:00'), toMs: t('2026-11-22T02:10:00.000+00:00') };
    const at = t('2026-11-22T02:06:04.000+00:00');
    const moved = recordedUrlFrom('http://media.x/media/streams/main/flv?esn=100d4c41&startTimestamp=2026-11-22T02%3A05%3A00.000%2B00%3A00&endTimestamp=2026-11-22T02%3A10%3A00.000%2B00%3A00', interval, at);
    expect(moved.startMs).toBe(at);
    expect(Object.fromEntries(new URL(moved.url).searchParams)).toEqual({ esn: '100d4c41', startTimestamp: '2026-11-22T02:06:04.000+00:00', endTimestamp: '2026-11-22T02:10:00.000+00:00' });
    expect(recordedUrlFrom('https://media.x/media/recordings.mp4?id=7', interval, at)).toEqual({ url: 'https://media.x/media/recordings.mp4?id=7', startMs: interval.fromMs });
  });
});
