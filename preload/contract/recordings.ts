/**
 * DTOs of the `recordings` and `playback` namespaces: looking back in recorded video.
 *
 * Times are epoch ms everywhere. Coverage and marks are plain lists; stills and video are bytes
 * and do not travel over invoke (16 tiles scrubbing would drown the bridge in base64):
 *
 * - A recorded still is a GET of `recordedStillPath(...)` on the media transport (Electron's app
 *   scheme, or the serve WebSocket, like live video): the body is the JPEG, and the time the
 *   picture shows comes with it (`x-frame-time` header in Electron, `frameTimeMs` in the serve
 *   head). A newer request of the same tile makes the older one pointless: abort it. A failure
 *   answers a status with the message as text and its closed code (`x-error-code` header in
 *   Electron, `code` in the serve head): 400 bad query, 404 not-found / no-recording / not-recorded.
 * - Recorded video is a fragmented-MP4 stream like live video (see media.ts), opened with
 *   `playback:open`. Its media time maps to wall time by ONE number per session: media time
 *   (seconds) = (wall time − originMs) / 1000, for every fragment, across the vendor's clips, gaps
 *   and seeks. A gap in the recording is a gap in the buffered ranges; a seek outside what the
 *   player holds sends a new init segment (reset the SourceBuffer, as after a live restart) and
 *   fragments from the keyframe at or before the new position, still on the same mapping (so a
 *   player going backwards may keep what it holds: the renderer's recorded driver does).
 * - Recorded streams are flow-controlled: a reader that does not take bytes pauses the source
 *   (nothing is dropped, unlike live). Ended is a state (`ended`), not a failure. A playback that
 *   fails keeps its stream open without more bytes; `playback:state` says `failed` with the code
 *   and why: close it (or seek to try again).
 */
import { z } from 'zod';
import { cameraIdSchema, idSchema } from './ids.js';
import { profileNameSchema } from './media.js';

/** A recorded period, [fromMs, toMs). */
export const periodSchema = z.object({ fromMs: z.number(), toMs: z.number() });

/** A motion or event mark on a camera's timeline. */
export const markSchema = z.object({
  atMs: z.number(),
  /** Where the VMS gives one: when the event ended. */
  endMs: z.number().optional(),
  type: z.enum(['motion', 'event']),
  /** What happened, in the VMS's words where it has some ("Motion", "Input 1 active"). */
  label: z.string().max(200).optional(),
});
export type Mark = z.infer<typeof markSchema>;

/** Longest window one coverage request may ask for: the timeline's widest zoom plus its margins. */
export const maxCoverageSpanMs = 31 * 24 * 3600_000;

export const coverageRequestSchema = z
  .object({
    cameraId: cameraIdSchema,
    fromMs: z.number().int().nonnegative(),
    toMs: z.number().int().nonnegative(),
  })
  .strict()
  .refine((r) => r.toMs > r.fromMs && r.toMs - r.fromMs <= maxCoverageSpanMs, 'toMs must follow fromMs by at most 31 days');

export const coverageSchema = z.object({
  cameraId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  /** Recorded periods inside [fromMs, toMs), sorted, merged. */
  periods: z.array(periodSchema),
  /** Motion/event marks inside the window, sorted by time (empty where the VMS gives none). */
  marks: z.array(markSchema),
  /** The VMS gives marks for this camera (an empty list then means "nothing happened"). */
  marksKnown: z.boolean(),
});
export type Coverage = z.infer<typeof coverageSchema>;

/** Playback speeds: forward 0.25×–16×, reverse (negative) where the vendor or keyframe stepping allows. */
export const playbackRateSchema = z
  .number()
  .min(-16)
  .max(16)
  .refine((r) => Math.abs(r) >= 0.25, 'speed must be at least 0.25× forward or backward');

export const playbackOpenSchema = z
  .object({
    cameraId: cameraIdSchema,
    atMs: z.number().int().nonnegative(),
    rate: playbackRateSchema.default(1),
    profile: profileNameSchema.default('main'),
  })
  .strict();

export const playbackIdSchema = z.object({ playbackId: idSchema }).strict();

export const playbackSeekSchema = z.object({ playbackId: idSchema, atMs: z.number().int().nonnegative() }).strict();
export const playbackSpeedSchema = z
  .object({
    playbackId: idSchema,
    rate: playbackRateSchema,
    /** Where the player is (wall ms): crossing 4× restarts the stream there, so the source can switch to its sub-stream. */
    atMs: z.number().int().nonnegative().optional(),
  })
  .strict();
export const playbackStepSchema = z.object({ playbackId: idSchema, direction: z.union([z.literal(1), z.literal(-1)]) }).strict();
export const playbackPauseSchema = z.object({ playbackId: idSchema, paused: z.boolean() }).strict();

export const playbackSessionSchema = z.object({
  playbackId: z.string(),
  cameraId: z.string(),
  /** fMP4 stream path on the media transport, like media:open's. */
  path: z.string(),
  /** Wall time of media time 0 for the whole session (see the top of this file). */
  originMs: z.number(),
  /** Frame interval of the recording, ms (100 at 10 fps): one frame step. */
  frameMs: z.number().optional(),
  /**
   * How backwards works: 'keyframes' = the player steps keyframes back through what it holds and
   * seeks back for more (main sends nothing new while the rate is negative); 'server' = the
   * vendor plays backwards itself (exacqVision): main sends its frames newest first (keyframes),
   * each fragment at its own, falling, media time, under a new init segment when the direction
   * changes; 'none' = refused.
   */
  reverse: z.enum(['server', 'keyframes', 'none']),
});
export type PlaybackSession = z.infer<typeof playbackSessionSchema>;

/**
 * How a frame step was made: 'server' = the server's playhead moved (the next frame comes in the
 * stream); 'player' = step by frameMs in the player's own buffer (URL sources).
 */
export const playbackStepResultSchema = z.object({ by: z.enum(['server', 'player']), frameMs: z.number().optional() });
export type PlaybackStepResult = z.infer<typeof playbackStepResultSchema>;

export const playbackStateSchema = z.object({
  playbackId: z.string(),
  cameraId: z.string(),
  status: z.enum(['opening', 'playing', 'paused', 'gap', 'ended', 'failed']),
  /** Wall time of the newest frame sent. */
  positionMs: z.number().optional(),
  rate: z.number(),
  /** In a gap: where the recording starts again, if known. */
  nextRecordingMs: z.number().optional(),
  /** Why it is not playing, in words. */
  reason: z.string().optional(),
  /** Failed: the closed code ('no-recording', 'not-recorded', 'reverse-unsupported', 'unreachable'…). */
  code: z.string().optional(),
});
export type PlaybackState = z.infer<typeof playbackStateSchema>;

export const recordedStillRequestSchema = z
  .object({
    cameraId: cameraIdSchema,
    atMs: z.number().int().nonnegative(),
    width: z.number().int().min(32).max(3840).optional(),
  })
  .strict();
export type RecordedStillRequest = z.infer<typeof recordedStillRequestSchema>;

/** The media-transport path of a recorded still (see the top of this file). */
export function recordedStillPath(r: RecordedStillRequest): string {
  const query = new URLSearchParams({ camera: r.cameraId, at: String(r.atMs) });
  if (r.width !== undefined) query.set('width', String(r.width));
  return `media/still?${query.toString()}`;
}
