/**
 * Switches of the simulated Eagle Eye v1 service. Defaults follow the seed documents
 * (../shared/seeds/000_… and 001_…); where another source (newer EEN docs, official sample code)
 * describes a different behaviour, that behaviour is a switch so a client can be tested against
 * both. All durations are milliseconds.
 */
import type { ProfileName } from '../types.js';

export interface EenV1Options {
  /** `active_brand_subdomain` in the authorize answer; also the auth_key prefix (`c001~…`). */
  brandSubdomain: string;
  /** Account ESN: `owner_account_id`, column 0 of device rows, `{acct}` of the WebSocket path. */
  accountId: string;
  accountName: string;
  /** Username of the two-factor user (password: the simulator password). Default `tfa.<username>`. */
  twoFactorUsername?: string;
  /** The code the simulator "sends" by SMS/e-mail (4 decimal digits, like the real one). */
  twoFactorCode: string;
  /** Failed TFA authorize attempts tolerated; the next failure locks the user (429, then 412 on authenticate). */
  twoFactorMaxFailures: number;
  /** Lifetime of the single-use authenticate token (the docs leave it blank). */
  authTokenTtlMs: number;
  /** Lifetime of a sent TFA code (docs: 15 minutes). */
  twoFactorCodeTtlMs: number;
  /** Idle session expiry: a request after this much inactivity answers 401. */
  idleTimeoutMs: number;
  /**
   * Seed 001 lists authenticate codes as 400, 401, 402, 460, 461, 412, 462 but also says 462 (user
   * pending) "will be thrown before 401 if username is valid and Account is active". true: the note.
   */
  pendingUserBeforeBadPassword: boolean;

  /** Preview ("pre") cadence; EEN cameras send about one preview a second. */
  previewIntervalMs: number;
  /** Largest per-frame jitter added to preview timestamps (real ones are e.g. `…01.045`, `…02.064`). */
  previewJitterMs: number;
  previewWidth: number;
  thumbWidth: number;
  /** How far back live previews exist for an online camera outside recorded video. */
  liveWindowMs: number;
  /** Upper bound for `/asset/next/image.jpeg?timestamp=now` waiting for the next frame. */
  nextImageWaitMs: number;
  /** `/asset/asset` needs the exact timestamp of an image (true) or serves the image at or before it. */
  assetExactMatch: boolean;

  /** Seed 000: "The start timestamp must match the starting timestamp of a video". false: any start inside a clip plays. */
  strictPlayStart: boolean;
  /** Profile for play/video.* when no `quality` is given (`quality=low` → sub, `high` → main). */
  playProfile: ProfileName;
  /** 202 answers an MP4 download gives before 200 (times ctx.faults.slowTranscodeFactor). */
  mp4PendingPolls: number;
  /** Seed 000: first MP4 call answers 201 with the job id. 502: the older note ("may initially get a 502"). */
  mp4FirstStatus: 201 | 502;
  /** Finished MP4 jobs kept for re-download (memory bound). */
  mp4JobsKept: number;

  /** Longest hold of a GET /poll long poll before it answers with nothing. */
  pollTimeoutMs: number;
  /** Newer docs: POST /poll also sets a `poll_id` cookie equal to `ee-poll-ses`. */
  pollIdCookie: boolean;
  /** Body of a long poll that timed out: `{"cameras":{}}`, `{}`, or an empty body. */
  emptyPollBody: 'cameras' | 'object' | 'empty';
  /** Newer docs: "The status parameter will be omitted (if multiple) … when polling over HTTP GET /poll". */
  getPollOmitsStatus: boolean;
  /** WebSocket without a valid session: accept and send a 401 frame (seed "Message Error Status Codes"), or refuse the upgrade with HTTP 401. */
  wsUnauthenticated: 'message' | 'reject';

  /** Validity of RTSP session URLs (seed 000: 15 minutes). */
  rtspSessionTtlMs: number;
  /** List an unattached (IGND, account id null) camera as real device lists do. */
  unattachedCamera: boolean;
}

export const defaultEenV1Options: EenV1Options = {
  brandSubdomain: 'c001',
  accountId: '00001007',
  accountName: 'Tessera Demo',
  twoFactorCode: '4242',
  twoFactorMaxFailures: 3,
  authTokenTtlMs: 5 * 60_000,
  twoFactorCodeTtlMs: 15 * 60_000,
  idleTimeoutMs: 30 * 60_000,
  pendingUserBeforeBadPassword: true,
  previewIntervalMs: 1000,
  previewJitterMs: 80,
  previewWidth: 640,
  thumbWidth: 320,
  liveWindowMs: 15_000,
  nextImageWaitMs: 10_000,
  assetExactMatch: true,
  strictPlayStart: true,
  playProfile: 'main',
  mp4PendingPolls: 2,
  mp4FirstStatus: 201,
  mp4JobsKept: 4,
  pollTimeoutMs: 25_000,
  pollIdCookie: false,
  emptyPollBody: 'cameras',
  getPollOmitsStatus: false,
  wsUnauthenticated: 'message',
  rtspSessionTtlMs: 15 * 60_000,
  unattachedCamera: true,
};
