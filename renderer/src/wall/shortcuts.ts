/**
 * Every keyboard shortcut of the wall, declared once: the help overlay lists this table and the
 * wall's key handler matches events against it, so the two cannot drift apart. Tour keys belong
 * to TourControls and window keys to the window menu; they are listed here so the operator finds
 * every key in one place, and `handledBy` says who acts on them.
 */
export type ShortcutGroup = 'Tiles' | 'Layout' | 'Zoom and pan' | 'Tours' | 'Window';

export type ShortcutId =
  | 'focus-move'
  | 'select-extend'
  | 'maximise'
  | 'escape'
  | 'remove'
  | 'menu'
  | 'swap'
  | 'everywhere'
  | 'search'
  | 'info'
  | 'merge'
  | 'split'
  | 'preset'
  | 'overlay'
  | 'save'
  | 'save-as'
  | 'layouts'
  | 'help'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-reset'
  | 'pan'
  | 'tour-toggle'
  | 'tour-next'
  | 'tour-previous'
  | 'fullscreen';

export interface Shortcut {
  id: ShortcutId;
  /** As shown to the operator; alternatives are separate entries ("Delete", "Backspace"). */
  keys: readonly string[];
  description: string;
  group: ShortcutGroup;
  /** Who acts on it: the wall itself, the tour controls, the window, or the camera tile. */
  handledBy: 'wall' | 'tours' | 'window' | 'tile';
  /** Only when focus is on a tile (else anywhere outside a text field). */
  onTile: boolean;
}

/** The preset each digit key chooses: plain digits the square grids, Shift + digit the big-tile ones. */
export const presetKeys: Readonly<Record<string, string>> = {
  Digit1: '1',
  Digit2: '2×2',
  Digit3: '3×3',
  Digit4: '4×4',
  Digit5: '5×5',
  Digit6: '6×6',
  Digit8: '8×8',
  'Shift+Digit5': '1+5',
  'Shift+Digit7': '1+7',
  'Shift+Digit1': '1+12',
  'Shift+Digit2': '2+8',
};

export const shortcuts: readonly Shortcut[] = [
  { id: 'focus-move', keys: ['←', '→', '↑', '↓'], description: 'Move between tiles', group: 'Tiles', handledBy: 'wall', onTile: true },
  { id: 'select-extend', keys: ['Shift+←→↑↓', 'Shift+click'], description: 'Select tiles (for Merge)', group: 'Tiles', handledBy: 'wall', onTile: true },
  { id: 'maximise', keys: ['Enter', 'double-click'], description: 'Maximise the tile to the whole wall, or restore the wall', group: 'Tiles', handledBy: 'wall', onTile: true },
  { id: 'escape', keys: ['Escape'], description: 'Restore a maximised tile; cancel swap, selection, menu or dialog', group: 'Tiles', handledBy: 'wall', onTile: false },
  { id: 'remove', keys: ['Delete', 'Backspace'], description: 'Remove the camera from the tile', group: 'Tiles', handledBy: 'wall', onTile: true },
  { id: 'menu', keys: ['ContextMenu', 'Shift+F10', 'right-click'], description: 'Open the tile menu', group: 'Tiles', handledBy: 'wall', onTile: true },
  { id: 'swap', keys: ['X'], description: 'Swap: press on one tile, then on the other (or Enter there)', group: 'Tiles', handledBy: 'wall', onTile: true },
  { id: 'everywhere', keys: ['E'], description: 'Show this camera everywhere it appears', group: 'Tiles', handledBy: 'wall', onTile: true },
  { id: 'search', keys: ['Ctrl+K'], description: 'Find a camera and put it on the focused tile', group: 'Tiles', handledBy: 'wall', onTile: false },
  { id: 'info', keys: ['I'], description: 'Show or hide the stream info of the tile', group: 'Tiles', handledBy: 'tile', onTile: true },
  { id: 'merge', keys: ['M'], description: 'Merge the selected tiles into one', group: 'Layout', handledBy: 'wall', onTile: true },
  { id: 'split', keys: ['S'], description: 'Split a merged tile back into single tiles', group: 'Layout', handledBy: 'wall', onTile: true },
  { id: 'preset', keys: ['1', '2', '3', '4', '5', '6', '8', 'Shift+5', 'Shift+7', 'Shift+1', 'Shift+2'], description: 'Grid 1, 2×2, 3×3, 4×4, 5×5, 6×6, 8×8; Shift: 1+5, 1+7, 1+12, 2+8', group: 'Layout', handledBy: 'wall', onTile: true },
  { id: 'overlay', keys: ['O'], description: 'Show or hide camera names and status on the tiles', group: 'Layout', handledBy: 'wall', onTile: true },
  { id: 'save', keys: ['Ctrl+S'], description: 'Save the layout', group: 'Layout', handledBy: 'wall', onTile: false },
  { id: 'save-as', keys: ['Ctrl+Shift+S'], description: 'Save the layout under a new name', group: 'Layout', handledBy: 'wall', onTile: false },
  { id: 'layouts', keys: ['L'], description: 'Go to the layout list', group: 'Layout', handledBy: 'wall', onTile: true },
  { id: 'help', keys: ['?'], description: 'Show these keyboard shortcuts', group: 'Layout', handledBy: 'wall', onTile: false },
  { id: 'zoom-in', keys: ['+', 'wheel up'], description: 'Zoom into the tile', group: 'Zoom and pan', handledBy: 'wall', onTile: true },
  { id: 'zoom-out', keys: ['-', 'wheel down'], description: 'Zoom out', group: 'Zoom and pan', handledBy: 'wall', onTile: true },
  { id: 'zoom-reset', keys: ['0'], description: 'Reset the zoom', group: 'Zoom and pan', handledBy: 'wall', onTile: true },
  { id: 'pan', keys: ['←→↑↓ while zoomed', 'drag'], description: 'Pan the zoomed picture', group: 'Zoom and pan', handledBy: 'wall', onTile: true },
  { id: 'tour-toggle', keys: ['T'], description: 'Start or pause the tour', group: 'Tours', handledBy: 'tours', onTile: false },
  { id: 'tour-next', keys: [']'], description: 'Next tour step', group: 'Tours', handledBy: 'tours', onTile: false },
  { id: 'tour-previous', keys: ['['], description: 'Previous tour step', group: 'Tours', handledBy: 'tours', onTile: false },
  { id: 'fullscreen', keys: ['F11'], description: 'Toggle fullscreen', group: 'Window', handledBy: 'window', onTile: false },
];

export const shortcutGroups: readonly ShortcutGroup[] = ['Tiles', 'Layout', 'Zoom and pan', 'Tours', 'Window'];

/** What a key press means to the wall, or undefined when the wall does not handle it. */
export type WallKey =
  | { id: Exclude<ShortcutId, 'focus-move' | 'select-extend' | 'pan' | 'preset'> }
  | { id: 'focus-move' | 'select-extend' | 'pan'; direction: 'left' | 'right' | 'up' | 'down' }
  | { id: 'preset'; preset: string };

const arrows: Readonly<Record<string, 'left' | 'right' | 'up' | 'down'>> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/**
 * Reads a key press. `zoomed`: the focused tile is zoomed, so plain arrows pan it. Keys with
 * Alt or Meta are the browser's and the system's.
 */
export function wallKey(event: Pick<KeyboardEvent, 'key' | 'code' | 'shiftKey' | 'ctrlKey' | 'altKey' | 'metaKey'>, zoomed: boolean): WallKey | undefined {
  const { key, code, shiftKey: shift, ctrlKey: ctrl } = event;
  if (event.altKey || event.metaKey) return undefined;
  if (ctrl) {
    if (key.toLowerCase() === 'k' && !shift) return { id: 'search' };
    if (key.toLowerCase() === 's') return { id: shift ? 'save-as' : 'save' };
    return undefined;
  }
  const direction = arrows[key];
  if (direction) return shift ? { id: 'select-extend', direction } : { id: zoomed ? 'pan' : 'focus-move', direction };
  const preset = presetKeys[`${shift ? 'Shift+' : ''}${code}`];
  if (preset) return { id: 'preset', preset };
  if (key === 'F10' && shift) return { id: 'menu' };
  if (shift && key !== '?' && key !== '+') return undefined;
  switch (key) {
    case 'Enter':
      return { id: 'maximise' };
    case 'Escape':
      return { id: 'escape' };
    case 'Delete':
    case 'Backspace':
      return { id: 'remove' };
    case 'ContextMenu':
      return { id: 'menu' };
    case '?':
      return { id: 'help' };
    case '+':
    case '=':
      return { id: 'zoom-in' };
    case '-':
      return { id: 'zoom-out' };
    case '0':
      return { id: 'zoom-reset' };
  }
  const letters: Readonly<Record<string, ShortcutId>> = { x: 'swap', e: 'everywhere', m: 'merge', s: 'split', o: 'overlay', l: 'layouts' };
  const letter = letters[key.toLowerCase()];
  return letter ? ({ id: letter } as WallKey) : undefined;
}
