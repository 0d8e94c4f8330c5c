/**
 * GET /feeds: live feed URLs per camera and stream type. Only the URL kinds asked for in
 * `include` appear; `hlsUrl` exists for "main" only; an offline camera has no feeds (200 with
 * empty results, as EEN answers). `totalSize` counts every feed of the account, not the filtered set.
 *
 * URL kinds simulated: hlsUrl, multipartUrl, flvUrl (media host, media-session cookie),
 * rtspUrl (the media layer's real RTSP server; the client appends &access_token=…, which that
 * server does not check) and localRtspUrl (the same server without the cloud query).
 * rtspsUrl, webRtcUrl and audioPushHttpsUrl are not simulated and are left out.
 */
import { randomUUID } from 'node:crypto';
import { checkParams, findCamera, type EenEnv, type RouteContext } from './env.js';
import type { DirectoryCamera } from './cameras.js';
import { fail } from './errors.js';
import { sendJson } from './http.js';
import { profileOf, type EenStreamType } from './media.js';
import { pageSizeFrom, pageStart, paginate } from './pagination.js';

const feedIncludes = ['flvUrl', 'rtspUrl', 'rtspsUrl', 'localRtspUrl', 'hlsUrl', 'multipartUrl', 'webRtcUrl', 'audioPushHttpsUrl'] as const;
type FeedInclude = (typeof feedIncludes)[number];
const feedTypes = ['main', 'preview', 'talkdown'] as const;

/** Appends the cloud query (esn, stream_session) so a client can add &access_token= as EEN documents. */
export function cloudRtspUrl(base: string, esn: string, session: string): string {
  const sep = base.includes('?') ? '&' : '?';
  return `${base}${sep}esn=${esn}&stream_session=${session}`;
}

function liveUrl(env: EenEnv, type: EenStreamType, kind: 'hls' | 'multipart' | 'flv', esn: string, session: string): string {
  return `${env.mediaUrl}/media/streams/${type}/${kind}?esn=${esn}&stream_session=${session}`;
}

export function feedsOf(env: EenEnv, camera: DirectoryCamera, types: readonly EenStreamType[], include: ReadonlySet<FeedInclude>): Record<string, unknown>[] {
  const media = camera.media;
  if (!media || !env.ctx.media.isOnline(media.index)) return [];
  const session = randomUUID();
  return types.map((type) => {
    const feed: Record<string, unknown> = { id: `${camera.esn}-${type}`, type, deviceId: camera.esn, mediaType: 'video' };
    const rtsp = env.ctx.media.rtspUrl(media.index, profileOf(type));
    if (include.has('hlsUrl') && type === 'main') feed.hlsUrl = liveUrl(env, type, 'hls', camera.esn, session);
    if (include.has('multipartUrl')) feed.multipartUrl = liveUrl(env, type, 'multipart', camera.esn, session);
    if (include.has('flvUrl')) feed.flvUrl = liveUrl(env, type, 'flv', camera.esn, session);
    if (include.has('rtspUrl') && rtsp) feed.rtspUrl = cloudRtspUrl(rtsp, camera.esn, session);
    if (include.has('localRtspUrl') && rtsp) feed.localRtspUrl = rtsp;
    return feed;
  });
}

export function listFeeds(rc: RouteContext): void {
  const { query, env } = rc;
  const deviceId = query.string('deviceId');
  const deviceIds = query.list('deviceId__in');
  const type = query.oneOf('type', feedTypes);
  const include = new Set(query.enumList('include', feedIncludes) ?? []);
  const pageSize = pageSizeFrom(query.string('pageSize'), env.options.pageSizeCap);
  const pageToken = query.string('pageToken');
  checkParams(rc);
  const wanted = [...(deviceId ? [deviceId] : []), ...(deviceIds ?? [])].map((id) => id.toLowerCase());
  for (const id of wanted) if (!findCamera(env, id)) throw fail.notFound(`Device ${id} not found`);
  const cameras = wanted.length ? env.directory.filter((c) => wanted.includes(c.esn)) : env.directory;
  // No speakers are simulated, so "talkdown" feeds never exist.
  const types: EenStreamType[] = type === 'talkdown' ? [] : type ? [type] : ['main', 'preview'];
  const items = cameras.flatMap((camera) => feedsOf(env, camera, types, include));
  const totalSize = env.directory.reduce((n, c) => n + feedsOf(env, c, ['main', 'preview'], new Set()).length, 0);
  const start = pageStart('feeds', query.fingerprint(), pageToken, env.ctx.now());
  const page = paginate(items, start, pageSize, env.options.emptyPageToken);
  sendJson(rc.res, 200, { nextPageToken: page.nextPageToken, prevPageToken: page.prevPageToken, totalSize, results: page.results });
}
