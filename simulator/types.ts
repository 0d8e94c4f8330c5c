/**
 * Shared vocabulary of the VMS simulator. Every API module (Eagle Eye v1/v3, exacqVision,
 * AIPIX) speaks its own wire format but draws cameras, recordings, stills and live media from
 * one SimMedia, so a clock burned into a picture always matches the timestamps the APIs report.
 * All times are UTC epoch milliseconds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';

export type ProfileName = 'main' | 'sub';

export interface StreamProfile {
  name: ProfileName;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
}

export interface SimCamera {
  /** 0-based position; stable for a given camera count. */
  index: number;
  /** Eagle Eye style ESN: 8 lowercase hex characters, e.g. "1000a003". */
  esn: string;
  /** Human name burned into the picture, e.g. "Lobby 03". */
  name: string;
  /** Keyframe interval in seconds (1 or 4; 4 exercises slow starts). */
  gopSeconds: number;
  /** Whether recordings and live media carry an AAC track. */
  audio: boolean;
  /** "loop": live is a pre-encoded loop sent with stream copy; "encode": a live x264 encoder burns the real wall clock. */
  liveMode: 'loop' | 'encode';
  profiles: Record<ProfileName, StreamProfile>;
  /** Frame rate of recordings, fps (lower than live to keep encoding cheap; 10 in the media layer). */
  recordingFps?: number;
}

/** One recorded clip: at most 5 minutes, gaps between clips. */
export interface Segment {
  cameraIndex: number;
  startMs: number;
  endMs: number;
}

export interface MotionEvent {
  cameraIndex: number;
  startMs: number;
  /** End of the event, or "now" (whole seconds) while it is still going on. */
  endMs: number;
  /** True while the event lasts past now: endMs is then only how far it has got. */
  ongoing?: boolean;
}

/** Media that is real: every byte below comes from ffmpeg. */
export interface SimMedia {
  readonly cameras: readonly SimCamera[];
  /** Oldest moment of recorded history (now − hours at start-up, aligned down to a minute). */
  readonly historyStartMs: number;
  /** Planned segments overlapping [fromMs, toMs), oldest first. Pure: nothing is encoded. */
  segments(cameraIndex: number, fromMs: number, toMs: number): Segment[];
  /** Motion events overlapping [fromMs, toMs), oldest first. Motion only happens inside segments. */
  motion(cameraIndex: number, fromMs: number, toMs: number): MotionEvent[];
  /** Whether the camera is currently online (fault knobs can take it offline). */
  isOnline(cameraIndex: number): boolean;
  /** Fault knob: take a camera offline (live media and stills fail, status says offline) or back. */
  setOnline(cameraIndex: number, online: boolean): void;
  /** Path of the MP4 (faststart) of a whole segment; encoded on first request, then cached. */
  segmentFile(segment: Segment, profile: ProfileName): Promise<string>;
  /**
   * Recorded media of [startMs, endMs) cut from the segments (stream copy; starts on the keyframe
   * at or before startMs). format "mp4" is a complete file, "flv" a stream. Rejects with
   * SimNotFound when nothing is recorded in the range.
   */
  recordedClip(cameraIndex: number, profile: ProfileName, startMs: number, endMs: number, format: 'mp4' | 'flv' | 'ts'): Promise<Readable>;
  /** JPEG of the recorded frame at tMs (nearest preview, about 1 per second), or null inside a gap. */
  recordedStill(cameraIndex: number, tMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number } | null>;
  /** JPEG of the live picture now (same clock as the live stream). */
  liveStill(cameraIndex: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }>;
  /** Base RTSP URL on the real RTSP server, or null when no RTSP server is installed. */
  rtspUrl(cameraIndex: number, profile: ProfileName): string | null;
  /** Why the RTSP server was asked for but does not run (e.g. Python without GStreamer), else undefined. */
  readonly rtspUnavailable?: string;
  /** Live media as an endless stream: "flv" (HTTP-FLV), "ts" (MPEG-TS), "mjpeg" (multipart parts are the caller's job: this yields raw JPEG frames via onFrame). */
  liveStream(cameraIndex: number, profile: ProfileName, format: 'flv' | 'ts'): Readable;
  /** Live HLS: playlist text and segment bytes for a camera/profile (short rolling window). */
  hlsPlaylist(cameraIndex: number, profile: ProfileName): Promise<string>;
  hlsSegment(cameraIndex: number, profile: ProfileName, name: string): Promise<Buffer | null>;
  /** Calls back with each live JPEG frame at about 1–5 fps until the returned function is called. */
  liveJpegs(cameraIndex: number, fps: number, width: number | undefined, onFrame: (jpeg: Buffer, timestampMs: number) => void): () => void;
  /**
   * Time of the first frame recordedClip(cameraIndex, …, startMs, endMs) returns: the keyframe at
   * or before startMs (or the start of the first segment after it), null when nothing is recorded.
   */
  clipStartMs?(cameraIndex: number, startMs: number, endMs: number): number | null;
  close(): Promise<void>;
}

export class SimNotFound extends Error {
  override name = 'SimNotFound';
}

/**
 * A live request for a camera that is offline (setOnline(false)). It is a SimNotFound, so code
 * that only knows SimNotFound answers "not found"; check SimOffline first to say "offline".
 */
export class SimOffline extends SimNotFound {
  override name = 'SimOffline';
}

/** Fault knobs shared by every API module; set from CLI flags and the admin endpoint. */
export interface FaultState {
  /** Extra delay before every answer, ms. */
  latencyMs: number;
  /** Probability 0..1 that a request's connection is destroyed without an answer. */
  dropRate: number;
  /** Probability 0..1 that a request answers 500/503. */
  errorRate: number;
  /** Multiplier for simulated transcode/export waits (1 = normal; 10 = slow). */
  slowTranscodeFactor: number;
  /** When true, export jobs stop progressing (AIPIX, whose export is a download: the download stops part-way). */
  stallExports: boolean;
  /** 0 = off; 0 < f < 1: every download (export file, MP4 clip) is cut off after f of its bytes. */
  cutDownloads: number;
  /**
   * "" = off; a path prefix ("/api/v3.0/media/recordedImage.jpeg"): requests whose path starts
   * with it get `200 text/html` with a maintenance page, as from a broken proxy, not the API's answer.
   */
  webPageFor: string;
  /** "" = off; a path prefix: JSON answers under it lose the second half of their body (Content-Length follows the cut). */
  truncateFor: string;
}

export interface SimContext {
  media: SimMedia;
  faults: FaultState;
  /** Injected wall clock (ms). */
  now(): number;
  /**
   * Send recorded FLV at the recording's pace, first GOP at once, as the services do (default
   * true). Mutable at run time; tests that read whole clips switch it off.
   */
  paceRecorded: boolean;
  /** Credentials every API accepts. */
  username: string;
  password: string;
  /** Subscribe to "expire every session now" (admin knob). Returns unsubscribe. */
  onExpireSessions(listener: () => void): () => void;
  /** Subscribe to camera online/offline changes. Returns unsubscribe. */
  onCameraStatus(listener: (cameraIndex: number, online: boolean) => void): () => void;
  log(message: string): void;
}

/** One simulated service: an HTTP handler (plus optional WebSocket upgrades) on its own port. */
export interface SimService {
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close?(): Promise<void> | void;
}

/** What `tessera sim --json` prints for one site kind. */
export interface SiteDescription {
  url: string;
  username: string;
  password: string;
  [extra: string]: unknown;
}

/**
 * One simulated VMS. It asks for one or more named ports (e.g. Eagle Eye v3 has separate auth,
 * API and media hosts, as the real service does), receives the base URL of every port of the
 * simulator, and returns a handler per port it asked for.
 */
export interface SimApiModule {
  /** Site kind key in `tessera sim --json`, e.g. "eagleeye-v1". */
  kind: string;
  /** Port names this module serves, e.g. ["eagleeye-v3-auth", "eagleeye-v3-api", "eagleeye-v3-media"]. */
  ports: readonly string[];
  create(ctx: SimContext, urls: Readonly<Record<string, string>>): Record<string, SimService>;
  describe(ctx: SimContext, urls: Readonly<Record<string, string>>): SiteDescription;
}
