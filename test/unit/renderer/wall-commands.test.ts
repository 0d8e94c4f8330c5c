/**
 * The wall's one command table behind its keys and its tile menu (renderer/src/wall/wall-commands.ts),
 * against a recording context, and the tile menu's items (renderer/src/wall/tile-menu.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../../preload/contract/index.js';
import { shortcuts } from '../../../renderer/src/wall/shortcuts.js';
import { pinChoices, tileMenuItems } from '../../../renderer/src/wall/tile-menu.js';
import { noZoom } from '../../../renderer/src/wall/tile-zoom.js';
import { isWallCommand, wallCommands, type WallCommandContext } from '../../../renderer/src/wall/wall-commands.js';

const camera: Cell = { x: 0, y: 0, w: 1, h: 1, cameraIds: ['cam-1'] };
const empty: Cell = { x: 1, y: 0, w: 1, h: 1, cameraIds: [] };

/** A context that records each call as one line; the state is set per test. */
function recording(state: { maximised?: number | null; swapping?: boolean; highlighting?: boolean; selecting?: boolean; lookingBack?: boolean; hasMarks?: boolean; hasSelection?: boolean } = {}) {
  const calls: string[] = [];
  const log =
    (name: string) =>
    (...args: unknown[]): void => {
      calls.push([name, ...args.map((a) => JSON.stringify(a))].join(' '));
    };
  const context: WallCommandContext = {
    cell: (index) => [camera, empty][index],
    maximised: () => state.maximised ?? null,
    swapping: () => state.swapping ?? false,
    highlighting: () => state.highlighting ?? false,
    selecting: () => state.selecting ?? false,
    zoomOf: () => noZoom,
    setZoom: log('setZoom'),
    focusNeighbour: log('focusNeighbour'),
    extendSelection: log('extendSelection'),
    clearSelection: log('clearSelection'),
    toggleMaximise: log('toggleMaximise'),
    openSearch: log('openSearch'),
    remove: log('remove'),
    startSwap: log('startSwap'),
    completeSwap: log('completeSwap'),
    cancelSwap: log('cancelSwap'),
    merge: log('merge'),
    split: log('split'),
    showEverywhere: log('showEverywhere'),
    openExport: log('openExport'),
    closeWhere: log('closeWhere'),
    choosePin: (index, choice) => log('choosePin')(index, choice.pin),
    openMenu: log('openMenu'),
    choosePreset: log('choosePreset'),
    toggleOverlay: log('toggleOverlay'),
    save: log('save'),
    saveAs: log('saveAs'),
    focusLayouts: log('focusLayouts'),
    openHelp: log('openHelp'),
    timeline: {
      togglePlay: log('togglePlay'),
      step: log('step'),
      faster: log('faster'),
      shuttle: log('shuttle'),
      pause: log('pause'),
      live: () => (log('live')(), state.lookingBack ?? false),
      openGoTo: log('openGoTo'),
      event: (direction) => (log('event')(direction), state.hasMarks ?? false),
      markIn: log('markIn'),
      markOut: log('markOut'),
      toggleSync: log('toggleSync'),
      toggleUtc: log('toggleUtc'),
      exportSelection: () => (log('exportSelection')(), state.hasSelection ?? false),
    },
  };
  return { commands: wallCommands(context), calls };
}

describe('wallCommands', () => {
  it('has a command for every shortcut the wall handles, for each stream choice of the menu and for Export…, and no other', () => {
    const { commands } = recording();
    const wanted = [...shortcuts.filter((s) => s.handledBy === 'wall').map((s) => s.id), ...pinChoices.map((c) => c.id), 'export'];
    expect(Object.keys(commands).sort()).toEqual([...wanted].sort());
    expect(isWallCommand(commands, 'info')).toBe(false);
    expect(isWallCommand(commands, 'toString')).toBe(false);
  });

  it('every item of the tile menu is a command', () => {
    const { commands } = recording();
    for (const item of tileMenuItems({ cell: camera, maximised: false, swapFrom: null, selected: 0, zoom: noZoom })) expect(isWallCommand(commands, item.id)).toBe(true);
  });

  it.each([
    // what                                                  state                      command       target                               handled  calls
    ['Enter on an empty tile asks for a camera', {}, 'maximise', { index: 1, via: 'key' }, true, ['openSearch 1']],
    ['Enter on an empty tile while swapping completes the swap', { swapping: true }, 'maximise', { index: 1, via: 'key' }, true, ['completeSwap 1']],
    ['Enter on a camera tile is the tile’s own', {}, 'maximise', { index: 0, via: 'key' }, false, []],
    ['Maximise in the menu maximises any tile', {}, 'maximise', { index: 1, via: 'menu' }, true, ['toggleMaximise 1']],
    ['Escape cancels a swap first', { swapping: true, highlighting: true, maximised: 0 }, 'escape', { index: null, via: 'key' }, true, ['cancelSwap']],
    ['…then the highlight', { highlighting: true, selecting: true }, 'escape', { index: null, via: 'key' }, true, ['closeWhere']],
    ['…then the selection', { selecting: true, maximised: 0 }, 'escape', { index: null, via: 'key' }, true, ['clearSelection']],
    ['…then restores a maximised tile', { maximised: 0 }, 'escape', { index: null, via: 'key' }, true, ['toggleMaximise 0']],
    ['…and else is not the wall’s', {}, 'escape', { index: null, via: 'key' }, false, []],
    ['arrows move focus', {}, 'focus-move', { index: 0, via: 'key', direction: 'right' }, true, ['focusNeighbour 0 "right"']],
    ['arrows do nothing on a maximised tile', { maximised: 0 }, 'focus-move', { index: 0, via: 'key', direction: 'right' }, false, []],
    ['X starts a swap', {}, 'swap', { index: 0, via: 'key' }, true, ['startSwap 0']],
    ['X again completes it', { swapping: true }, 'swap', { index: 1, via: 'menu' }, true, ['completeSwap 1']],
    ['+ on an empty tile is not handled', {}, 'zoom-in', { index: 1, via: 'key' }, false, []],
    ['Ctrl+K away from the tiles opens the search', {}, 'search', { index: null, via: 'key' }, true, ['openSearch null']],
    ['a tile command without a tile does nothing', {}, 'remove', { index: null, via: 'key' }, false, []],
    ['a stream choice pins the tile', {}, 'pin-sub', { index: 0, via: 'menu' }, true, ['choosePin 0 "sub"']],
    ['a digit chooses its grid', {}, 'preset', { index: 0, via: 'key', preset: '3×3' }, true, ['choosePreset "3×3"']],
    ['Space plays or pauses from anywhere', {}, 'play-pause', { index: null, via: 'key' }, true, ['togglePlay']],
    ['. steps a frame forward', {}, 'frame-forward', { index: 0, via: 'key' }, true, ['step 1']],
    ['< slows down', {}, 'slower', { index: null, via: 'key' }, true, ['faster -1']],
    ['J shuttles backwards', {}, 'shuttle-back', { index: null, via: 'key' }, true, ['shuttle -1']],
    ['K pauses', {}, 'shuttle-pause', { index: 0, via: 'key' }, true, ['pause']],
    ['Shift+L shuttles forwards', {}, 'shuttle-forward', { index: null, via: 'key' }, true, ['shuttle 1']],
    ['End while live keeps its default', {}, 'live', { index: null, via: 'key' }, false, ['live']],
    ['End while looking back goes live', { lookingBack: true }, 'live', { index: null, via: 'key' }, true, ['live']],
    ['N without a mark keeps its default', {}, 'next-event', { index: null, via: 'key' }, false, ['event 1']],
    ['Shift+N goes to the previous mark', { hasMarks: true }, 'previous-event', { index: null, via: 'key' }, true, ['event -1']],
    ['Shift+I sets the in mark', {}, 'mark-in', { index: null, via: 'key' }, true, ['markIn']],
    ['Shift+E without a selection does nothing', {}, 'export-selection', { index: null, via: 'key' }, false, ['exportSelection']],
  ] as const)('%s', (_what, state, id, target, handled, calls) => {
    const wall = recording(state);
    expect(wall.commands[id]({ ...target })).toBe(handled);
    expect(wall.calls).toEqual(calls);
  });

  it('zooms a camera tile in by one step about its centre', () => {
    const wall = recording();
    expect(wall.commands['zoom-in']({ index: 0, via: 'key' })).toBe(true);
    expect(wall.calls).toEqual(['setZoom 0 {"scale":1.25,"x":-0.125,"y":-0.125}']);
  });
});

describe('Export… from the tile menu', () => {
  it('opens the export dialog for a tile with a camera, and does nothing on an empty one', () => {
    const { commands, calls } = recording();
    expect(commands.export({ index: 0, via: 'menu' })).toBe(true);
    expect(commands.export({ index: 1, via: 'menu' })).toBe(false);
    expect(calls).toEqual(['openExport 0']);
  });
});

describe('tileMenuItems', () => {
  it('says what each action would do on this tile, and disables what cannot apply', () => {
    const items = tileMenuItems({ cell: { ...empty, w: 2 }, maximised: true, swapFrom: 3, selected: 1, zoom: noZoom });
    expect(items.map((i) => `${i.label}${i.disabled ? ' (disabled)' : ''}${i.checked ? ' ●' : ''}`)).toEqual([
      'Restore the wall',
      'Find a camera for this tile…',
      'Remove camera (disabled)',
      'Swap with tile 4',
      'Merge selected tiles (disabled)',
      'Split tile',
      'Reset zoom (disabled)',
      'Show this camera everywhere (disabled)',
      'Export… (disabled)',
      'Stream: automatic (disabled) ●',
      'Stream: main (full quality) (disabled)',
      'Stream: sub (light) (disabled)',
    ]);
  });
});
