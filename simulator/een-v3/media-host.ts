/**
 * The simulated media host (media.cXXX.eagleeyenetworks.com):
 *   GET /media/session                          Bearer → 204 + media-session cookie
 *   GET /media/streams/main/hls?esn=            live HLS playlist (cookie AND Bearer, main only)
 *   GET /media/streams/main/hls/{segment}?esn=  its segments (cookie AND Bearer)
 *   GET /media/streams/{type}/multipart?esn=    live MJPEG, multipart/x-mixed-replace (cookie)
 *   GET /media/streams/{type}/flv?esn=[&startTimestamp=&endTimestamp=]   live or recorded FLV (cookie or Bearer)
 *   GET /media/streams/{type}/mp4?esn=&startTimestamp=&endTimestamp=     recorded MP4 (cookie or Bearer)
 *
 * Missing cookie → 403 (EEN: "without the media session cookie … 403"); a cookie or token that is
 * no longer valid → 401, so a client knows to refresh and set the session again.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pacedFlv } from '../media/flv-pacer.js';
import { SimNotFound, SimOffline, type SimService } from '../types.js';
import { findCamera, type EenEnv } from './env.js';
import { ApiV3Failure, fail, sendFailure } from './errors.js';
import { bearerToken, cookies } from './http.js';
import { profileOf, type EenStreamType } from './media.js';
import { parseTimestamp, formatTimestamp } from './timestamps.js';

export const mediaCookieName = 'een_media_session';

type MediaAuth = 'cookie' | 'cookie+bearer' | 'cookie|bearer';

/** Rewrites every URI in a playlist (segment lines and URI="…" attributes) through `map`. */
export function rewritePlaylist(text: string, map: (uri: string) => string): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      if (line.startsWith('#')) return line.replace(/URI="([^"]*)"/g, (_, uri: string) => `URI="${map(uri)}"`);
      return line.trim() === '' ? line : map(line.trim());
    })
    .join('\n');
}

/** Parses "bytes=a-b" against a size; null when absent or unsatisfiable as a single range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

export function createMediaHostService(env: EenEnv): SimService {
  const { ctx, store } = env;
  /** Live responses per camera index, ended when the camera goes offline. */
  const live = new Map<number, Set<ServerResponse>>();
  const unsubscribe = ctx.onCameraStatus((index, online) => {
    if (online) return;
    for (const res of live.get(index) ?? []) res.destroy();
    live.delete(index);
  });

  function track(index: number, res: ServerResponse): void {
    let set = live.get(index);
    if (!set) live.set(index, (set = new Set()));
    set.add(res);
    res.on('close', () => set!.delete(res));
  }

  function authorize(req: IncomingMessage, need: MediaAuth): void {
    const cookie = cookies(req).get(mediaCookieName);
    const cookieOk = cookie !== undefined && store.verifyMediaSession(cookie) !== null;
    const token = bearerToken(req);
    const bearerOk = token !== null && store.verifyAccess(token) !== null;
    if (need === 'cookie|bearer') {
      if (cookieOk || bearerOk) return;
      if (cookie === undefined && token === null) throw fail.unauthenticated();
    }
    if (!cookieOk) {
      if (cookie === undefined) throw fail.forbidden('A media session is required: GET /api/v3.0/media/session and then the URL it names');
      throw fail.unauthenticated();
    }
    if (need === 'cookie+bearer' && !bearerOk) throw fail.unauthenticated();
  }

  function cameraOf(url: URL, requireOnline: boolean) {
    const esn = url.searchParams.get('esn');
    if (!esn) throw fail.missing(['esn']);
    const camera = findCamera(env, esn);
    if (!camera?.media) throw fail.notFound(`Device ${esn} not found`);
    if (requireOnline && !ctx.media.isOnline(camera.media.index)) throw fail.unavailable('The device is offline');
    return camera.media;
  }

  function recordedRange(url: URL): { startMs: number; endMs: number } | null {
    const s = url.searchParams.get('startTimestamp');
    const e = url.searchParams.get('endTimestamp');
    if (s === null && e === null) return null;
    const start = s === null ? null : parseTimestamp(s);
    const end = e === null ? null : parseTimestamp(e);
    if (!start?.ok) throw fail.wrong('startTimestamp', 'must be an ISO 8601 timestamp');
    if (!end?.ok) throw fail.wrong('endTimestamp', 'must be an ISO 8601 timestamp');
    if (end.ms <= start.ms) throw fail.wrong('endTimestamp', 'must be after startTimestamp');
    return { startMs: start.ms, endMs: end.ms };
  }

  function pipeStream(req: IncomingMessage, res: ServerResponse, stream: Readable, contentType: string): void {
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    stream.pipe(res);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    req.on('aborted', () => stream.destroy());
  }

  async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const { size } = await stat(path);
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=3600' };
    if (range) {
      res.writeHead(206, { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${size}` });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(path, { start: range.start, end: range.end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(size) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(path).pipe(res);
  }

  async function recordedMp4(req: IncomingMessage, res: ServerResponse, url: URL, type: EenStreamType): Promise<void> {
    authorize(req, 'cookie|bearer');
    const camera = cameraOf(url, false);
    const range = recordedRange(url);
    if (!range) throw fail.missing(['startTimestamp', 'endTimestamp']);
    const profile = profileOf(type);
    // A whole recording is a cached faststart file: serve it with Range support so <video> can seek.
    const exact = ctx.media.segments(camera.index, range.startMs, range.endMs).find((s) => s.startMs === range.startMs && s.endMs === range.endMs);
    if (exact) return sendFile(req, res, await ctx.media.segmentFile(exact, profile));
    const clip = await ctx.media.recordedClip(camera.index, profile, range.startMs, range.endMs, 'mp4');
    pipeStream(req, res, clip, 'video/mp4');
  }

  async function flv(req: IncomingMessage, res: ServerResponse, url: URL, type: EenStreamType): Promise<void> {
    authorize(req, 'cookie|bearer');
    const range = recordedRange(url);
    const camera = cameraOf(url, range === null);
    if (range) {
      const clip = await ctx.media.recordedClip(camera.index, profileOf(type), range.startMs, range.endMs, 'flv');
      return pipeStream(req, res, ctx.paceRecorded ? pacedFlv(clip) : clip, 'video/x-flv');
    }
    track(camera.index, res);
    pipeStream(req, res, ctx.media.liveStream(camera.index, profileOf(type), 'flv'), 'video/x-flv');
  }

  function multipart(req: IncomingMessage, res: ServerResponse, url: URL, type: EenStreamType): void {
    authorize(req, 'cookie');
    const camera = cameraOf(url, true);
    const boundary = 'eenframe';
    res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${boundary}`, 'cache-control': 'no-store' });
    track(camera.index, res);
    // Preview is the grid stream: small and slow. Main is full size, a few frames a second.
    const fps = type === 'preview' ? 2 : 5;
    const width = type === 'preview' ? camera.profiles.sub.width : undefined;
    let waiting = false;
    const stop = ctx.media.liveJpegs(camera.index, fps, width, (jpeg, timestampMs) => {
      // A slow reader gets fewer frames instead of an ever-growing buffer.
      if (waiting || res.destroyed) return;
      res.write(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\nX-Een-Timestamp: ${formatTimestamp(timestampMs)}\r\n\r\n`);
      res.write(jpeg);
      if (!res.write('\r\n')) {
        waiting = true;
        res.once('drain', () => (waiting = false));
      }
    });
    res.on('close', stop);
  }

  function hlsUri(esn: string, session: string | null) {
    return (uri: string): string => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')) return uri;
      const q = new URLSearchParams({ esn, ...(session ? { stream_session: session } : {}) });
      return `/media/streams/main/hls/${uri.split('/').map(encodeURIComponent).join('/')}?${q.toString()}`;
    };
  }

  async function hls(req: IncomingMessage, res: ServerResponse, url: URL, type: EenStreamType, segment: string | null): Promise<void> {
    authorize(req, 'cookie+bearer');
    if (type !== 'main') throw fail.notFound('HLS is only available for the main stream');
    const camera = cameraOf(url, true);
    if (segment === null) {
      const playlist = await ctx.media.hlsPlaylist(camera.index, 'main');
      const body = rewritePlaylist(playlist, hlsUri(camera.esn, url.searchParams.get('stream_session')));
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    const bytes = await ctx.media.hlsSegment(camera.index, 'main', segment);
    if (!bytes) throw fail.notFound('The segment is no longer available');
    const contentType = segment.endsWith('.ts') ? 'video/mp2t' : segment.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp4';
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length), 'cache-control': 'private, max-age=60' });
    res.end(bytes);
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    if (url.pathname === '/media/session') {
      if (method !== 'GET') throw fail.method();
      const token = bearerToken(req);
      const access = token ? store.verifyAccess(token) : null;
      if (!access) throw fail.unauthenticated();
      const id = store.createMediaSession(access);
      res.writeHead(204, { 'set-cookie': `${mediaCookieName}=${id}; Path=/; HttpOnly; SameSite=Lax`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const m = /^\/media\/streams\/(main|preview)\/(hls|multipart|flv|mp4)(?:\/(.+))?$/.exec(url.pathname);
    if (!m) throw fail.endpoint();
    if (method !== 'GET' && method !== 'HEAD') throw fail.method();
    const type = m[1] as EenStreamType;
    const kind = m[2]!;
    const rest = m[3] ? decodeURIComponent(m[3]) : null;
    if (kind === 'hls') return hls(req, res, url, type, rest);
    if (rest !== null) throw fail.endpoint();
    if (kind === 'multipart') return multipart(req, res, url, type);
    if (kind === 'flv') return flv(req, res, url, type);
    return recordedMp4(req, res, url, type);
  }

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://media.invalid');
      try {
        await route(req, res, url);
      } catch (err) {
        // The media layer says "offline" when a camera dropped between our check and its work.
        if (err instanceof SimOffline) return sendFailure(res, fail.unavailable('The device is offline'), url.pathname, req.method ?? 'GET');
        if (err instanceof SimNotFound) return sendFailure(res, fail.notFound(err.message || 'Nothing is recorded in that range'), url.pathname, req.method ?? 'GET');
        if (err instanceof ApiV3Failure) return sendFailure(res, err, url.pathname, req.method ?? 'GET');
        throw err;
      }
    },
    close() {
      unsubscribe();
      for (const set of live.values()) for (const res of set) res.destroy();
      live.clear();
    },
  };
}
