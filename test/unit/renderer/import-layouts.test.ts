import { describe, expect, it } from 'vitest';
import { layoutProblem, layoutSchema, tourSchema, type Layout, type ServerLayout, type ServerTour } from '../../../preload/contract/index.js';
import { importServerLayout, importServerTour } from '../../../renderer/src/domain/import-layouts.js';
import { toServerLayout as exacqLayout, toServerTour as exacqTour } from '../../../main/vms/exacq/mapper.js';
import { toServerLayout as eenV1Layout } from '../../../main/vms/eagle-eye-v1/mapper.js';

type Tile = ServerLayout['tiles'][number];
const tile = (x: number, y: number, width: number, height: number, cameraIds: string[] = [], dwellMs?: number[]): Tile => ({ x, y, width, height, cameraIds, ...(dwellMs ? { dwellMs } : {}) });
const server = (columns: number, rows: number, tiles: Tile[], extra: Partial<ServerLayout> = {}): ServerLayout => ({ id: 'srv-1', siteId: 'hq', name: 'Front', columns, rows, tiles, ...extra });

/** The grid as rows of letters: each cell's first camera's last character, '.' for empty. */
function picture(layout: Layout): string[] {
  const rows = Array.from({ length: layout.rows }, () => new Array<string>(layout.columns).fill('?'));
  for (const cell of layout.cells) {
    for (let y = cell.y; y < cell.y + cell.h; y += 1) for (let x = cell.x; x < cell.x + cell.w; x += 1) rows[y]![x] = cell.cameraIds[0]?.slice(-1) ?? '.';
  }
  return rows.map((r) => r.join(''));
}

/** Every imported layout must be one the wall accepts. */
function valid(layout: Layout): Layout {
  expect(layoutProblem(layout)).toBeUndefined();
  expect(layoutSchema.safeParse(layout).success).toBe(true);
  return layout;
}

describe('importServerLayout', () => {
  it('keeps a layout that already fits as it is, with name, source and overlay', () => {
    const layout = valid(importServerLayout(server(2, 2, [tile(0, 0, 1, 1, ['hq/a']), tile(1, 0, 1, 1, ['hq/b']), tile(0, 1, 2, 1, ['hq/c'])]), 'front'));
    expect(layout).toMatchObject({ id: 'front', name: 'Front', columns: 2, rows: 2, overlay: true, source: { siteId: 'hq', serverId: 'srv-1' } });
    expect(picture(layout)).toEqual(['ab', 'cc']);
  });

  it('fills holes with empty single tiles', () => {
    const layout = valid(importServerLayout(server(3, 2, [tile(0, 0, 2, 2, ['hq/a']), tile(2, 1, 1, 1, ['hq/b'])]), 'x'));
    expect(picture(layout)).toEqual(['aa.', 'aab']);
    expect(layout.cells).toHaveLength(3);
  });

  it('shrinks a tile that overlaps one placed before it, and keeps the cells in reading order', () => {
    const layout = valid(importServerLayout(server(3, 3, [tile(1, 1, 2, 2, ['hq/a']), tile(0, 0, 3, 3, ['hq/b'])]), 'x'));
    // b starts at the corner and may grow right over the free top row, then down only where free.
    expect(picture(layout)).toEqual(['bbb', '.aa', '.aa']);
    expect(layout.cells.map((c) => [c.x, c.y])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
      [0, 2],
    ]);
  });

  it('moves a camera tile whose corner is taken into a hole rather than losing it', () => {
    const layout = valid(importServerLayout(server(2, 2, [tile(0, 0, 2, 1, ['hq/a']), tile(0, 0, 1, 1, ['hq/b'])]), 'x'));
    expect(picture(layout)).toEqual(['aa', 'b.']);
  });

  it('clips a grid larger than 8×8 when everything with a camera lies inside', () => {
    const layout = valid(importServerLayout(server(12, 10, [tile(0, 0, 2, 2, ['hq/a']), tile(6, 6, 4, 4, ['hq/b']), tile(11, 9, 1, 1)]), 'x'));
    expect([layout.columns, layout.rows]).toEqual([8, 8]);
    expect(layout.cells.find((c) => c.cameraIds[0] === 'hq/b')).toMatchObject({ x: 6, y: 6, w: 2, h: 2 });
  });

  it('lays the cameras out again when clipping would lose one (a 10×10 exacqVision view)', () => {
    const tiles = Array.from({ length: 100 }, (_, i) => tile(i % 10, Math.floor(i / 10), 1, 1, i < 30 ? [`hq/${i}`] : []));
    const layout = valid(importServerLayout(server(10, 10, tiles), 'x'));
    // 30 cameras → 6×5, in the server's order.
    expect([layout.columns, layout.rows]).toEqual([6, 5]);
    expect(layout.cells.map((c) => c.cameraIds[0])).toEqual(Array.from({ length: 30 }, (_, i) => `hq/${i}`));
  });

  it('keeps at most 64 cameras when a server grid has more', () => {
    const tiles = Array.from({ length: 100 }, (_, i) => tile(i % 10, Math.floor(i / 10), 1, 1, [`hq/${i}`]));
    const layout = valid(importServerLayout(server(10, 10, tiles), 'x'));
    expect([layout.columns, layout.rows, layout.cells.length]).toEqual([8, 8, 64]);
    expect(layout.cells.at(-1)?.cameraIds).toEqual(['hq/63']);
  });

  it('keeps a carousel tile’s cameras and takes its first dwell, clamped to Tessera’s limits', () => {
    const layout = valid(importServerLayout(server(2, 1, [tile(0, 0, 1, 1, ['hq/a', 'hq/b', 'hq/c'], [7000, 3000, 3000]), tile(1, 0, 1, 1, ['hq/d', 'hq/e'], [10])]), 'x'));
    expect(layout.cells).toEqual([
      { x: 0, y: 0, w: 1, h: 1, cameraIds: ['hq/a', 'hq/b', 'hq/c'], dwellMs: 7000 },
      { x: 1, y: 0, w: 1, h: 1, cameraIds: ['hq/d', 'hq/e'], dwellMs: 1000 },
    ]);
  });

  it('clips tiles at negative places, moves the cameras of tiles outside into holes, drops empty ids', () => {
    const layout = valid(importServerLayout(server(2, 1, [tile(-3, 0, 2, 1, ['hq/z']), tile(-1, 0, 2, 1, ['hq/a', '']), tile(5, 5, 1, 1)]), 'x'));
    expect(picture(layout)).toEqual(['az']);
    expect(layout.cells[0]).toEqual({ x: 0, y: 0, w: 1, h: 1, cameraIds: ['hq/a'] });
  });

  it('gives a nameless or empty server layout a name and one empty tile', () => {
    const layout = valid(importServerLayout(server(1, 1, [], { name: '   ' }), 'x'));
    expect(layout.name).toBe('Imported layout');
    expect(layout.cells).toEqual([{ x: 0, y: 0, w: 1, h: 1, cameraIds: [] }]);
  });

  it('fits real mapper output: an Eagle Eye v1 layout with 1–3 sized panes and a carousel', () => {
    const { layout: een } = eenV1Layout(
      { id: 'lay-1', name: 'Yard' },
      {
        settings: { camera_row_limit: 4 },
        panes: [
          { type: 'preview', size: 3, cameras: ['c1'] },
          { type: 'carousel', size: 1, cameras: ['c2', 'c3'], delay: [4000, 6000] },
          { type: 'preview', size: 2, cameras: ['c4'] },
          { type: 'map', size: 1, cameras: [] },
        ],
      },
      'hq',
    );
    const layout = valid(importServerLayout(een, 'yard'));
    expect(layout.name).toBe('Yard');
    expect(layout.cells.flatMap((c) => c.cameraIds).sort()).toEqual(['hq/c1', 'hq/c2', 'hq/c3', 'hq/c4']);
    expect(layout.cells.find((c) => c.cameraIds[0] === 'hq/c1')).toMatchObject({ w: 3, h: 3 });
    expect(layout.cells.find((c) => c.cameraIds.length === 2)?.dwellMs).toBe(4000);
  });

  it('fits real mapper output: an exacqVision 3×3 view with empty panels', () => {
    const view = exacqLayout({ id: 'v9', name: 'Dock 3x3', layout: 9, items: [{ id: '11', type: 1, slot: 0 }, { id: '12', type: 1, slot: 1 }, { id: 'map', type: 3, slot: 2 }, { id: '14', type: 1, slot: 4 }] }, 'hq');
    const layout = valid(importServerLayout(view, 'dock'));
    expect(layout).toMatchObject({ name: 'Dock 3x3', columns: 3, rows: 3, source: { siteId: 'hq', serverId: 'v9' } });
    expect(picture(layout)).toEqual(['12.', '.4.', '...']);
  });

  it('always returns a valid layout for arbitrary server grids (seeded random cases)', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 300; run += 1) {
      const columns = 1 + random(16);
      const rows = 1 + random(16);
      const tiles = Array.from({ length: random(40) }, (_, i) => tile(random(columns + 2) - 1, random(rows + 2) - 1, 1 + random(4), 1 + random(4), random(3) ? [`hq/${i}`] : [], random(2) ? [random(10_000)] : undefined));
      const layout = valid(importServerLayout(server(columns, rows, tiles), `run-${run}`));
      expect(layout.columns).toBeLessThanOrEqual(8);
      expect(layout.rows).toBeLessThanOrEqual(8);
      // No camera is lost while there is room for it.
      const cameraTiles = tiles.filter((t) => t.cameraIds.length > 0).length;
      expect(layout.cells.filter((c) => c.cameraIds.length > 0).length).toBe(Math.min(cameraTiles, 64));
    }
  });
});

describe('importServerTour', () => {
  const ids = (prefix: string) => (i: number) => `${prefix}-${i + 1}`;

  it('turns an exacqVision camera sequence into one single-camera layout per camera', () => {
    const tour: ServerTour = {
      id: 't1',
      siteId: 'hq',
      name: 'Night round',
      steps: [
        { cameraIds: ['hq/1'], dwellMs: 5000 },
        { cameraIds: ['hq/2'], dwellMs: 8000 },
        { cameraIds: ['hq/1'], dwellMs: 5000 },
      ],
    };
    const result = importServerTour(tour, { tourId: 'night', layoutId: ids('night') });
    if ('problem' in result) throw new Error(result.problem);
    expect(tourSchema.parse(result.tour)).toEqual({
      id: 'night',
      name: 'Night round',
      steps: [
        { layoutId: 'night-1', dwellMs: 5000 },
        { layoutId: 'night-2', dwellMs: 8000 },
        { layoutId: 'night-1', dwellMs: 5000 },
      ],
    });
    expect(result.layouts.map(valid).map((l) => [l.id, l.name, l.columns, l.rows, l.cells[0]?.cameraIds])).toEqual([
      ['night-1', 'Night round · step 1', 1, 1, ['hq/1']],
      ['night-2', 'Night round · step 2', 1, 1, ['hq/2']],
    ]);
  });

  it('gives a step with several cameras a grid that fits that many', () => {
    const cams = ['hq/1', 'hq/2', 'hq/3', 'hq/4', 'hq/5'];
    const result = importServerTour({ id: 't', siteId: 'hq', name: 'Gates', steps: [{ cameraIds: cams, dwellMs: 20 }] }, { tourId: 'gates', layoutId: ids('gates') });
    if ('problem' in result) throw new Error(result.problem);
    const [layout] = result.layouts.map(valid);
    expect([layout?.columns, layout?.rows]).toEqual([3, 2]);
    expect(layout?.cells.map((c) => c.cameraIds[0] ?? null)).toEqual([...cams, null]);
    // 20 ms from the server is below Tessera's minimum dwell.
    expect(result.tour.steps[0]?.dwellMs).toBe(1000);
  });

  it('imports the server view a step names, once, keeping its arrangement (real exacqVision mapper output)', () => {
    const view = exacqLayout({ id: 'v2', name: 'Lobby', layout: 4, items: [{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }] }, 'hq');
    const tour = exacqTour(
      { id: 't9', name: 'Mixed', items: [{ type: 'view', id: 'v2', dwell: 10 }, { type: 'camera', id: '7', dwell: 5 }, { type: 'view', id: 'v2', dwell: 10 }] },
      new Map([[view.id, view]]),
      'hq',
    );
    const result = importServerTour(tour, { tourId: 'mixed', layoutId: ids('mixed'), serverLayouts: [view] });
    if ('problem' in result) throw new Error(result.problem);
    expect(result.tour.steps.map((s) => s.layoutId)).toEqual(['mixed-1', 'mixed-2', 'mixed-1']);
    const [lobby, camera] = result.layouts.map(valid);
    expect(lobby).toMatchObject({ name: 'Lobby', source: { siteId: 'hq', serverId: 'v2' }, columns: 2, rows: 2 });
    expect(camera?.cells).toEqual([{ x: 0, y: 0, w: 1, h: 1, cameraIds: ['hq/7'] }]);
  });

  it('reports a tour with nothing to show instead of making an invalid one', () => {
    expect(importServerTour({ id: 't', siteId: 'hq', name: 'Empty', steps: [] }, { tourId: 'e', layoutId: ids('e') })).toEqual({ problem: 'The tour “Empty” has no steps Tessera can show.' });
  });

  it('keeps at most 100 steps', () => {
    const steps = Array.from({ length: 130 }, (_, i) => ({ cameraIds: [`hq/${i % 3}`], dwellMs: 5000 }));
    const result = importServerTour({ id: 't', siteId: 'hq', name: 'Long', steps }, { tourId: 'long', layoutId: ids('long') });
    if ('problem' in result) throw new Error(result.problem);
    expect(result.tour.steps).toHaveLength(100);
    expect(result.layouts).toHaveLength(3);
  });
});
