import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../preload/contract/index.js';
import {
  ancestorKeys,
  buildCameraTree,
  cameraKey,
  describeCamera,
  filterTree,
  focusAfterRowsChange,
  groupKey,
  reconcileFocus,
  siteKey,
  thumbnailsDue,
  treeKeyAction,
  typeAheadTarget,
  visibleRows,
  wantsThumbnail,
  type ThumbnailTiming,
  type TreeNode,
  type TreeRow,
} from '../../../renderer/src/domain/camera-tree.js';

function cam(siteId: string, name: string, extra: Partial<Camera> = {}): Camera {
  return {
    id: `${siteId}/${name.toLowerCase().replace(/\s+/g, '-')}`,
    siteId,
    siteName: siteId === 'hq' ? 'HQ' : 'Depot',
    name,
    state: 'online',
    recording: false,
    groups: [],
    profiles: [{ name: 'main' }],
    ...extra,
  };
}

const cameras: Camera[] = [
  cam('hq', 'Lobby 10', { groups: ['Entrances'] }),
  cam('hq', 'Lobby 2', { groups: ['Entrances'] }),
  cam('hq', 'Server room'),
  cam('hq', 'Car park', { groups: ['Outside'] }),
  cam('depot', 'Gate', { groups: ['Outside'] }),
  cam('depot', 'Café', { groups: [] }),
];

/** The tree as indented lines, so a test reads like the panel looks. */
function draw(nodes: readonly TreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.label}`, ...draw(n.children, depth + 1)]);
}

function drawRows(rows: readonly TreeRow[]): string[] {
  return rows.map((r) => `${'  '.repeat(r.level - 1)}${r.expandable ? (r.expanded ? '▾ ' : '▸ ') : ''}${r.node.label} [${r.posInSet}/${r.setSize}]`);
}

describe('buildCameraTree', () => {
  it('groups site → first group (or Ungrouped, last) → camera, sorted naturally by name', () => {
    expect(draw(buildCameraTree(cameras))).toEqual([
      'Depot',
      '  Outside',
      '    Gate',
      '  Ungrouped',
      '    Café',
      'HQ',
      '  Entrances',
      '    Lobby 2',
      '    Lobby 10',
      '  Outside',
      '    Car park',
      '  Ungrouped',
      '    Server room',
    ]);
  });

  it('collects the camera ids under each node in display order (what a drag carries)', () => {
    const [, hq] = buildCameraTree(cameras);
    expect(hq!.key).toBe(siteKey('hq'));
    expect(hq!.cameraIds).toEqual(['hq/lobby-2', 'hq/lobby-10', 'hq/car-park', 'hq/server-room']);
    expect(hq!.children[0]!.key).toBe(groupKey('hq', 'Entrances'));
    expect(hq!.children[0]!.cameraIds).toEqual(['hq/lobby-2', 'hq/lobby-10']);
    expect(hq!.children[0]!.children[0]!.key).toBe(cameraKey('hq/lobby-2'));
  });

  it('keeps same-named groups of different sites apart and returns nothing for no cameras', () => {
    const keys = buildCameraTree(cameras).flatMap((s) => s.children.map((g) => g.key));
    expect(keys).toContain('group:hq:Outside');
    expect(keys).toContain('group:depot:Outside');
    expect(buildCameraTree([])).toEqual([]);
  });
});

describe('filterTree', () => {
  const tree = buildCameraTree(cameras);

  it('keeps matching cameras with their site and group, case- and accent-insensitive', () => {
    expect(draw(filterTree(tree, 'LOBBY'))).toEqual(['HQ', '  Entrances', '    Lobby 2', '    Lobby 10']);
    expect(draw(filterTree(tree, 'cafe'))).toEqual(['Depot', '  Ungrouped', '    Café']);
  });

  it('matches every word against the camera, group and site names', () => {
    expect(draw(filterTree(tree, 'outside depot'))).toEqual(['Depot', '  Outside', '    Gate']);
    expect(draw(filterTree(tree, 'hq 10'))).toEqual(['HQ', '  Entrances', '    Lobby 10']);
    expect(filterTree(tree, 'hq gate')).toEqual([]);
  });

  it('recounts the camera ids of the nodes it keeps', () => {
    expect(filterTree(tree, 'lobby')[0]!.cameraIds).toEqual(['hq/lobby-2', 'hq/lobby-10']);
  });

  it('keeps everything for an empty or blank query', () => {
    expect(filterTree(tree, '   ')).toEqual(tree);
  });
});

describe('visibleRows', () => {
  const tree = buildCameraTree(cameras.filter((c) => c.siteId === 'hq'));

  it('shows everything while nothing is collapsed, with level and position in set', () => {
    expect(drawRows(visibleRows(tree, new Set()))).toEqual([
      '▾ HQ [1/1]',
      '  ▾ Entrances [1/3]',
      '    Lobby 2 [1/2]',
      '    Lobby 10 [2/2]',
      '  ▾ Outside [2/3]',
      '    Car park [1/1]',
      '  ▾ Ungrouped [3/3]',
      '    Server room [1/1]',
    ]);
  });

  it('hides the children of collapsed nodes', () => {
    expect(drawRows(visibleRows(tree, new Set([groupKey('hq', 'Entrances'), groupKey('hq', 'Outside')])))).toEqual([
      '▾ HQ [1/1]',
      '  ▸ Entrances [1/3]',
      '  ▸ Outside [2/3]',
      '  ▾ Ungrouped [3/3]',
      '    Server room [1/1]',
    ]);
    expect(drawRows(visibleRows(tree, new Set([siteKey('hq')])))).toEqual(['▸ HQ [1/1]']);
  });

  it('names each row’s parent', () => {
    const rows = visibleRows(tree, new Set());
    expect(rows.find((r) => r.key === cameraKey('hq/lobby-2'))!.parentKey).toBe(groupKey('hq', 'Entrances'));
    expect(rows[0]!.parentKey).toBeUndefined();
  });
});

describe('treeKeyAction', () => {
  const tree = buildCameraTree(cameras.filter((c) => c.siteId === 'hq'));
  const open = visibleRows(tree, new Set());
  const entrances = groupKey('hq', 'Entrances');
  const closed = visibleRows(tree, new Set([entrances]));

  it.each([
    ['ArrowDown', siteKey('hq'), { kind: 'focus', key: entrances }],
    ['ArrowDown', cameraKey('hq/lobby-10'), { kind: 'focus', key: groupKey('hq', 'Outside') }],
    ['ArrowDown', cameraKey('hq/server-room'), { kind: 'none' }],
    ['ArrowUp', cameraKey('hq/lobby-2'), { kind: 'focus', key: entrances }],
    ['ArrowUp', siteKey('hq'), { kind: 'none' }],
    ['Home', cameraKey('hq/car-park'), { kind: 'focus', key: siteKey('hq') }],
    ['End', siteKey('hq'), { kind: 'focus', key: cameraKey('hq/server-room') }],
    ['ArrowRight', entrances, { kind: 'focus', key: cameraKey('hq/lobby-2') }],
    ['ArrowRight', cameraKey('hq/lobby-2'), { kind: 'none' }],
    ['ArrowLeft', entrances, { kind: 'collapse', key: entrances }],
    ['ArrowLeft', cameraKey('hq/lobby-10'), { kind: 'focus', key: entrances }],
    ['ArrowLeft', siteKey('hq'), { kind: 'collapse', key: siteKey('hq') }],
    ['Enter', cameraKey('hq/car-park'), { kind: 'place', cameraId: 'hq/car-park' }],
    ['Enter', entrances, { kind: 'collapse', key: entrances }],
    ['a', entrances, { kind: 'none' }],
  ])('open tree: %s on %s', (key, focused, action) => {
    expect(treeKeyAction(open, focused, key)).toEqual(action);
  });

  it('opens a closed parent with → or Enter, and ← on it goes up to the site', () => {
    expect(treeKeyAction(closed, entrances, 'ArrowRight')).toEqual({ kind: 'expand', key: entrances });
    expect(treeKeyAction(closed, entrances, 'Enter')).toEqual({ kind: 'expand', key: entrances });
    expect(treeKeyAction(closed, entrances, 'ArrowLeft')).toEqual({ kind: 'focus', key: siteKey('hq') });
    expect(treeKeyAction(closed, entrances, 'ArrowDown')).toEqual({ kind: 'focus', key: groupKey('hq', 'Outside') });
  });

  it('without a focused row, arrows and Home/End land on the first or last row', () => {
    expect(treeKeyAction(open, undefined, 'ArrowDown')).toEqual({ kind: 'focus', key: siteKey('hq') });
    expect(treeKeyAction(open, 'gone', 'End')).toEqual({ kind: 'focus', key: cameraKey('hq/server-room') });
    expect(treeKeyAction(open, undefined, 'Enter')).toEqual({ kind: 'none' });
    expect(treeKeyAction([], undefined, 'ArrowDown')).toEqual({ kind: 'none' });
  });
});

describe('typeAheadTarget', () => {
  const rows = visibleRows(buildCameraTree(cameras.filter((c) => c.siteId === 'hq')), new Set());

  it('moves to the next row starting with a letter, wrapping, so a repeated letter cycles', () => {
    expect(typeAheadTarget(rows, siteKey('hq'), 'l')).toBe(cameraKey('hq/lobby-2'));
    expect(typeAheadTarget(rows, cameraKey('hq/lobby-2'), 'l')).toBe(cameraKey('hq/lobby-10'));
    expect(typeAheadTarget(rows, cameraKey('hq/lobby-10'), 'L')).toBe(cameraKey('hq/lobby-2'));
  });

  it('stays on the focused row while a longer prefix still matches it', () => {
    expect(typeAheadTarget(rows, cameraKey('hq/lobby-10'), 'lobby 1')).toBe(cameraKey('hq/lobby-10'));
    expect(typeAheadTarget(rows, cameraKey('hq/lobby-2'), 'se')).toBe(cameraKey('hq/server-room'));
    expect(typeAheadTarget(rows, siteKey('hq'), 'zz')).toBeUndefined();
  });
});

describe('reconcileFocus and ancestorKeys', () => {
  const tree = buildCameraTree(cameras);

  it('keeps a focused row that is still shown, else falls back to the nearest shown ancestor, else the first row', () => {
    const entrances = groupKey('hq', 'Entrances');
    const ancestors = ancestorKeys(tree, cameraKey('hq/lobby-2'));
    expect(ancestors).toEqual([siteKey('hq'), entrances]);
    const collapsedGroup = visibleRows(tree, new Set([entrances]));
    expect(reconcileFocus(collapsedGroup, cameraKey('hq/car-park'))).toBe(cameraKey('hq/car-park'));
    expect(reconcileFocus(collapsedGroup, cameraKey('hq/lobby-2'), ancestors)).toBe(entrances);
    expect(reconcileFocus(visibleRows(tree, new Set([siteKey('hq')])), cameraKey('hq/lobby-2'), ancestors)).toBe(siteKey('hq'));
    expect(reconcileFocus(visibleRows(filterTree(tree, 'gate'), new Set()), cameraKey('hq/lobby-2'), ancestors)).toBe(siteKey('depot'));
    expect(reconcileFocus([], 'x')).toBeUndefined();
    expect(ancestorKeys(tree, 'nope')).toEqual([]);
  });

  it('moves focus after a list update only when the focused row left the tree', () => {
    const rows = visibleRows(tree, new Set());
    // No row chosen yet (or a fresh list): a tabbable row, but focus stays where it is.
    expect(focusAfterRowsChange(rows, undefined)).toEqual({ key: rows[0]!.key, moveFocus: false });
    // The chosen row is still there: nothing moves.
    expect(focusAfterRowsChange(rows, cameraKey('hq/car-park'))).toEqual({ key: cameraKey('hq/car-park'), moveFocus: false });
    // It left (its group collapsed): focus follows to the group.
    const entrances = groupKey('hq', 'Entrances');
    const gone = focusAfterRowsChange(visibleRows(tree, new Set([entrances])), cameraKey('hq/lobby-2'), ancestorKeys(tree, cameraKey('hq/lobby-2')));
    expect(gone).toEqual({ key: entrances, moveFocus: true });
    expect(focusAfterRowsChange([], cameraKey('hq/car-park'))).toEqual({ key: undefined, moveFocus: false });
  });
});

describe('camera words', () => {
  it('says the state, why when not online, and recording', () => {
    expect(describeCamera(cam('hq', 'A', { recording: true }))).toBe('Online, recording');
    expect(describeCamera(cam('hq', 'A', { state: 'offline', stateDetail: 'not reachable (timeout)' }))).toBe('Offline: not reachable (timeout)');
    expect(describeCamera(cam('hq', 'A', { state: 'unauthorized' }))).toBe('Access refused');
  });

  it('asks only cameras that can answer for a thumbnail', () => {
    expect(['online', 'offline', 'off', 'unauthorized', 'unknown'].map((state) => wantsThumbnail(cam('hq', 'A', { state: state as Camera['state'] })))).toEqual([
      true,
      false,
      false,
      false,
      true,
    ]);
  });
});

describe('thumbnailsDue', () => {
  const policy = { refreshMs: 15_000, maxInFlight: 2 };
  const timings = (entries: Record<string, ThumbnailTiming>) => new Map(Object.entries(entries));

  it('fetches never-fetched cameras first, in the order shown, up to the in-flight budget', () => {
    expect(thumbnailsDue(['a', 'b', 'c'], timings({}), 0, policy)).toEqual(['a', 'b']);
    expect(thumbnailsDue(['a', 'b', 'c'], timings({ a: { lastAttemptMs: 1_000, inFlight: false } }), 2_000, policy)).toEqual(['b', 'c']);
  });

  it('counts requests in flight against the budget, also for cameras no longer visible', () => {
    expect(thumbnailsDue(['a', 'b', 'c'], timings({ a: { inFlight: true } }), 0, policy)).toEqual(['b']);
    expect(thumbnailsDue(['c'], timings({ a: { inFlight: true }, b: { inFlight: true } }), 0, policy)).toEqual([]);
  });

  //   time (s)  0        15       30
  //   a         |fetched |due
  //   b              |fetched  |due
  it('refreshes a camera once its picture is refreshMs old, stalest first', () => {
    const t = timings({ a: { lastAttemptMs: 0, inFlight: false }, b: { lastAttemptMs: 5_000, inFlight: false } });
    expect(thumbnailsDue(['b', 'a'], t, 14_999, policy)).toEqual([]);
    expect(thumbnailsDue(['b', 'a'], t, 15_000, policy)).toEqual(['a']);
    expect(thumbnailsDue(['b', 'a'], t, 20_000, policy)).toEqual(['a', 'b']);
  });

  it('lists a camera shown twice only once', () => {
    expect(thumbnailsDue(['a', 'a', 'b'], timings({}), 0, { refreshMs: 1, maxInFlight: 3 })).toEqual(['a', 'b']);
  });
});
