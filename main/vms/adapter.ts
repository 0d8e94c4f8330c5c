/**
 * What every VMS integration provides. One adapter instance serves one configured site and
 * holds that site's session; the SiteService drives it (sign-in, re-login, status) and never
 * looks at wire formats. Everything crossing this interface is already in Tessera's terms:
 * epoch-ms times, site-scoped camera ids, AppFailure with a closed error code.
 */
import type { CameraState, ServerLayout, ServerTour, SiteConfig, SiteKind, StreamProfileInfo } from '../../preload/contract/index.js';
import type { PreviewFeed } from '../media/preview-feeds.js';
import type { LiveSource } from '../media/sources.js';
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
 * `capabilities.recorded` follows from its presence (capabilitiesOf). Today: the still at a time;
 * the timeline issue adds the RecordedSource of a camera at a time here.
 */
export interface RecordedMedia {
  /** The recorded frame showing at atMs, stamped with its own time; 'not-found' where nothing was recorded then. */
  still(cameraId: string, atMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }>;
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
