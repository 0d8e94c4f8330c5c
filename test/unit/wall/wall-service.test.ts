import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppFailure, MAX_DISPLAYS, type Layout, type Tour, type WallState } from '../../../preload/contract/index.js';
import { WallService } from '../../../main/wall/wall-service.js';
import { WALL_VERSION, wallMigrations } from '../../../main/wall/wall-migrations.js';
import { memoryLogger } from '../../support/memory-logger.js';

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wall-'));
  return { dir, path: join(dir, 'wall.json') };
}

/** A 2×2 of single cells. */
function quad(id: string, cameras: string[] = []): Layout {
  const cells = [0, 1, 2, 3].map((i) => ({ x: i % 2, y: Math.floor(i / 2), w: 1, h: 1, cameraIds: cameras[i] ? [cameras[i]] : [] }));
  return { id, name: `Layout ${id}`, columns: 2, rows: 2, cells, overlay: true };
}

function tour(id: string, layoutIds: string[]): Tour {
  return { id, name: `Tour ${id}`, steps: layoutIds.map((layoutId) => ({ layoutId, dwellMs: 10_000 })) };
}

/** The AppFailure a call throws, so a test can check its code and message. */
function failure(call: () => unknown): AppFailure {
  try {
    call();
  } catch (err) {
    if (err instanceof AppFailure) return err;
    throw err;
  }
  throw new Error('expected the call to be refused');
}

function onDisk(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('WallService: saving and loading', () => {
  it('starts empty without a file, and a second service reads back what the first saved', () => {
    const { path } = fresh();
    const wall = new WallService(path, memoryLogger());
    expect(wall.state()).toEqual({ document: { layouts: [], tours: [], displays: {} } });
    wall.saveLayout(quad('lobby', ['s/1', 's/2']));
    wall.saveLayout(quad('yard'));
    wall.saveTour(tour('rounds', ['lobby', 'yard']));
    wall.setDisplay({ displayId: '2', layoutId: 'yard', tour: { tourId: 'rounds', stepIndex: 1, running: true }, maximisedCell: 3 });
    const saved = wall.state();

    expect(onDisk(path)).toEqual({ version: WALL_VERSION, data: saved.document });
    expect(new WallService(path, memoryLogger()).state()).toEqual(saved);
  });

  it('replaces a layout saved again under the same id and announces every change', () => {
    const { path } = fresh();
    const wall = new WallService(path, memoryLogger());
    const seen: WallState[] = [];
    const stop = wall.onChanged((state) => seen.push(state));
    wall.saveLayout(quad('lobby'));
    wall.saveLayout({ ...quad('lobby'), name: 'Front door' });
    stop();
    wall.saveLayout(quad('yard'));
    expect(seen.map((s) => s.document.layouts.map((l) => l.name))).toEqual([['Layout lobby'], ['Front door']]);
  });

  it('hands out copies: changing a returned state does not change the wall', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    const state = wall.saveLayout(quad('lobby'));
    state.document.layouts[0]!.name = 'tampered';
    expect(wall.state().document.layouts[0]!.name).toBe('Layout lobby');
  });
});

describe('WallService: every change is checked as a whole', () => {
  it('refuses a layout whose cells overlap, naming the tiles, and keeps the file as it was', () => {
    const { path } = fresh();
    const wall = new WallService(path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    const before = readFileSync(path, 'utf8');
    const overlapping = quad('bad');
    overlapping.cells[0] = { x: 0, y: 0, w: 2, h: 1, cameraIds: [] };
    const err = failure(() => wall.saveLayout(overlapping));
    expect(err.error.code).toBe('conflict');
    expect(err.message).toMatch(/tiles 1 and 2 overlap/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(wall.state().document.layouts.map((l) => l.id)).toEqual(['lobby']);
  });

  it('refuses a layout with a hole, naming the uncovered slot', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    const holed = quad('bad');
    holed.cells.pop();
    expect(failure(() => wall.saveLayout(holed)).message).toMatch(/no tile covers column 2, row 2/);
  });

  it('keeps a tile’s stream pin across a restart and refuses a pin that is not a profile', () => {
    const { path } = fresh();
    const wall = new WallService(path, memoryLogger());
    const pinned = quad('lobby', ['s/1']);
    pinned.cells[0] = { ...pinned.cells[0]!, pin: 'main' };
    wall.saveLayout(pinned);
    expect(new WallService(path, memoryLogger()).state().document.layouts[0]!.cells[0]).toEqual({ x: 0, y: 0, w: 1, h: 1, cameraIds: ['s/1'], pin: 'main' });

    const bad = quad('bad');
    bad.cells[0] = { ...bad.cells[0]!, pin: 'hd' as 'main' };
    expect(failure(() => wall.saveLayout(bad)).error.code).toBe('conflict');
    expect(wall.state().document.layouts.map((l) => l.id)).toEqual(['lobby']);
  });

  it('refuses a tour that uses a layout that does not exist', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    expect(failure(() => wall.saveTour(tour('rounds', ['lobby', 'ghost']))).message).toMatch(/tour "Tour rounds" uses layout ghost, which does not exist/);
    expect(wall.state().document.tours).toEqual([]);
  });

  it('refuses a display pointed at a missing layout or tour, or past the end of a tour', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    wall.saveTour(tour('rounds', ['lobby']));
    expect(failure(() => wall.setDisplay({ displayId: '1', layoutId: 'ghost' })).message).toMatch(/display 1 shows layout ghost, which does not exist/);
    expect(failure(() => wall.setDisplay({ displayId: '1', tour: { tourId: 'gone', stepIndex: 0, running: true } })).message).toMatch(/display 1 runs tour gone/);
    expect(failure(() => wall.setDisplay({ displayId: '1', tour: { tourId: 'rounds', stepIndex: 1, running: true } })).message).toMatch(/has 1 steps/);
    expect(wall.state().document.displays).toEqual({});
  });

  it('clears draft, tour and maximised cell with null and leaves absent keys alone', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    wall.saveTour(tour('rounds', ['lobby']));
    wall.setDisplay({ displayId: '1', layoutId: 'lobby', draft: quad('lobby', ['s/9']), tour: { tourId: 'rounds', stepIndex: 0, running: false }, maximisedCell: 2 });
    wall.setDisplay({ displayId: '1', maximisedCell: null });
    expect(wall.state().document.displays['1']).toEqual({ layoutId: 'lobby', draft: quad('lobby', ['s/9']), tour: { tourId: 'rounds', stepIndex: 0, running: false } });
    wall.setDisplay({ displayId: '1', draft: null, tour: null });
    expect(wall.state().document.displays['1']).toEqual({ layoutId: 'lobby' });
  });
});

describe('WallService: deleting', () => {
  it('drops a deleted layout from tours, removes tours left empty, and keeps it on screen as a draft', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby', ['s/1']));
    wall.saveLayout(quad('yard'));
    wall.saveTour(tour('both', ['yard', 'lobby']));
    wall.saveTour(tour('only-lobby', ['lobby']));
    wall.setDisplay({ displayId: '1', layoutId: 'lobby', tour: { tourId: 'both', stepIndex: 1, running: true } });
    wall.setDisplay({ displayId: '2', layoutId: 'lobby', tour: { tourId: 'only-lobby', stepIndex: 0, running: true } });
    wall.setDisplay({ displayId: '3', layoutId: 'lobby', draft: quad('lobby', ['s/7']) });

    const { document } = wall.deleteLayout('lobby');
    expect(document.layouts.map((l) => l.id)).toEqual(['yard']);
    expect(document.tours).toEqual([tour('both', ['yard'])]);
    // Display 1 was on step 2 of a tour that now has one step: it starts over.
    expect(document.displays['1']).toEqual({ layoutId: null, draft: quad('lobby', ['s/1']), tour: { tourId: 'both', stepIndex: 0, running: true } });
    expect(document.displays['2']).toEqual({ layoutId: null, draft: quad('lobby', ['s/1']) });
    // An unsaved edit already on screen wins over the saved layout.
    expect(document.displays['3']).toEqual({ layoutId: null, draft: quad('lobby', ['s/7']) });
  });

  it('stops the displays running a deleted tour and leaves their layout on screen', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    wall.saveTour(tour('rounds', ['lobby']));
    wall.setDisplay({ displayId: '1', layoutId: 'lobby', tour: { tourId: 'rounds', stepIndex: 0, running: true } });
    const { document } = wall.deleteTour('rounds');
    expect(document.tours).toEqual([]);
    expect(document.displays['1']).toEqual({ layoutId: 'lobby' });
  });

  it('restarts displays past the end of a tour saved shorter', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    wall.saveLayout(quad('yard'));
    wall.saveTour(tour('rounds', ['lobby', 'yard']));
    wall.setDisplay({ displayId: '1', tour: { tourId: 'rounds', stepIndex: 1, running: true } });
    expect(wall.saveTour(tour('rounds', ['yard'])).document.displays['1']?.tour?.stepIndex).toBe(0);
  });
});

describe('WallService: atomic writes', () => {
  it('leaves no temp file beside the wall after saves', () => {
    const { dir, path } = fresh();
    const wall = new WallService(path, memoryLogger());
    for (const id of ['a', 'b', 'c']) wall.saveLayout(quad(id));
    expect(readdirSync(dir)).toEqual(['wall.json']);
  });

  it('keeps the old file and the wall in memory when the write fails, and says why', () => {
    const { path } = fresh();
    const wall = new WallService(path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    const before = readFileSync(path, 'utf8');
    // Tests run as root here, so a read-only directory would not stop the write: block the
    // temp file's name with a directory instead, which fails the same open() call.
    mkdirSync(`${path}.${process.pid}.tmp`);
    const err = failure(() => wall.saveLayout(quad('yard')));
    expect(err.error.code).toBe('io');
    expect(err.message).toMatch(/The wall could not be saved: .*EISDIR/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(wall.state().document.layouts.map((l) => l.id)).toEqual(['lobby']);
  });
});

describe('WallService: a file it cannot read', () => {
  it('keeps at most 64 of 10k displays, moves the file aside and reports it', () => {
    const { dir, path } = fresh();
    const text = JSON.stringify({ version: 1, data: { layouts: [], tours: [], displays: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`d${i}`, { layoutId: null }])) } });
    writeFileSync(path, text);
    const wall = new WallService(path, memoryLogger());
    const { loadProblem, document } = wall.state();
    expect(Object.keys(document.displays).length).toBeLessThanOrEqual(MAX_DISPLAYS);
    expect(loadProblem?.reason).toMatch(/at most 64 entries/);
    expect(readFileSync(loadProblem!.movedTo, 'utf8')).toBe(text);
    expect(loadProblem!.movedTo.startsWith(dir)).toBe(true);
  });

  const valid = JSON.stringify({ version: 1, data: { layouts: [quad('lobby')], tours: [], displays: {} } });
  const overlapping = { ...quad('bad'), cells: [{ x: 0, y: 0, w: 2, h: 2, cameraIds: [] }, { x: 1, y: 1, w: 1, h: 1, cameraIds: [] }] };

  it.each([
    ['not JSON', 'this is not json', /not JSON/],
    ['truncated', valid.slice(0, valid.length / 2), /not JSON/],
    ['no envelope', JSON.stringify({ layouts: [], tours: [], displays: {} }), /missing version/],
    ['wrong types', JSON.stringify({ version: 1, data: { layouts: 'lobby', tours: [], displays: {} } }), /layouts: .*expected array/],
    ['a hand-edited overlap', JSON.stringify({ version: 1, data: { layouts: [overlapping], tours: [], displays: {} } }), /tiles 1 and 2 overlap/],
    ['a dangling reference', JSON.stringify({ version: 1, data: { layouts: [], tours: [], displays: { '1': { layoutId: 'gone' } } } }), /display 1 shows layout gone/],
    ['a newer version', JSON.stringify({ version: WALL_VERSION + 1, data: {} }), /newer Tessera/],
    ['an unknown older version', JSON.stringify({ version: 0, data: {} }), /no migration from version 0/],
    // Hostile files: a display named after Object.prototype, a grid sized to exhaust memory, 10k displays.
    ['a display called __proto__', '{"version":1,"data":{"layouts":[],"tours":[],"displays":{"__proto__":{"layoutId":null}}}}', /the key “__proto__” is not allowed/],
    ['a grid of 1e9 columns', JSON.stringify({ version: 1, data: { layouts: [{ ...quad('big'), columns: 1e9, rows: 8 }], tours: [], displays: {} } }), /layouts\.0\.columns/],
  ])('moves it aside (%s), reports it, starts empty, and never overwrites the copy', (_label, text, reason) => {
    const { dir, path } = fresh();
    writeFileSync(path, text);
    const log = memoryLogger();
    const wall = new WallService(path, log);

    const { loadProblem, document } = wall.state();
    expect(document).toEqual({ layouts: [], tours: [], displays: {} });
    expect(loadProblem?.reason).toMatch(reason);
    expect(loadProblem?.movedTo).toMatch(new RegExp(`^${dir}/wall\\.corrupt-\\d{8}T\\d{6}Z\\.json$`));
    expect(readFileSync(loadProblem!.movedTo, 'utf8')).toBe(text);
    expect(existsSync(path)).toBe(false);
    expect(log.lines.some((l) => l.level === 'warn' && /moved aside/.test(l.message))).toBe(true);

    wall.saveLayout(quad('fresh'));
    expect(readFileSync(loadProblem!.movedTo, 'utf8')).toBe(text);
    expect(readdirSync(dir).sort()).toEqual([loadProblem!.movedTo.slice(dir.length + 1), 'wall.json'].sort());
    // The problem is reported for this run only; the next start reads the good file.
    expect(wall.state().loadProblem).toEqual(loadProblem);
    expect(new WallService(path, memoryLogger()).state().loadProblem).toBeUndefined();
  });

  it('keeps two copies moved aside in the same second apart', () => {
    const { dir, path } = fresh();
    const fixedNow = Date.now;
    Date.now = () => Date.UTC(2026, 0, 2, 3, 4, 5, 42);
    try {
      writeFileSync(path, 'first');
      new WallService(path, memoryLogger());
      writeFileSync(path, 'second');
      const second = new WallService(path, memoryLogger()).state().loadProblem;
      expect(second?.movedTo).toBe(join(dir, 'wall.corrupt-20260102T030405Z-2.json'));
      expect(readFileSync(join(dir, 'wall.corrupt-20260102T030405Z.json'), 'utf8')).toBe('first');
      expect(readFileSync(second!.movedTo, 'utf8')).toBe('second');
    } finally {
      Date.now = fixedNow;
    }
  });
});

describe('WallService: display ids that are property names, and how many displays it keeps', () => {
  // The service is called here without the router's schema check, as a bug elsewhere might.
  it.each(['__proto__', 'constructor', 'prototype'])('refuses display %s and leaves Object.prototype alone', (displayId) => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    try {
      expect(failure(() => wall.setDisplay({ displayId, layoutId: 'lobby' })).error.code).toBe('conflict');
      expect(({} as Record<string, unknown>)['layoutId']).toBeUndefined();
      expect(Object.hasOwn(Object, 'layoutId')).toBe(false);
      expect(wall.state().document.displays).toEqual({});
      // A strict schema still passes afterwards (a polluted prototype made every one fail).
      expect(wall.setDisplay({ displayId: 'browser-1', layoutId: 'lobby' }).document.displays['browser-1']).toEqual({ layoutId: 'lobby' });
    } finally {
      // Undo what the old code did, so one failure does not fail every later test.
      delete (Object.prototype as Record<string, unknown>)['layoutId'];
      delete (Object as unknown as Record<string, unknown>)['layoutId'];
    }
  });

  it('forgets a display showing nothing (else the first listed) to make room for a new one beyond 64', () => {
    const wall = new WallService(fresh().path, memoryLogger());
    wall.saveLayout(quad('lobby'));
    for (let i = 0; i < 64; i += 1) wall.setDisplay({ displayId: `d${i}`, layoutId: i === 10 ? null : 'lobby' });
    const displays = wall.setDisplay({ displayId: 'new', layoutId: 'lobby' }).document.displays;
    expect(Object.keys(displays)).toHaveLength(64);
    expect(displays['d10']).toBeUndefined();
    expect(displays['new']).toEqual({ layoutId: 'lobby' });
    const next = wall.setDisplay({ displayId: 'newer', layoutId: 'lobby' }).document.displays;
    expect(Object.keys(next)).toHaveLength(64);
    expect(next['d0']).toBeUndefined();
  });
});

describe('wall migrations', () => {
  it('has a migration from every older version (1 … WALL_VERSION-1), so a version bump cannot ship without one', () => {
    const versions = Array.from({ length: WALL_VERSION - 1 }, (_, i) => i + 1);
    expect(versions.filter((v) => typeof wallMigrations[v] !== 'function')).toEqual([]);
    expect(Object.keys(wallMigrations).map(Number).filter((v) => v < 1 || v >= WALL_VERSION)).toEqual([]);
  });
});
