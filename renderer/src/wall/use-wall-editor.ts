/**
 * The layout on one display's wall and every edit of it, for WallView: the layout on screen (the
 * display's unsaved draft, else its saved layout, else a blank "Untitled" 2×2), the window's own
 * state (focus, selection, swap, highlight, zoom, the search target, the passing message) and the
 * edits. The grid maths is domain/grid-model.ts; every edit becomes the display's draft through
 * the wall store (persisted by main, so a reload or a crash loses nothing) until the operator
 * saves or reverts it (use-layout-files.ts).
 */
import { computed, nextTick, onBeforeUnmount, reactive, ref, watch, type Ref } from 'vue';
import type { Layout } from '../../../preload/contract/index.js';
import type { Whereabouts } from '../components/wall/CameraWhereabouts.vue';
import {
  applyPreset,
  cellsShowing,
  fitCameras,
  inReadingOrder,
  layoutFromPreset,
  mergeCells,
  neighbour,
  removeCamera,
  setCamera,
  setPin,
  splitCell,
  swapCells,
  type Direction,
  type PresetId,
  type TilePin,
} from '../domain/grid-model.js';
import { useAppStore } from '../stores/app.js';
import { useCamerasStore } from '../stores/cameras.js';
import { useWallStore } from '../stores/wall.js';
import { readDrop, type Dropped } from './drag-data.js';
import { isZoomed, noZoom, type Zoom } from './tile-zoom.js';

/** How long a passing message stays over the wall: long enough to read, not covering a tile all day. */
const MESSAGE_MS = 6_000;

export function newLayoutId(): string {
  return `layout-${crypto.randomUUID()}`;
}

/** What a display with nothing assigned starts with; it becomes a draft on the first edit. */
export function blankLayout(): Layout {
  return layoutFromPreset('2×2', { id: newLayoutId(), name: 'Untitled' });
}

/** Equal as the operator sees them: same grid, cameras, pins, name and overlay (key order and cell order aside). */
export function sameLayout(a: Layout, b: Layout): boolean {
  const canonical = (l: Layout): string =>
    JSON.stringify([l.id, l.name, l.columns, l.rows, l.overlay, l.source ?? null, inReadingOrder(l.cells).map((c) => [c.x, c.y, c.w, c.h, c.cameraIds, c.dwellMs ?? null, c.pin ?? null])]);
  return canonical(a) === canonical(b);
}

export type WallEditor = ReturnType<typeof useWallEditor>;

export function useWallEditor(grid: Readonly<Ref<HTMLElement | null>>) {
  const wall = useWallStore();
  const app = useAppStore();
  const cameras = useCamerasStore();

  const blank = ref<Layout>(blankLayout());
  const layout = computed<Layout>(() => wall.layoutOnScreen ?? blank.value);
  const cells = computed(() => inReadingOrder(layout.value.cells));
  const saved = computed(() => wall.layouts.some((l) => l.id === layout.value.id));
  const maximised = computed(() => {
    const index = wall.display.maximisedCell;
    return index !== undefined && index < cells.value.length ? index : null;
  });
  const cameraName = (id: string): string => cameras.cameras.find((c) => c.id === id)?.name ?? id;
  const names = (ids: readonly string[]): string => ids.map(cameraName).join(', ');

  // ——— UI state of this window (not persisted) ———
  const focusIndex = ref<number | null>(null);
  const selection = ref<number[]>([]);
  const swapFrom = ref<number | null>(null);
  const highlight = ref<string | null>(null);
  const message = ref('');
  const zooms = reactive(new Map<number, Zoom>());
  /** The tile the camera search dialog fills, while it is open. */
  const searchFor = ref<number | null>(null);

  // A different grid (another layout, a preset, a merge) starts without zoom, selection or swap.
  const shape = computed(() => `${layout.value.id}|${layout.value.columns}×${layout.value.rows}|${cells.value.map((c) => `${c.x},${c.y},${c.w},${c.h}`).join(';')}`);
  watch(shape, () => {
    zooms.clear();
    selection.value = [];
    swapFrom.value = null;
    if (focusIndex.value !== null && focusIndex.value >= cells.value.length) focusIndex.value = null;
  });

  let messageTimer: ReturnType<typeof setTimeout> | undefined;
  function say(text: string): void {
    message.value = text;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => (message.value = ''), MESSAGE_MS);
  }
  onBeforeUnmount(() => clearTimeout(messageTimer));

  /** Every edit lands here: it becomes the display's draft (or clears it when back to the saved layout). */
  function edit(next: Layout): void {
    const savedLayout = wall.layouts.find((l) => l.id === next.id);
    const same = savedLayout !== undefined && sameLayout(savedLayout, next);
    const keepMaximised = maximised.value !== null && maximised.value < next.cells.length;
    void wall.setDisplay({ draft: same ? null : next, ...(keepMaximised || wall.display.maximisedCell === undefined ? {} : { maximisedCell: null }) });
  }

  // ——— Focus ———
  async function focusCell(index: number): Promise<void> {
    await nextTick();
    grid.value?.querySelector<HTMLElement>(`[data-cell-index="${index}"]`)?.focus();
  }
  function onFocusIn(event: FocusEvent): void {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-cell-index]');
    if (cell) focusIndex.value = Number(cell.dataset.cellIndex);
  }
  function focusNeighbour(index: number, direction: Direction): void {
    void focusCell(neighbour(layout.value, index, direction));
  }

  // ——— Edits ———
  function choosePreset(id: PresetId): void {
    const { layout: next, dropped } = applyPreset(layout.value, id);
    edit(next);
    say(dropped.length ? `${id}: ${dropped.length} camera${dropped.length === 1 ? '' : 's'} did not fit and left the layout (${names(dropped)}). Revert brings them back.` : `Grid ${id}.`);
  }

  function place(index: number, cameraId: string): void {
    edit(setCamera(layout.value, index, cameraId));
    say(`${cameraName(cameraId)} on tile ${index + 1}.`);
  }

  function fit(start: number, cameraIds: readonly string[]): void {
    const result = fitCameras(layout.value, start, cameraIds);
    edit(result.layout);
    const placed = cameraIds.length - result.notPlaced.length;
    say(result.notPlaced.length ? `${placed} placed; ${result.notPlaced.length} did not fit on 64 tiles.` : `${placed} camera${placed === 1 ? '' : 's'} placed.`);
  }

  function onDropped(index: number, what: Dropped): void {
    if (what.kind === 'camera') place(index, what.cameraId);
    else if (what.kind === 'cameras') fit(index, what.cameraIds);
    else if (what.index !== index && cells.value[what.index]) {
      edit(swapCells(layout.value, what.index, index));
      say(`Tiles ${what.index + 1} and ${index + 1} swapped.`);
    }
  }

  /** A drop on the layout itself (between tiles): into the empty tiles from the first on. */
  function onGridDragOver(event: DragEvent): void {
    if ((event.dataTransfer?.types ?? []).some((t) => t === 'application/x-tessera-camera' || t === 'application/x-tessera-cameras')) event.preventDefault();
  }
  function onGridDrop(event: DragEvent): void {
    const what = event.dataTransfer ? readDrop(event.dataTransfer) : undefined;
    if (!what || what.kind === 'tile') return;
    event.preventDefault();
    fit(0, what.kind === 'camera' ? [what.cameraId] : what.cameraIds);
  }

  /**
   * A camera chosen in the camera panel (Enter, double-click): onto the focused tile when it is
   * empty, else the first empty tile, growing the grid when none is left.
   */
  function placeFromPanel(cameraId: string): void {
    const focused = focusIndex.value;
    const start = focused !== null && cells.value[focused]?.cameraIds.length === 0 ? focused : 0;
    fit(start, [cameraId]);
  }

  function remove(index: number): void {
    const ids = cells.value[index]?.cameraIds ?? [];
    if (ids.length === 0) return;
    edit(removeCamera(layout.value, index));
    say(`${names(ids)} removed from tile ${index + 1}.`);
  }

  function merge(): void {
    const result = mergeCells(layout.value, selection.value);
    if (!result.ok) return say(`Cannot merge: ${result.reason}`);
    const first = Math.min(...selection.value);
    edit(result.layout);
    say(result.dropped.length ? `Merged; ${names(result.dropped)} left the layout.` : 'Tiles merged.');
    const merged = inReadingOrder(result.layout.cells).findIndex((c) => c.x === cells.value[first]!.x && c.y === cells.value[first]!.y);
    void focusCell(merged);
  }

  function split(index: number): void {
    const result = splitCell(layout.value, index);
    if (!result.ok) return say(`Cannot split: ${result.reason}`);
    edit(result.layout);
    say('Tile split.');
  }

  function choosePin(index: number, choice: { pin: TilePin; label: string }): void {
    if ((cells.value[index]?.pin ?? 'auto') === choice.pin) return;
    edit(setPin(layout.value, index, choice.pin));
    say(`${choice.label} on tile ${index + 1}.`);
  }

  function toggleOverlay(): void {
    edit({ ...layout.value, overlay: !layout.value.overlay });
  }

  function toggleSelect(index: number): void {
    selection.value = selection.value.includes(index) ? selection.value.filter((i) => i !== index) : [...selection.value, index];
  }
  /** Shift+arrow: the focused tile and its neighbour join the selection; focus moves on. */
  function extendSelection(index: number, direction: Direction): void {
    const next = neighbour(layout.value, index, direction);
    selection.value = [...new Set([...selection.value, index, next])];
    void focusCell(next);
  }
  function clearSelection(): void {
    selection.value = [];
  }

  function toggleMaximise(index: number): void {
    void wall.setDisplay({ maximisedCell: maximised.value === index ? null : index });
    void focusCell(index);
  }

  /** A camera tile's Enter or double-click: completes a swap, else maximises or restores. */
  function onActivate(index: number): void {
    if (swapFrom.value !== null) return completeSwap(index);
    toggleMaximise(index);
  }

  function startSwap(index: number): void {
    swapFrom.value = index;
    say(`Swap tile ${index + 1}: choose the other tile (click, X or Enter); Escape cancels.`);
  }
  function completeSwap(index: number): void {
    const from = swapFrom.value;
    swapFrom.value = null;
    if (from === null || from === index) return say('Swap cancelled.');
    edit(swapCells(layout.value, from, index));
    say(`Tiles ${from + 1} and ${index + 1} swapped.`);
  }
  function cancelSwap(): void {
    swapFrom.value = null;
    say('Swap cancelled.');
  }

  function onCellClick(event: MouseEvent, index: number): void {
    if (event.shiftKey) {
      event.preventDefault();
      toggleSelect(index);
    } else if (swapFrom.value !== null) completeSwap(index);
    else if (selection.value.length > 0) selection.value = [];
  }

  function showEverywhere(index: number): void {
    const cameraId = cells.value[index]?.cameraIds[0];
    if (cameraId) highlight.value = cameraId;
  }
  const where = computed<Whereabouts | null>(() => {
    const cameraId = highlight.value;
    if (!cameraId) return null;
    const shows = (l: Layout): boolean => l.cells.some((c) => c.cameraIds.includes(cameraId));
    const displays = Object.entries(wall.document?.displays ?? {}).flatMap(([id, d]) => {
      if (id === wall.displayId) return [];
      const shown = d.draft ?? wall.layouts.find((l) => l.id === d.layoutId);
      return shown && shows(shown) ? [`${app.info?.displays.find((x) => x.id === id)?.label ?? id} (${shown.name})`] : [];
    });
    return { cameraName: cameraName(cameraId), tilesHere: cellsShowing(layout.value, cameraId).map((i) => i + 1), layouts: wall.layouts.filter(shows).map((l) => l.name), displays };
  });
  function closeWhere(): void {
    const first = highlight.value ? cellsShowing(layout.value, highlight.value)[0] : undefined;
    highlight.value = null;
    if (first !== undefined) void focusCell(first);
  }

  function zoomOf(index: number): Zoom {
    return zooms.get(index) ?? noZoom;
  }
  function setZoom(index: number, zoom: Zoom): void {
    if (isZoomed(zoom)) zooms.set(index, zoom);
    else zooms.delete(index);
  }

  // ——— Search ———
  /** Opens the camera search for tile `index`, else the focused tile, else the first empty one. */
  function openSearch(index: number | null): void {
    searchFor.value = index ?? focusIndex.value ?? Math.max(0, cells.value.findIndex((c) => c.cameraIds.length === 0));
  }
  function onSearchChoose(cameraId: string): void {
    const index = searchFor.value ?? 0;
    searchFor.value = null;
    place(index, cameraId);
    void focusCell(index);
  }

  return {
    blank,
    layout,
    cells,
    saved,
    maximised,
    cameraName,
    focusIndex,
    selection,
    swapFrom,
    highlight,
    message,
    searchFor,
    where,
    say,
    edit,
    focusCell,
    onFocusIn,
    focusNeighbour,
    choosePreset,
    onDropped,
    onGridDragOver,
    onGridDrop,
    placeFromPanel,
    remove,
    merge,
    split,
    choosePin,
    toggleOverlay,
    extendSelection,
    clearSelection,
    toggleMaximise,
    onActivate,
    startSwap,
    completeSwap,
    cancelSwap,
    onCellClick,
    showEverywhere,
    closeWhere,
    zoomOf,
    setZoom,
    openSearch,
    onSearchChoose,
  };
}
