/**
 * Link endpoints. Client API (bearer token): GET /api/v1/cameras/{id}/streams,
 * /streams/archive and /archive/link. Integration API (seed 004 and its sibling pages):
 * POST /api/v1/cameras/preview | video | archive, keyed by camera UUID, `ttl` as int or string,
 * 401 only when a token is sent and is bad.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCamera } from '../types.js';
import { archiveRanges, archiveStart, resolveStart } from './archive.js';
import { cameraByClientId, cameraByUuid, streamProfile, streamUuid, type StreamType } from './cameras.js';
import { BadJson, readJson, sendJson, sendUnauthenticated, sendValidation } from './http.js';
import type { LinkKind } from './links.js';
import { notFoundCamera } from './routes-cameras.js';
import { grantUrl, type AipixState } from './state.js';
import { formatMicros, parseAipixTime } from './time.js';

interface Issued {
  url: string;
  expiresMs: number;
}

function issue(state: AipixState, cam: SimCamera, type: StreamType, kind: LinkKind, ttlS: number, range: { startMs?: number; endMs?: number } = {}): Issued {
  const grant = state.links.grant({
    kind,
    cameraIndex: cam.index,
    profile: streamProfile[type],
    streamUuid: streamUuid(cam, type),
    ...range,
    expiresMs: state.ctx.now() + ttlS * 1000,
  });
  return { url: grantUrl(state, grant), expiresMs: grant.expiresMs };
}

/** End of an archive range: capped by maxArchiveSeconds and by now. */
function archiveEnd(state: AipixState, startMs: number, wantedEndMs: number): number {
  return Math.min(wantedEndMs, startMs + state.options.maxArchiveSeconds * 1000, state.ctx.now());
}

// ---- client API -------------------------------------------------------------------------

function clientStreamType(raw: string | null, fallback: StreamType): StreamType | undefined {
  if (raw === null || raw === '') return fallback;
  return raw === 'high' || raw === 'low' ? raw : undefined;
}

/** Live link: {url, fallback_url}. `type` defaults to low (docs); fallback is HLS, which a browser can play. */
export function liveLink(state: AipixState, id: string, url: URL, res: ServerResponse): void {
  const cam = cameraByClientId(state.ctx.media, id);
  if (!cam) return notFoundCamera(res, id);
  const type = clientStreamType(url.searchParams.get('type'), 'low');
  const source = url.searchParams.get('source');
  if (!type) return sendValidation(res, { type: ['The selected type is invalid.'] });
  if (source !== 'hls' && source !== 'rtsp') return sendValidation(res, { source: ['The selected source is invalid.'] });
  if (source === 'rtsp' && !state.ctx.media.rtspUrl(cam.index, streamProfile[type])) {
    return sendValidation(res, { source: ['RTSP is not available on this server.'] });
  }
  const ttl = state.options.defaultLinkTtlS;
  const hls = issue(state, cam, type, 'live-hls', ttl);
  const main = source === 'rtsp' ? issue(state, cam, type, 'rtsp', ttl) : hls;
  sendJson(res, 200, { url: main.url, fallback_url: hls.url });
}

/** Archive link: {url, fallback_url, move_to}; move_to is set when start is before the archive start. */
export function archiveLink(state: AipixState, id: string, url: URL, res: ServerResponse): void {
  const { media } = state.ctx;
  const cam = cameraByClientId(media, id);
  if (!cam) return notFoundCamera(res, id);
  const errors: Record<string, string[]> = {};
  const requested = parseAipixTime(url.searchParams.get('start'));
  const durationRaw = url.searchParams.get('duration') ?? '';
  const source = url.searchParams.get('source');
  const type = clientStreamType(url.searchParams.get('type'), 'high');
  if (requested === undefined) errors.start = ['The start is not a valid date.'];
  if (!/^\d+$/.test(durationRaw) || Number(durationRaw) < 1) errors.duration = ['The duration must be an integer of at least 1.'];
  if (source !== 'hls' && source !== 'mp4') errors.source = ['The selected source is invalid.'];
  if (!type) errors.type = ['The selected type is invalid.'];
  if (Object.keys(errors).length) return sendValidation(res, errors);
  const { startMs, moveToMs } = resolveStart(requested!, archiveStart(media, cam.index, state.ctx.now()));
  const range = { startMs, endMs: archiveEnd(state, startMs, startMs + Number(durationRaw) * 1000) };
  const ttl = state.options.defaultLinkTtlS;
  const mp4 = issue(state, cam, type!, 'archive-mp4', ttl, range);
  const main = source === 'hls' ? issue(state, cam, type!, 'archive-hls', ttl, range) : mp4;
  sendJson(res, 200, { url: main.url, fallback_url: mp4.url, move_to: moveToMs === null ? null : formatMicros(moveToMs) });
}

/** Thick-client archive download link: {link} to an MP4 of [from, to). */
export function archiveDownloadLink(state: AipixState, id: string, url: URL, res: ServerResponse): void {
  const cam = cameraByClientId(state.ctx.media, id);
  if (!cam) return notFoundCamera(res, id);
  const from = parseAipixTime(url.searchParams.get('from'));
  const to = parseAipixTime(url.searchParams.get('to'));
  if (from === undefined || to === undefined || to <= from) return sendValidation(res, { from: ['from and to must be dates, from before to.'] });
  const link = issue(state, cam, 'high', 'archive-mp4', state.options.defaultLinkTtlS, { startMs: from, endMs: archiveEnd(state, from, to) });
  sendJson(res, 200, { link: link.url });
}

// ---- integration API --------------------------------------------------------------------

interface IntegrationCamera {
  cam: SimCamera;
  type: StreamType;
  date?: number;
  from?: number;
  to?: number;
  archiveRanges: boolean;
}

interface IntegrationRequest {
  cameras: IntegrationCamera[];
  source: string;
  ttlS: number;
}

/** Validates the shared body shape; answers 401/422 itself and returns undefined on failure. */
async function readIntegration(state: AipixState, req: IncomingMessage, res: ServerResponse, sources: readonly string[]): Promise<IntegrationRequest | undefined> {
  // No token is needed, but one that is sent must be valid (seed 004: 401 "when a token is passed but is invalid").
  if (req.headers.authorization !== undefined && !state.sessions.authenticate(req.headers.authorization)) {
    sendUnauthenticated(res);
    return undefined;
  }
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (err) {
    if (!(err instanceof BadJson)) throw err;
    sendValidation(res, { body: [err.message] });
    return undefined;
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  const cameras: IntegrationCamera[] = [];
  if (!Array.isArray(fields.cameras) || fields.cameras.length === 0) errors.cameras = ['The cameras field is required.'];
  else {
    fields.cameras.forEach((raw: unknown, i) => {
      const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const cam = cameraByUuid(state.ctx.media, item.uuid);
      if (!cam) errors[`cameras.${i}.uuid`] = [`The selected cameras.${i}.uuid is invalid.`];
      const rawType = item.stream_type ?? 'camera';
      // Omitted or "camera": the camera's own (main) stream.
      const type: StreamType | undefined = rawType === 'camera' || rawType === 'high' ? 'high' : rawType === 'low' ? 'low' : undefined;
      if (!type) errors[`cameras.${i}.stream_type`] = [`The selected cameras.${i}.stream_type is invalid.`];
      const times: Partial<Record<'date' | 'from' | 'to', number>> = {};
      for (const key of ['date', 'from', 'to'] as const) {
        if (item[key] === undefined || item[key] === null) continue;
        const t = parseAipixTime(item[key]);
        if (t === undefined) errors[`cameras.${i}.${key}`] = [`The cameras.${i}.${key} is not a valid date.`];
        else times[key] = t;
      }
      if (cam && type) cameras.push({ cam, type, ...times, archiveRanges: item.archive_ranges === true });
    });
  }
  const source = fields.source ?? sources[0];
  if (typeof source !== 'string' || !sources.includes(source)) errors.source = ['The selected source is invalid.'];
  // The samples send ttl as a string ("100"), the table says int: accept both.
  let ttlS = state.options.defaultLinkTtlS;
  if (fields.ttl !== undefined && fields.ttl !== null) {
    const ttl = typeof fields.ttl === 'string' && /^\d+$/.test(fields.ttl) ? Number(fields.ttl) : fields.ttl;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1) errors.ttl = ['The ttl must be an integer of at least 1.'];
    else ttlS = ttl;
  }
  if (Object.keys(errors).length) {
    sendValidation(res, errors);
    return undefined;
  }
  return { cameras, source: source as string, ttlS };
}

/** Preview: mp4 (a short clip) or jpg; `date` = archive at that time, none = live. */
export async function integrationPreview(state: AipixState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await readIntegration(state, req, res, ['mp4', 'jpg']);
  if (!request) return;
  const jpg = request.source === 'jpg';
  const links = request.cameras.map(({ cam, type, date }) => {
    const link =
      date === undefined
        ? issue(state, cam, type, jpg ? 'live-preview-jpg' : 'live-preview-mp4', request.ttlS)
        : issue(state, cam, type, jpg ? 'archive-preview-jpg' : 'archive-preview-mp4', request.ttlS, { startMs: date, endMs: date + state.options.previewSeconds * 1000 });
    return { url: link.url, expired_at: formatMicros(link.expiresMs) };
  });
  sendJson(res, 200, links);
}

/**
 * Live (no `date`) or archive from `date` onwards (hls; rtsp is live only here). `move_to` when
 * the date is before the archive start; `archive_ranges` when asked for (its shape is not
 * published: [{from, to}] in the response time format).
 */
export async function integrationVideo(state: AipixState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await readIntegration(state, req, res, ['hls', 'rtsp']);
  if (!request) return;
  const { media } = state.ctx;
  const now = state.ctx.now();
  if (request.source === 'rtsp') {
    const unavailable = request.cameras.findIndex(({ cam, type, date }) => date !== undefined || !media.rtspUrl(cam.index, streamProfile[type]));
    if (unavailable >= 0) return sendValidation(res, { source: ['RTSP links are live only and need the RTSP server.'] });
  }
  const links = request.cameras.map(({ cam, type, date, archiveRanges: wantRanges }) => {
    const entry: Record<string, unknown> = {};
    if (date === undefined) {
      const link = issue(state, cam, type, request.source === 'rtsp' ? 'rtsp' : 'live-hls', request.ttlS);
      Object.assign(entry, { url: link.url, expired_at: formatMicros(link.expiresMs) });
    } else {
      const { startMs, moveToMs } = resolveStart(date, archiveStart(media, cam.index, now));
      const link = issue(state, cam, type, 'archive-hls', request.ttlS, { startMs, endMs: archiveEnd(state, startMs, now) });
      Object.assign(entry, { url: link.url, expired_at: formatMicros(link.expiresMs), move_to: moveToMs === null ? null : formatMicros(moveToMs) });
    }
    if (wantRanges) {
      entry.archive_ranges = archiveRanges(media, cam.index, media.historyStartMs, now).map((r) => ({ from: formatMicros(r.startMs), to: formatMicros(r.endMs) }));
    }
    return entry;
  });
  sendJson(res, 200, links);
}

/** Archive HLS of [from, to) (the sample sends `date` instead of from: accepted as from). */
export async function integrationArchive(state: AipixState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await readIntegration(state, req, res, ['hls']);
  if (!request) return;
  const missing = request.cameras.findIndex((c) => (c.from ?? c.date) === undefined);
  if (missing >= 0) return sendValidation(res, { [`cameras.${missing}.from`]: [`The cameras.${missing}.from field is required.`] });
  const now = state.ctx.now();
  const links = request.cameras.map(({ cam, type, from, date, to }) => {
    const startMs = (from ?? date)!;
    const link = issue(state, cam, type, 'archive-hls', request.ttlS, { startMs, endMs: archiveEnd(state, startMs, to ?? now) });
    return { url: link.url, expired_at: formatMicros(link.expiresMs) };
  });
  sendJson(res, 200, links);
}
