/** search.web (video search and thumbnail search), search.web/status, timestamp.web, playspeed.web, step.web. */
import type { ServerResponse } from 'node:http';
import { recordedFps, resolveCamera, type CameraRef } from './cameras.js';
import { sendEmpty, sendJpeg, sendJson, sendText, type Params } from './http.js';
import { frameNumber, isValidSpeed, type Clip } from './playhead.js';
import { cameraFrames, searchFrames } from './searches.js';
import { checkSessions, denySession, liveSearch, offsetlessMinutes, type ExacqState } from './state.js';
import { thumbnailSlots } from './thumbnails.js';
import { formatUtcMillis, formatUtcSeconds, parseExacqTime } from './time.js';

function badRequest(res: ServerResponse, message: string): void {
  sendJson(res, 400, { success: false, error: message });
}

interface Range {
  startMs: number;
  endMs: number;
}

function parseRange(state: ExacqState, params: Params): Range | undefined {
  const offset = offsetlessMinutes(state.options);
  const startMs = parseExacqTime(params.get('start') ?? '', offset);
  const endMs = parseExacqTime(params.get('end') ?? '', offset);
  if (startMs === undefined || endMs === undefined || endMs <= startMs) return undefined;
  return { startMs, endMs };
}

/** Text answers (no output=json) are URL-encoded, the API's default response type. */
function sendForm(res: ServerResponse, fields: Record<string, string | number>): void {
  const form = new URLSearchParams(Object.entries(fields).map(([key, value]): [string, string] => [key, String(value)]));
  sendText(res, 200, form.toString(), 'application/x-www-form-urlencoded');
}

export async function search(state: ExacqState, params: Params, res: ServerResponse): Promise<void> {
  // At least one of camera, audio or serial, or 400 (seed: Search NOTES).
  if (!params.has('camera') && !params.has('audio') && !params.has('serial')) return badRequest(res, 'camera, audio or serial is required');
  if (!checkSessions(state, params)) return denySession(state, res);
  const range = parseRange(state, params);
  if (!range) return badRequest(res, 'start and end must be RFC 3339 times, start before end');
  const { media } = state.ctx;
  const cameras: CameraRef[] = [];
  for (const raw of params.all('camera')) {
    const ref = resolveCamera(media, raw);
    if (!ref) return badRequest(res, `unknown camera ${raw}`);
    cameras.push(ref);
  }
  if (params.has('interval')) return thumbnailSearch(state, params, range, cameras, res);

  const sessionId = params.get('s')!;
  const created = cameras.length
    ? state.searches.create({ sessionId, cameras, ...range, nowMs: state.ctx.now(), paused: params.flag('start_paused') })
    : { search: undefined, clips: new Map<number, Clip[]>() };
  const frameCounts: Record<string, number> = {};
  const videoInfo = cameras.map((cam) => {
    const clips = created.clips.get(cam.id) ?? [];
    frameCounts[String(cam.id)] = cameraFrames(clips, recordedFps(media.cameras[cam.index]!, cam.profile));
    return { id: String(cam.id), clips: clips.map((clip) => ({ startTime: formatUtcSeconds(clip.startMs), endTime: formatUtcSeconds(clip.endMs) })) };
  });
  const body = {
    // search_id is missing when there is no footage (§4.6).
    ...(created.search ? { search_id: created.search.id } : {}),
    frames: created.search ? searchFrames(created.search) : 0,
    start_time: formatUtcSeconds(range.startMs),
    end_time: formatUtcSeconds(range.endMs),
    frameCounts,
    audioInfo: [],
    videoInfo: videoInfo.filter((info) => info.clips.length > 0),
  };
  if (params.get('output') === 'json') return sendJson(res, 200, body);
  const { frameCounts: _counts, audioInfo: _audio, videoInfo: _video, ...scalars } = body;
  sendForm(res, scalars);
}

/**
 * Thumbnail search: the range cut into `interval`-second slots, one thumbnail per slot that holds
 * recording. Without `frame` it answers the list; with `frame=n` the JPEG of thumbnail n.
 */
async function thumbnailSearch(state: ExacqState, params: Params, range: Range, cameras: CameraRef[], res: ServerResponse): Promise<void> {
  const camera = cameras[0];
  const interval = params.int('interval');
  if (!camera || interval === undefined || interval <= 0) return badRequest(res, 'camera and a positive interval are required');
  const format = params.int('format') ?? 6;
  if (format !== 0 && format !== 6) return badRequest(res, 'format must be 0 or 6');
  if (format === 0) return badRequest(res, 'format 0 is not available for this camera');
  const { media } = state.ctx;
  const slots = thumbnailSlots(media, camera.index, range.startMs, range.endMs, interval * 1000);
  const frame = params.int('frame');
  if (frame !== undefined) {
    const t = slots[frame];
    if (t === undefined) return badRequest(res, `frame ${frame} out of range`);
    const still = await media.recordedStill(camera.index, t, widthOf(params));
    if (!still) return sendText(res, 404, 'No video');
    return sendJpeg(res, still.jpeg);
  }
  const created = state.searches.create({ sessionId: params.get('s')!, cameras: [camera], ...range, nowMs: state.ctx.now(), paused: true });
  sendJson(res, 200, {
    success: true,
    session_id: created.search?.id ?? '',
    frames: slots.length,
    frames_timestamps: slots.map((t) => Math.floor(t / 1000)),
    start: Math.floor(range.startMs / 1000),
    end: Math.floor(range.endMs / 1000),
  });
}

/** w, or h × 4/3 when only h is given (the seed: results keep 4:3); undefined = native size. */
export function widthOf(params: Params, fallback?: number): number | undefined {
  const w = params.int('w');
  const h = params.int('h');
  if (w !== undefined && w > 0) return w;
  if (h !== undefined && h > 0) return Math.round((h * 4) / 3);
  return fallback;
}

/** search.web/status?s=<search id>. The status fields were lost from the seed; all footage is local, so 100 %. */
export function searchStatus(state: ExacqState, params: Params, res: ServerResponse): void {
  const found = liveSearch(state, params.get('s'));
  if (!found) return denySession(state, res);
  sendJson(res, 200, { success: true, status: { progress: 100, frames: searchFrames(found) } });
}

export function timestamp(state: ExacqState, params: Params, res: ServerResponse): void {
  const found = liveSearch(state, params.get('search_id'));
  if (!found) return denySession(state, res);
  const t = found.head.time(state.ctx.now());
  if (params.get('output') === 'json') return sendJson(res, 200, { time: formatUtcSeconds(t), timeWithMs: formatUtcMillis(t) });
  sendText(res, 200, params.flag('use_ms') ? formatUtcMillis(t) : formatUtcSeconds(t));
}

/** GET playspeed.web → {speed:"100"}; playspeed.web/{n} sets it (−12800..12800; 0 pauses). */
export function playspeed(state: ExacqState, params: Params, value: string | undefined, res: ServerResponse): void {
  const found = liveSearch(state, params.get('search_id'));
  if (!found) return denySession(state, res);
  if (value === undefined) {
    const speed = String(found.head.speed);
    return params.get('output') === 'json' ? sendJson(res, 200, { speed }) : sendText(res, 200, speed);
  }
  if (!isValidSpeed(value)) return badRequest(res, 'speed must be an integer in [-12800, 12800]');
  found.head.setSpeed(Number(value), state.ctx.now());
  sendEmpty(res, 200);
}

/** step.web/{±n}: moves the play head n frames; answers the new frame number as a string. */
export function step(state: ExacqState, params: Params, value: string, res: ServerResponse): void {
  const found = liveSearch(state, params.get('search_id'));
  if (!found) return denySession(state, res);
  if (!/^[-+]?\d+$/.test(value)) return badRequest(res, 'steps must be an integer');
  const now = state.ctx.now();
  found.head.step(Number(value), found.fps, now);
  const frame = String(frameNumber(found.head.position(now), found.fps));
  if (params.get('output') === 'json') return sendJson(res, 200, { frame });
  sendText(res, 200, frame);
}
