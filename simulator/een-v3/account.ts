/**
 * The signed-in user (/users/self) and the account's server-side layouts (/layouts, read-only).
 * v3 layouts have panes of type preview, sizes 1–3, and no carousel (unlike v1).
 */
import { accountId, parseSort } from './cameras.js';
import { checkParams, type EenEnv, type RouteContext } from './env.js';
import { fail } from './errors.js';
import { sendJson } from './http.js';
import { pageSizeFrom, pageStart, paginate } from './pagination.js';
import { formatTimestamp } from './timestamps.js';

const userIncludes = ['loginDetails', 'locationSummary', 'contactDetails', 'timeZone', 'support', 'status', 'permissions', 'layoutSettings', 'previewSettings', 'effectivePermissions', 'timeSettings'] as const;

export function usersSelf(rc: RouteContext): void {
  const include = new Set(rc.query.enumList('include', userIncludes) ?? []);
  checkParams(rc);
  const { env } = rc;
  const [first, ...rest] = (env.ctx.username.split('@')[0] ?? 'operator').split(/[._-]/);
  const user: Record<string, unknown> = {
    id: env.userId,
    createTimestamp: formatTimestamp(env.ctx.media.historyStartMs - 30 * 24 * 3600 * 1000),
    firstName: capitalise(first ?? 'Operator'),
    lastName: capitalise(rest.join(' ') || 'Demo'),
    email: env.ctx.username,
    accountId,
    locationId: null,
    language: 'en',
    employeeId: null,
  };
  if (include.has('status')) user.status = { loginStatus: 'active' };
  if (include.has('loginDetails')) user.loginDetails = { lastLogin: formatTimestamp(env.ctx.now()) };
  if (include.has('timeZone')) user.timeZone = { timeZone: 'UTC' };
  if (include.has('contactDetails')) user.contactDetails = { alternateEmail: env.ctx.username, phone: '' };
  if (include.has('permissions')) {
    user.permissions = { administrator: false, viewLiveVideo: true, viewHistoricVideo: true, downloadVideo: true, viewPreviewVideo: true, controlPTZ: false, createLayouts: false, viewArchive: true, editArchive: true };
  }
  if (include.has('layoutSettings')) user.layoutSettings = { rotationInterval: 30, rotationOrder: layoutsOf(env).map((l) => l.id) };
  if (include.has('previewSettings')) user.previewSettings = { showMotionBoxes: false, showAnalytics: false, showPluginExtensions: false };
  if (include.has('effectivePermissions')) user.effectivePermissions = { read: true, delete: false, edit: true };
  if (include.has('timeSettings')) user.timeSettings = { showMilliseconds: false, format: '24h' };
  sendJson(rc.res, 200, user);
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

interface Layout {
  id: string;
  name: string;
  cameraIds: string[];
  columns: number;
}

/** Two fixed layouts made from the cameras: every camera, and the first four as a 2×2 wall. */
export function layoutsOf(env: EenEnv): Layout[] {
  const all = env.directory.map((c) => c.esn);
  return [
    { id: '5f1d0c9e-0000-4000-8000-000000000001', name: 'All cameras', cameraIds: all, columns: Math.min(6, Math.max(1, Math.ceil(Math.sqrt(all.length)))) },
    { id: '5f1d0c9e-0000-4000-8000-000000000002', name: 'Lobby wall', cameraIds: all.slice(0, 4), columns: 2 },
  ];
}

const layoutIncludes = ['effectivePermissions', 'resourceCounts', 'resourceStatusCounts', 'qRelevance'] as const;

function layoutResource(layout: Layout, include: ReadonlySet<string>, statusOf: (esn: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: layout.id,
    name: layout.name,
    accountId,
    panes: layout.cameraIds.map((cameraId, i) => ({ id: i + 1, name: `Pane ${i + 1}`, type: 'preview', size: 1, cameraId, compositeId: null })),
    settings: { showCameraBorder: true, showCameraName: true, cameraAspectRatio: '16x9', paneColumns: layout.columns },
  };
  if (include.has('effectivePermissions')) out.effectivePermissions = { read: true, edit: false, delete: false };
  if (include.has('resourceCounts')) out.resourceCounts = { cameras: layout.cameraIds.length };
  if (include.has('resourceStatusCounts')) {
    const counts: Record<string, number> = { online: 0, deviceOffline: 0, off: 0, bridgeOffline: 0, invalidCredentials: 0, error: 0, unknown: 0 };
    for (const id of layout.cameraIds) counts[statusOf(id)] = (counts[statusOf(id)] ?? 0) + 1;
    out.resourceStatusCounts = { cameras: counts };
  }
  return out;
}

export function listLayouts(rc: RouteContext, statusOf: (esn: string) => string): void {
  const { query, env } = rc;
  const include = new Set(query.enumList('include', layoutIncludes) ?? []);
  const sort = parseSort(query.list('sort'), false, ['name', 'rotationOrder', 'qRelevance']);
  const name = query.string('name')?.toLowerCase();
  const nameIn = query.list('name__in')?.map((n) => n.toLowerCase());
  const nameContains = query.string('name__contains')?.toLowerCase();
  const ids = query.list('id__in');
  const pageSize = pageSizeFrom(query.string('pageSize'), env.options.pageSizeCap);
  const pageToken = query.string('pageToken');
  checkParams(rc);
  const descending = sort.some((s) => s.key === 'name' && s.descending);
  const items = layoutsOf(env)
    .filter((l) => (name === undefined || l.name.toLowerCase() === name) && (!nameIn || nameIn.includes(l.name.toLowerCase())))
    .filter((l) => (nameContains === undefined || l.name.toLowerCase().includes(nameContains)) && (!ids || ids.includes(l.id)))
    .sort((a, b) => (descending ? -1 : 1) * a.name.localeCompare(b.name))
    .map((l) => layoutResource(l, include, statusOf));
  const start = pageStart('layouts', query.fingerprint(), pageToken, env.ctx.now());
  const page = paginate(items, start, pageSize, env.options.emptyPageToken);
  sendJson(rc.res, 200, { nextPageToken: page.nextPageToken, prevPageToken: page.prevPageToken, totalSize: layoutsOf(env).length, results: page.results });
}

export function getLayout(rc: RouteContext, statusOf: (esn: string) => string): void {
  const include = new Set(rc.query.enumList('include', layoutIncludes) ?? []);
  checkParams(rc);
  const layout = layoutsOf(rc.env).find((l) => l.id === rc.params[0]);
  if (!layout) throw fail.notFound(`Layout ${rc.params[0]} not found`);
  sendJson(rc.res, 200, layoutResource(layout, include, statusOf));
}
