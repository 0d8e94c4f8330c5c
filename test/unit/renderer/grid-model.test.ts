/**
 * The wall's grid model. Layouts are drawn as pictures: each grid slot shows the reading-order
 * index of the tile covering it (0–9, then a–z, then A–Z), so "001/223" is a 3×2 grid whose
 * first tile spans two columns. Cameras are listed per tile ("-" = empty, "a+b" = carousel).
 * Every layout a function returns is checked with the contract's layoutProblem().
 */
import { describe, expect, it } from 'vitest';
import { layoutProblem, type Layout } from '../../../preload/contract/index.js';
import {
  applyPreset,
  cellAt,
  cellsShowing,
  fitCameras,
  firstEmpty,
  layoutFromPreset,
  mergeCells,
  neighbour,
  presetIds,
  presetOf,
  presets,
  removeCamera,
  setCamera,
  setPin,
  splitCell,
  swapCells,
  type Direction,
  type PresetId,
} from '../../../renderer/src/domain/grid-model.js';

const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!@';

function draw(layout: Layout): string {
  checked(layout);
  const rows: string[] = [];
  for (let y = 0; y < layout.rows; y += 1) {
    let row = '';
    for (let x = 0; x < layout.columns; x += 1) row += digits[cellAt(layout, x, y)];
    rows.push(row);
  }
  return rows.join('/');
}

function cameras(layout: Layout): string[] {
  return layout.cells.map((c) => (c.cameraIds.length ? c.cameraIds.join('+') : '-'));
}

function checked(layout: Layout): Layout {
  expect(layoutProblem(layout)).toBeUndefined();
  const order = layout.cells.map((c) => c.y * layout.columns + c.x);
  expect(order, 'cells in reading order').toEqual([...order].sort((a, b) => a - b));
  return layout;
}

function make(id: PresetId, cams: string[] = []): Layout {
  let layout = layoutFromPreset(id, { id: 'l', name: 'L' });
  cams.forEach((camera, i) => {
    if (camera !== '-') layout = setCamera(layout, i, camera);
  });
  return checked(layout);
}

describe('presets', () => {
  it.each<[PresetId, string, number]>([
    ['1', '0', 1],
    ['2×2', '01/23', 4],
    ['3×3', '012/345/678', 9],
    ['4×4', '0123/4567/89ab/cdef', 16],
    ['5×5', '01234/56789/abcde/fghij/klmno', 25],
    ['6×6', '012345/6789ab/cdefgh/ijklmn/opqrst/uvwxyz', 36],
    ['1+5', '001/002/345', 6],
    ['1+7', '0001/0002/0003/4567', 8],
    ['1+12', '0123/4556/7558/9abc', 13],
    ['2+8', '0011/0011/2345/6789', 10],
  ])('%s draws %s (%i tiles)', (id, picture, count) => {
    const layout = make(id);
    expect(draw(layout)).toBe(picture);
    expect(layout.cells).toHaveLength(count);
    expect(presetOf(layout)).toBe(id);
  });

  it('8×8 is the largest: 64 tiles', () => {
    const layout = make('8×8');
    expect(layout.cells).toHaveLength(64);
    expect(draw(layout).split('/')[7]).toBe('uvwxyzAB'.replace(/./g, (_, i: number) => digits[56 + i]!));
  });

  it('names every preset once, with the × sign', () => {
    expect(presets.map((p) => p.id)).toEqual([...presetIds]);
    expect(presetIds).toContain('2×2');
    expect(presetIds.join()).not.toMatch(/\dx\d/);
  });

  it('a merged layout is no preset', () => {
    const merged = mergeCells(make('3×3'), [0, 1]);
    expect(merged.ok && presetOf(merged.layout)).toBeUndefined();
  });
});

describe('applyPreset keeps the cameras in reading order', () => {
  it.each<[string, PresetId, string[], PresetId, string[], string[]]>([
    // Growing: tile i goes to tile i, empty tiles stay where they were.
    ['grow', '2×2', ['a', '-', 'b', 'c'], '3×3', ['a', '-', 'b', 'c', '-', '-', '-', '-', '-'], []],
    // Into a layout with a big tile: the first camera gets the big tile.
    ['to 1+5', '2×2', ['a', 'b', 'c', 'd'], '1+5', ['a', 'b', 'c', 'd', '-', '-'], []],
    // Shrinking: cameras close up; what does not fit is dropped and reported.
    ['shrink', '3×3', ['-', 'a', '-', 'b', 'c', '-', 'd', 'e', '-'], '2×2', ['a', 'b', 'c', 'd'], ['e']],
    ['to one', '2×2', ['-', '-', 'x', 'y'], '1', ['x'], ['y']],
  ])('%s', (_, from, before, to, after, dropped) => {
    const result = applyPreset(make(from, before), to);
    expect(cameras(checked(result.layout))).toEqual(after);
    expect(result.dropped).toEqual(dropped);
    expect(presetOf(result.layout)).toBe(to);
  });

  it('keeps a carousel with its dwell', () => {
    const layout = make('2×2');
    layout.cells[0] = { ...layout.cells[0]!, cameraIds: ['a', 'b'], dwellMs: 5000 };
    const result = applyPreset(layout, '3×3').layout;
    expect(result.cells[0]).toEqual({ x: 0, y: 0, w: 1, h: 1, cameraIds: ['a', 'b'], dwellMs: 5000 });
    expect(result).toMatchObject({ id: 'l', name: 'L', overlay: true });
  });
});

describe('mergeCells', () => {
  it.each<[string, PresetId, number[], string]>([
    ['two side by side', '3×3', [0, 1], '001/234/567'],
    ['a column', '3×3', [2, 5, 8], '012/342/562'],
    ['a 2×2 block in the middle of 4×4', '4×4', [5, 6, 9, 10], '0123/4556/7558/9abc'],
    ['the whole grid', '2×2', [3, 2, 1, 0], '00/00'],
    ['a merged tile with its neighbours', '1+5', [0, 1, 2], '000/000/123'],
  ])('%s', (_, id, selection, picture) => {
    const result = mergeCells(make(id), selection);
    expect(result.ok).toBe(true);
    if (result.ok) expect(draw(result.layout)).toBe(picture);
  });

  it.each<[string, PresetId, number[], RegExp]>([
    ['an L shape', '3×3', [0, 1, 3], /rectangle/],
    ['two tiles apart', '3×3', [0, 2], /rectangle/],
    ['a diagonal', '2×2', [0, 3], /rectangle/],
    ['a big tile sticking out', '1+5', [0, 3], /rectangle/],
    ['one tile', '2×2', [1], /at least two/],
    ['the same tile twice', '2×2', [1, 1], /at least two/],
    ['a tile that does not exist', '2×2', [0, 4], /does not exist/],
  ])('refuses %s, with a reason', (_, id, selection, reason) => {
    const result = mergeCells(make(id), selection);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('keeps the first camera in reading order and reports the others', () => {
    const result = mergeCells(make('3×3', ['-', 'b', '-', 'd', 'e']), [0, 1, 3, 4]);
    expect(result.ok && cameras(result.layout)).toEqual(['b', '-', '-', '-', '-', '-']);
    expect(result.ok && result.dropped).toEqual(['d', 'e']);
  });
});

describe('splitCell', () => {
  it('splits a big tile into 1×1 tiles; the top-left keeps the camera', () => {
    const big = make('1+5', ['a', 'b', 'c', 'd', 'e', 'f']);
    const result = splitCell(big, 0);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(draw(result.layout)).toBe('012/345/678');
    expect(cameras(result.layout)).toEqual(['a', '-', 'b', '-', '-', 'c', 'd', 'e', 'f']);
  });

  it('undoes a merge', () => {
    const merged = mergeCells(make('4×4'), [5, 6, 9, 10]);
    if (!merged.ok) throw new Error(merged.reason);
    expect(draw(merged.layout)).toBe('0123/4556/7558/9abc');
    const split = splitCell(merged.layout, 5);
    expect(split.ok && draw(split.layout)).toBe('0123/4567/89ab/cdef');
  });

  it.each<[string, number, RegExp]>([
    ['a 1×1 tile', 1, /Only a merged tile/],
    ['a tile that does not exist', 9, /does not exist/],
  ])('refuses %s', (_, index, reason) => {
    const result = splitCell(make('2×2'), index);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('fitCameras places a dropped group', () => {
  it.each<[string, PresetId, string[], number, string[], string, string[], number[]]>([
    ['into empty tiles from the start tile on', '3×3', ['x', '-', '-', '-'], 1, ['a', 'b'], '012/345/678', ['x', 'a', 'b', '-', '-', '-', '-', '-', '-'], [1, 2]],
    ['skipping taken tiles', '2×2', ['-', 'x', '-', '-'], 0, ['a', 'b'], '01/23', ['a', 'x', 'b', '-'], [0, 2]],
    ['wrapping to the top', '2×2', ['-', 'x', '-', 'y'], 2, ['a', 'b'], '01/23', ['b', 'x', 'a', 'y'], [2, 0]],
    ['growing 2×2 → 3×3 when they do not fit', '2×2', ['x', 'y', '-', '-'], 2, ['a', 'b', 'c'], '012/345/678', ['x', 'y', 'a', 'b', 'c', '-', '-', '-', '-'], [2, 3, 4]],
    ['growing past 3×3 straight to the square that holds all', '1', [], 0, 'abcdefghij'.split(''), '0123/4567/89ab/cdef', [...'abcdefghij'.split(''), '-', '-', '-', '-', '-', '-'], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['growing 6×6 → 8×8 (there is no 7×7)', '6×6', [], 0, Array.from({ length: 37 }, (_, i) => `c${i}`), '01234567/89abcdef/ghijklmn/opqrstuv/wxyzABCD/EFGHIJKL/MNOPQRST/UVWXYZ!@', [...Array.from({ length: 37 }, (_, i) => `c${i}`), ...Array<string>(27).fill('-')], Array.from({ length: 37 }, (_, i) => i)],
  ])('%s', (_, id, before, start, group, picture, after, placedAt) => {
    const result = fitCameras(make(id, before), start, group);
    expect(draw(result.layout)).toBe(picture);
    expect(cameras(result.layout)).toEqual(after);
    expect(result.placedAt).toEqual(placedAt);
    expect(result.notPlaced).toEqual([]);
  });

  it('never grows beyond 8×8: the rest is reported as not placed', () => {
    const group = Array.from({ length: 70 }, (_, i) => `c${i}`);
    const result = fitCameras(make('2×2', ['x']), 0, group);
    expect(result.layout.columns).toBe(8);
    expect(result.layout.cells.every((c) => c.cameraIds.length === 1)).toBe(true);
    expect(result.placedAt).toHaveLength(63);
    expect(result.notPlaced).toEqual(group.slice(63));
    checked(result.layout);
  });

  it('keeps a merged layout that fits as it is', () => {
    const result = fitCameras(make('1+5'), 0, ['a', 'b']);
    expect(draw(result.layout)).toBe('001/002/345');
    expect(cameras(result.layout)).toEqual(['a', 'b', '-', '-', '-', '-']);
  });
});

describe('single-tile edits', () => {
  it('swaps two tiles’ cameras, a carousel with its dwell', () => {
    const layout = make('1+5', ['a', '-', 'c']);
    layout.cells[2] = { ...layout.cells[2]!, cameraIds: ['c', 'd'], dwellMs: 3000 };
    const swapped = checked(swapCells(layout, 0, 2));
    expect(cameras(swapped)).toEqual(['c+d', '-', 'a', '-', '-', '-']);
    expect(swapped.cells[0]).toMatchObject({ w: 2, h: 2, dwellMs: 3000 });
    expect(swapped.cells[2]).not.toHaveProperty('dwellMs');
    expect(swapCells(layout, 1, 1)).toBe(layout);
    expect(() => swapCells(layout, 0, 6)).toThrow(RangeError);
  });

  it('sets and removes a camera without touching the others', () => {
    const layout = make('2×2', ['a', 'b']);
    expect(cameras(checked(setCamera(layout, 1, 'z')))).toEqual(['a', 'z', '-', '-']);
    expect(cameras(checked(removeCamera(layout, 0)))).toEqual(['-', 'b', '-', '-']);
    expect(cameras(layout)).toEqual(['a', 'b', '-', '-']);
    expect(() => setCamera(layout, 4, 'z')).toThrow(RangeError);
  });

  it('finds the first empty tile and every tile showing a camera', () => {
    const layout = make('3×3', ['a', 'b', 'a']);
    expect(firstEmpty(layout)).toBe(3);
    expect(cellsShowing(layout, 'a')).toEqual([0, 2]);
    expect(firstEmpty(make('1', ['a']))).toBe(-1);
  });
});

describe('setPin: a tile pinned to a stream profile', () => {
  const pins = (layout: Layout): string[] => layout.cells.map((c) => c.pin ?? 'auto');

  it('pins one tile, and automatic removes the pin (stored like a file written before pins)', () => {
    const layout = make('2×2', ['a', 'b']);
    const pinned = checked(setPin(layout, 1, 'main'));
    expect(pins(pinned)).toEqual(['auto', 'main', 'auto', 'auto']);
    expect(pins(checked(setPin(pinned, 1, 'sub')))).toEqual(['auto', 'sub', 'auto', 'auto']);
    const back = checked(setPin(pinned, 1, 'auto'));
    expect(back.cells[1]).not.toHaveProperty('pin');
    expect(back).toEqual(layout);
    expect(pins(layout), 'the input is not changed').toEqual(['auto', 'auto', 'auto', 'auto']);
    expect(() => setPin(layout, 4, 'main')).toThrow(RangeError);
  });

  it('keeps the pin when the tile gets another camera or is emptied', () => {
    const pinned = setPin(make('2×2', ['a', 'b']), 0, 'main');
    expect(checked(setCamera(pinned, 0, 'z')).cells[0]).toMatchObject({ cameraIds: ['z'], pin: 'main' });
    expect(checked(removeCamera(pinned, 0)).cells[0]).toMatchObject({ cameraIds: [], pin: 'main' });
  });

  it('moves the pin with the picture on swap, preset, merge and split', () => {
    const pinned = setPin(make('1+5', ['a', '-', 'c']), 2, 'main');
    const swapped = checked(swapCells(pinned, 0, 2));
    expect(cameras(swapped).slice(0, 3)).toEqual(['c', '-', 'a']);
    expect(pins(swapped)).toEqual(['main', 'auto', 'auto', 'auto', 'auto', 'auto']);

    const redrawn = checked(applyPreset(swapped, '2×2').layout);
    expect(cameras(redrawn), 'fewer tiles: the tiles with cameras close up').toEqual(['c', 'a', '-', '-']);
    expect(pins(redrawn)).toEqual(['main', 'auto', 'auto', 'auto']);

    const quad = setPin(make('2×2', ['-', 'b']), 1, 'sub');
    const merged = mergeCells(quad, [0, 1]);
    if (!merged.ok) throw new Error(merged.reason);
    expect(checked(merged.layout).cells[0]).toMatchObject({ w: 2, cameraIds: ['b'], pin: 'sub' });
    const split = splitCell(merged.layout, 0);
    if (!split.ok) throw new Error(split.reason);
    expect(pins(checked(split.layout))).toEqual(['sub', 'auto', 'auto', 'auto']);
  });
});

describe('neighbour: arrow keys move between tiles spatially', () => {
  // 1+5: 001/002/345
  it.each<[number, Direction, number]>([
    [0, 'right', 1],
    [0, 'down', 3],
    [0, 'left', 0],
    [0, 'up', 0],
    [1, 'left', 0],
    [1, 'down', 2],
    [2, 'left', 0],
    [3, 'right', 4],
    [4, 'up', 0],
    [5, 'up', 2],
    [5, 'right', 5],
  ])('from %i %s → %i', (from, direction, to) => {
    expect(neighbour(make('1+5'), from, direction)).toBe(to);
  });
});
