/**
 * The wall's commands, one table for the keys and the tile menu: a key press is read against the
 * shortcut table (shortcuts.ts) and runs the command of its id; a menu item runs the command of
 * its id. A command returns whether it acted (a key it did not act on keeps its default).
 */
import type { Cell } from '../../../preload/contract/index.js';
import type { Direction, PresetId } from '../domain/grid-model.js';
import { shortcuts, wallKey, type ShortcutId } from './shortcuts.js';
import { pinChoices, type PinCommandId } from './tile-menu.js';
import { noZoom, PAN_STEP, panBy, ZOOM_STEP, zoomAt, isZoomed, type Zoom } from './tile-zoom.js';

/** The shortcuts the wall acts on itself (handledBy 'wall'), and the tile menu's stream choices. */
export type WallCommandId = Exclude<ShortcutId, 'info' | 'tour-toggle' | 'tour-next' | 'tour-previous' | 'fullscreen' | 'timeline-move' | 'timeline-zoom' | 'timeline-marks'> | PinCommandId | 'export';

/** The timeline's actions (wall/use-playback.ts and the timeline store; WallView wires them). */
export interface TimelineActions {
  togglePlay(): void;
  step(direction: 1 | -1): void;
  faster(direction: 1 | -1): void;
  /** J / Shift+L: backwards (−1) or forwards (1), faster on each press. */
  shuttle(direction: 1 | -1): void;
  /** K: pause. */
  pause(): void;
  /** Whether the wall was looking back (Live acts only then). */
  live(): boolean;
  openGoTo(): void;
  /** Jumps to the next (1) or previous (−1) mark; false when there is none loaded. */
  event(direction: 1 | -1): boolean;
  markIn(): void;
  markOut(): void;
  toggleSync(): void;
  toggleUtc(): void;
  /** Opens the export of the selection; false without one. */
  exportSelection(): boolean;
}

export interface CommandTarget {
  /** The tile: the one with focus for a key (null when focus is elsewhere), the menu's tile. */
  index: number | null;
  via: 'key' | 'menu';
  direction?: Direction;
  preset?: PresetId;
}

/** What the commands act on: the wall editor, the file actions and the menu (WallView wires them). */
export interface WallCommandContext {
  cell(index: number): Cell | undefined;
  maximised(): number | null;
  swapping(): boolean;
  highlighting(): boolean;
  selecting(): boolean;
  zoomOf(index: number): Zoom;
  setZoom(index: number, zoom: Zoom): void;
  focusNeighbour(index: number, direction: Direction): void;
  extendSelection(index: number, direction: Direction): void;
  clearSelection(): void;
  toggleMaximise(index: number): void;
  openSearch(index: number | null): void;
  remove(index: number): void;
  startSwap(index: number): void;
  completeSwap(index: number): void;
  cancelSwap(): void;
  merge(): void;
  split(index: number): void;
  showEverywhere(index: number): void;
  /** The export dialog for the tile's cameras, the last 5 minutes. */
  openExport(index: number): void;
  closeWhere(): void;
  choosePin(index: number, choice: (typeof pinChoices)[number]): void;
  openMenu(index: number): void;
  choosePreset(id: PresetId): void;
  toggleOverlay(): void;
  save(): void;
  saveAs(): void;
  focusLayouts(): void;
  openHelp(): void;
  timeline: TimelineActions;
}

export type WallCommands = Readonly<Record<WallCommandId, (target: CommandTarget) => boolean>>;

const panSteps: Readonly<Record<Direction, readonly [number, number]>> = { left: [PAN_STEP, 0], right: [-PAN_STEP, 0], up: [0, PAN_STEP], down: [0, -PAN_STEP] };

export function wallCommands(c: WallCommandContext): WallCommands {
  /** A command on a tile: not handled without one. */
  const onTile =
    (run: (index: number, target: CommandTarget) => boolean | void) =>
    (target: CommandTarget): boolean =>
      target.index !== null && run(target.index, target) !== false;
  const always = (run: () => void) => (): boolean => (run(), true);
  const hasCamera = (index: number): boolean => (c.cell(index)?.cameraIds.length ?? 0) > 0;
  const pins = Object.fromEntries(pinChoices.map((choice) => [choice.id, onTile((index) => c.choosePin(index, choice))])) as Record<PinCommandId, (target: CommandTarget) => boolean>;

  return {
    // Arrows move among the tiles of the grid; a maximised tile has no neighbours on screen.
    'focus-move': onTile((index, t) => c.maximised() === null && !!t.direction && (c.focusNeighbour(index, t.direction), true)),
    'select-extend': onTile((index, t) => c.maximised() === null && !!t.direction && (c.extendSelection(index, t.direction), true)),
    pan: onTile((index, t) => !!t.direction && (c.setZoom(index, panBy(c.zoomOf(index), ...panSteps[t.direction])), true)),
    maximise: onTile((index, t) => {
      if (t.via === 'menu') return c.toggleMaximise(index);
      // Enter on a camera tile is the tile's own (CameraTile emits activate); an empty tile asks for a camera.
      if (hasCamera(index)) return false;
      if (c.swapping()) c.completeSwap(index);
      else c.openSearch(index);
    }),
    // Escape undoes the newest thing first: a swap, the highlight, the selection, then maximising.
    escape: () => {
      const maximised = c.maximised();
      if (c.swapping()) c.cancelSwap();
      else if (c.highlighting()) c.closeWhere();
      else if (c.selecting()) c.clearSelection();
      else if (maximised !== null) c.toggleMaximise(maximised);
      else return false;
      return true;
    },
    remove: onTile((index) => c.remove(index)),
    swap: onTile((index) => (c.swapping() ? c.completeSwap(index) : c.startSwap(index))),
    split: onTile((index) => c.split(index)),
    everywhere: onTile((index) => c.showEverywhere(index)),
    export: onTile((index) => hasCamera(index) && (c.openExport(index), true)),
    menu: onTile((index) => c.openMenu(index)),
    merge: always(() => c.merge()),
    search: (t) => (c.openSearch(t.index), true),
    preset: (t) => !!t.preset && (c.choosePreset(t.preset), true),
    overlay: always(() => c.toggleOverlay()),
    save: always(() => c.save()),
    'save-as': always(() => c.saveAs()),
    layouts: always(() => c.focusLayouts()),
    help: always(() => c.openHelp()),
    'zoom-in': onTile((index) => hasCamera(index) && (c.setZoom(index, zoomAt(c.zoomOf(index), ZOOM_STEP)), true)),
    'zoom-out': onTile((index) => hasCamera(index) && (c.setZoom(index, zoomAt(c.zoomOf(index), 1 / ZOOM_STEP)), true)),
    'zoom-reset': onTile((index) => c.setZoom(index, noZoom)),
    'play-pause': always(() => c.timeline.togglePlay()),
    'frame-back': always(() => c.timeline.step(-1)),
    'frame-forward': always(() => c.timeline.step(1)),
    slower: always(() => c.timeline.faster(-1)),
    faster: always(() => c.timeline.faster(1)),
    'shuttle-back': always(() => c.timeline.shuttle(-1)),
    'shuttle-pause': always(() => c.timeline.pause()),
    'shuttle-forward': always(() => c.timeline.shuttle(1)),
    live: () => c.timeline.live(),
    'go-to': always(() => c.timeline.openGoTo()),
    'next-event': () => c.timeline.event(1),
    'previous-event': () => c.timeline.event(-1),
    'mark-in': always(() => c.timeline.markIn()),
    'mark-out': always(() => c.timeline.markOut()),
    sync: always(() => c.timeline.toggleSync()),
    utc: always(() => c.timeline.toggleUtc()),
    'export-selection': () => c.timeline.exportSelection(),
    ...pins,
  };
}

export function isWallCommand(commands: WallCommands, id: string): id is WallCommandId {
  return Object.hasOwn(commands, id);
}

/** Fields, dialogs and menus keep their keys. */
const ownKeys = 'dialog, [role=dialog], [role=menu], input, select, textarea, [contenteditable=true]';

/**
 * The wall's key handler: reads the key against the shortcut table and runs its command; a key
 * a command acted on loses its default.
 */
export function onWallKey(event: KeyboardEvent, commands: WallCommands, zoomOf: (index: number) => Zoom): void {
  const target = event.target as HTMLElement;
  if (event.defaultPrevented || target.closest(ownKeys)) return;
  // Space on a button or link presses it; in the camera list it is the list's.
  if (event.key === ' ' && target.closest('button, a[href], [role=button], [role=switch], [role=tree]')) return;
  const cellElement = target.closest<HTMLElement>('[data-cell-index]');
  const index = cellElement && cellElement === target ? Number(cellElement.dataset.cellIndex) : null;
  const key = wallKey(event, index !== null && isZoomed(zoomOf(index)));
  if (!key) return;
  const spec = shortcuts.find((s) => s.id === key.id);
  if (!spec || spec.handledBy !== 'wall' || (spec.onTile && index === null) || !isWallCommand(commands, key.id)) return;
  const detail = 'direction' in key ? { direction: key.direction } : 'preset' in key ? { preset: key.preset as PresetId } : {};
  if (commands[key.id]({ index, via: 'key', ...detail })) event.preventDefault();
}
