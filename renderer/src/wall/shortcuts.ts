/**
 * Every keyboard shortcut of the wall, declared once: the help overlay lists this table and the
 * wall's key handler matches events against it, so the two cannot drift apart. Tour keys belong
 * to TourControls and window keys to the window menu; they are listed here so the operator finds
 * every key in one place, and `handledBy` says who acts on them.
 */
export type ShortcutGroup = 'Tiles' | 'Layout' | 'Zoom and pan' | 'Timeline' | 'Tours' | 'Window';

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
  | 'play-pause'
  | 'frame-back'
  | 'frame-forward'
  | 'slower'
  | 'faster'
  | 'shuttle-back'
  | 'shuttle-pause'
  | 'shuttle-forward'
  | 'live'
  | 'go-to'
  | 'next-event'
  | 'previous-event'
  | 'mark-in'
  | 'mark-out'
  | 'sync'
  | 'utc'
  | 'export-selection'
  | 'timeline-move'
  | 'timeline-zoom'
  | 'timeline-marks'
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
  /** Who acts on it: the wall itself, the tour controls, the window, the camera tile, or the timeline (with focus on it). */
  handledBy: 'wall' | 'tours' | 'window' | 'tile' | 'timeline';
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
  { id: 'play-pause', keys: ['Space'], description: 'Look back from 10 s ago, or play/pause the recorded video', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'frame-back', keys: [','], description: 'One frame back (pauses)', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'frame-forward', keys: ['.'], description: 'One frame forward (pauses)', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'slower', keys: ['<'], description: 'Slower (down to 0.25×, then backwards down to −16× where a tile can)', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'faster', keys: ['>'], description: 'Faster (up to 16×)', group: 'Timeline', handledBy: 'wall', onTile: false },
  // As in editing tools (J K L); plain L is the layout list, so forward is Shift+L.
  { id: 'shuttle-back', keys: ['J'], description: 'Play backwards; again: faster backwards (−1× … −16×)', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'shuttle-pause', keys: ['K'], description: 'Pause', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'shuttle-forward', keys: ['Shift+L'], description: 'Play forwards; again: faster (1× … 16×)', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'live', keys: ['End'], description: 'Back to live video', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'go-to', keys: ['G'], description: 'Go to a date and time…', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'next-event', keys: ['N'], description: 'Next motion or event mark', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'previous-event', keys: ['Shift+N'], description: 'Previous motion or event mark', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'mark-in', keys: ['Shift+I', 'I on the timeline'], description: 'Set the in mark at the playhead', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'mark-out', keys: ['Shift+O', 'O on the timeline'], description: 'Set the out mark at the playhead', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'sync', keys: ['Y'], description: 'Sync on or off (off: the timeline moves only the focused tile)', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'utc', keys: ['U'], description: 'Times in this computer’s zone, UTC, or the site’s own time (where the focused camera’s site reports it)', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'export-selection', keys: ['Shift+E'], description: 'Export the in–out selection…', group: 'Timeline', handledBy: 'wall', onTile: false },
  { id: 'timeline-move', keys: ['←→ on the timeline', 'PageUp/PageDown', 'Home', 'drag'], description: 'Move the playhead (a tick; a screen; the start); drag the playhead to scrub, the strip to pan', group: 'Timeline', handledBy: 'timeline', onTile: false },
  { id: 'timeline-zoom', keys: ['+/− on the timeline', 'wheel', 'pinch'], description: 'Zoom the timeline (1 minute – 7 days)', group: 'Timeline', handledBy: 'timeline', onTile: false },
  { id: 'timeline-marks', keys: ['Shift+drag', 'Escape on the timeline'], description: 'Select a range on the timeline; clear the in and out marks', group: 'Timeline', handledBy: 'timeline', onTile: false },
  { id: 'tour-toggle', keys: ['T'], description: 'Start or pause the tour', group: 'Tours', handledBy: 'tours', onTile: false },
  { id: 'tour-next', keys: [']'], description: 'Next tour step', group: 'Tours', handledBy: 'tours', onTile: false },
  { id: 'tour-previous', keys: ['['], description: 'Previous tour step', group: 'Tours', handledBy: 'tours', onTile: false },
  { id: 'fullscreen', keys: ['F11'], description: 'Toggle fullscreen', group: 'Window', handledBy: 'window', onTile: false },
];

export const shortcutGroups: readonly ShortcutGroup[] = ['Tiles', 'Layout', 'Zoom and pan', 'Timeline', 'Tours', 'Window'];

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
  if (shift) {
    const shifted: Readonly<Record<string, ShortcutId>> = { n: 'previous-event', i: 'mark-in', o: 'mark-out', e: 'export-selection', l: 'shuttle-forward' };
    const id = shifted[key.toLowerCase()];
    if (id) return { id } as WallKey;
  }
  // Typed characters whatever the keyboard layout needs Shift for.
  if (key === '<') return { id: 'slower' };
  if (key === '>') return { id: 'faster' };
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
    case ' ':
      return { id: 'play-pause' };
    case ',':
      return { id: 'frame-back' };
    case '.':
      return { id: 'frame-forward' };
    case 'End':
      return { id: 'live' };
  }
  const letters: Readonly<Record<string, ShortcutId>> = { x: 'swap', e: 'everywhere', m: 'merge', s: 'split', o: 'overlay', l: 'layouts', g: 'go-to', n: 'next-event', y: 'sync', u: 'utc', j: 'shuttle-back', k: 'shuttle-pause' };
  const letter = letters[key.toLowerCase()];
  return letter ? ({ id: letter } as WallKey) : undefined;
}
