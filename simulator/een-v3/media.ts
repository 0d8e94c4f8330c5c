/**
 * Recorded and live media on the API host:
 *   GET /media                                  recording intervals (+ mp4Url/flvUrl), paginated, no totalSize
 *   GET /media/recordedImage.jpeg               seed S002: five timestamp operators or a pageToken
 *   GET /media/recordedImage.jpeg:listFieldValues
 *   GET /media/liveImage.jpeg                   type=preview only; waits for a fresh picture
 *   GET /media/session                          → {url} of the media host's cookie endpoint
 */
import type { SimCamera } from '../types.js';
import { type DirectoryCamera } from './cameras.js';
import { checkParams, requireCamera, timestampOptions, type EenEnv, type RouteContext } from './env.js';
import { fail } from './errors.js';
import { sendJson } from './http.js';
import {
  decodeImageToken,
  encodeImageToken,
  imageOperators,
  operatorOfCursor,
  selectImage,
  targetWidthFor,
  type ImageCursor,
  type ImageOperator,
  type Span,
} from './images.js';
import { pageSizeFrom, pageStart, paginate } from './pagination.js';
import { formatTimestamp } from './timestamps.js';

export type EenStreamType = 'main' | 'preview';
/** EEN's "main" is the full stream, "preview" the low-resolution one: the media layer's "sub". */
export const profileOf = (type: EenStreamType) => (type === 'main' ? 'main' : 'sub') as 'main' | 'sub';

/** Merge intervals whose end is exactly the next start (the spec's definition of "connected"). */
export function coalesceSpans(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && last.endMs === span.startMs) last.endMs = span.endMs;
    else out.push({ startMs: span.startMs, endMs: span.endMs });
  }
  return out;
}

/** Recordings of a camera overlapping [fromMs, toMs), cut at "now" (the rest is not recorded yet). */
export function recordedSpans(env: EenEnv, camera: DirectoryCamera, fromMs: number, toMs: number, nowMs: number): Span[] {
  if (!camera.media || toMs <= fromMs) return [];
  return env.ctx.media
    .segments(camera.media.index, fromMs, toMs)
    .filter((s) => s.startMs < nowMs)
    .map((s) => ({ startMs: s.startMs, endMs: Math.min(s.endMs, nowMs) }));
}

function mediaCamera(camera: DirectoryCamera): SimCamera | null {
  return camera.media;
}

export function recordedMediaUrl(env: EenEnv, format: 'mp4' | 'flv', esn: string, type: EenStreamType, span: Span): string {
  const q = new URLSearchParams({ esn, startTimestamp: formatTimestamp(span.startMs), endTimestamp: formatTimestamp(span.endMs) });
  return `${env.mediaUrl}/media/streams/${type}/${format}?${q.toString()}`;
}

const mediaIncludes = ['flvUrl', 'rtspUrl', 'rtspsUrl', 'multipartUrl', 'mp4Url'] as const;

export function listMedia(rc: RouteContext): void {
  const { query, env } = rc;
  const ts = timestampOptions(env, 'media');
  const deviceId = query.string('deviceId');
  const type = query.oneOf('type', ['main', 'preview'] as const);
  const mediaType = query.oneOf('mediaType', ['video', 'image'] as const);
  const startMs = query.timestamp('startTimestamp__gte', ts);
  const endParam = query.timestamp('endTimestamp__lte', ts);
  const coalesce = query.boolean('coalesce') ?? true;
  const include = new Set(query.enumList('include', mediaIncludes) ?? []);
  const pageSize = pageSizeFrom(query.string('pageSize'), env.options.pageSizeCap);
  const pageToken = query.string('pageToken');
  checkParams(rc);
  const missing = [
    ...(deviceId ? [] : ['deviceId']),
    ...(type ? [] : ['type']),
    ...(mediaType ? [] : ['mediaType']),
    ...(startMs === undefined ? ['startTimestamp__gte'] : []),
  ];
  if (missing.length) throw fail.missing(missing);
  const camera = requireCamera(env, deviceId!);
  const start = pageStart('media', query.fingerprint(), pageToken, env.ctx.now());
  const nowMs = start.snapshotMs;
  const endMs = Math.min(endParam ?? nowMs, nowMs);
  if (endParam !== undefined && endParam < startMs!) throw fail.wrong('endTimestamp__lte', 'must not be before startTimestamp__gte');
  const raw = recordedSpans(env, camera, startMs!, endMs + 1, nowMs).filter((s) => s.endMs > startMs! && s.startMs <= endMs);
  const spans = coalesce ? coalesceSpans(raw) : raw;
  const items = spans.map((span) => {
    const item: Record<string, unknown> = {
      type,
      deviceId: camera.esn,
      mediaType,
      startTimestamp: formatTimestamp(span.startMs),
      endTimestamp: formatTimestamp(span.endMs),
    };
    // Only the URLs that are simulated; RTSP(S) of recordings and recorded multipart are not.
    if (mediaType === 'video' && include.has('mp4Url')) item.mp4Url = recordedMediaUrl(env, 'mp4', camera.esn, type!, span);
    if (mediaType === 'video' && include.has('flvUrl')) item.flvUrl = recordedMediaUrl(env, 'flv', camera.esn, type!, span);
    return item;
  });
  const page = paginate(items, start, pageSize, env.options.emptyPageToken);
  sendJson(rc.res, 200, { nextPageToken: page.nextPageToken, prevPageToken: page.prevPageToken, results: page.results });
}

const overlayIds = [{ id: 'een.motionDetectionEvent.v1', name: 'Motion Detection', type: 'event' }];

export function listRecordedImageFieldValues(rc: RouteContext): void {
  const deviceId = rc.query.string('deviceId');
  const include = rc.query.enumList('include', ['overlayId'] as const);
  checkParams(rc);
  if (!deviceId) throw fail.missing(['deviceId']);
  requireCamera(rc.env, deviceId);
  sendJson(rc.res, 200, include ? { overlayId: overlayIds } : {});
}

function imageCadenceMs(env: EenEnv, camera: SimCamera, type: EenStreamType): number {
  // Preview images are about one a second; "main" images are frames of the full recording.
  const fps = camera.recordingFps ?? camera.profiles.main.fps;
  return type === 'preview' ? env.options.previewImageIntervalMs : Math.max(1, Math.round(1000 / fps));
}

/** Per user and camera, the last time a type=main image was asked for (EEN rate-limits these). */
const mainImageCalls = new WeakMap<EenEnv, Map<string, number>>();

function rateLimitMain(env: EenEnv, userId: string, esn: string): void {
  const gap = env.options.mainImageMinIntervalMs;
  if (gap <= 0) return;
  let calls = mainImageCalls.get(env);
  if (!calls) mainImageCalls.set(env, (calls = new Map()));
  const key = `${userId}/${esn}`;
  const now = env.ctx.now();
  const last = calls.get(key);
  if (last !== undefined && now - last < gap) throw fail.tooMany(Math.max(1, Math.ceil((gap - (now - last)) / 1000)));
  calls.set(key, now);
}

const emptyOverlaySvg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>';

export async function recordedImage(rc: RouteContext): Promise<void> {
  const { query, env } = rc;
  const tokenText = query.string('pageToken');
  let cursor: ImageCursor;
  let op: ImageOperator;
  let tMs: number;
  let overlaySvg = false;
  if (tokenText !== undefined) {
    // With a token "no other parameters are required, and any sent will be ignored" (seed).
    const decoded = decodeImageToken(tokenText);
    if (!decoded) throw fail.wrong('pageToken', 'is not a valid image token');
    cursor = decoded;
    op = operatorOfCursor(decoded);
    tMs = decoded.timestampMs;
  } else {
    const ts = timestampOptions(env, 'recordedImage');
    const deviceId = query.string('deviceId');
    const type = query.oneOf('type', ['main', 'preview'] as const);
    const given = imageOperators.filter((name) => query.has(name));
    const values = new Map(given.map((name) => [name, query.timestamp(name, ts)!] as const));
    const targetWidth = query.integer('targetWidth', 32, 7680);
    const targetHeight = query.integer('targetHeight', 32, 4320);
    const include = query.enumList('include', ['overlayEmbedded', 'overlaySvgHeader'] as const) ?? [];
    const overlays = query.list('overlayId__in');
    checkParams(rc);
    const missing = [...(deviceId ? [] : ['deviceId']), ...(type ? [] : ['type']), ...(given.length ? [] : ['timestamp'])];
    if (missing.length) throw fail.missing(missing);
    if (given.length > 1) throw fail.wrong(given[1]!, `cannot be combined with ${given[0]}: give exactly one timestamp parameter`);
    if (include.length && !overlays?.length) throw fail.missing(['overlayId__in']);
    for (const id of overlays ?? []) if (!overlayIds.some((o) => o.id === id)) throw fail.wrong('overlayId__in', `has an unknown overlay id "${id}"`);
    overlaySvg = include.includes('overlaySvgHeader');
    const camera = requireCamera(env, deviceId!);
    op = given[0]!;
    tMs = values.get(op)!;
    const profile = camera.media?.profiles[profileOf(type!)];
    const width = profile && (targetWidth !== undefined || targetHeight !== undefined) ? targetWidthFor(profile, targetWidth, targetHeight) : null;
    cursor = { deviceId: camera.esn, type: type!, timestampMs: tMs, direction: 'next', width };
  }
  const camera = requireCamera(env, cursor.deviceId);
  if (cursor.type === 'main') rateLimitMain(env, rc.access.userId, camera.esn);
  const media = mediaCamera(camera);
  if (!media) throw fail.notFound('No recording is available at the given timestamp');
  const now = env.ctx.now();
  const cadence = imageCadenceMs(env, media, cursor.type);
  const forward = op === 'timestamp__gte' || op === 'timestamp__gt';
  const from = op === 'timestamp' ? tMs : forward ? tMs : env.ctx.media.historyStartMs;
  const to = op === 'timestamp' ? tMs + 1 : forward ? now + 1 : Math.min(tMs, now) + 1;
  const spans = recordedSpans(env, camera, from, to, now);
  const chosen = selectImage(spans, op, tMs, cadence, now, env.options.exactTimestampMatch);
  if (chosen === null) throw fail.notFound('No recording is available at the given timestamp');
  const profile = media.profiles[profileOf(cursor.type)];
  const still = await env.ctx.media.recordedStill(media.index, chosen, cursor.width ?? profile.width);
  if (!still) throw fail.notFound('No recording is available at the given timestamp');
  const headers: Record<string, string> = {
    'content-type': 'image/jpeg',
    'content-length': String(still.jpeg.length),
    'x-een-timestamp': formatTimestamp(chosen),
    'x-een-nexttoken': encodeImageToken({ ...cursor, timestampMs: chosen, direction: 'next' }),
    'x-een-prevtoken': encodeImageToken({ ...cursor, timestampMs: chosen, direction: 'prev' }),
    'cache-control': 'private, max-age=3600',
  };
  // Overlays are not drawn: an empty SVG keeps the header contract for clients that ask.
  if (overlaySvg) headers['x-een-overlaysvg'] = emptyOverlaySvg;
  rc.res.writeHead(200, headers);
  rc.res.end(still.jpeg);
}

export async function liveImage(rc: RouteContext): Promise<void> {
  const { query, env } = rc;
  const deviceId = query.string('deviceId');
  const type = query.string('type');
  checkParams(rc);
  const missing = [...(deviceId ? [] : ['deviceId']), ...(type ? [] : ['type'])];
  if (missing.length) throw fail.missing(missing);
  if (type !== 'preview') throw fail.wrong('type', 'must be preview (the only live image type)');
  const camera = requireCamera(env, deviceId!);
  if (!camera.media || !env.ctx.media.isOnline(camera.media.index)) throw fail.unavailable('The device is not available');
  const still = await env.ctx.media.liveStill(camera.media.index, camera.media.profiles.sub.width);
  rc.res.writeHead(200, {
    'content-type': 'image/jpeg',
    'content-length': String(still.jpeg.length),
    'x-een-timestamp': formatTimestamp(still.timestampMs),
    'x-een-prevtoken': encodeImageToken({ deviceId: camera.esn, type: 'preview', timestampMs: still.timestampMs, direction: 'prev', width: null }),
    'cache-control': 'no-store',
  });
  rc.res.end(still.jpeg);
}

export function mediaSession(rc: RouteContext): void {
  checkParams(rc);
  const url = `${rc.env.mediaUrl}/media/session`;
  if (rc.env.options.mediaSessionMode === 'redirect') return sendJson(rc.res, 307, { url }, { location: url });
  sendJson(rc.res, 200, { url });
}
