/**
 * video.web: live JPEG frames, live native H.264 streams (raw or multipart), paced search
 * frames at the play head, recorded H.264 streams for a search, and frames at a given time.
 * Both the legacy query form and the path form `/v1/video.web/{s}/{camera}/{native|transcoded}`.
 */
import type { ServerResponse } from 'node:http';
import { cameraFormats, Format, resolveCamera, type CameraRef } from './cameras.js';
import { h264FromTs } from './h264-source.js';
import { sendJpeg, sendJson, sendText, waitOrClose, type Params } from './http.js';
import { encodePart, multipartContentType } from './multipart.js';
import { paceDelayMs } from './playhead.js';
import { widthOf } from './routes-search.js';
import type { Search } from './searches.js';
import { streamSearchH264 } from './search-stream.js';
import { denySession, liveSearch, offsetlessMinutes, type ExacqState, type LiveStreamHandle } from './state.js';
import { parseExacqTime } from './time.js';

/** Stills are about one per second of recording, so paced search frames step by a second of recorded time. */
export const searchFrameIntervalMs = 1000;

/** Content-Type of native H.264 data, in parts and raw streams. */
export const h264ContentType = 'video/h264';

export interface VideoPath {
  s: string;
  camera: string;
  container: string;
}

export async function video(state: ExacqState, params: Params, path: VideoPath | undefined, res: ServerResponse): Promise<void> {
  const { media } = state.ctx;
  const s = path?.s ?? params.get('s');
  // The path form takes a server session or a search id in the same place.
  const searchId = params.get('search_id') ?? (s !== undefined && state.searches.get(s) ? s : undefined);
  let search: Search | undefined;
  if (searchId !== undefined) {
    search = liveSearch(state, searchId);
    if (!search) return denySession(state, res);
  } else if (!state.sessions.touch(s)) {
    return denySession(state, res);
  }
  const camera = resolveCamera(media, path?.camera ?? params.get('camera'));
  if (!camera) return sendText(res, 400, 'Invalid Request');
  const format = path ? (path.container === 'native' ? Format.h264 : path.container === 'transcoded' ? Format.transcodedJpeg : -1) : (params.int('format') ?? Format.transcodedJpeg);
  // The requested format must be one the camera lists in `formats` (§4.5).
  if (!cameraFormats.includes(format)) return sendJson(res, 400, { success: false, error: `format ${format} is not available for camera ${camera.id}` });
  const jpeg = format === Format.transcodedJpeg;
  const download = params.get('download');

  if (params.has('time')) {
    if (!jpeg) return sendText(res, 400, 'Invalid Request');
    return frameAtTime(state, params, camera, search, download, res);
  }
  if (search) {
    if (!search.cameras.some((c) => c.id === camera.id)) return sendText(res, 400, 'Invalid Request');
    if (jpeg) return pacedSearchFrame(state, search, camera, widthOf(params), download, res);
    return streamSearchH264(state, search, camera, { multipart: params.flag('multipart_encode'), iframesOnly: params.flag('iframes') }, res);
  }
  if (!media.isOnline(camera.index)) return sendText(res, 503, 'Camera unavailable');
  if (jpeg) {
    // q (1–10) is accepted and ignored: frames come from one shared encoder per camera and width.
    const width = widthOf(params) ?? (camera.profile === 'sub' ? media.cameras[camera.index]!.profiles.sub.width : undefined);
    const frame = await state.jpegs.frame(camera.index, width);
    return sendJpeg(res, frame.jpeg, download);
  }
  liveH264(state, camera, { multipart: params.flag('multipart_encode'), iframesOnly: params.flag('iframes') }, res);
}

/** Frame at time (with a search) or single recorded frame (without; 320 wide unless w/h say otherwise). */
async function frameAtTime(state: ExacqState, params: Params, camera: CameraRef, search: Search | undefined, download: string | undefined, res: ServerResponse): Promise<void> {
  const t = parseExacqTime(params.get('time') ?? '', offsetlessMinutes(state.options));
  if (t === undefined) return sendJson(res, 400, { success: false, error: 'time must be an RFC 3339 time' });
  const still = await state.ctx.media.recordedStill(camera.index, t, widthOf(params, search ? undefined : 320));
  if (!still) return sendText(res, 404, 'No video at that time');
  sendJpeg(res, still.jpeg, download);
}

/**
 * A search's video.web JPEG: the frame at the play head, answered only once the play head has
 * moved a frame past the last one served, so frames arrive at the play speed. Paused: at once,
 * the same frame again.
 */
async function pacedSearchFrame(state: ExacqState, search: Search, camera: CameraRef, width: number | undefined, download: string | undefined, res: ServerResponse): Promise<void> {
  const { head } = search;
  const timeline = head.timeline;
  const delay = paceDelayMs({
    lastServedPos: search.lastServed.get(camera.id),
    pos: head.position(state.ctx.now()),
    speed: head.speed,
    totalMs: timeline.totalMs,
    frameIntervalMs: searchFrameIntervalMs,
    maxWaitMs: state.options.maxPaceWaitMs,
  });
  await waitOrClose(res, delay);
  if (res.destroyed) return;
  const pos = head.position(state.ctx.now());
  const lastClip = timeline.clips[timeline.clips.length - 1]!;
  // pos = totalMs maps to the (exclusive) end of the last clip: show its last frame.
  const t = Math.min(timeline.toWall(pos), lastClip.endMs - 1);
  const still = await state.ctx.media.recordedStill(camera.index, t, width);
  search.lastServed.set(camera.id, pos);
  if (!still) return sendText(res, 404, 'No video at the play head');
  sendJpeg(res, still.jpeg, download);
}

/**
 * Live native H.264 until the client goes. Starts at a keyframe; a slow reader drops frames up
 * to the next keyframe instead of buffering without bound.
 */
function liveH264(state: ExacqState, camera: CameraRef, opts: { multipart: boolean; iframesOnly: boolean }, res: ServerResponse): void {
  const { media } = state.ctx;
  res.writeHead(200, { 'content-type': opts.multipart ? multipartContentType() : h264ContentType, 'cache-control': 'no-cache' });
  res.flushHeaders(); // the first frame may take a while: let the client see the answer start
  let waitingForKey = true;
  const source = h264FromTs(
    media.liveStream(camera.index, camera.profile, 'ts'),
    (unit) => {
      if (res.writableNeedDrain) waitingForKey = true;
      if (waitingForKey && !unit.keyframe) return;
      waitingForKey = false;
      if (opts.iframesOnly && !unit.keyframe) return;
      res.write(opts.multipart ? encodePart(unit.data, { contentType: h264ContentType, iframe: unit.keyframe }) : unit.data);
    },
    () => res.end(),
    state.ctx.log,
  );
  const handle: LiveStreamHandle = { cameraIndex: camera.index, stop: () => source.stop() };
  state.streams.add(handle);
  res.on('close', () => {
    source.stop();
    state.streams.delete(handle);
  });
}
