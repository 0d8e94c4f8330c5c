/**
 * The API host (api.cXXX.eagleeyenetworks.com, the `httpsBaseUrl` of the token answer): every
 * /api/v3.0 route, Bearer authentication, and ApiV3Error answers for every failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimNotFound, SimOffline, type SimService } from '../types.js';
import { getLayout, layoutsOf, listLayouts, usersSelf } from './account.js';
import { cameraIncludes, cameraResource, filterCameras, parseSort, readCameraFilters, sortCameras, statusOf } from './cameras.js';
import { checkParams, requireCamera, type EenEnv, type RouteContext } from './env.js';
import { ApiV3Failure, fail, sendFailure } from './errors.js';
import { listEvents } from './events.js';
import { ExportService } from './exports.js';
import { listFeeds } from './feeds.js';
import { Query, bearerToken, sendJson } from './http.js';
import { listMedia, listRecordedImageFieldValues, liveImage, mediaSession, recordedImage } from './media.js';
import { pageSizeFrom, pageStart, paginate } from './pagination.js';

type Handler = (rc: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const id = '([^/:]+)';

export function createApiService(env: EenEnv): SimService {
  const exports = new ExportService(env);
  const status = (esn: string) => {
    const cam = env.directory.find((c) => c.esn === esn);
    return cam ? statusOf(cam, env.ctx.media, env.options) : 'unknown';
  };
  const createMs = env.ctx.media.historyStartMs - 30 * 24 * 3600 * 1000;

  function listCameras(rc: RouteContext): void {
    const { query } = rc;
    const filters = readCameraFilters(query);
    const layoutId = query.string('layoutId');
    if (layoutId !== undefined) {
      const layout = layoutsOf(env).find((l) => l.id === layoutId);
      filters.layoutCameras = layout?.cameraIds ?? [];
    }
    const include = new Set(query.enumList('include', cameraIncludes) ?? []);
    const sort = parseSort(query.list('sort'), filters.q !== undefined);
    const pageSize = pageSizeFrom(query.string('pageSize'), env.options.pageSizeCap);
    const pageToken = query.string('pageToken');
    // Accepted and ignored: nothing here is shared, multi-camera or speaker-linked.
    for (const name of ['multiCameraId', 'multiCameraId__ne', 'multiCameraId__in', 'packages__contains', 'shared', 'sharedCameraAccount', 'firstResponder', 'directToCloud', 'speakerId__in', 'qRelevance__gte', 'enabledAnalytics__contains']) {
      query.string(name);
    }
    checkParams(rc);
    const start = pageStart('cameras', query.fingerprint(), pageToken, env.ctx.now());
    const matching = sortCameras(filterCameras(env.directory, filters, (c) => statusOf(c, env.ctx.media, env.options)), sort);
    const items = matching.map((c) => cameraResource(c, statusOf(c, env.ctx.media, env.options), include, createMs));
    const page = paginate(items, start, pageSize, env.options.emptyPageToken);
    // totalSize is every camera of the account, not the filtered count (spec and EEN's notes).
    sendJson(rc.res, 200, { nextPageToken: page.nextPageToken, prevPageToken: page.prevPageToken, totalSize: env.directory.length, results: page.results });
  }

  function getCamera(rc: RouteContext): void {
    const include = new Set(rc.query.enumList('include', cameraIncludes) ?? []);
    checkParams(rc);
    const camera = requireCamera(env, rc.params[0]!);
    sendJson(rc.res, 200, cameraResource(camera, statusOf(camera, env.ctx.media, env.options), include, createMs));
  }

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/users\/self$/, handler: usersSelf },
    { method: 'GET', pattern: /^\/cameras$/, handler: listCameras },
    { method: 'GET', pattern: new RegExp(`^/cameras/${id}$`), handler: getCamera },
    { method: 'GET', pattern: /^\/layouts$/, handler: (rc) => listLayouts(rc, status) },
    { method: 'GET', pattern: new RegExp(`^/layouts/${id}$`), handler: (rc) => getLayout(rc, status) },
    { method: 'GET', pattern: /^\/feeds$/, handler: listFeeds },
    { method: 'GET', pattern: /^\/media$/, handler: listMedia },
    { method: 'GET', pattern: /^\/events$/, handler: listEvents },
    { method: 'GET', pattern: /^\/media\/recordedImage\.jpeg$/, handler: recordedImage },
    { method: 'GET', pattern: /^\/media\/recordedImage\.jpeg:listFieldValues$/, handler: listRecordedImageFieldValues },
    { method: 'GET', pattern: /^\/media\/liveImage\.jpeg$/, handler: liveImage },
    { method: 'GET', pattern: /^\/media\/session$/, handler: mediaSession },
    { method: 'POST', pattern: /^\/exports$/, handler: (rc) => exports.createExport(rc) },
    { method: 'GET', pattern: /^\/jobs$/, handler: (rc) => exports.listJobs(rc) },
    { method: 'GET', pattern: new RegExp(`^/jobs/${id}$`), handler: (rc) => exports.getJob(rc) },
    { method: 'DELETE', pattern: new RegExp(`^/jobs/${id}$`), handler: (rc) => exports.deleteJob(rc) },
    { method: 'GET', pattern: /^\/files$/, handler: (rc) => exports.listFiles(rc, false) },
    { method: 'GET', pattern: new RegExp(`^/files/${id}$`), handler: (rc) => exports.getFile(rc, false) },
    { method: 'DELETE', pattern: new RegExp(`^/files/${id}$`), handler: (rc) => exports.deleteFile(rc) },
    { method: 'GET', pattern: new RegExp(`^/files/${id}:download$`), handler: (rc) => exports.downloadFile(rc, false) },
    { method: 'GET', pattern: /^\/downloads$/, handler: (rc) => exports.listFiles(rc, true) },
    { method: 'GET', pattern: new RegExp(`^/downloads/${id}$`), handler: (rc) => exports.getFile(rc, true) },
    { method: 'GET', pattern: new RegExp(`^/downloads/${id}:download$`), handler: (rc) => exports.downloadFile(rc, true) },
  ];

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const prefix = '/api/v3.0';
    if (!url.pathname.startsWith(`${prefix}/`)) throw fail.endpoint();
    const path = url.pathname.slice(prefix.length);
    const matching = routes.map((r) => ({ r, m: r.pattern.exec(path) })).filter((x) => x.m !== null);
    if (matching.length === 0) throw fail.endpoint();
    // Authentication before method checks: an unauthenticated caller learns nothing.
    const token = bearerToken(req);
    const access = token ? env.store.verifyAccess(token) : null;
    if (!access) throw fail.unauthenticated();
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const hit = matching.find((x) => x.r.method === method);
    if (!hit) throw fail.method();
    const params = hit.m!.slice(1).map((p) => decodeURIComponent(p!));
    await hit.r.handler({ req, res, url, query: new Query(url.searchParams), params, access, env });
  }

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://api.invalid');
      try {
        await route(req, res, url);
      } catch (err) {
        // The media layer says "offline" when a camera dropped between our check and its work.
        if (err instanceof SimOffline) return sendFailure(res, fail.unavailable('The device is offline'), url.pathname, req.method ?? 'GET');
        if (err instanceof SimNotFound) return sendFailure(res, fail.notFound(err.message || 'Not found'), url.pathname, req.method ?? 'GET');
        if (err instanceof ApiV3Failure) return sendFailure(res, err, url.pathname, req.method ?? 'GET');
        throw err;
      }
    },
    close: () => exports.close(),
  };
}

