/**
 * The wall's layout grid, pure: presets, merge, split, fit a dropped group, swap, set and remove a
 * camera, pin a tile's stream, spatial neighbours for arrow keys. No Vue, no DOM, no I/O: every function takes a layout
 * and returns a new one (never mutates), and every layout it returns satisfies the contract's
 * layoutProblem() (cells tile the grid exactly) with cells in reading order (top-left first).
 */
import { layoutProblem, MAX_GRID_SIDE, type Cell, type Layout } from '../../../preload/contract/index.js';

/** The part of a layout the grid maths needs; the rest (id, name, overlay, source) is carried along. */
export type Grid = Pick<Layout, 'columns' | 'rows' | 'cells'>;
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const presetIds = ['1', '2×2', '3×3', '4×4', '5×5', '6×6', '8×8', '1+5', '1+7', '1+12', '2+8'] as const;
export type PresetId = (typeof presetIds)[number];

export interface Preset {
  /** Also the button's accessible name ("2×2" with U+00D7). */
  id: PresetId;
  columns: number;
  rows: number;
  /** Big tiles first as drawn; cells() puts them in reading order. */
  rects: readonly Rect[];
}

function uniform(side: number): Rect[] {
  return Array.from({ length: side * side }, (_, i) => ({ x: i % side, y: Math.floor(i / side), w: 1, h: 1 }));
}

/** `side`×`side` grid with the given big tiles; every slot they leave becomes a 1×1 tile. */
function withBig(side: number, big: Rect[]): Rect[] {
  const covered = (x: number, y: number): boolean => big.some((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h);
  return [...big, ...uniform(side).filter((r) => !covered(r.x, r.y))];
}

export const presets: readonly Preset[] = [
  { id: '1', columns: 1, rows: 1, rects: uniform(1) },
  { id: '2×2', columns: 2, rows: 2, rects: uniform(2) },
  { id: '3×3', columns: 3, rows: 3, rects: uniform(3) },
  { id: '4×4', columns: 4, rows: 4, rects: uniform(4) },
  { id: '5×5', columns: 5, rows: 5, rects: uniform(5) },
  { id: '6×6', columns: 6, rows: 6, rects: uniform(6) },
  { id: '8×8', columns: 8, rows: 8, rects: uniform(8) },
  // 1+5: a 2×2 big tile top-left of a 3×3 grid, five small ones around it.
  { id: '1+5', columns: 3, rows: 3, rects: withBig(3, [{ x: 0, y: 0, w: 2, h: 2 }]) },
  { id: '1+7', columns: 4, rows: 4, rects: withBig(4, [{ x: 0, y: 0, w: 3, h: 3 }]) },
  // 1+12: the big tile in the centre, twelve around it.
  { id: '1+12', columns: 4, rows: 4, rects: withBig(4, [{ x: 1, y: 1, w: 2, h: 2 }]) },
  { id: '2+8', columns: 4, rows: 4, rects: withBig(4, [{ x: 0, y: 0, w: 2, h: 2 }, { x: 2, y: 0, w: 2, h: 2 }]) },
];

/** The square presets a dropped group may grow the grid to, smallest first. */
const squareSides = [1, 2, 3, 4, 5, 6, 8];

export function preset(id: PresetId): Preset {
  return presets.find((p) => p.id === id)!;
}

/** Reading order: by top row, then by left column. */
export function inReadingOrder<T extends Rect>(cells: readonly T[]): T[] {
  return [...cells].sort((a, b) => a.y - b.y || a.x - b.x);
}

function emptyCell(r: Rect): Cell {
  return { x: r.x, y: r.y, w: r.w, h: r.h, cameraIds: [] };
}

/** The same cell holding other cameras (a carousel's dwell stays only while it has two or more). */
function withCameras(cell: Cell, cameraIds: string[], dwellMs?: number): Cell {
  const { dwellMs: _old, ...rest } = cell;
  return cameraIds.length > 1 && dwellMs !== undefined ? { ...rest, cameraIds, dwellMs } : { ...rest, cameraIds };
}

/**
 * `cell` taking over what `source` shows: its cameras, dwell and stream pin. The pin travels with
 * the picture when tiles are redrawn (preset, merge, split, swap), since the operator pinned
 * what they were watching; replacing a tile's camera keeps the tile's own pin.
 */
function withContentOf(cell: Cell, source: Cell): Cell {
  const { pin: _pin, ...moved } = withCameras(cell, source.cameraIds, source.dwellMs);
  return source.pin ? { ...moved, pin: source.pin } : moved;
}

/** Returns the layout with new cells, checked: a bug here must not reach main as a broken layout. */
function rebuilt<L extends Grid>(layout: L, columns: number, rows: number, cells: Cell[]): L {
  const next = { ...layout, columns, rows, cells: inReadingOrder(cells) };
  const problem = layoutProblem(next);
  if (problem) throw new Error(`grid model produced a broken layout: ${problem}`);
  return next;
}

/** A new layout drawn from a preset, all tiles empty. */
export function layoutFromPreset(id: PresetId, base: { id: string; name: string; overlay?: boolean }): Layout {
  const p = preset(id);
  return rebuilt({ id: base.id, name: base.name, overlay: base.overlay ?? true, columns: p.columns, rows: p.rows, cells: [] }, p.columns, p.rows, p.rects.map(emptyCell));
}

/** Which preset the layout's grid is, if any (cameras aside). */
export function presetOf(layout: Grid): PresetId | undefined {
  const shape = (rects: readonly Rect[]): string => inReadingOrder(rects).map((r) => `${r.x},${r.y},${r.w},${r.h}`).join(';');
  const own = shape(layout.cells);
  return presets.find((p) => p.columns === layout.columns && p.rows === layout.rows && shape(p.rects) === own)?.id;
}

export interface Applied<L> {
  layout: L;
  /** Cameras that no longer fit (the new preset has fewer tiles than there were cameras). */
  dropped: string[];
}

/**
 * Redraws the layout as a preset. Cameras keep their reading order: when every old tile has a
 * place, tile i goes to tile i (empty tiles stay where they were); when the preset is smaller,
 * the tiles with cameras close up and what still does not fit is returned as dropped.
 */
export function applyPreset<L extends Grid>(layout: L, id: PresetId): Applied<L> {
  const p = preset(id);
  const target = inReadingOrder(p.rects.map(emptyCell));
  const old = inReadingOrder(layout.cells);
  const source = old.length <= target.length ? old : old.filter((c) => c.cameraIds.length > 0);
  const cells = target.map((cell, i) => (source[i] ? withContentOf(cell, source[i]) : cell));
  const dropped = source.slice(target.length).flatMap((c) => c.cameraIds);
  return { layout: rebuilt(layout, p.columns, p.rows, cells), dropped };
}

export type Outcome<L> = { ok: true; layout: L; dropped: string[] } | { ok: false; reason: string };

function covers(r: Rect, x: number, y: number): boolean {
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/** Index (in reading order) of the cell covering slot (x, y), or -1 outside the grid. */
export function cellAt(layout: Grid, x: number, y: number): number {
  return inReadingOrder(layout.cells).findIndex((c) => covers(c, x, y));
}

/** The smallest rectangle holding every given cell. */
export function boundingRect(cells: readonly Rect[]): Rect {
  const x = Math.min(...cells.map((c) => c.x));
  const y = Math.min(...cells.map((c) => c.y));
  const right = Math.max(...cells.map((c) => c.x + c.w));
  const bottom = Math.max(...cells.map((c) => c.y + c.h));
  return { x, y, w: right - x, h: bottom - y };
}

/**
 * Merges the selected cells (indices in reading order) into one. The selection must be an exact
 * rectangle: its cells' area equals their bounding rectangle's (cells never overlap, so that
 * rules out holes and cells sticking out). The merged tile keeps the cameras of the first
 * selected tile that has any; the other selected tiles' cameras are returned as dropped.
 */
export function mergeCells<L extends Grid>(layout: L, indices: readonly number[]): Outcome<L> {
  const cells = inReadingOrder(layout.cells);
  const unique = [...new Set(indices)];
  if (unique.some((i) => !cells[i])) return { ok: false, reason: 'The selection names a tile that does not exist.' };
  if (unique.length < 2) return { ok: false, reason: 'Select at least two tiles to merge.' };
  const selected = inReadingOrder(unique.map((i) => cells[i]!));
  const box = boundingRect(selected);
  const area = selected.reduce((sum, c) => sum + c.w * c.h, 0);
  if (area !== box.w * box.h) return { ok: false, reason: 'The selected tiles do not form a rectangle.' };
  const keeper = selected.find((c) => c.cameraIds.length > 0);
  const merged = keeper ? withContentOf(emptyCell(box), keeper) : emptyCell(box);
  const dropped = selected.filter((c) => c !== keeper).flatMap((c) => c.cameraIds);
  const rest = cells.filter((c) => !selected.includes(c));
  return { ok: true, layout: rebuilt(layout, layout.columns, layout.rows, [...rest, merged]), dropped };
}

/** Splits a merged cell back into 1×1 cells; the top-left one keeps its cameras and pin. */
export function splitCell<L extends Grid>(layout: L, index: number): Outcome<L> {
  const cells = inReadingOrder(layout.cells);
  const cell = cells[index];
  if (!cell) return { ok: false, reason: 'That tile does not exist.' };
  if (cell.w === 1 && cell.h === 1) return { ok: false, reason: 'Only a merged tile can be split.' };
  const parts: Cell[] = [];
  for (let y = cell.y; y < cell.y + cell.h; y += 1) for (let x = cell.x; x < cell.x + cell.w; x += 1) parts.push(emptyCell({ x, y, w: 1, h: 1 }));
  parts[0] = withContentOf(parts[0]!, cell);
  return { ok: true, layout: rebuilt(layout, layout.columns, layout.rows, [...cells.filter((c) => c !== cell), ...parts]), dropped: [] };
}

/** Puts one camera on a tile, replacing what it showed (a carousel included). */
export function setCamera<L extends Grid>(layout: L, index: number, cameraId: string): L {
  return mapCell(layout, index, (c) => withCameras(c, [cameraId]));
}

/** Empties a tile. */
export function removeCamera<L extends Grid>(layout: L, index: number): L {
  return mapCell(layout, index, (c) => withCameras(c, []));
}

/** Exchanges two tiles' cameras (and carousel dwell and pin); the tiles' shapes stay. */
export function swapCells<L extends Grid>(layout: L, a: number, b: number): L {
  const cells = inReadingOrder(layout.cells);
  const first = cells[a];
  const second = cells[b];
  if (!first || !second) throw new RangeError(`no tile ${first ? b : a} in a layout of ${cells.length}`);
  if (a === b) return layout;
  const next = [...cells];
  next[a] = withContentOf(first, second);
  next[b] = withContentOf(second, first);
  return rebuilt(layout, layout.columns, layout.rows, next);
}

/** A tile's stream choice: 'auto' leaves it to the stream policy, 'main' or 'sub' pins it. */
export type TilePin = 'auto' | NonNullable<Cell['pin']>;

/** Pins a tile to a stream profile, or back to automatic (stored as no pin, like older files). */
export function setPin<L extends Grid>(layout: L, index: number, pin: TilePin): L {
  return mapCell(layout, index, (c) => {
    const { pin: _old, ...rest } = c;
    return pin === 'auto' ? rest : { ...rest, pin };
  });
}

function mapCell<L extends Grid>(layout: L, index: number, change: (cell: Cell) => Cell): L {
  const cells = inReadingOrder(layout.cells);
  if (!cells[index]) throw new RangeError(`no tile ${index} in a layout of ${cells.length}`);
  return rebuilt(layout, layout.columns, layout.rows, cells.map((c, i) => (i === index ? change(c) : c)));
}

export interface Fitted<L> {
  layout: L;
  /** Index of each placed camera's tile, in the order given. */
  placedAt: number[];
  /** Cameras with no tile even at 8×8 (64 tiles). */
  notPlaced: string[];
}

/**
 * Places cameras (a dropped group) into empty tiles, the first on `start` (or the first empty
 * tile after it) and on in reading order, wrapping to the top. When they do not all fit, the
 * grid grows to the smallest larger square preset that holds every camera already shown plus
 * the new ones (tile i stays tile i, so `start` keeps its meaning), never beyond 8×8; what
 * still does not fit is returned as not placed.
 */
export function fitCameras<L extends Grid>(layout: L, start: number, cameraIds: readonly string[]): Fitted<L> {
  let grid = { ...layout, cells: inReadingOrder(layout.cells) };
  const emptyCount = (g: Grid): number => g.cells.filter((c) => c.cameraIds.length === 0).length;
  if (emptyCount(grid) < cameraIds.length) {
    const shown = grid.cells.length - emptyCount(grid);
    const side = Math.max(grid.columns, grid.rows);
    const wanted = squareSides.find((s) => s > side && s * s >= shown + cameraIds.length) ?? MAX_GRID_SIDE;
    // A larger grid only: a merged layout that already has more tiles than the square is kept.
    if (wanted > side && wanted * wanted > grid.cells.length) grid = applyPreset(grid, `${wanted}×${wanted}` as PresetId).layout;
  }
  const cells = [...grid.cells];
  const first = Math.min(Math.max(0, start), cells.length - 1);
  const order = [...cells.keys()].map((k) => (first + k) % cells.length).filter((i) => cells[i]!.cameraIds.length === 0);
  const placedAt: number[] = [];
  const notPlaced: string[] = [];
  for (const cameraId of cameraIds) {
    const slot = order.shift();
    if (slot === undefined) notPlaced.push(cameraId);
    else {
      cells[slot] = withCameras(cells[slot]!, [cameraId]);
      placedAt.push(slot);
    }
  }
  return { layout: rebuilt(grid, grid.columns, grid.rows, cells), placedAt, notPlaced };
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The tile an arrow key moves to from tile `index`: the one just past its edge, in line with its
 * top-left slot; the same tile at the grid's edge.
 */
export function neighbour(layout: Grid, index: number, direction: Direction): number {
  const cell = inReadingOrder(layout.cells)[index];
  if (!cell) return index;
  const [x, y] = direction === 'left' ? [cell.x - 1, cell.y] : direction === 'right' ? [cell.x + cell.w, cell.y] : direction === 'up' ? [cell.x, cell.y - 1] : [cell.x, cell.y + cell.h];
  if (x < 0 || y < 0 || x >= layout.columns || y >= layout.rows) return index;
  return cellAt(layout, x, y);
}

/** Indices of the tiles that show a camera (a carousel counts). */
export function cellsShowing(layout: Grid, cameraId: string): number[] {
  return inReadingOrder(layout.cells).flatMap((c, i) => (c.cameraIds.includes(cameraId) ? [i] : []));
}

/** The first empty tile in reading order, or -1. */
export function firstEmpty(layout: Grid): number {
  return inReadingOrder(layout.cells).findIndex((c) => c.cameraIds.length === 0);
}

