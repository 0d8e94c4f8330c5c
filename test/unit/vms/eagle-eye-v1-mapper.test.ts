// Eagle Eye v1 wire → Tessera: EEN timestamps (only here), the status bitmask by the seed's rules,
// /g/device/list rows, two-factor channels, layouts (panes of sizes 1–3, carousels) and the
// branded-host rule.
import { describe, expect, it } from 'vitest';
import { brandedBaseUrl } from '../../../main/vms/eagle-eye-v1/branded-host.js';
import {
  decodeStatus,
  defaultDwellMs,
  fromEenTimestamp,
  neighbourTime,
  toClips,
  toDeviceList,
  toEenTimestamp,
  toRecordedPeriods,
  toServerLayout,
  toThumbnailMarks,
  twoFactorChannels,
} from '../../../main/vms/eagle-eye-v1/mapper.js';
import { deviceListSchema, imageListSchema, layoutConfigurationSchema, videoListSchema } from '../../../main/vms/eagle-eye-v1/wire-types.js';

describe('EEN v1 timestamps', () => {
  it('writes YYYYMMDDhhmmss.mmm in UTC', () => {
    expect(toEenTimestamp(Date.UTC(2018, 0, 2, 8, 30, 20, 0))).toBe('20180102083020.000');
    expect(toEenTimestamp(Date.UTC(2026, 10, 22, 23, 59, 59, 7))).toBe('20261122235959.007');
    expect(() => toEenTimestamp(Number.NaN)).toThrow(RangeError);
  });

  it.each([
    ['20180102083020.000', Date.UTC(2018, 0, 2, 8, 30, 20, 0)],
    ['20180102083020.5', Date.UTC(2018, 0, 2, 8, 30, 20, 500)],
    ['20180102083020', Date.UTC(2018, 0, 2, 8, 30, 20, 0)],
    // x-ee-timestamp carries the asset type in front.
    ['preview-20180102083020.045', Date.UTC(2018, 0, 2, 8, 30, 20, 45)],
    ['video-20240229000000.000', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, ms) => {
    expect(fromEenTimestamp(text)).toBe(ms);
  });

  it.each(['', 'now', '+300000', '2018-01-02T08:30:20Z', '20180231083020.000', '20181302083020.000', '20180102246020.000', 'unknown'])('refuses %j', (text) => {
    expect(fromEenTimestamp(text)).toBeUndefined();
  });

  it('round-trips', () => {
    const t = Date.UTC(2026, 10, 22, 7, 20, 23, 456);
    expect(fromEenTimestamp(toEenTimestamp(t))).toBe(t);
  });
});

describe('EEN v1 status bitmask (seed 001 rules, in order)', () => {
  it.each([
    // value, state, recording, detail words
    [1441847, 'online', false, undefined], // 0x160037, the seed's example
    [1966143, 'online', true, undefined], // 0x1E003F, the seed's example
    [0x020000 | 0x100000 | 0x040000, 'online', false, undefined],
    [0x020000 | 0x100000 | 0x040000 | 0x000100, 'online', false, undefined], // streaming wins over password
    [0x100000 | 0x000020, 'off', false, 'turned off'], // bit 17 clear
    [0x100000 | 0x040000 | 0x080000, 'off', true, 'turned off'], // off even while the other bits say streaming
    [0x020000 | 0x040000, 'offline', false, 'internet offline'], // bit 20 clear, although streaming
    [0x020000, 'offline', false, 'internet offline'],
    [0x020000 | 0x100000 | 0x000100, 'unauthorized', false, 'ONVIF password'],
    [0x020000 | 0x100000, 'offline', false, 'offline'],
    [0x020000 | 0x100000 | 0x000800 | 0x000010, 'offline', false, 'offline'],
    [0x020000 | 0x100000 | 0x080000, 'offline', true, 'offline'], // recording bit read on its own
    // status64: the low 32 bits are the legacy mask.
    [0x17 * 2 ** 32 + 1441847, 'online', false, undefined],
  ] as const)('%i → %s', (value, state, recording, words) => {
    const decoded = decodeStatus(value);
    expect(decoded).not.toBeNull();
    expect(decoded!.state).toBe(state);
    expect(decoded!.recording).toBe(recording);
    if (words) expect(decoded!.stateDetail).toContain(words);
    else expect(decoded!.stateDetail).toBeUndefined();
  });

  it.each([
    [0, 'value 0'],
    [0x010000 | 0x020000 | 0x100000 | 0x040000, 'invalid bit with online bits'],
    [0x010000, 'invalid bit alone'],
    [-1, 'negative'],
    [Number.NaN, 'not a number'],
  ])('%i (%s) → no change', (value) => {
    expect(decodeStatus(value)).toBeNull();
  });
});

/** A row like the simulator's (and the seed's sample): 20 documented positions and a trailing extra. */
function row(over: Partial<Record<number, unknown>>): unknown[] {
  const base: unknown[] = ['00001007', '10000000', 'Cam', 'camera', [['100d8800', 'ATTD']], 'ATTD', 'swr', [], 'guid', 'serial', 1441847, 'US/Pacific', -28800, 0, '*10.0.0.1', 0, 'Acct', false, null, null, [null, null, null, null, null, null]];
  for (const [i, v] of Object.entries(over)) base[Number(i)] = v;
  return base;
}

describe('EEN v1 device list', () => {
  const rows = deviceListSchema.parse([
    row({ 1: '100d8800', 2: 'Main', 3: 'bridge', 4: [['10000001', 'ATTD'], ['10000002', 'ATTD']], 10: 1048576, 13: 1 }),
    row({ 1: '10000001', 2: ' Lobby ' }),
    row({ 1: '10000002', 2: 'Dock', 7: ['Outside', ' ', 'Outside'], 10: '1966143' }),
    row({ 1: '10000003', 2: null, 10: 0 }),
    row({ 0: null, 1: '100fa000', 2: 'New Camera', 5: 'IGND', 4: [['100d8800', 'IGND']], 10: 0x220 }),
    row({ 1: '10000004', 2: 'Gate', 10: 0x100020 }),
  ]);
  const list = toDeviceList(rows);

  it('keeps cameras, leaves bridges and unattached cameras out', () => {
    expect(list.cameras.map((c) => c.id)).toEqual(['10000001', '10000002', '10000003', '10000004']);
  });

  it('names, status, recording, groups (tags, else the bridge) and profiles', () => {
    expect(list.cameras[0]).toEqual({ id: '10000001', name: 'Lobby', state: 'online', recording: false, groups: ['Main'], profiles: [{ name: 'main' }, { name: 'sub' }] });
    expect(list.cameras[1]).toMatchObject({ name: 'Dock', state: 'online', recording: true, groups: ['Outside'] });
    // No name: the ESN; status 0: unknown until a real value arrives.
    expect(list.cameras[2]).toMatchObject({ name: '10000003', state: 'unknown', stateDetail: expect.stringContaining('does not know') });
    expect(list.cameras[3]).toMatchObject({ state: 'off', stateDetail: expect.stringContaining('turned off') });
    expect(list.bridgeOf.get('10000001')).toBe('100d8800');
  });

  it('refuses rows without an id or with a non-numeric status, naming the place', () => {
    expect(deviceListSchema.safeParse([row({ 1: '' })]).success).toBe(false);
    const bad = deviceListSchema.safeParse([row({ 10: 'online' })]);
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual([0, 10]);
    expect(deviceListSchema.safeParse([['00001007', '1']]).success).toBe(false);
  });
});

describe('EEN v1 two-factor channels', () => {
  it.each([
    [{ sms: '*** *** 779', email: '***@demo.tessera' }, ['sms', 'email']],
    [{ sms: 'No sms phone found', email: '***@demo.tessera' }, ['email']],
    [{ sms: '*** *** 779', email: '' }, ['sms']],
    [{ sms: null, email: null }, []],
  ])('%j → %j', (code, channels) => {
    expect(twoFactorChannels({ token: 't', two_factor_authentication_code: code })).toEqual(channels);
  });

  it('none without two-factor', () => {
    expect(twoFactorChannels({ token: 't' })).toEqual([]);
  });
});

describe('EEN v1 layouts', () => {
  const layout = { id: 'l1', name: ' Focus ' };
  const config = (panes: unknown[], settings: unknown = {}) => layoutConfigurationSchema.parse({ panes, settings });

  it('flows panes in order as size × size blocks in camera_row_limit columns', () => {
    const { layout: out, dropped } = toServerLayout(
      layout,
      config(
        [
          { pane_id: 0, type: 'preview', size: 3, cameras: ['a'] },
          { pane_id: 1, type: 'preview', size: 2, cameras: ['b'] },
          { pane_id: 2, type: 'preview', size: 1, cameras: ['c'] },
          { pane_id: 3, type: 'preview', size: 1, cameras: ['d'] },
        ],
        // Strings, as in the seed's FAQ sample.
        { camera_row_limit: '5', camera_border: 'false', camera_aspect_ratio: '0.75' },
      ),
      'site',
    );
    expect(dropped).toBe(0);
    expect(out).toEqual({
      id: 'l1',
      siteId: 'site',
      name: 'Focus',
      columns: 5,
      rows: 3,
      tiles: [
        { x: 0, y: 0, width: 3, height: 3, cameraIds: ['site/a'] },
        { x: 3, y: 0, width: 2, height: 2, cameraIds: ['site/b'] },
        { x: 3, y: 2, width: 1, height: 1, cameraIds: ['site/c'] },
        { x: 4, y: 2, width: 1, height: 1, cameraIds: ['site/d'] },
      ],
    });
  });

  it('carousel: cameras with their delays; missing delays get the default; one camera is a plain pane', () => {
    const { layout: out } = toServerLayout(
      layout,
      config([
        { type: 'carousel', size: 2, cameras: ['a', 'b', 'c'], delay: [5000, '8000'] },
        { type: 'carousel', size: 1, cameras: ['a'], delay: [10000] },
        { type: 'map', size: 1, cameras: [] },
        { type: 'motion', size: 1, cameras: ['b', 'c'] },
      ]),
      's',
    );
    expect(out.columns).toBe(3);
    expect(out.tiles).toEqual([
      { x: 0, y: 0, width: 2, height: 2, cameraIds: ['s/a', 's/b', 's/c'], dwellMs: [5000, 8000, defaultDwellMs] },
      { x: 2, y: 0, width: 1, height: 1, cameraIds: ['s/a'] },
      { x: 2, y: 1, width: 1, height: 1, cameraIds: [] },
      { x: 0, y: 2, width: 1, height: 1, cameraIds: ['s/b'] },
    ]);
  });

  it('shrinks panes wider than the grid and leaves out what does not fit in 16 rows', () => {
    const panes = Array.from({ length: 20 }, (_, i) => ({ type: 'preview', size: 3, cameras: [`c${i}`] }));
    const { layout: out, dropped } = toServerLayout(layout, config(panes, { camera_row_limit: 3 }), 's');
    expect(out.tiles[0]).toMatchObject({ width: 3, height: 3 });
    expect(out.rows).toBe(15);
    expect(dropped).toBe(15);
    const narrow = toServerLayout(layout, config([{ size: 3, cameras: ['x'] }], { camera_row_limit: 1 }), 's').layout;
    expect(narrow.tiles[0]).toMatchObject({ width: 1, height: 1 });
  });

  it('an empty layout is one empty row', () => {
    expect(toServerLayout(layout, config([]), 's').layout).toMatchObject({ rows: 1, tiles: [] });
  });
});

describe('EEN v1 branded host', () => {
  it.each([
    ['https://login.eagleeyenetworks.com', 'c001', 'https://c001.eagleeyenetworks.com/'],
    ['https://LOGIN.eagleeyenetworks.com/', 'C012', 'https://c012.eagleeyenetworks.com/'],
    // https only, no custom port on the branded host.
    ['http://login.eagleeyenetworks.com:8080/', 'c001', 'https://c001.eagleeyenetworks.com/'],
  ])('%s + %s → %s', (site, sub, expected) => {
    expect(brandedBaseUrl(site, sub)).toBe(expected);
  });

  it.each([
    // Behind a proxy, at the simulator, or already on a branded host: stay.
    ['https://een-proxy.corp.example', 'c001'],
    ['http://127.0.0.1:41234/', 'c001'],
    ['https://c001.eagleeyenetworks.com', 'c002'],
    ['https://login.eagleeyenetworks.com.evil.example', 'c001'],
    // A subdomain that is not one DNS label never moves the session.
    ['https://login.eagleeyenetworks.com', 'evil.example/x'],
    ['https://login.eagleeyenetworks.com', 'c001.evil.example#'],
    ['https://login.eagleeyenetworks.com', ''],
    ['https://login.eagleeyenetworks.com', null],
    ['https://login.eagleeyenetworks.com', 'login'],
    ['not a url', 'c001'],
  ])('%s + %j → stay', (site, sub) => {
    expect(brandedBaseUrl(site, sub)).toBeUndefined();
  });
});

describe('EEN v1 recordings → periods and marks', () => {
  const t = (text: string) => fromEenTimestamp(text)!;
  it('clips → periods: merged where they touch or overlap, cut to the window, unreadable rows left out', () => {
    const rows = videoListSchema.parse([
      { s: '20181001000016.768', e: '20181001000100.758', id: 4177006339 },
      { s: '20181001000100.758', e: '20181001000242.774', id: 4177006850 },
      { s: '20181001000256.811', e: '20181001000320.869' },
      { s: 'garbage', e: '20181001000400.000' },
      { s: '20181001000500.000', e: '20181001000500.000' },
    ]);
    expect(toRecordedPeriods(rows, t('20181001000000.000'), t('20181001000300.000'))).toEqual([
      { fromMs: t('20181001000016.768'), toMs: t('20181001000242.774') },
      { fromMs: t('20181001000256.811'), toMs: t('20181001000300.000') },
    ]);
    expect(toClips(rows)).toHaveLength(3);
  });

  it('event thumbnails (PRTH) → motion marks inside the window, sorted; previews are not marks', () => {
    const rows = imageListSchema.parse([
      { t: 'PRTH', s: '20181001000042.045' },
      { t: 'PRFR', s: '20181001000001.045' },
      { t: 'PRTH', s: '20181001000002.064' },
      { t: 'PRTH', s: '20181001000500.000' },
    ]);
    expect(toThumbnailMarks(rows, t('20181001000000.000'), t('20181001000100.000'))).toEqual([
      { atMs: t('20181001000002.064'), type: 'motion', label: 'Motion' },
      { atMs: t('20181001000042.045'), type: 'motion', label: 'Motion' },
    ]);
  });

  it.each([
    ['preview-20181001000002.064', Date.UTC(2018, 9, 1, 0, 0, 2, 64)],
    ['unknown', undefined],
    [null, undefined],
  ])('x-ee-next %j → %s', (header, ms) => {
    expect(neighbourTime(header)).toBe(ms);
  });
});
