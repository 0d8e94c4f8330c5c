/**
 * DTOs and schemas of the `wall` namespace: layouts, tours and what each display shows. Plain
 * data, persisted by main (main/wall) and drawn by the renderer. The invariants that make a
 * layout drawable live here, so main refuses a broken layout from any window and a file edited
 * by hand is checked the same way on load.
 */
import { z } from 'zod';
import { cameraIdSchema, idRecord, idSchema, localIdSchema, vendorIdSchema } from './ids.js';
import { profileNameSchema } from './media.js';

/** The largest grid side; 8×8 = 64 tiles, the most a layout may hold. */
export const MAX_GRID_SIDE = 8;
export const MAX_TILES = MAX_GRID_SIDE * MAX_GRID_SIDE;
/** Cameras one carousel tile cycles through: as many as a full layout shows at once. */
export const MAX_CAROUSEL_CAMERAS = 64;
/** Saved layouts: a control room keeps dozens; 500 leaves room and keeps wall.json small. */
export const MAX_LAYOUTS = 500;
/** Saved tours, and steps in one tour: more than an operator can follow. */
export const MAX_TOURS = 100;
export const MAX_TOUR_STEPS = 100;
/**
 * Displays the wall remembers. A wall PC drives a few dozen outputs at most, but entries of
 * displays unplugged (or renumbered by the OS) stay, so there is room to spare; main forgets an
 * old entry rather than refuse a new display (WallService.setDisplay).
 */
export const MAX_DISPLAYS = 64;

const id = localIdSchema;

/**
 * When the invariants below are checked: only on input whose fields all passed. zod would run
 * them after a failed max() too, on a grid of 1e9 columns or a record of 10k displays.
 */
function everyFieldPassed(payload: { issues: readonly unknown[] }): boolean {
  return payload.issues.length === 0;
}

const name = z.string().trim().min(1).max(120);
const dwellMs = z.number().int().min(1000).max(24 * 3600 * 1000);

/**
 * One tile: a rectangle of grid slots (merged cells span several). No camera = an empty tile;
 * several cameras = a carousel that shows each for `dwellMs`.
 */
export const cellSchema = z
  .object({
    x: z.number().int().min(0).max(MAX_GRID_SIDE - 1),
    y: z.number().int().min(0).max(MAX_GRID_SIDE - 1),
    w: z.number().int().min(1).max(MAX_GRID_SIDE),
    h: z.number().int().min(1).max(MAX_GRID_SIDE),
    cameraIds: z.array(cameraIdSchema).max(MAX_CAROUSEL_CAMERAS),
    /** Carousel dwell per camera; used only with two or more cameras. */
    dwellMs: dwellMs.optional(),
    /**
     * The operator's stream choice for this tile; absent = automatic (the stream policy picks by
     * tile size and budgets). Optional, so wall files written before it stay valid.
     */
    pin: profileNameSchema.optional(),
  })
  .strict();
export type Cell = z.infer<typeof cellSchema>;

/** Where an imported layout came from (Eagle Eye panes, exacqVision views, Eagle Eye v3 layouts). */
export const layoutSourceSchema = z.object({ siteId: localIdSchema, serverId: vendorIdSchema }).strict();

/**
 * A named grid. Invariant (checked below): every slot of the columns × rows grid is covered by
 * exactly one cell, so merge and split never leave holes or overlaps. zod runs the refinement
 * even when a bound above failed, so layoutProblem checks the bounds itself before it allocates.
 */
export const layoutSchema = z
  .object({
    id,
    name,
    columns: z.number().int().min(1).max(MAX_GRID_SIDE),
    rows: z.number().int().min(1).max(MAX_GRID_SIDE),
    cells: z.array(cellSchema).min(1).max(MAX_TILES),
    /** Camera name and status drawn on each tile. */
    overlay: z.boolean(),
    source: layoutSourceSchema.optional(),
  })
  .strict()
  .superRefine(
    (layout, ctx) => {
      const problem = layoutProblem(layout);
      if (problem) ctx.addIssue({ code: 'custom', path: ['cells'], message: problem });
    },
    { when: everyFieldPassed },
  );
export type Layout = z.infer<typeof layoutSchema>;

/**
 * Why a layout's cells do not tile its grid exactly, or undefined when they do. Pure. Takes any
 * input, bounds first: it allocates columns × rows slots and walks every cell's area, and a
 * hostile layout (columns 1e9) must not get that far.
 */
export function layoutProblem(layout: Pick<Layout, 'columns' | 'rows' | 'cells'>): string | undefined {
  if (!isGridSide(layout.columns) || !isGridSide(layout.rows)) return `the grid must have 1–${MAX_GRID_SIDE} columns and rows`;
  if (!Array.isArray(layout.cells) || layout.cells.length > MAX_TILES) return `a layout holds at most ${MAX_TILES} tiles`;
  const badCell = layout.cells.findIndex((c) => !isGridSide(c.w) || !isGridSide(c.h) || !isGridSide(c.x + 1) || !isGridSide(c.y + 1));
  if (badCell !== -1) return `tile ${badCell + 1} has a position or size outside 0–${MAX_GRID_SIDE}`;
  const owner = new Array<number>(layout.columns * layout.rows).fill(-1);
  for (const [index, cell] of layout.cells.entries()) {
    if (cell.x + cell.w > layout.columns || cell.y + cell.h > layout.rows) return `tile ${index + 1} reaches outside the ${layout.columns}×${layout.rows} grid`;
    for (let y = cell.y; y < cell.y + cell.h; y += 1) {
      for (let x = cell.x; x < cell.x + cell.w; x += 1) {
        const slot = y * layout.columns + x;
        if (owner[slot] !== -1) return `tiles ${owner[slot]! + 1} and ${index + 1} overlap`;
        owner[slot] = index;
      }
    }
  }
  const hole = owner.indexOf(-1);
  if (hole !== -1) return `no tile covers column ${(hole % layout.columns) + 1}, row ${Math.floor(hole / layout.columns) + 1}`;
  return undefined;
}

function isGridSide(n: unknown): boolean {
  return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_GRID_SIDE;
}

/** A layout tour: the display shows each step's layout for its dwell time, then the next. */
export const tourSchema = z
  .object({
    id,
    name,
    steps: z.array(z.object({ layoutId: id, dwellMs }).strict()).min(1).max(MAX_TOUR_STEPS),
  })
  .strict();
export type Tour = z.infer<typeof tourSchema>;

/** Where a display's tour stands, so a restart resumes it at the same step. */
export const tourPositionSchema = z
  .object({
    tourId: id,
    stepIndex: z.number().int().min(0).max(MAX_TOUR_STEPS - 1),
    /** False while paused by the operator (not by idle-interaction pauses, which are not persisted). */
    running: z.boolean(),
  })
  .strict();
export type TourPosition = z.infer<typeof tourPositionSchema>;

/** What one display shows. Its window mode (fullscreen, kiosk) is in settings.windowModes. */
export const displayWallSchema = z
  .object({
    /** The saved layout on screen, or null for none yet. */
    layoutId: id.nullable(),
    /** Edits not yet saved into the layout; kept so an unsaved change survives a restart. */
    draft: layoutSchema.optional(),
    tour: tourPositionSchema.optional(),
    /** Index of the maximised cell of the layout on screen. */
    maximisedCell: z.number().int().min(0).max(MAX_TILES - 1).optional(),
  })
  .strict();
export type DisplayWall = z.infer<typeof displayWallSchema>;

/**
 * The whole persisted wall. Invariants (checked below): ids are unique, tours and displays refer
 * only to existing layouts and tours.
 */
export const wallDocumentSchema = z
  .object({
    layouts: z.array(layoutSchema).max(MAX_LAYOUTS),
    tours: z.array(tourSchema).max(MAX_TOURS),
    /** Keyed by display id (Electron's display id, or "browser-N" in serve mode); no prototype. */
    displays: idRecord(displayWallSchema, MAX_DISPLAYS),
  })
  .strict()
  .superRefine(
    (doc, ctx) => {
      const problem = wallDocumentProblem(doc);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    },
    { when: everyFieldPassed },
  );
export type WallDocument = z.infer<typeof wallDocumentSchema>;

export function wallDocumentProblem(doc: Pick<WallDocument, 'layouts' | 'tours' | 'displays'>): string | undefined {
  const layoutIds = new Set(doc.layouts.map((l) => l.id));
  if (layoutIds.size !== doc.layouts.length) return 'two layouts share an id';
  const tourIds = new Set(doc.tours.map((t) => t.id));
  if (tourIds.size !== doc.tours.length) return 'two tours share an id';
  for (const tour of doc.tours) {
    const missing = tour.steps.find((s) => !layoutIds.has(s.layoutId));
    if (missing) return `tour "${tour.name}" uses layout ${missing.layoutId}, which does not exist`;
  }
  for (const [displayId, display] of Object.entries(doc.displays)) {
    if (display.layoutId !== null && !layoutIds.has(display.layoutId)) return `display ${displayId} shows layout ${display.layoutId}, which does not exist`;
    if (display.tour && !tourIds.has(display.tour.tourId)) return `display ${displayId} runs tour ${display.tour.tourId}, which does not exist`;
  }
  return undefined;
}

/** What `wall:get` and `wall:changed` carry: the document, plus a load problem to report once. */
export const wallStateSchema = z.object({
  document: wallDocumentSchema,
  /** Set when the wall file was unreadable on start and moved aside (the UI says so). */
  loadProblem: z.object({ movedTo: z.string(), reason: z.string() }).optional(),
});
export type WallState = z.infer<typeof wallStateSchema>;

export const layoutIdSchema = z.object({ layoutId: id }).strict();
export const tourIdSchema = z.object({ tourId: id }).strict();

/**
 * Changes one display's entry. Absent keys stay as they are; `null` clears `draft`, `tour` and
 * `maximisedCell`. Main checks the references exist.
 */
export const setDisplaySchema = z
  .object({
    displayId: idSchema,
    layoutId: id.nullable().optional(),
    draft: layoutSchema.nullable().optional(),
    tour: tourPositionSchema.nullable().optional(),
    maximisedCell: z.number().int().min(0).max(MAX_TILES - 1).nullable().optional(),
  })
  .strict();
export type SetDisplay = z.infer<typeof setDisplaySchema>;
