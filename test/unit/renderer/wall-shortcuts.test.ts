/** The wall's key table: what each key press means, and that the help lists every key the wall acts on. */
import { describe, expect, it } from 'vitest';
import { presetIds } from '../../../renderer/src/domain/grid-model.js';
import { readDrop } from '../../../renderer/src/wall/drag-data.js';
import { presetKeys, shortcutGroups, shortcuts, wallKey, type WallKey } from '../../../renderer/src/wall/shortcuts.js';

type Press = { key: string; code?: string; shift?: boolean; ctrl?: boolean; alt?: boolean };
const press = ({ key, code = '', shift = false, ctrl = false, alt = false }: Press) => ({ key, code, shiftKey: shift, ctrlKey: ctrl, altKey: alt, metaKey: false });

describe('wallKey', () => {
  it.each<[string, Press, boolean, WallKey | undefined]>([
    ['arrow moves focus', { key: 'ArrowRight' }, false, { id: 'focus-move', direction: 'right' }],
    ['arrow pans a zoomed tile', { key: 'ArrowUp' }, true, { id: 'pan', direction: 'up' }],
    ['Shift+arrow extends the selection', { key: 'ArrowLeft', shift: true }, true, { id: 'select-extend', direction: 'left' }],
    ['Enter maximises', { key: 'Enter' }, false, { id: 'maximise' }],
    ['Delete removes', { key: 'Delete' }, false, { id: 'remove' }],
    ['Backspace removes', { key: 'Backspace' }, false, { id: 'remove' }],
    ['ContextMenu opens the menu', { key: 'ContextMenu' }, false, { id: 'menu' }],
    ['Shift+F10 opens the menu', { key: 'F10', shift: true }, false, { id: 'menu' }],
    ['F10 alone is not ours', { key: 'F10' }, false, undefined],
    ['M merges', { key: 'm' }, false, { id: 'merge' }],
    ['Shift+M is not merge', { key: 'M', shift: true }, false, undefined],
    ['S splits', { key: 's' }, false, { id: 'split' }],
    ['Ctrl+S saves', { key: 's', ctrl: true }, false, { id: 'save' }],
    ['Ctrl+Shift+S saves as', { key: 'S', ctrl: true, shift: true }, false, { id: 'save-as' }],
    ['Ctrl+K searches', { key: 'k', ctrl: true }, false, { id: 'search' }],
    ['Ctrl+C is the browser’s', { key: 'c', ctrl: true }, false, undefined],
    ['? opens the help', { key: '?', shift: true }, false, { id: 'help' }],
    ['+ zooms in', { key: '+', shift: true }, false, { id: 'zoom-in' }],
    ['= zooms in (unshifted +)', { key: '=' }, false, { id: 'zoom-in' }],
    ['- zooms out', { key: '-' }, false, { id: 'zoom-out' }],
    ['0 resets the zoom', { key: '0', code: 'Digit0' }, false, { id: 'zoom-reset' }],
    ['2 is the 2×2 preset', { key: '2', code: 'Digit2' }, false, { id: 'preset', preset: '2×2' }],
    ['Shift+5 is 1+5 (whatever the layout prints)', { key: '%', code: 'Digit5', shift: true }, false, { id: 'preset', preset: '1+5' }],
    ['7 alone is no preset', { key: '7', code: 'Digit7' }, false, undefined],
    ['T is the tour controls’', { key: 't' }, false, undefined],
    ['] is the tour controls’', { key: ']' }, false, undefined],
    ['Alt+1 is the browser’s', { key: '1', code: 'Digit1', alt: true }, false, undefined],
    ['O toggles the overlay', { key: 'o' }, false, { id: 'overlay' }],
    ['X swaps', { key: 'x' }, false, { id: 'swap' }],
    ['E shows everywhere', { key: 'e' }, false, { id: 'everywhere' }],
    ['Escape', { key: 'Escape' }, false, { id: 'escape' }],
    ['Space plays or pauses', { key: ' ' }, false, { id: 'play-pause' }],
    [', steps back a frame', { key: ',' }, false, { id: 'frame-back' }],
    ['. steps forward a frame', { key: '.' }, false, { id: 'frame-forward' }],
    ['< (Shift+,) is slower', { key: '<', shift: true }, false, { id: 'slower' }],
    ['> (Shift+.) is faster', { key: '>', shift: true }, false, { id: 'faster' }],
    ['J plays backwards', { key: 'j' }, false, { id: 'shuttle-back' }],
    ['K pauses', { key: 'k' }, false, { id: 'shuttle-pause' }],
    ['Shift+L plays forwards', { key: 'L', shift: true }, false, { id: 'shuttle-forward' }],
    ['plain L stays the layout list', { key: 'l' }, false, { id: 'layouts' }],
    ['Ctrl+K stays the camera search', { key: 'k', ctrl: true }, false, { id: 'search' }],
    ['End goes live', { key: 'End' }, false, { id: 'live' }],
    ['G goes to a time', { key: 'g' }, false, { id: 'go-to' }],
    ['N is the next mark', { key: 'n' }, false, { id: 'next-event' }],
    ['Shift+N is the previous mark', { key: 'N', shift: true }, false, { id: 'previous-event' }],
    ['Shift+I sets the in mark (I alone is the tile info)', { key: 'I', shift: true }, false, { id: 'mark-in' }],
    ['Shift+O sets the out mark (O alone is the overlay)', { key: 'O', shift: true }, false, { id: 'mark-out' }],
    ['Shift+E exports the selection', { key: 'E', shift: true }, false, { id: 'export-selection' }],
    ['Y toggles sync', { key: 'y' }, false, { id: 'sync' }],
    ['U toggles UTC', { key: 'u' }, false, { id: 'utc' }],
  ])('%s', (_, key, zoomed, expected) => {
    expect(wallKey(press(key), zoomed)).toEqual(expected);
  });

  it('every preset has a key, and every preset key names a preset', () => {
    expect(new Set(Object.values(presetKeys))).toEqual(new Set(presetIds));
  });
});

describe('the shortcut table', () => {
  it('lists each action once, in a known group, with keys and words', () => {
    expect(new Set(shortcuts.map((s) => s.id)).size).toBe(shortcuts.length);
    for (const s of shortcuts) {
      expect(shortcutGroups).toContain(s.group);
      expect(s.keys.length).toBeGreaterThan(0);
      expect(s.description).not.toBe('');
    }
  });

  it('lists the tour and window keys other components handle', () => {
    const byId = new Map(shortcuts.map((s) => [s.id, s]));
    expect(byId.get('tour-toggle')).toMatchObject({ keys: ['T'], handledBy: 'tours' });
    expect(byId.get('tour-next')).toMatchObject({ keys: [']'], handledBy: 'tours' });
    expect(byId.get('tour-previous')).toMatchObject({ keys: ['['], handledBy: 'tours' });
    expect(byId.get('fullscreen')).toMatchObject({ keys: ['F11'], handledBy: 'window' });
  });
});

describe('readDrop', () => {
  const data = (entries: Record<string, string>) => ({ getData: (type: string) => entries[type] ?? '' });
  it.each<[string, Record<string, string>, ReturnType<typeof readDrop>]>([
    ['a camera', { 'application/x-tessera-camera': 'hq/7' }, { kind: 'camera', cameraId: 'hq/7' }],
    ['a group', { 'application/x-tessera-cameras': '["hq/1","hq/2"]' }, { kind: 'cameras', cameraIds: ['hq/1', 'hq/2'] }],
    ['a tile', { 'application/x-tessera-tile': '3' }, { kind: 'tile', index: 3 }],
    ['a group that is not JSON', { 'application/x-tessera-cameras': '[hq/1' }, undefined],
    ['a group with a non-string', { 'application/x-tessera-cameras': '["hq/1", 2]' }, undefined],
    ['a tile that is not a number', { 'application/x-tessera-tile': '1e3' }, undefined],
    ['plain text from elsewhere', { 'text/plain': 'hello' }, undefined],
  ])('%s', (_, entries, expected) => {
    expect(readDrop(data(entries))).toEqual(expected);
  });
});
