/**
 * The wall as main keeps it (layouts, tours, what each display shows) and which display this
 * window is. Thin: main owns and persists the document and publishes it whole on `wall:changed`;
 * every change goes through main so all windows agree. Requests go to main one at a time, in
 * order; a display change shows at once (optimistically) so quick edits build on each other,
 * and main's answer (or, after a refusal, a fresh copy) replaces it.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppError, DisplayWall, Layout, SetDisplay, Tour, WallDocument, WallState } from '../../../preload/contract/index.js';
import { connection, tessera } from '../bridge/index.js';
import { useAppStore } from './app.js';
import { snapshotSync } from './snapshot-sync.js';

const noDisplayWall: DisplayWall = { layoutId: null };

export const useWallStore = defineStore('wall', () => {
  const app = useAppStore();
  const state = ref<WallState | null>(null);
  const error = ref<AppError | null>(null);
  /** Requests sent and not answered yet; while any is out, events are older than the local state. */
  let pending = 0;
  let queue: Promise<unknown> = Promise.resolve();

  /** This window's display: `?display=<id>` (Electron windows and serve-mode wall URLs), else the primary one. */
  const requestedDisplay = new URLSearchParams(window.location.search).get('display');
  const displayId = computed(() => requestedDisplay ?? app.info?.displays.find((d) => d.primary)?.id ?? 'browser-1');

  const document = computed(() => state.value?.document ?? null);
  const layouts = computed(() => document.value?.layouts ?? []);
  const tours = computed(() => document.value?.tours ?? []);
  const display = computed<DisplayWall>(() => document.value?.displays[displayId.value] ?? noDisplayWall);
  const savedLayout = computed(() => layouts.value.find((l) => l.id === display.value.layoutId) ?? null);
  /** What this display draws: the unsaved draft when there is one, else the saved layout. */
  const layoutOnScreen = computed<Layout | null>(() => display.value.draft ?? savedLayout.value);
  const hasUnsavedChanges = computed(() => display.value.draft !== undefined);

  // While requests are out, a pushed copy is older than the local state: it is ignored, the answers follow.
  const sync = snapshotSync(
    { fetch: () => tessera.wall.get(), subscribe: (listener) => tessera.wall.onChanged(listener), connection },
    { keep: (next) => (state.value = next), error, takesPushes: () => pending === 0 },
  );

  /**
   * Runs a wall request after the ones before it; keeps the answer (the whole new state) unless
   * newer requests are out, or the error (then main's state replaces the optimistic one).
   */
  function apply(send: () => Promise<{ ok: true; value: WallState } | { ok: false; error: AppError }>): Promise<boolean> {
    pending += 1;
    const run = queue.then(async () => {
      const result = await send();
      pending -= 1;
      if (result.ok) {
        if (pending === 0) state.value = result.value;
        error.value = null;
        return true;
      }
      error.value = result.error;
      if (pending === 0) await sync.refresh();
      return false;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  /** Changes one display's entry; shows the change at once, main's answer follows. */
  function setDisplay(patch: Omit<SetDisplay, 'displayId'> & { displayId?: string }): Promise<boolean> {
    const full: SetDisplay = { displayId: displayId.value, ...patch };
    if (state.value) state.value = { ...state.value, document: patchDisplay(state.value.document, full) };
    return apply(() => tessera.wall.setDisplay(full));
  }

  return {
    state,
    error,
    displayId,
    document,
    layouts,
    tours,
    display,
    savedLayout,
    layoutOnScreen,
    hasUnsavedChanges,
    load: sync.start,
    saveLayout: (layout: Layout) => apply(() => tessera.wall.saveLayout(layout)),
    deleteLayout: (layoutId: string) => apply(() => tessera.wall.deleteLayout({ layoutId })),
    saveTour: (tour: Tour) => apply(() => tessera.wall.saveTour(tour)),
    deleteTour: (tourId: string) => apply(() => tessera.wall.deleteTour({ tourId })),
    /** Changes this display's entry, or another display's ("send to display 2"). */
    setDisplay,
  };
});

/** The document with one display's entry patched, as main does it (main still checks it). */
function patchDisplay(doc: WallDocument, { displayId, ...patch }: SetDisplay): WallDocument {
  const display: DisplayWall = { ...(doc.displays[displayId] ?? { layoutId: null }) };
  if (patch.layoutId !== undefined) display.layoutId = patch.layoutId;
  if (patch.draft === null) delete display.draft;
  else if (patch.draft !== undefined) display.draft = patch.draft;
  if (patch.tour === null) delete display.tour;
  else if (patch.tour !== undefined) display.tour = patch.tour;
  if (patch.maximisedCell === null) delete display.maximisedCell;
  else if (patch.maximisedCell !== undefined) display.maximisedCell = patch.maximisedCell;
  return { ...doc, displays: { ...doc.displays, [displayId]: display } };
}
