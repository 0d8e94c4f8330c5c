// exacq wire → CameraRecord / ServerLayout / ServerTour, and the tolerance of the wire schemas.
import { describe, expect, it } from 'vitest';
import { gridFor, siteUtcOffsetMinutes, toCameraRecords, toServerLayout, toServerTour } from '../../../main/vms/exacq/mapper.js';
import { configAnswerSchema, loginAnswerSchema, toursAnswerSchema, viewsAnswerSchema, type WireCamera } from '../../../main/vms/exacq/wire-types.js';

const cam = (id: string, name: string, extra: Partial<WireCamera> = {}): WireCamera => ({ id, name, state: 0, disabled: false, formats: [5, 6], ...extra });

describe('exacq wire schemas', () => {
  it('reads sessionId and sessionID, and success as 1/true', () => {
    expect(loginAnswerSchema.parse({ success: true, sessionId: 'a' })).toMatchObject({ success: true, sessionId: 'a' });
    expect(loginAnswerSchema.parse({ success: 1, sessionID: 'b' })).toMatchObject({ success: true, sessionID: 'b' });
    expect(loginAnswerSchema.parse({ success: false })).toMatchObject({ success: false });
  });

  it('tolerates Cameras/cameras, id/Id, numbers as strings and a string timezone', () => {
    const parsed = configAnswerSchema.parse({ timezone: '-4', cameras: [{ Id: '12', name: 'Gate', state: '0', disabled: '1', formats: ['5', 6] }] });
    expect(parsed).toEqual({ name: undefined, timezoneHours: -4, cameras: [{ id: '12', name: 'Gate', state: 0, disabled: true, formats: [5, 6] }] });
    expect(configAnswerSchema.parse({ Cameras: [{ id: 4590080 }] }).cameras[0]!.id).toBe('4590080');
  });

  it.each([
    [{ timezone: -4 }, 'no Cameras list'],
    [{ Cameras: [{ name: 'x' }] }, 'a camera has no id'],
    [{ Cameras: [{ id: -1 }] }, 'Cameras.0.id'],
    [{ timezone: 99, Cameras: [] }, 'timezone'],
  ])('refuses %j', (value, problem) => {
    const result = configAnswerSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(problem.split('.')[0]!);
  });

  it('reads Views or views, and tours with string or numeric dwell', () => {
    expect(viewsAnswerSchema.parse({ Folders: {}, Views: [{ id: 1, name: 'A', layout: 4, items: [{ id: 7, type: 1, slot: 0 }] }] })).toEqual([
      { id: '1', name: 'A', layout: 4, items: [{ id: '7', type: 1, slot: 0 }] },
    ]);
    expect(viewsAnswerSchema.parse({ views: [] })).toEqual([]);
    expect(toursAnswerSchema.parse({ tours: [{ id: '2', name: 'T', items: [{ type: 'view', id: 1, dwell: '15' }] }] }).tours[0]!.items![0]).toEqual({ type: 'view', id: '1', dwell: 15 });
  });
});

describe('toCameraRecords', () => {
  it('maps state and disabled to Tessera states', () => {
    const { cameras } = toCameraRecords([cam('1', 'Ok'), cam('2', 'No video', { state: 3 }), cam('3', 'Off', { disabled: true, state: 0 }), cam('4', 'Untold', { state: undefined })], undefined);
    expect(cameras.map((c) => [c.state, c.stateDetail])).toEqual([
      ['online', undefined],
      ['offline', 'no video from the camera (exacq state 3)'],
      ['off', 'turned off on the exacqVision server'],
      ['unknown', undefined],
    ]);
    expect(cameras.every((c) => c.recording === false && c.groups.length === 0)).toBe(true);
  });

  it('offers showAll extras as the sub profile: by name first, then by id + 1', () => {
    const main = [cam('100', 'Lobby'), cam('200', 'Lobby East'), cam('300', 'Dock')];
    const all = [...main, cam('201', 'Lobby East (640x360)'), cam('101', 'Lobby (320x180)', { formats: [6] }), cam('301', 'Dock stream 2'), cam('999', 'Stray (1x1)')];
    const { cameras, subStreams, formats } = toCameraRecords(main, all);
    expect(Object.fromEntries(subStreams)).toEqual({ '100': '101', '200': '201', '300': '301' });
    expect(cameras.map((c) => c.profiles)).toEqual([
      [{ name: 'main', codec: 'h264' }, { name: 'sub', width: 320, height: 180 }],
      [{ name: 'main', codec: 'h264' }, { name: 'sub', width: 640, height: 360, codec: 'h264' }],
      [{ name: 'main', codec: 'h264' }, { name: 'sub', codec: 'h264' }],
    ]);
    expect(formats.get('101')).toEqual([6]);
    expect(formats.has('999')).toBe(false);
  });

  it('gives every camera the site’s own offset from config.web `timezone` hours, in minutes; none where the server did not say', () => {
    expect(toCameraRecords([cam('1', 'Dock'), cam('2', 'Gate')], [], -4).cameras.map((c) => c.utcOffsetMinutes)).toEqual([-240, -240]);
    expect(toCameraRecords([cam('1', 'Dock')], [], 5.5).cameras[0]!.utcOffsetMinutes).toBe(330);
    expect(toCameraRecords([cam('1', 'Dock')], []).cameras[0]).not.toHaveProperty('utcOffsetMinutes');
    expect([siteUtcOffsetMinutes(0), siteUtcOffsetMinutes(14), siteUtcOffsetMinutes(-12.75), siteUtcOffsetMinutes(15), siteUtcOffsetMinutes(Number.NaN)]).toEqual([0, 840, -765, undefined, undefined]);
  });

  it('names unnamed cameras, keeps the first of a repeated id, and reads H.265', () => {
    const { cameras } = toCameraRecords([cam('5', '  ', { formats: [7] }), cam('5', 'Again')], []);
    expect(cameras).toEqual([{ id: '5', name: 'Camera 5', state: 'online', recording: false, groups: [], profiles: [{ name: 'main', codec: 'hevc' }] }]);
  });
});

describe('views and tours', () => {
  it.each([
    [1, 1, 1],
    [4, 2, 2],
    [6, 3, 2],
    [9, 3, 3],
    [10, 4, 3],
    [16, 4, 4],
    [256, 16, 16],
    [1000, 16, 16],
  ])('%i panels → %i × %i', (panels, columns, rows) => {
    expect(gridFor(panels)).toEqual({ columns, rows });
  });

  it('places items by slot with global camera ids; maps and empty panels are empty tiles', () => {
    //   layout 4:   A .
    //               M B      (M = a map item)
    const layout = toServerLayout(
      {
        id: '3',
        name: ' Entrances ',
        layout: 4,
        items: [
          { id: '10', type: 1, slot: 0 },
          { id: '77', type: 3, slot: 2 },
          { id: '11', type: 1, slot: 3 },
        ],
      },
      'hq',
    );
    expect(layout).toEqual({
      id: '3',
      siteId: 'hq',
      name: 'Entrances',
      columns: 2,
      rows: 2,
      tiles: [
        { x: 0, y: 0, width: 1, height: 1, cameraIds: ['hq/10'] },
        { x: 1, y: 0, width: 1, height: 1, cameraIds: [] },
        { x: 0, y: 1, width: 1, height: 1, cameraIds: [] },
        { x: 1, y: 1, width: 1, height: 1, cameraIds: ['hq/11'] },
      ],
    });
  });

  it('grows the grid for items past the stated layout and numbers slotless items in order', () => {
    const layout = toServerLayout({ id: '1', name: 'x', layout: 1, items: [{ id: '1' }, { id: '2' }, { id: '3' }] }, 's');
    expect([layout.columns, layout.rows]).toEqual([2, 2]);
    expect(layout.tiles.map((t) => t.cameraIds)).toEqual([['s/1'], ['s/2'], ['s/3'], []]);
  });

  it('turns tour items into steps: views with their cameras, cameras alone, unknown items dropped', () => {
    const view = toServerLayout({ id: '1', name: 'Quad', layout: 4, items: [{ id: '10', slot: 0 }, { id: '11', slot: 1 }] }, 'hq');
    const tour = toServerTour(
      {
        id: '9',
        name: 'Night',
        items: [
          { type: 'view', id: '1', dwell: 15 },
          { type: 'camera', id: '12' },
          { type: 1, id: '13', dwell: 2.5 },
          { type: 'view', id: '404' },
          { type: 'map', id: '5' },
        ],
      },
      new Map([[view.id, view]]),
      'hq',
    );
    expect(tour).toEqual({
      id: '9',
      siteId: 'hq',
      name: 'Night',
      steps: [
        { layoutId: '1', cameraIds: ['hq/10', 'hq/11'], dwellMs: 15_000 },
        { cameraIds: ['hq/12'], dwellMs: 10_000 },
        { cameraIds: ['hq/13'], dwellMs: 2500 },
      ],
    });
  });
});
