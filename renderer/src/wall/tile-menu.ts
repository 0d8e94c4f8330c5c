/**
 * The tile's context menu for WallView: which items it shows for a tile (pure, below) and which
 * tile it is open on. Choosing an item runs the wall command of the same id (wall-commands.ts),
 * so the menu and the keys do the same thing.
 */
import { computed, ref, type Ref } from 'vue';
import type { Cell } from '../../../preload/contract/index.js';
import type { TilePin } from '../domain/grid-model.js';
import { isZoomed, type Zoom } from './tile-zoom.js';

export interface MenuItem {
  id: string;
  label: string;
  /** The key that does the same, shown beside the label (aria-keyshortcuts syntax). */
  keys?: string;
  disabled?: boolean;
  /** Set on the items of a one-of set; true on the current choice. */
  checked?: boolean;
}

/** The tile's stream: automatic lets the stream policy choose by size and budget; a pin overrides it. */
export const pinChoices = [
  { id: 'pin-auto', pin: 'auto', label: 'Stream: automatic' },
  { id: 'pin-main', pin: 'main', label: 'Stream: main (full quality)' },
  { id: 'pin-sub', pin: 'sub', label: 'Stream: sub (light)' },
] as const satisfies readonly { id: `pin-${TilePin}`; pin: TilePin; label: string }[];

export type PinCommandId = (typeof pinChoices)[number]['id'];

/** What the menu of one tile depends on. */
export interface TileMenuState {
  cell: Cell | undefined;
  maximised: boolean;
  /** The tile a swap started from, if one is under way. */
  swapFrom: number | null;
  selected: number;
  zoom: Zoom;
}

export function tileMenuItems(s: TileMenuState): MenuItem[] {
  const hasCamera = (s.cell?.cameraIds.length ?? 0) > 0;
  return [
    { id: 'maximise', label: s.maximised ? 'Restore the wall' : 'Maximise', keys: 'Enter' },
    { id: 'search', label: 'Find a camera for this tile…', keys: 'Control+K' },
    { id: 'remove', label: 'Remove camera', keys: 'Delete', disabled: !hasCamera },
    { id: 'swap', label: s.swapFrom === null ? 'Swap with another tile…' : `Swap with tile ${s.swapFrom + 1}`, keys: 'X' },
    { id: 'merge', label: 'Merge selected tiles', keys: 'M', disabled: s.selected < 2 },
    { id: 'split', label: 'Split tile', keys: 'S', disabled: !s.cell || (s.cell.w === 1 && s.cell.h === 1) },
    { id: 'zoom-reset', label: 'Reset zoom', keys: '0', disabled: !isZoomed(s.zoom) },
    { id: 'everywhere', label: 'Show this camera everywhere', keys: 'E', disabled: !hasCamera },
    { id: 'export', label: 'Export…', disabled: !hasCamera },
    ...pinChoices.map((c) => ({ id: c.id, label: c.label, checked: (s.cell?.pin ?? 'auto') === c.pin, disabled: !hasCamera })),
  ];
}

/** Which tile the menu is open on and where; `state` gives a tile's menu state. */
export function useTileMenu(grid: Readonly<Ref<HTMLElement | null>>, state: (index: number) => TileMenuState, focusCell: (index: number) => unknown) {
  const open = ref<{ index: number; x: number; y: number } | null>(null);
  const items = computed(() => (open.value ? tileMenuItems(state(open.value.index)) : []));

  /** At the pointer, or (from the keyboard) near the tile's top-left corner. */
  function show(index: number, x?: number, y?: number): void {
    const box = grid.value?.querySelector<HTMLElement>(`[data-cell-index="${index}"]`)?.getBoundingClientRect();
    open.value = { index, x: x ?? (box ? box.left + 16 : 0), y: y ?? (box ? box.top + 16 : 0) };
  }
  /** Closes it, focus back on its tile; returns that tile. */
  function close(): number | undefined {
    const index = open.value?.index;
    open.value = null;
    if (index !== undefined) void focusCell(index);
    return index;
  }
  return { open, items, show, close };
}
