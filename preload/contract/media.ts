/**
 * DTOs of the `media` namespace. Live video does not travel over invoke: `media:open` returns a
 * same-origin path (`media/stream/<id>`) that the player reads as one long fragmented-MP4
 * stream. The path carries no secret: main alone knows the camera's URL.
 * - Electron: `fetch(path)` on the app scheme (main/media/http-stream.ts) — one long response.
 * - Serve mode: a WebSocket on the same path (main/media/ws-stream.ts), authenticated by the
 *   token cookie like /bridge: a first text message MediaSocketHead (the response's status and
 *   Content-Type), then binary messages holding the body's bytes, then a normal close. (One
 *   HTTP response per tile would hit the browser's 6 connections per host.)
 *
 * The stream:
 * - The head comes only once the camera's init segment is known, so opening stays pending while
 *   the camera connects (media:state says why). `Content-Type` is
 *   `video/mp4; codecs="avc1.xxxxxx[,mp4a.40.2]"`: pass it to `MediaSource.addSourceBuffer`.
 * - Body: the init segment (ftyp+moov); for a stream that already runs, the fragments from the
 *   last keyframe on (a burst up to one GOP behind live: seek to the live edge); then one
 *   fragment (moof+mdat) per frame as it comes. Fragments always resume at a keyframe.
 * - When the camera's upstream restarted (network cut, camera back online, ffmpeg restarted) a
 *   NEW init segment arrives in the same stream, and media timestamps start again near 0:
 *   on every top-level `ftyp` box, reset the SourceBuffer (abort, remove all, or a new
 *   SourceBuffer) before appending it; when its codecs differ (`info.codec` in media:state),
 *   use `changeType` or a new SourceBuffer.
 * - A viewer that does not read fast enough loses fragments until it drains and the next
 *   keyframe; main never buffers more than ~2 MB per viewer.
 * - Aborting the fetch / closing the socket (tile gone, reload) closes the stream like
 *   `media:close`. A stream whose path is not opened within 30 s is closed. 404: unknown or
 *   closed id; 410: closed meanwhile.
 */
import { z } from 'zod';
import { cameraIdSchema, idSchema } from './ids.js';

export const profileNameSchema = z.enum(['main', 'sub']);
export type ProfileName = z.infer<typeof profileNameSchema>;

export const mediaOpenSchema = z
  .object({
    cameraId: cameraIdSchema,
    profile: profileNameSchema,
  })
  .strict();

export const mediaStreamSchema = z.object({
  /** Opaque id of this viewer (one per tile); several viewers share one upstream. */
  streamId: z.string(),
  cameraId: z.string(),
  profile: profileNameSchema,
  /** Relative path to fetch: the response is `video/mp4; codecs="…"` fragmented MP4. */
  path: z.string(),
});
export type MediaStream = z.infer<typeof mediaStreamSchema>;

export const streamIdSchema = z.object({ streamId: idSchema }).strict();

export const streamInfoSchema = z.object({
  /** Codecs of the current init segment, as in the Content-Type ("avc1.4d401e,mp4a.40.2"). */
  codec: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  /** Measured over the last ~5 s of media time. */
  fps: z.number().optional(),
  bitrateKbps: z.number().optional(),
  /** Keyframe interval, ms (a second viewer starts at once from the cached GOP). */
  gopMs: z.number().optional(),
  /**
   * How the camera's video reaches main, in words ("RTSP", "HLS segments, read at real time"):
   * segment-based delivery comes in clumps, and the player holds more buffer for it.
   */
  delivery: z.string().optional(),
  /** True when main re-encodes (the camera's codec cannot be played), with the reason. */
  transcoded: z.boolean(),
  transcodeReason: z.string().optional(),
});
export type StreamInfo = z.infer<typeof streamInfoSchema>;

export const streamStateSchema = z.object({
  streamId: z.string(),
  cameraId: z.string(),
  profile: profileNameSchema,
  status: z.enum(['connecting', 'playing', 'retrying', 'failed']),
  /** Why it is not playing, in words an operator understands. */
  reason: z.string().optional(),
  /** When the next attempt starts (epoch ms), while retrying. */
  retryAtMs: z.number().optional(),
  info: streamInfoSchema,
});
export type StreamState = z.infer<typeof streamStateSchema>;

/** Serve mode: the first (text) message on a media WebSocket, what the response's status line and headers would say. */
export interface MediaSocketHead {
  status: number;
  /** With 200: the stream's `video/mp4; codecs="…"`. */
  contentType?: string;
  /** Otherwise: why, in words. */
  text?: string;
  /** A recorded still (media/still): the time the picture shows, epoch ms. */
  frameTimeMs?: number;
  /** A recorded still that failed: the closed error code (no-recording, not-recorded, not-found…). */
  code?: string;
}

/**
 * How the renderer reads a stream's path as one long Response: fetch on Electron's app scheme;
 * in serve mode a WebSocket dressed as a Response (renderer/src/bridge/ws-media.ts). The bridge
 * provides it and the player consumes it, so it lives here, below both.
 */
export type MediaFetch = (path: string, signal: AbortSignal) => Promise<Response>;
