/**
 * Owns the wall document (layouts, tours, what each display shows): loaded once, every change
 * validated as a whole, saved atomically, announced to every window. A file that cannot be read
 * is moved aside by JsonFile (keeping its readable layouts, tours and displays) and reported
 * through app:info's load problems, never silently reset.
 */
import {
  AppFailure,
  MAX_DISPLAYS,
  nullPrototype,
  wallDocumentSchema,
  type DisplayWall,
  type Layout,
  type LoadProblem,
  type SetDisplay,
  type Tour,
  type WallDocument,
  type WallState,
} from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import { JsonFile } from '../persistence/json-file.js';
import { salvageFields } from '../persistence/salvage.js';
import { WALL_VERSION, wallMigrations } from './wall-migrations.js';

export class WallService {
  private readonly file: JsonFile<WallDocument>;
  private document: WallDocument;
  /** What was wrong with wall.json at start, for app:info. */
  readonly loadProblem: LoadProblem | undefined;
  private readonly listeners = new Set<(state: WallState) => void>();

  constructor(
    path: string,
    private readonly log: Logger,
  ) {
    this.file = new JsonFile(path, wallDocumentSchema, WALL_VERSION, emptyWall, wallMigrations, {
      salvage: salvageFields(wallDocumentSchema, emptyWall),
      describe: (_value, partial) => (partial ? 'the layouts, tours and displays it could read' : 'an empty wall'),
    });
    const loaded = this.file.load();
    if (loaded.problem) log.warn('wall file could not be used as it was; moved aside', loaded.problem);
    this.loadProblem = loaded.problem;
    this.document = loaded.value;
  }

  state(): WallState {
    const problem = this.loadProblem;
    // The wall's own copy of its load problem (the same one app:info lists), kept for API clients.
    const loadProblem = problem && { movedTo: problem.keptAs ?? '', reason: problem.problems.join('; ') };
    return structuredClone(loadProblem ? { document: this.document, loadProblem } : { document: this.document });
  }

  saveLayout(layout: Layout): WallState {
    return this.change((doc) => {
      const index = doc.layouts.findIndex((l) => l.id === layout.id);
      if (index === -1) doc.layouts.push(layout);
      else doc.layouts[index] = layout;
    });
  }

  /** Tour steps showing it are dropped (a tour left empty goes too); displays keep it as a draft. */
  deleteLayout(layoutId: string): WallState {
    return this.change((doc) => {
      const layout = doc.layouts.find((l) => l.id === layoutId);
      doc.layouts = doc.layouts.filter((l) => l.id !== layoutId);
      for (const tour of doc.tours) tour.steps = tour.steps.filter((s) => s.layoutId !== layoutId);
      const emptied = new Set(doc.tours.filter((t) => t.steps.length === 0).map((t) => t.id));
      doc.tours = doc.tours.filter((t) => !emptied.has(t.id));
      for (const display of Object.values(doc.displays)) {
        if (display.tour && emptied.has(display.tour.tourId)) delete display.tour;
        // A tour that lost steps but lives on: a display past its new end starts it over.
        const tour = display.tour && doc.tours.find((t) => t.id === display.tour?.tourId);
        if (display.tour && tour && display.tour.stepIndex >= tour.steps.length) display.tour.stepIndex = 0;
        if (display.layoutId === layoutId) {
          display.layoutId = null;
          if (!display.draft && layout) display.draft = layout;
        }
      }
    });
  }

  saveTour(tour: Tour): WallState {
    return this.change((doc) => {
      const index = doc.tours.findIndex((t) => t.id === tour.id);
      if (index === -1) doc.tours.push(tour);
      else doc.tours[index] = tour;
      for (const display of Object.values(doc.displays)) {
        if (display.tour?.tourId === tour.id && display.tour.stepIndex >= tour.steps.length) display.tour.stepIndex = 0;
      }
    });
  }

  deleteTour(tourId: string): WallState {
    return this.change((doc) => {
      doc.tours = doc.tours.filter((t) => t.id !== tourId);
      for (const display of Object.values(doc.displays)) if (display.tour?.tourId === tourId) delete display.tour;
    });
  }

  setDisplay({ displayId, ...patch }: SetDisplay): WallState {
    return this.change((doc) => {
      if (!Object.hasOwn(doc.displays, displayId)) {
        const forget = displayToForget(doc.displays);
        if (forget !== undefined) {
          this.log.info('the wall remembers too many displays; forgetting one to make room', { forgotten: forget, added: displayId });
          delete doc.displays[forget];
        }
        doc.displays[displayId] = { layoutId: null };
      }
      const display = doc.displays[displayId]!;
      if (patch.layoutId !== undefined) display.layoutId = patch.layoutId;
      if (patch.draft === null) delete display.draft;
      else if (patch.draft !== undefined) display.draft = patch.draft;
      if (patch.tour === null) delete display.tour;
      else if (patch.tour !== undefined) {
        const tour = doc.tours.find((t) => t.id === patch.tour?.tourId);
        if (tour && patch.tour.stepIndex >= tour.steps.length) throw new AppFailure('conflict', `Tour "${tour.name}" has ${tour.steps.length} steps.`);
        display.tour = patch.tour;
      }
      if (patch.maximisedCell === null) delete display.maximisedCell;
      else if (patch.maximisedCell !== undefined) display.maximisedCell = patch.maximisedCell;
    });
  }

  onChanged(listener: (state: WallState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a change to a copy, validates the whole document, then saves and announces it. */
  private change(mutate: (doc: WallDocument) => void): WallState {
    const next = structuredClone(this.document);
    // structuredClone gives the record back its prototype; ids index it below.
    next.displays = nullPrototype(next.displays);
    mutate(next);
    const checked = wallDocumentSchema.safeParse(next);
    if (!checked.success) throw new AppFailure('conflict', `That change would break the wall: ${checked.error.issues[0]?.message ?? 'invalid'}.`);
    try {
      this.file.save(checked.data);
    } catch (err) {
      // The document in memory stays as it was on disk, so what the windows show stays true.
      throw new AppFailure('io', `The wall could not be saved: ${err instanceof Error ? err.message : String(err)}.`);
    }
    this.document = checked.data;
    const state = this.state();
    for (const listener of this.listeners) listener(this.state());
    return state;
  }
}

export function emptyWall(): WallDocument {
  return { layouts: [], tours: [], displays: nullPrototype({}) };
}

/**
 * Which display entry to drop before adding one, when the wall already remembers MAX_DISPLAYS
 * (entries of unplugged or renumbered displays pile up): one showing nothing if any, else the
 * first listed. Undefined while there is room. Pure.
 */
export function displayToForget(displays: Readonly<Record<string, DisplayWall>>): string | undefined {
  const ids = Object.keys(displays);
  if (ids.length < MAX_DISPLAYS) return undefined;
  return ids.find((id) => displays[id]!.layoutId === null && !displays[id]!.draft && !displays[id]!.tour) ?? ids[0];
}
