/**
 * What every VMS integration provides. One adapter instance serves one configured site and
 * holds that site's session; the SiteService drives it (sign-in, re-login, status) and never
 * looks at wire formats. Everything crossing this interface is already in Tessera's terms:
 * epoch-ms times, site-scoped camera ids, AppFailure with a closed error code.
 */
import type { CameraState, ServerLayout, ServerTour, SiteConfig, SiteKind, StreamProfileInfo } from '../../preload/contract/index.js';
import type { PreviewFeed } from '../media/preview-feeds.js';
import type { Mark } from '../../preload/contract/index.js';
import type { Period } from '../../common/time-periods.js';
import type { LiveSource, RecordedSource } from '../media/sources.js';
import type { HttpClient } from '../net/http-client.js';
import type { Logger } from '../logging/logger.js';
import type { AdapterCapabilities } from './capabilities.js';

export interface Credentials {
  username: string;
  password: string;
}

/** A camera as the adapter reports it; ids are site-scoped (the catalogue prefixes the site id). */
export interface CameraRecord {
  id: string;
  name: string;
  state: CameraState;
  recording: boolean;
  stateDetail?: string;
  groups: string[];
  profiles: StreamProfileInfo[];
  /** The site's offset from UTC, minutes, where the VMS reports one (set by its mapper). */
  utcOffsetMinutes?: number;
}

export interface StatusChange {
  id: string;
  state: CameraState;
  recording: boolean;
  stateDetail?: string;
}

export type SignInOutcome =
  | { kind: 'signed-in' }
  | { kind: 'two-factor'; channels: ('sms' | 'email')[] }
  /**
   * OAuth: the operator must approve in a browser. Open `authorizationUrl` (or show it);
   * `completion` settles when the browser came back and the tokens were exchanged, or with the
   * reason it did not (timeout, refusal, superseded by a newer sign-in, signOut/dispose).
   */
  | { kind: 'browser'; authorizationUrl: string; completion: Promise<void> };

/**
 * A site's recorded media. An adapter has this part only where it serves recordings, and
 * `capabilities.recorded` follows from its presence (capabilitiesOf). Each vendor writes it in
 * its own `recorded.ts`; times are epoch ms, converted in the vendor's mapper only.
 */
export interface RecordedMedia {
  /** Recorded periods of a camera inside [fromMs, toMs), merged and sorted. */
  coverage(cameraId: string, fromMs: number, toMs: number): Promise<Period[]>;
  /** Motion/event marks inside [fromMs, toMs), sorted; null where the VMS gives none for this camera. */
  marks(cameraId: string, fromMs: number, toMs: number): Promise<Mark[] | null>;
  /**
   * The recorded frame showing at atMs, stamped with its own time; 'no-recording' where nothing
   * was recorded then. `signal` aborts it when nobody wants the picture any more (scrubbing moved on).
   */
  still(cameraId: string, atMs: number, width?: number, signal?: AbortSignal): Promise<{ jpeg: Buffer; timestampMs: number }>;
  /**
   * Recorded video from atMs ('no-recording' in a gap: the caller looks up where it resumes).
   * rate is a hint: above 4× a source may give keyframes only or the sub-stream; negative rates
   * only where `reverse` is 'server'. `signal` aborts what is still pending when the playback
   * moves on (a seek, a close): the call then rejects with the signal's reason.
   */
  video(cameraId: string, atMs: number, options: { rate: number; profile: 'main' | 'sub'; signal?: AbortSignal }): Promise<RecordedSource>;
  /** How the vendor plays backwards: itself ('server'), or Tessera steps keyframes back ('keyframes'). */
  readonly reverse: 'server' | 'keyframes';
}

/**
 * Exports made by the server (Eagle Eye v1 video.mp4, v3 /exports, exacqVision export.web, an
 * AIPIX archive link). The export manager (main/export) downloads, stitches, verifies and signs.
 */
export interface ServerExport {
  /** Longest range one server export may cover; the manager splits longer ranges and stitches the parts. */
  readonly maxRangeMs: number;
  /**
   * Asks the server for [fromMs, toMs) of a camera and waits until the file can be downloaded,
   * reporting the server's progress (0–1) and its step in words. Aborting the signal abandons
   * the job (the vendor's cancel/finish is called) and rejects with the signal's reason. A job
   * that makes no progress for a bounded time fails as 'timeout' with `detail.stalled`
   * (isExportStalled in export-wait.ts): worth a retry. The returned file's finish() releases
   * the server's job (idempotent, never rejects); the caller always calls it, after the
   * download, a failure or a cancel.
   */
  prepare(cameraId: string, fromMs: number, toMs: number, o: { signal: AbortSignal; onProgress(fraction: number, step: string): void }): Promise<ServerExportFile>;
}

/** One file a server export made, as the export manager downloads it. */
export interface ServerExportDownload {
  url: string;
  headers: Record<string, string>;
  format: 'mp4' | 'flv' | 'mpegts' | 'hls';
  /** Size announced by the server, when it says. */
  sizeBytes?: number;
  /** The server accepts `Range:` requests for this URL (a broken download resumes). */
  resumable: boolean;
}

export interface ServerExportFile extends ServerExportDownload {
  /**
   * Further files of the same export, in time order, when the server made more than one: Eagle
   * Eye v3 makes one file per recording, so a range with a gap in the recording comes back as
   * two (the time between them was not recorded). Downloaded after `url` and stitched.
   */
  more?: ServerExportDownload[];
  finish(): Promise<void>;
}

export interface VmsAdapter {
  readonly kind: SiteKind;
  /** Made by capabilitiesOf from what this adapter implements (a literal does not type-check). */
  readonly capabilities: AdapterCapabilities;
  /** Password sign-in (or OAuth via the refresh token stored as the "password"). */
  signIn(credentials: Credentials): Promise<SignInOutcome>;
  /** Two-factor: send the code over the chosen channel, then verify it. */
  chooseTwoFactor?(channel: 'sms' | 'email'): Promise<void>;
  verifyTwoFactor?(code: string): Promise<void>;
  /** Ends the server session (best effort); also abandons a pending browser sign-in. */
  signOut(): Promise<void>;
  listCameras(): Promise<CameraRecord[]>;
  /** After listCameras: a warning that is no failure (the server reports more cameras than it listed), in words naming the site. */
  cameraListNote?(): string | undefined;
  /** The live still of a camera (a JPEG of now), scaled towards `width` where the site can. */
  still(cameraId: string, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }>;
  /** Recorded media, where the site serves it. */
  readonly recorded?: RecordedMedia;
  /** Exports made by the server, where the site makes them. */
  readonly serverExport?: ServerExport;
  /**
   * Status changes pushed by the site (poll/WebSocket); sites without push are refreshed by the
   * catalogue. onSessionLost: the push channel found the session expired; the caller signs in
   * again (the watch resumes by itself after the next sign-in).
   */
  watchStatus?(onChange: (changes: StatusChange[]) => void, onSessionLost?: () => void): () => void;
  serverLayouts?(): Promise<{ layouts: ServerLayout[]; tours: ServerTour[] }>;
  liveSource?(cameraId: string, profile: 'main' | 'sub'): Promise<LiveSource>;
  /** The camera's live previews as an MJPEG (multipart) stream, when the site has one; null when the camera offers none. */
  previewFeed?(cameraId: string): Promise<PreviewFeed | null>;
  /**
   * A secret to keep instead of the password after sign-in (Eagle Eye v3's rotating refresh
   * token); called after each successful sign-in or refresh.
   */
  onSecretRotated?(listener: (secret: string) => void): void;
  dispose(): Promise<void>;
}

export interface AdapterContext {
  site: SiteConfig;
  http: HttpClient;
  log: Logger;
  now(): number;
}

/** Makes a kind's adapter; what a site can do is asked of the adapter (capabilities), not declared here. */
export interface AdapterFactory {
  kind: SiteKind;
  create(ctx: AdapterContext): VmsAdapter;
}
