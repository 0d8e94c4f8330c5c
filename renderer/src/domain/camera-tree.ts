/**
 * The camera panel's model, pure: the tree built from the merged camera list (site → group →
 * camera), search filtering, the rows a keyboard user walks through, the WAI-ARIA tree keyboard
 * rules, and which thumbnails are due for a refresh. No Vue, no DOM, no timers: the components
 * are views over these functions.
 */
import type { Camera, CameraState } from '../../../preload/contract/index.js';

export type TreeNodeKind = 'site' | 'group' | 'camera';

export interface TreeNode {
  /** Unique in the tree: "site:<siteId>", "group:<siteId>:<group>", "camera:<cameraId>". */
  key: string;
  kind: TreeNodeKind;
  label: string;
  /** Every camera below this node (a camera: itself), in display order: what a drag carries. */
  cameraIds: string[];
  camera?: Camera;
  children: TreeNode[];
}

/** The group of cameras the VMS put in no group. */
export const ungroupedLabel = 'Ungrouped';

// Numeric so that "Lobby 2" sorts before "Lobby 10", as operators number cameras.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const byLabel = (a: TreeNode, b: TreeNode): number => collator.compare(a.label, b.label) || a.key.localeCompare(b.key);

export function siteKey(siteId: string): string {
  return `site:${siteId}`;
}
export function groupKey(siteId: string, group: string): string {
  return `group:${siteId}:${group}`;
}
export function cameraKey(cameraId: string): string {
  return `camera:${cameraId}`;
}

function groupOf(camera: Camera): string {
  return camera.groups[0]?.trim() || ungroupedLabel;
}

/** Sites by name, groups by name ("Ungrouped" last), cameras by name. */
export function buildCameraTree(cameras: readonly Camera[]): TreeNode[] {
  const sites = new Map<string, { label: string; groups: Map<string, Camera[]> }>();
  for (const camera of cameras) {
    const site = sites.get(camera.siteId) ?? { label: camera.siteName, groups: new Map<string, Camera[]>() };
    sites.set(camera.siteId, site);
    const group = groupOf(camera);
    site.groups.set(group, [...(site.groups.get(group) ?? []), camera]);
  }
  const tree: TreeNode[] = [];
  for (const [siteId, site] of sites) {
    const groups: TreeNode[] = [];
    for (const [group, members] of site.groups) {
      const children = members
        .map((camera): TreeNode => ({ key: cameraKey(camera.id), kind: 'camera', label: camera.name, cameraIds: [camera.id], camera, children: [] }))
        .sort(byLabel);
      groups.push({ key: groupKey(siteId, group), kind: 'group', label: group, cameraIds: children.flatMap((c) => c.cameraIds), children });
    }
    groups.sort((a, b) => Number(a.label === ungroupedLabel) - Number(b.label === ungroupedLabel) || byLabel(a, b));
    tree.push({ key: siteKey(siteId), kind: 'site', label: site.label, cameraIds: groups.flatMap((g) => g.cameraIds), children: groups });
  }
  return tree.sort(byLabel);
}

/** Lower case without accents, so "cafe" finds "Café". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Keeps the cameras that match every word of the query in their own name, their group's name or
 * their site's name ("hq lobby": the lobby cameras of site HQ), and the sites and groups above
 * them. An empty query keeps everything.
 */
export function filterTree(tree: readonly TreeNode[], query: string): TreeNode[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...tree];
  const walk = (nodes: readonly TreeNode[], context: string): TreeNode[] =>
    nodes.flatMap((node) => {
      const text = `${context} ${fold(node.label)}`;
      if (node.kind === 'camera') return words.every((w) => text.includes(w)) ? [node] : [];
      const children = walk(node.children, text);
      return children.length ? [{ ...node, children, cameraIds: children.flatMap((c) => c.cameraIds) }] : [];
    });
  return walk(tree, '');
}

/** One row of the flattened tree as the keyboard and screen readers see it. */
export interface TreeRow {
  key: string;
  node: TreeNode;
  /** aria-level: 1 for sites, 2 for groups, 3 for cameras. */
  level: number;
  parentKey?: string;
  /** aria-setsize / aria-posinset among its siblings (1-based). */
  setSize: number;
  posInSet: number;
  expandable: boolean;
  expanded: boolean;
}

/**
 * The rows that are shown: every node whose ancestors are all expanded. Collapsed keys are kept
 * (not expanded ones) so a site or group that appears later starts open.
 */
export function visibleRows(tree: readonly TreeNode[], collapsed: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (nodes: readonly TreeNode[], level: number, parentKey: string | undefined): void => {
    nodes.forEach((node, index) => {
      const expandable = node.children.length > 0;
      const expanded = expandable && !collapsed.has(node.key);
      rows.push({ key: node.key, node, level, ...(parentKey ? { parentKey } : {}), setSize: nodes.length, posInSet: index + 1, expandable, expanded });
      if (expanded) walk(node.children, level + 1, node.key);
    });
  };
  walk(tree, 1, undefined);
  return rows;
}

export type TreeAction =
  | { kind: 'focus'; key: string }
  | { kind: 'expand'; key: string }
  | { kind: 'collapse'; key: string }
  /** Enter on a camera: put it on the wall. */
  | { kind: 'place'; cameraId: string }
  | { kind: 'none' };

const none: TreeAction = { kind: 'none' };

/**
 * What a key does in the tree, after the WAI-ARIA tree view pattern: ↓/↑ move through the
 * shown rows; → opens a closed parent or enters an open one; ← closes an open parent or goes to
 * the parent; Home/End go to the first/last row; Enter places a camera or toggles a parent.
 * Unknown keys (and an empty tree) do nothing, so the browser keeps its own behaviour.
 */
export function treeKeyAction(rows: readonly TreeRow[], focusedKey: string | undefined, key: string): TreeAction {
  if (rows.length === 0) return none;
  const index = rows.findIndex((r) => r.key === focusedKey);
  const row = rows[index];
  const focus = (target: TreeRow | undefined): TreeAction => (target ? { kind: 'focus', key: target.key } : none);
  if (!row) return key === 'ArrowDown' || key === 'ArrowUp' || key === 'Home' || key === 'End' ? focus(key === 'End' || key === 'ArrowUp' ? rows.at(-1) : rows[0]) : none;
  switch (key) {
    case 'ArrowDown':
      return focus(rows[index + 1]);
    case 'ArrowUp':
      return focus(rows[index - 1]);
    case 'Home':
      return focus(rows[0]);
    case 'End':
      return focus(rows.at(-1));
    case 'ArrowRight':
      if (!row.expandable) return none;
      return row.expanded ? focus(rows[index + 1]) : { kind: 'expand', key: row.key };
    case 'ArrowLeft':
      if (row.expandable && row.expanded) return { kind: 'collapse', key: row.key };
      return row.parentKey ? { kind: 'focus', key: row.parentKey } : none;
    case 'Enter':
      if (row.node.camera) return { kind: 'place', cameraId: row.node.camera.id };
      return row.expanded ? { kind: 'collapse', key: row.key } : { kind: 'expand', key: row.key };
    default:
      return none;
  }
}

/**
 * Type-ahead: the next row (after the focused one, wrapping) whose label starts with what was
 * typed. While a longer prefix is being typed the focused row itself may still match, so the
 * search starts there; a single letter moves on, so pressing "L" repeatedly cycles the L rows.
 */
export function typeAheadTarget(rows: readonly TreeRow[], focusedKey: string | undefined, typed: string): string | undefined {
  const prefix = fold(typed);
  if (!prefix || rows.length === 0) return undefined;
  const at = Math.max(0, rows.findIndex((r) => r.key === focusedKey));
  const start = prefix.length > 1 ? at : at + 1;
  for (let step = 0; step < rows.length; step++) {
    const row = rows[(start + step) % rows.length]!;
    if (fold(row.node.label).startsWith(prefix)) return row.key;
  }
  return undefined;
}

/**
 * Where focus goes when the focused row disappears (search, collapse, a site signed out): the
 * nearest ancestor still shown, else the first row.
 */
export function reconcileFocus(rows: readonly TreeRow[], focusedKey: string | undefined, ancestors: readonly string[] = []): string | undefined {
  if (focusedKey && rows.some((r) => r.key === focusedKey)) return focusedKey;
  for (const ancestor of [...ancestors].reverse()) if (rows.some((r) => r.key === ancestor)) return ancestor;
  return rows[0]?.key;
}

/**
 * After the rows changed (a list update, search, collapse): the tabbable row, and whether focus
 * must follow it. Only a focused row that left the tree moves focus; a tree with no row chosen
 * yet just gets a tabbable row, so a routine list update never pulls focus (or the scroll
 * position) away from where the operator is.
 */
export function focusAfterRowsChange(rows: readonly TreeRow[], focusedKey: string | undefined, ancestors: readonly string[] = []): { key: string | undefined; moveFocus: boolean } {
  const key = reconcileFocus(rows, focusedKey, ancestors);
  return { key, moveFocus: focusedKey !== undefined && key !== undefined && key !== focusedKey };
}

/** The keys of the site and group above a node (outermost first), for reconcileFocus. */
export function ancestorKeys(tree: readonly TreeNode[], key: string): string[] {
  const path: string[] = [];
  const walk = (nodes: readonly TreeNode[]): boolean =>
    nodes.some((node) => {
      if (node.key === key) return true;
      path.push(node.key);
      if (walk(node.children)) return true;
      path.pop();
      return false;
    });
  return walk(tree) ? path : [];
}

/** Plain words for a camera state. */
export const cameraStateWords: Record<CameraState, string> = {
  online: 'Online',
  offline: 'Offline',
  off: 'Turned off',
  unauthorized: 'Access refused',
  unknown: 'Status unknown',
};

/** What a screen reader says after the camera's name: its state, why, and whether it records. */
export function describeCamera(camera: Camera): string {
  const state = camera.stateDetail && camera.state !== 'online' ? `${cameraStateWords[camera.state]}: ${camera.stateDetail}` : cameraStateWords[camera.state];
  return camera.recording ? `${state}, recording` : state;
}

/** Only cameras that can answer get asked for a picture; an offline one would only fail. */
export function wantsThumbnail(camera: Camera): boolean {
  return camera.state === 'online' || camera.state === 'unknown';
}

export interface ThumbnailTiming {
  /** When the last request for this camera ended (success or failure), epoch ms. */
  lastAttemptMs?: number;
  inFlight: boolean;
}

export interface ThumbnailPolicy {
  /** How old a thumbnail may get before it is fetched again, ms (about 15 s: "live" enough to see a scene change, cheap for the VMS). */
  refreshMs: number;
  /** Requests at once across the panel: each one may be an ffmpeg grab on the far side. */
  maxInFlight: number;
}

export const defaultThumbnailPolicy: ThumbnailPolicy = { refreshMs: 15_000, maxInFlight: 2 };

/**
 * Which visible cameras to ask for a still now: never-fetched ones first (in the order shown),
 * then the stalest that are due, as many as the in-flight budget allows.
 */
export function thumbnailsDue(
  visible: readonly string[],
  timings: ReadonlyMap<string, ThumbnailTiming>,
  nowMs: number,
  policy: ThumbnailPolicy = defaultThumbnailPolicy,
): string[] {
  const inFlight = [...timings.values()].filter((t) => t.inFlight).length;
  const budget = policy.maxInFlight - inFlight;
  if (budget <= 0) return [];
  const due = visible
    .map((id, order) => ({ id, order, last: timings.get(id) }))
    .filter(({ last }) => !last?.inFlight && (last?.lastAttemptMs === undefined || nowMs - last.lastAttemptMs >= policy.refreshMs))
    .sort((a, b) => (a.last?.lastAttemptMs ?? -Infinity) - (b.last?.lastAttemptMs ?? -Infinity) || a.order - b.order);
  return [...new Set(due.map((d) => d.id))].slice(0, budget);
}
