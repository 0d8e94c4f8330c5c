/**
 * Native H.264 playback of a search: recorded media cut in GOP-aligned windows (stream copy),
 * sent frame by frame as the play head reaches each frame, so the stream follows play speed,
 * pause and steps. Multipart parts carry Frame and TimeOffset (ms of recorded time into the
 * search). Reverse play sends keyframes only, newest first, each as the play head reaches it
 * going back (an H.264 stream cannot run backwards without a transcode; a keyframe stands alone).
 */
import type { ServerResponse } from 'node:http';
import type { SimMedia } from '../types.js';
import type { AccessUnit } from './annexb.js';
import { recordedFps, type CameraRef } from './cameras.js';
import { h264FromTs } from './h264-source.js';
import { drainOrClose } from './http.js';
import { encodePart, multipartContentType } from './multipart.js';
import { frameNumber } from './playhead.js';
import type { Search } from './searches.js';
import type { ExacqState, LiveStreamHandle } from './state.js';

/** Recorded media is fetched this much at a time (rounded up to whole GOPs). */
const windowTargetMs = 30_000;
/** The play head this far from the stream (a step or a fast speed) restarts the stream at the play head. */
const resyncMs = 2000;
/** Longest single wait before the play head is looked at again (speed may change meanwhile). */
const pollMs = 200;

export interface Window {
  startMs: number;
  endMs: number;
}

/**
 * GOP-aligned windows covering the recording from fromMs to untilMs. Keyframes sit at
 * segment start + k·GOP, so a window starting there is cut exactly on a keyframe and
 * consecutive windows neither overlap nor miss frames.
 */
export function playbackWindows(segments: readonly Window[], fromMs: number, untilMs: number, gopMs: number): Window[] {
  const size = Math.ceil(windowTargetMs / gopMs) * gopMs;
  const windows: Window[] = [];
  for (const seg of segments) {
    const end = Math.min(seg.endMs, untilMs);
    if (end <= fromMs) continue;
    const from = Math.max(fromMs, seg.startMs);
    let start = seg.startMs + Math.floor((from - seg.startMs) / gopMs) * gopMs;
    for (; start < end; start += size) windows.push({ startMs: start, endMs: Math.min(start + size, end) });
  }
  return windows;
}

function collectUnits(state: ExacqState, media: SimMedia, camera: CameraRef, window: Window): { units: Promise<AccessUnit[]>; stop: () => void } {
  let stop = (): void => {};
  const units = (async () => {
    const ts = await media.recordedClip(camera.index, camera.profile, window.startMs, window.endMs, 'ts');
    return new Promise<AccessUnit[]>((resolve, reject) => {
      const list: AccessUnit[] = [];
      const source = h264FromTs(ts, (unit) => list.push(unit), (err) => (err ? reject(err) : resolve(list)), state.ctx.log);
      stop = () => source.stop();
    });
  })();
  units.catch(() => {}); // a prefetch the stream never reaches must not be an unhandled rejection
  return { units, stop: () => stop() };
}

export function streamSearchH264(state: ExacqState, search: Search, camera: CameraRef, opts: { multipart: boolean; iframesOnly: boolean }, res: ServerResponse): void {
  const { media } = state.ctx;
  const cam = media.cameras[camera.index]!;
  const fps = recordedFps(cam, camera.profile);
  const frameMs = 1000 / fps;
  const gopMs = cam.gopSeconds * 1000;
  const { head } = search;
  const timeline = head.timeline;
  const fetches: { stop: () => void }[] = [];
  let closed = false;

  res.writeHead(200, { 'content-type': opts.multipart ? multipartContentType() : 'video/h264', 'cache-control': 'no-cache' });
  res.flushHeaders(); // the first frame may take a while: let the client see the answer start
  const handle: LiveStreamHandle = { cameraIndex: camera.index, stop: () => res.destroy() };
  state.streams.add(handle);
  res.on('close', () => {
    closed = true;
    for (const fetch of fetches) fetch.stop();
    state.streams.delete(handle);
  });

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  /** Waits until the play head reaches pos; 'resync' when it has jumped away from the stream. */
  async function waitFor(pos: number, windowStartPos: number): Promise<'go' | 'resync' | 'closed'> {
    for (;;) {
      if (closed) return 'closed';
      if (head.speed < 0) return 'resync';
      const now = head.position(state.ctx.now());
      // A window starts on the keyframe before the play head, up to a GOP behind it: that is catch-up, not a jump.
      if (now > pos + gopMs + resyncMs || now < windowStartPos - resyncMs) return 'resync';
      if (now >= pos || now >= timeline.totalMs) return 'go';
      const speed = head.speed;
      await sleep(speed > 0 ? Math.min(Math.ceil(((pos - now) * 100) / speed), pollMs) : pollMs);
    }
  }

  /** Backwards: the keyframe at or before the play head, whenever the head passes a new one. */
  async function reverse(): Promise<'forward' | 'closed'> {
    let lastSent: number | undefined;
    for (;;) {
      if (closed) return 'closed';
      if (head.speed >= 0) return 'forward';
      const wall = head.time(state.ctx.now());
      const seg = media.segments(camera.index, wall - gopMs, wall + 1).find((s) => s.startMs <= wall && wall < s.endMs);
      const keyframe = seg ? seg.startMs + Math.floor((wall - seg.startMs) / gopMs) * gopMs : undefined;
      if (seg && keyframe !== undefined && keyframe !== lastSent) {
        lastSent = keyframe;
        const window = { startMs: keyframe, endMs: Math.min(keyframe + gopMs, seg.endMs) };
        const fetch = collectUnits(state, media, camera, window);
        fetches.push(fetch);
        const unit = (await fetch.units)[0];
        fetch.stop();
        const firstMs = media.clipStartMs?.(camera.index, window.startMs, window.endMs) ?? window.startMs;
        const pos = timeline.toPos(firstMs);
        if (unit && !closed) {
          const data = opts.multipart ? encodePart(unit.data, { contentType: 'video/h264', iframe: true, frame: frameNumber(pos, search.fps), timeOffsetMs: pos }) : unit.data;
          if (!res.write(data)) await drainOrClose(res);
        }
        continue;
      }
      await sleep(pollMs);
    }
  }

  async function play(): Promise<void> {
    for (;;) {
      if (head.speed < 0 && (await reverse()) === 'closed') return;
      const fromMs = head.time(state.ctx.now());
      const windows = playbackWindows(media.segments(camera.index, fromMs, search.endMs), Math.max(fromMs, search.startMs), search.endMs, gopMs);
      let next = windows.length ? collectUnits(state, media, camera, windows[0]!) : undefined;
      let resync = false;
      for (let i = 0; i < windows.length && !resync; i++) {
        const current = next!;
        fetches.push(current);
        next = windows[i + 1] ? collectUnits(state, media, camera, windows[i + 1]!) : undefined; // prefetch
        const units = await current.units;
        const window = windows[i]!;
        // The cut starts on the keyframe at or before the window start; the media layer knows exactly where.
        const firstMs = media.clipStartMs?.(camera.index, window.startMs, window.endMs) ?? window.startMs;
        for (let k = 0; k < units.length; k++) {
          const unit = units[k]!;
          const pos = timeline.toPos(firstMs + k * frameMs);
          const verdict = await waitFor(pos, timeline.toPos(window.startMs));
          if (verdict === 'closed') return;
          if (verdict === 'resync') {
            resync = true;
            break;
          }
          if (opts.iframesOnly && !unit.keyframe) continue;
          const data = opts.multipart
            ? encodePart(unit.data, { contentType: 'video/h264', iframe: unit.keyframe, frame: frameNumber(pos, search.fps), timeOffsetMs: pos })
            : unit.data;
          if (!res.write(data)) await drainOrClose(res);
        }
      }
      next?.stop();
      if (!resync) break;
    }
    res.end();
  }

  play().catch((err: unknown) => {
    state.ctx.log(`exacq search stream: ${String(err)}`);
    res.destroy();
  });
}
