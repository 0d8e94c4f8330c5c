/**
 * The wall as main keeps it (layouts, tours, what each display shows) and which display this
 * window is. Thin: main owns and persists the document and publishes it whole on `wall:changed`;
 * every change goes through main so all windows agree.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { AppError, DisplayWall, Layout, SetDisplay, Tour, WallState } from '../../../preload/contract/index.js';
import { connection, tessera } from '../bridge/index.js';
import { useAppStore } from './app.js';

const noDisplayWall: DisplayWall = { layoutId: null };

export const useWallStore = defineStore('wall', () => {
  const app = useAppStore();
  const state = ref<WallState | null>(null);
  const error = ref<AppError | null>(null);
  let started = false;

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

  async function refresh(): Promise<void> {
    const result = await tessera.wall.get();
    if (result.ok) state.value = result.value;
    else error.value = result.error;
  }

  async function load(): Promise<void> {
    if (started) return;
    started = true;
    tessera.wall.onChanged((next) => (state.value = next));
    let lost = false;
    watch(connection, (status) => {
      if (status === 'closed') lost = true;
      else if (status === 'open' && lost) {
        lost = false;
        void refresh();
      }
    });
    await refresh();
  }

  /** Runs a wall request; keeps the answer (the whole new state) or the error. */
  async function apply(request: Promise<{ ok: true; value: WallState } | { ok: false; error: AppError }>): Promise<boolean> {
    const result = await request;
    if (result.ok) {
      state.value = result.value;
      error.value = null;
      return true;
    }
    error.value = result.error;
    return false;
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
    load,
    saveLayout: (layout: Layout) => apply(tessera.wall.saveLayout(layout)),
    deleteLayout: (layoutId: string) => apply(tessera.wall.deleteLayout({ layoutId })),
    saveTour: (tour: Tour) => apply(tessera.wall.saveTour(tour)),
    deleteTour: (tourId: string) => apply(tessera.wall.deleteTour({ tourId })),
    /** Changes this display's entry, or another display's ("send to display 2"). */
    setDisplay: (patch: Omit<SetDisplay, 'displayId'> & { displayId?: string }) => apply(tessera.wall.setDisplay({ displayId: displayId.value, ...patch })),
  };
});
