/**
 * Turns what a site calls a layout (Eagle Eye panes, exacqVision views, Eagle Eye v3 layouts) or
 * a tour (exacqVision camera and view sequences) into Tessera's own layouts and tours. Server
 * grids can be up to 16×16 with holes and overlaps; Tessera's are at most 8×8 and tile exactly,
 * so the server's tiles are fitted: clipped to the grid, shrunk where they collide, holes filled
 * with empty tiles. Cameras matter more than geometry: when fitting would leave a camera out, the
 * cameras are laid out again in a plain near-square grid instead. Pure; every layout returned
 * satisfies layoutProblem().
 */
import { MAX_GRID_SIDE, MAX_TILES, isCameraId, isVendorId, localIdSchema, type Cell, type Layout, type ServerLayout, type ServerTour, type Tour } from '../../../preload/contract/index.js';

type ServerTile = ServerLayout['tiles'][number];

/** Tessera's dwell limits (contract: wall.ts), so an odd server value cannot make a layout invalid. */
const minDwellMs = 1000;
const maxDwellMs = 24 * 3600 * 1000;
const maxNameLength = 120;
const maxTourSteps = 100;

/** A site's layout as a Tessera layout with the given id, named as on the server. */
export function importServerLayout(server: ServerLayout, id: string): Layout {
  const fitted = fitTiles(server);
  const grid = fitted ?? flowCameras(server.tiles.filter((t) => usableCameras(t.cameraIds).length > 0).map(toCellContent));
  return {
    id,
    name: nameOf(server.name, 'Imported layout'),
    ...grid,
    overlay: true,
    ...sourceOf(server.siteId, server.id),
  };
}

export type ImportedTour = { tour: Tour; layouts: Layout[] } | { problem: string };

export interface TourImportOptions {
  tourId: string;
  /** Ids for the layouts the tour needs, by their order of first use (0, 1, …). */
  layoutId: (index: number) => string;
  /** The site's layouts, so a step showing a server view keeps that view's arrangement. */
  serverLayouts?: readonly ServerLayout[];
}

/**
 * A site's tour as a Tessera tour plus the layouts its steps show. A step naming a known server
 * layout imports that layout; any other step (exacqVision tours are camera sequences) gets a
 * layout that fits its cameras. Steps showing the same thing share one layout.
 */
export function importServerTour(server: ServerTour, options: TourImportOptions): ImportedTour {
  const tourName = nameOf(server.name, 'Imported tour');
  const layouts: Layout[] = [];
  const byKey = new Map<string, string>();
  const steps: Tour['steps'] = [];
  for (const step of server.steps.slice(0, maxTourSteps)) {
    const serverLayout = step.layoutId === undefined ? undefined : options.serverLayouts?.find((l) => l.id === step.layoutId);
    const cameraIds = usableCameras(step.cameraIds);
    const key = serverLayout ? `layout\n${serverLayout.id}` : `cameras\n${cameraIds.join('\n')}`;
    let layoutId = byKey.get(key);
    if (layoutId === undefined) {
      layoutId = options.layoutId(layouts.length);
      const layout: Layout = serverLayout
        ? importServerLayout(serverLayout, layoutId)
        : {
            id: layoutId,
            name: nameOf(`${tourName} · step ${steps.length + 1}`, tourName),
            ...flowCameras(cameraIds.map((camera) => ({ cameraIds: [camera] }))),
            overlay: true,
          };
      layouts.push(layout);
      byKey.set(key, layoutId);
    }
    steps.push({ layoutId, dwellMs: clampDwell(step.dwellMs) });
  }
  if (steps.length === 0) return { problem: `The tour “${tourName}” has no steps Tessera can show.` };
  return { tour: { id: options.tourId, name: tourName, steps }, layouts };
}

type CellContent = Pick<Cell, 'cameraIds' | 'dwellMs'>;
type Grid = Pick<Layout, 'columns' | 'rows' | 'cells'>;

/**
 * The server's own arrangement, clipped to 8×8: tiles placed in the server's order, each shrunk
 * to the free rectangle at its corner; a tile whose corner is taken or outside waits for a hole.
 * Undefined when a tile with cameras finds no place (the caller then flows the cameras instead).
 */
function fitTiles(server: ServerLayout): Grid | undefined {
  const columns = Math.min(server.columns, MAX_GRID_SIDE);
  const rows = Math.min(server.rows, MAX_GRID_SIDE);
  const taken = new Array<boolean>(columns * rows).fill(false);
  const free = (x: number, y: number): boolean => !taken[y * columns + x];
  const cells: Cell[] = [];
  const waiting: CellContent[] = [];
  for (const tile of server.tiles) {
    const x = Math.max(0, tile.x);
    const y = Math.max(0, tile.y);
    if (x >= columns || y >= rows || tile.x + tile.width <= 0 || tile.y + tile.height <= 0 || !free(x, y)) {
      if (usableCameras(tile.cameraIds).length > 0) waiting.push(toCellContent(tile));
      continue;
    }
    // Widest free run along the top row, then as many rows down as stay free at that width.
    let w = 1;
    while (w < Math.min(tile.width - (x - tile.x), columns - x) && free(x + w, y)) w += 1;
    let h = 1;
    const maxH = Math.min(tile.height - (y - tile.y), rows - y);
    while (h < maxH && rowFree(x, y + h, w, free)) h += 1;
    for (let dy = 0; dy < h; dy += 1) for (let dx = 0; dx < w; dx += 1) taken[(y + dy) * columns + x + dx] = true;
    cells.push({ x, y, w, h, ...toCellContent(tile) });
  }
  for (let slot = 0; slot < taken.length; slot += 1) {
    if (taken[slot]) continue;
    taken[slot] = true;
    cells.push({ x: slot % columns, y: Math.floor(slot / columns), w: 1, h: 1, ...(waiting.shift() ?? { cameraIds: [] }) });
  }
  if (waiting.length > 0) return undefined;
  return { columns, rows, cells: readingOrder(cells) };
}

function rowFree(x: number, y: number, w: number, free: (x: number, y: number) => boolean): boolean {
  for (let dx = 0; dx < w; dx += 1) if (!free(x + dx, y)) return false;
  return true;
}

/** Tiles in a near-square grid of single cells (4 → 2×2, 6 → 3×2, 10 → 4×3), the first 64 kept; none → one empty tile. */
function flowCameras(contents: readonly CellContent[]): Grid {
  const kept = contents.slice(0, MAX_TILES);
  const n = Math.max(1, kept.length);
  const columns = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / columns);
  const cells: Cell[] = [];
  for (let slot = 0; slot < columns * rows; slot += 1) {
    cells.push({ x: slot % columns, y: Math.floor(slot / columns), w: 1, h: 1, ...(kept[slot] ?? { cameraIds: [] }) });
  }
  return { columns, rows, cells };
}

/**
 * A server tile's cameras as a cell's. A carousel has one dwell per camera on the server and one
 * for the whole tile in Tessera: the first camera's is used.
 */
function toCellContent(tile: ServerTile): CellContent {
  const cameraIds = usableCameras(tile.cameraIds);
  const first = tile.dwellMs?.[0];
  return cameraIds.length >= 2 && first !== undefined ? { cameraIds, dwellMs: clampDwell(first) } : { cameraIds };
}

function usableCameras(ids: readonly string[]): string[] {
  return ids.filter(isCameraId).slice(0, MAX_TILES);
}

function clampDwell(ms: number): number {
  return Math.min(maxDwellMs, Math.max(minDwellMs, Math.round(ms)));
}

function nameOf(name: string, fallback: string): string {
  return name.trim().slice(0, maxNameLength).trim() || fallback;
}

function sourceOf(siteId: string, serverId: string): Pick<Layout, 'source'> {
  return localIdSchema.safeParse(siteId).success && isVendorId(serverId) ? { source: { siteId, serverId } } : {};
}

function readingOrder(cells: Cell[]): Cell[] {
  return [...cells].sort((a, b) => a.y - b.y || a.x - b.x);
}
