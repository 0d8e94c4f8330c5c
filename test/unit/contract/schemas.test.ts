/**
 * The contract's schemas against hostile input: ids that are property names of every object,
 * grids sized to exhaust memory, records and lists of 10k entries. Real ids keep passing.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cameraSchema,
  layoutProblem,
  layoutSchema,
  mediaOpenSchema,
  requests,
  setDisplaySchema,
  setWindowModeSchema,
  settingsPatchSchema,
  settingsSchema,
  siteConfigSchema,
  stillRequestSchema,
  streamIdSchema,
  tourSchema,
  wallDocumentSchema,
  type Layout,
} from '../../../preload/contract/index.js';

const reserved = ['__proto__', 'constructor', 'prototype'];

function grid(columns: number, rows: number, cell = { x: 0, y: 0, w: 1, h: 1 }): Layout {
  return { id: 'lobby', name: 'Lobby', columns, rows, cells: [{ ...cell, cameraIds: [] }], overlay: true };
}

function entries<V>(count: number, value: (i: number) => V): Record<string, V> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`display-${i}`, value(i)]));
}

const baseSettings = settingsSchema.parse({ displays: 'all', windowModes: {}, defaultWindowMode: 'windowed', tileOverlay: true, theme: 'dark', tourIdleResumeSeconds: 30 });

describe('ids', () => {
  it('accepts the ids Tessera and the VMSs really use', () => {
    // Electron display ids are numbers as strings; serve mode names its displays browser-N.
    for (const displayId of ['2779098405', '0', 'browser-1', 'browser-12']) {
      expect(setDisplaySchema.safeParse({ displayId }).success, displayId).toBe(true);
      expect(setWindowModeSchema.safeParse({ displayId, mode: 'kiosk' }).success, displayId).toBe(true);
    }
    // Site ids: 8 hex digits of a UUID, or demo-<kind>; cameras: "<site>/<the VMS's id>".
    const cameras = ['1a2b3c4d/1000a001', 'demo-eagleeye-v1/10058b7a', 'demo-exacq/4590080', 'demo-aipix/17', 'demo-rtsp/demo-camera-1', 'hq/{6F9619FF-8B86-D011-B42D-00C04FC964FF}', 'hq/a:b.c_d~e'];
    for (const cameraId of cameras) {
      expect(mediaOpenSchema.safeParse({ cameraId, profile: 'main' }).success, cameraId).toBe(true);
      expect(stillRequestSchema.safeParse({ cameraId }).success, cameraId).toBe(true);
    }
    expect(streamIdSchema.safeParse({ streamId: randomUUID() }).success).toBe(true);
    const layoutId = `layout-${randomUUID()}`;
    expect(layoutSchema.safeParse({ ...grid(1, 1), id: layoutId, source: { siteId: '1a2b3c4d', serverId: '{1F2E}' } }).success).toBe(true);
    expect(tourSchema.safeParse({ id: `tour-${randomUUID()}`, name: 'Rounds', steps: [{ layoutId, dwellMs: 5000 }] }).success).toBe(true);
  });

  it('refuses __proto__, constructor and prototype in every id field', () => {
    for (const name of reserved) {
      expect(setDisplaySchema.safeParse({ displayId: name }).success, `displayId ${name}`).toBe(false);
      expect(setDisplaySchema.safeParse({ displayId: 'browser-1', layoutId: name }).success, `layoutId ${name}`).toBe(false);
      expect(setWindowModeSchema.safeParse({ displayId: name, mode: 'kiosk' }).success, `window mode ${name}`).toBe(false);
      expect(requests['sites:remove'].input.safeParse({ siteId: name }).success, `siteId ${name}`).toBe(false);
      expect(mediaOpenSchema.safeParse({ cameraId: name, profile: 'main' }).success, `cameraId ${name}`).toBe(false);
      expect(streamIdSchema.safeParse({ streamId: name }).success, `streamId ${name}`).toBe(false);
      expect(layoutSchema.safeParse({ ...grid(1, 1), id: name }).success, `layout id ${name}`).toBe(false);
      expect(layoutSchema.safeParse({ ...grid(1, 1), source: { siteId: 'hq', serverId: name } }).success, `serverId ${name}`).toBe(false);
      expect(siteConfigSchema.safeParse({ id: name, name: 'HQ', kind: 'rtsp', url: '', username: '' }).success, `site id ${name}`).toBe(false);
    }
    // Cameras need their site: no bare vendor id, no spaces or control characters.
    for (const cameraId of ['1000a001', 'hq/', '/x', 'hq/a b', 'hq/a\nb', 'HQ/1']) expect(mediaOpenSchema.safeParse({ cameraId, profile: 'main' }).success, cameraId).toBe(false);
  });

  it('refuses a reserved key in a keyed record, parsed from JSON (where it is an own property)', () => {
    const wall = JSON.parse('{"layouts":[],"tours":[],"displays":{"__proto__":{"layoutId":null}}}') as unknown;
    expect(wallDocumentSchema.safeParse(wall).success).toBe(false);
    const modes = JSON.parse('{"windowModes":{"__proto__":"kiosk"}}') as unknown;
    expect(settingsPatchSchema.safeParse(modes).success).toBe(false);
    for (const name of ['constructor', 'prototype']) {
      expect(settingsPatchSchema.safeParse({ windowModes: { [name]: 'kiosk' } }).success, name).toBe(false);
      expect(wallDocumentSchema.safeParse({ layouts: [], tours: [], displays: { [name]: { layoutId: null } } }).success, name).toBe(false);
    }
    expect(({} as Record<string, unknown>)['layoutId']).toBeUndefined();
  });

  it('parses keyed records into objects without a prototype', () => {
    const doc = wallDocumentSchema.parse({ layouts: [], tours: [], displays: { 'browser-1': { layoutId: null } } });
    expect(Object.getPrototypeOf(doc.displays)).toBeNull();
    expect(doc.displays['constructor']).toBeUndefined();
    const settings = settingsSchema.parse({ ...baseSettings, windowModes: { 'browser-1': 'kiosk' } });
    expect(Object.getPrototypeOf(settings.windowModes)).toBeNull();
    expect(settings.windowModes).toEqual({ 'browser-1': 'kiosk' });
  });
});

describe('layout sizes are checked before anything is allocated', () => {
  it('refuses a grid of 1e9 columns as a validation error (it threw a RangeError)', () => {
    const result = layoutSchema.safeParse(grid(1e9, 8));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('columns');
    expect(layoutProblem(grid(1e9, 8))).toMatch(/1–8 columns and rows/);
    expect(layoutProblem(grid(8, -3))).toMatch(/1–8 columns and rows/);
  });

  it('answers a 10000 × 10000 grid covered by one tile at once (it froze for seconds)', () => {
    const started = performance.now();
    const result = layoutSchema.safeParse(grid(10_000, 10_000, { x: 0, y: 0, w: 10_000, h: 10_000 }));
    expect(result.success).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('refuses tiles outside the largest grid however the grid is sized', () => {
    expect(layoutProblem({ columns: 2, rows: 2, cells: [{ x: -1e308, y: 0, w: 1, h: 1, cameraIds: [] }] })).toMatch(/tile 1/);
    expect(layoutSchema.safeParse(grid(8, 8, { x: 0, y: 0, w: 9, h: 1 })).success).toBe(false);
    expect(layoutSchema.safeParse(grid(8, 8, { x: 8, y: 0, w: 1, h: 1 })).success).toBe(false);
  });

  it('still accepts every valid grid up to 8 × 8', () => {
    expect(layoutSchema.safeParse(grid(8, 8, { x: 0, y: 0, w: 8, h: 8 })).success).toBe(true);
    expect(layoutSchema.safeParse(grid(1, 1)).success).toBe(true);
  });
});

describe('every record and list is bounded', () => {
  const tenK = 10_000;

  it('refuses 10k window modes, and keeps 64', () => {
    expect(settingsPatchSchema.safeParse({ windowModes: entries(tenK, () => 'kiosk') }).success).toBe(false);
    expect(settingsSchema.safeParse({ ...baseSettings, windowModes: entries(tenK, () => 'kiosk') }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ windowModes: entries(64, () => 'kiosk') }).success).toBe(true);
  });

  it('refuses 10k displays in the wall, and keeps 64', () => {
    const doc = (count: number) => ({ layouts: [], tours: [], displays: entries(count, () => ({ layoutId: null })) });
    const refused = wallDocumentSchema.safeParse(doc(tenK));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/at most 64 entries/);
    expect(wallDocumentSchema.safeParse(doc(64)).success).toBe(true);
  });

  it('refuses 10k layouts, tours, tour steps, tiles and carousel cameras', () => {
    const layout = grid(1, 1);
    expect(wallDocumentSchema.safeParse({ layouts: Array.from({ length: tenK }, (_, i) => ({ ...layout, id: `l${i}` })), tours: [], displays: {} }).success).toBe(false);
    const tour = { id: 't', name: 'T', steps: [{ layoutId: 'lobby', dwellMs: 5000 }] };
    expect(wallDocumentSchema.safeParse({ layouts: [layout], tours: Array.from({ length: tenK }, (_, i) => ({ ...tour, id: `t${i}` })), displays: {} }).success).toBe(false);
    expect(tourSchema.safeParse({ ...tour, steps: Array(tenK).fill(tour.steps[0]) }).success).toBe(false);
    expect(layoutSchema.safeParse({ ...layout, cells: Array(tenK).fill(layout.cells[0]) }).success).toBe(false);
    expect(layoutSchema.safeParse({ ...layout, cells: [{ ...layout.cells[0], cameraIds: Array(tenK).fill('hq/1') }] }).success).toBe(false);
  });

  it('refuses a tour position past the longest tour', () => {
    expect(setDisplaySchema.safeParse({ displayId: 'browser-1', tour: { tourId: 't', stepIndex: 1e9, running: true } }).success).toBe(false);
  });
});

describe('a camera’s site offset', () => {
  const camera = { id: 's/1', siteId: 's', siteName: 'Dock', name: 'Gate', state: 'online', recording: false, groups: [], profiles: [] };
  it('takes whole minutes within ±14 h, or none', () => {
    for (const ok of [undefined, 0, -240, 330, 840, -840]) expect(cameraSchema.safeParse({ ...camera, utcOffsetMinutes: ok }).success, String(ok)).toBe(true);
    for (const bad of [841, -841, 90.5, Number.NaN, '60']) expect(cameraSchema.safeParse({ ...camera, utcOffsetMinutes: bad }).success, String(bad)).toBe(false);
  });
});
