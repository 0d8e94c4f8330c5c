/**
 * Images and lists: `/asset/{asset,prev,next,after}/image.jpeg`, `/asset/list/image`,
 * `/asset/list/video`, `/pngspan/{type}.png`.
 *
 * Image lookup semantics (seed 000): `asset` = the image at the timestamp; `prev` = the latest
 * image at or before it; `after` = the first image at or after it, and 404 for `now`; `next` =
 * the first image strictly after it, and for `now` (or a moment not reached yet) the request is
 * held until that image exists. Headers: x-ee-timestamp / x-ee-prev / x-ee-next as
 * `type-YYYYMMDDhhmmss.mmm` (prev/next `unknown` when there is none yet), location of the asset
 * actually served, and cache headers only when the request was not relative to now.
 */
import type { ServerResponse } from 'node:http';
import { SimNotFound } from '../types.js';
import { param, sendJson, sendStatus, type EenRequest } from './http.js';
import { frameAfter, frameAtOrBefore, isFrame, listImages, mergeSpans, type ImageKind, type Span } from './previews.js';
import { coveredPixels, parseArgb, pointPixels, renderStrip } from './pngspan.js';
import { listVideos } from './recordings.js';
import type { EenServices } from './services.js';
import { formatEen, parseEenTimestamp, typedTimestamp } from './timestamps.js';

export type ImageMode = 'asset' | 'prev' | 'next' | 'after';

const MAX_LIST_ROWS = 20_000;

type AssetClass = 'all' | 'pre' | 'thumb';

function parseClass(raw: string | undefined): AssetClass | null {
  return raw === 'all' || raw === 'pre' || raw === 'thumb' ? raw : null;
}

/** A sorted list of image times with neighbour lookups, for one asset class. */
interface ImageSet {
  atOrBefore(t: number): number | null;
  after(t: number, inclusive: boolean): number | null;
  has(t: number): boolean;
}

function spanSet(svc: EenServices, index: number, spans: readonly Span[]): ImageSet {
  const grid = svc.world.grid(index);
  return {
    atOrBefore: (t) => frameAtOrBefore(grid, spans, t),
    after: (t, inclusive) => frameAfter(grid, spans, t, inclusive),
    has: (t) => isFrame(grid, spans, t),
  };
}

function listSet(times: readonly number[]): ImageSet {
  return {
    atOrBefore: (t) => {
      let found: number | null = null;
      for (const x of times) if (x <= t) found = x;
      return found;
    },
    after: (t, inclusive) => times.find((x) => (inclusive ? x >= t : x > t)) ?? null,
    has: (t) => times.includes(t),
  };
}

function waitUntil(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Aborts when the client goes away, so held requests and streams stop working for nobody. */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  return controller.signal;
}

export async function handleImage(svc: EenServices, req: EenRequest, res: ServerResponse, mode: ImageMode): Promise<void> {
  const { world, options } = svc;
  const id = param(req, 'id', 'c');
  const rawTs = param(req, 'timestamp', 't');
  const assetClass = parseClass(param(req, 'asset_class', 'a'));
  if (!id || rawTs === undefined || !assetClass) return sendStatus(res, 400, 'id, timestamp and asset_class (all|pre|thumb) are required');
  const ts = parseEenTimestamp(rawTs, world.now());
  if (!ts) return sendStatus(res, 400, 'timestamp is not an EEN timestamp');
  const camera = world.camera(id);
  if (!camera) return sendStatus(res, 404, 'Image not found');
  const index = camera.index;

  const thumbsOnly = assetClass === 'thumb';
  const set = thumbsOnly ? listSet(world.thumbs(index)) : spanSet(svc, index, world.imageSpans(index));
  let target: number | null;
  switch (mode) {
    case 'asset':
      target = options.assetExactMatch ? (set.has(ts.ms) ? ts.ms : null) : set.atOrBefore(ts.ms);
      break;
    case 'prev':
      target = set.atOrBefore(ts.ms);
      break;
    case 'after':
      target = ts.relative ? null : set.after(ts.ms, true);
      break;
    case 'next':
      target = set.after(ts.ms, false);
      if (target === null && !thumbsOnly) target = await waitForLiveFrame(svc, index, ts.ms, clientGone(res));
      break;
  }
  if (target === null) return sendStatus(res, 404, 'Image not found');

  const width = thumbsOnly ? options.thumbWidth : options.previewWidth;
  let jpeg: Buffer;
  try {
    if (world.isLiveMoment(index, target)) {
      jpeg = await liveStill(svc, index, target, width);
    } else {
      const still = await svc.ctx.media.recordedStill(index, target, width);
      if (!still) return sendStatus(res, 404, 'Image not found');
      jpeg = still.jpeg;
    }
  } catch (err) {
    if (err instanceof SimNotFound || !world.isStreaming(index)) return sendStatus(res, 404, 'Image not found');
    throw err;
  }

  const type = thumbsOnly ? 'thumb' : 'preview';
  const prev = set.atOrBefore(target - 1);
  const next = set.after(target, false);
  const headers: Record<string, string> = {
    'content-type': 'image/jpeg',
    'content-length': String(jpeg.length),
    'x-ee-timestamp': typedTimestamp(type, target),
    'x-ee-prev': prev === null ? 'unknown' : typedTimestamp(type, prev),
    'x-ee-next': next === null ? 'unknown' : typedTimestamp(type, next),
    location: `/asset/asset/image.jpeg?timestamp=${formatEen(target)}&id=${camera.esn}&asset_class=${assetClass}`,
    // Cache control only when the request named a fixed moment (seed: "if not now-relative").
    'cache-control': ts.relative ? 'no-cache' : 'private, max-age=86400',
  };
  res.writeHead(200, headers);
  res.end(jpeg);
}

/**
 * Live previews are rendered when first asked for and kept briefly, so every request for one
 * preview timestamp (a wall with the same camera twice, a retry) gets the same bytes and costs
 * one ffmpeg run. Keyed by camera, timestamp and width; oldest entries go first.
 */
const LIVE_STILLS_KEPT = 64;

function liveStill(svc: EenServices, index: number, tMs: number, width: number): Promise<Buffer> {
  const cache = svc.liveStills;
  const key = `${index}:${tMs}:${width}`;
  let still = cache.get(key);
  if (!still) {
    still = svc.ctx.media.liveStill(index, width).then((s) => s.jpeg);
    cache.set(key, still);
    still.catch(() => cache.delete(key));
    for (const old of cache.keys()) {
      if (cache.size <= LIVE_STILLS_KEPT) break;
      cache.delete(old);
    }
  }
  return still;
}

/**
 * `next` past the newest image: hold the request until the camera's next preview exists
 * (at most nextImageWaitMs), as the preview-chain pattern of seed 000 expects.
 */
async function waitForLiveFrame(svc: EenServices, index: number, afterMs: number, signal: AbortSignal): Promise<number | null> {
  const { world, options } = svc;
  const grid = world.grid(index);
  const deadline = world.now() + options.nextImageWaitMs;
  let from = Math.max(afterMs, world.now() - 1);
  for (;;) {
    if (!world.isStreaming(index)) {
      // An offline camera sends nothing; wait for it (bounded) in preview-sized steps.
      if (world.now() + options.previewIntervalMs > deadline) return null;
      if (!(await waitUntil(options.previewIntervalMs, signal))) return null;
      from = Math.max(afterMs, world.now() - 1);
      continue;
    }
    const frame = frameAfter(grid, [{ startMs: from, endMs: Number.MAX_SAFE_INTEGER }], from, false);
    if (frame === null || frame > deadline) return null;
    if (!(await waitUntil(frame - world.now(), signal))) return null;
    if (world.isStreaming(index)) return frame;
  }
}

function parseCount(raw: string | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  return /^-?\d+$/.test(raw.trim()) && Number(raw) !== 0 ? Number(raw) : null;
}

interface ListArgs {
  index: number;
  esn: string;
  startMs: number;
  endMs?: number;
  count?: number;
}

function listArgs(svc: EenServices, req: EenRequest, res: ServerResponse): ListArgs | null {
  const id = param(req, 'id', 'c');
  const start = parseEenTimestamp(param(req, 'start_timestamp', 't'), svc.world.now());
  const rawEnd = param(req, 'end_timestamp', 'e');
  const end = rawEnd === undefined ? undefined : parseEenTimestamp(rawEnd, svc.world.now());
  const count = parseCount(param(req, 'count'));
  if (!id || !start || end === null || count === null || (end === undefined && count === undefined)) {
    sendStatus(res, 400, 'id, start_timestamp and end_timestamp or count are required');
    return null;
  }
  const camera = svc.world.camera(id);
  if (!camera) {
    sendStatus(res, 404, 'Camera not found');
    return null;
  }
  return { index: camera.index, esn: camera.esn, startMs: start.ms, endMs: end?.ms, count };
}

export function handleImageList(svc: EenServices, req: EenRequest, res: ServerResponse): void {
  const assetClass = parseClass(param(req, 'asset_class', 'a'));
  if (!assetClass) return sendStatus(res, 400, 'asset_class (all|pre|thumb) is required');
  const args = listArgs(svc, req, res);
  if (!args) return;
  const { world } = svc;
  const classes = new Set<ImageKind>(assetClass === 'all' ? ['pre', 'thumb'] : [assetClass]);
  const rows = listImages(
    world.grid(args.index),
    world.imageSpans(args.index),
    world.thumbs(args.index),
    classes,
    { startMs: args.startMs, endMs: args.endMs, count: args.count },
    world.now() + 1,
    MAX_LIST_ROWS,
  );
  sendJson(
    res,
    200,
    rows.map((r) => ({ t: r.t, s: formatEen(r.ms) })),
  );
}

export function handleVideoList(svc: EenServices, req: EenRequest, res: ServerResponse): void {
  const args = listArgs(svc, req, res);
  if (!args) return;
  const options = param(req, 'options') ?? '';
  const rows = listVideos(args.esn, svc.world.recorded(args.index), {
    startMs: args.startMs,
    endMs: args.endMs,
    count: args.count,
    coalesce: options.split(',').includes('coalesce'),
  });
  sendJson(res, 200, rows);
}

/**
 * `/pngspan/span.png` with table video|stream (recorded clips), onoff (camera on: the whole
 * history) or register (online periods, from the offline knob's history); `/pngspan/etag.png`
 * with etag EMES (motion starts) or PRTH (thumbnails), one pixel per event. 408 when arguments
 * are missing or invalid (seed 001).
 */
export function handlePngSpan(svc: EenServices, req: EenRequest, res: ServerResponse, type: string): void {
  const { world } = svc;
  const now = world.now();
  const start = parseEenTimestamp(param(req, 'start_timestamp', 't'), now);
  const end = parseEenTimestamp(param(req, 'end_timestamp', 'e'), now);
  const rawWidth = param(req, 'width');
  const width = rawWidth !== undefined && /^\d+$/.test(rawWidth) ? Number(rawWidth) : 0;
  const fg = parseArgb(param(req, 'foreground_color'));
  const bg = parseArgb(param(req, 'background_color'));
  const id = param(req, 'id', 'c');
  if (!start || !end || end.ms <= start.ms || width < 1 || width > 100_000 || fg === null || bg === null || !id) {
    return sendStatus(res, 408, 'Required arguments are missing or invalid');
  }
  const camera = world.camera(id);
  if (!camera) return sendStatus(res, 404, 'Camera not found');
  const index = camera.index;
  const table = param(req, 'table');
  const etag = param(req, 'etag');
  let pixels: boolean[];
  let rendered: string;
  if (type === 'span') {
    let spans: Span[];
    switch (table) {
      case 'video':
      case 'stream':
        spans = world.recorded(index, start.ms, end.ms).map((s) => ({ startMs: s.startMs, endMs: s.endMs }));
        break;
      case 'onoff':
        spans = [{ startMs: svc.ctx.media.historyStartMs, endMs: now }];
        break;
      case 'register':
        spans = onlineSpans(svc, index, now);
        break;
      default:
        return sendStatus(res, 408, 'table must be stream, onoff, video or register');
    }
    pixels = coveredPixels(mergeSpans(spans), start.ms, end.ms, width);
    rendered = `table=${table}`;
  } else if (type === 'etag') {
    let points: number[];
    if (etag === 'EMES') points = world.motion(index, start.ms, end.ms).map((m) => m.startMs);
    else if (etag === 'PRTH') points = world.thumbs(index);
    else return sendStatus(res, 404, 'etag not found');
    pixels = pointPixels(points, start.ms, end.ms, width);
    rendered = `etag=${etag}`;
  } else {
    return sendStatus(res, 404, 'png type not found');
  }
  const png = renderStrip(pixels, fg, bg);
  res.writeHead(200, {
    'content-type': 'image/png',
    'content-length': String(png.length),
    'content-location': `/pngspan/${type}.png?id=${camera.esn}&start_timestamp=${formatEen(start.ms)}&end_timestamp=${formatEen(end.ms)}&width=${width}&${rendered}`,
  });
  res.end(png);
}

/** Online periods since history start, from the recorded online/offline transitions. */
function onlineSpans(svc: EenServices, index: number, now: number): Span[] {
  const spans: Span[] = [];
  let since: number | null = svc.ctx.media.historyStartMs;
  for (const change of svc.world.statusChanges(index)) {
    if (!change.online && since !== null) {
      spans.push({ startMs: since, endMs: change.tMs });
      since = null;
    } else if (change.online && since === null) {
      since = change.tMs;
    }
  }
  if (since !== null && svc.ctx.media.isOnline(index)) spans.push({ startMs: since, endMs: now });
  return spans;
}
