/**
 * Options of the simulated Eagle Eye Networks API v3. Defaults follow the seed (S002) first, then
 * the vendor OpenAPI files, then VMS-APIS.md §3/§7.2. Where the sources disagree the other
 * behaviour is a switch here, so a client can be tested against both.
 */
export type ConnectionStatus = 'online' | 'deviceOffline' | 'bridgeOffline' | 'invalidCredentials' | 'off' | 'error' | 'unknown';

/** Where a `Z` suffixed timestamp is refused with 400 (EEN's notes: `/media` rejects it). */
export type ZuluCheckedEndpoint = 'media' | 'recordedImage' | 'exports' | 'events';

export interface EenV3Options {
  clientId: string;
  clientSecret: string;
  /**
   * Registered redirect URIs, compared exactly, except that for loopback IP literals
   * (127.0.0.1, [::1]) any port matches, as RFC 8252 §7.3 asks of authorization servers.
   * `localhost` is a different host and never matches 127.0.0.1 (EEN's own note).
   */
  redirectUris: readonly string[];
  /**
   * "loginHint": /oauth2/authorize approves at once when login_hint is the demo user, and shows
   * the HTML login form otherwise. "always": approve without a form. "never": always the form.
   */
  autoApprove: 'loginHint' | 'always' | 'never';
  /** Access token lifetime, seconds (EEN: up to 12 h; the real answer says 43198). */
  accessTokenTtlSeconds: number;
  /** Refresh tokens die after this much idle time (EEN: 14 days) ... */
  refreshIdleTtlSeconds: number;
  /** ... and at most this long after the first authorization (EEN: 90 days). */
  refreshMaxTtlSeconds: number;
  /** Authorization codes live 5 minutes. */
  codeTtlSeconds: number;
  /**
   * Default: every refresh returns a new refresh token and invalidates the old one and the
   * access token made from it. false: EEN's on-request "non-rotating" tokens (same refresh
   * token; the current access token comes back while it is still valid).
   */
  rotateRefreshTokens: boolean;
  /** The admin "expire sessions" knob also revokes refresh tokens (default: access tokens only). */
  expireSessionsRevokesRefreshTokens: boolean;
  /** Pagination: `pageSize` above this is clamped silently (spec: 1–500, "may be reduced dynamically"). */
  pageSizeCap: number;
  /** Value of nextPageToken/prevPageToken when there is no such page: "" (EEN's examples) or null (spec allows). */
  emptyPageToken: '' | null;
  /** Unknown query parameters answer 400 unexpectedArgument (the spec's own example). */
  rejectUnknownParams: boolean;
  /** Endpoints that refuse `Z` timestamps; everywhere else `Z` is accepted like `+00:00`. */
  rejectZuluOn: readonly ZuluCheckedEndpoint[];
  /** Treat a space before the offset as a `+` (an unencoded `+` in a query). Default: 400. */
  lenientPlusInTimestamps: boolean;
  /**
   * recordedImage `timestamp=` (exact): "covering" returns the image showing at that instant
   * (404 in a gap); "strict" only an image whose own timestamp equals it to the millisecond.
   */
  exactTimestampMatch: 'covering' | 'strict';
  /** `type=main` recorded images are rate-limited: minimum gap per camera and user, ms (0: off). */
  mainImageMinIntervalMs: number;
  /** Recorded preview images, one every this many ms from the start of each recording. */
  previewImageIntervalMs: number;
  /** GET /api/v3.0/media/session: 200 {url} (spec) or a 307 redirect to the media host carrying the same body. */
  mediaSessionMode: 'json' | 'redirect';
  /** POST /exports answers {"id"} (spec) or {"jobId"} (EEN how-to text) or both. */
  exportResponseShape: 'id' | 'jobId' | 'both';
  /** Job states as in the spec (pending/started/success/failure/revoked) or the how-to text (pending/processing/done/failed/cancelled). */
  jobStateNames: 'spec' | 'howTo';
  /** Time an export job waits in "pending", ms (multiplied by faults.slowTranscodeFactor). */
  exportPendingMs: number;
  /** Simulated export speed: media ms exported per wall ms while "started" (divided by slowTranscodeFactor). */
  exportSpeedFactor: number;
  /** Shortest and longest simulated "started" phase, ms (before slowTranscodeFactor). */
  exportMinWorkMs: number;
  exportMaxWorkMs: number;
  /**
   * Extra cameras with no media at all, always in the given state (never "online": they have no
   * pictures). They give clients the statuses beyond online/offline without contradicting media.
   */
  staticCameras: readonly { name: string; status: Exclude<ConnectionStatus, 'online'> }[];
  /** Status reported for a media camera that is offline, per camera index (default deviceOffline). */
  offlineStatusByIndex: Readonly<Record<number, Exclude<ConnectionStatus, 'online'>>>;
}

export const defaultEenV3Options: EenV3Options = {
  clientId: 'tessera-demo-client',
  clientSecret: 'tessera-demo-secret',
  redirectUris: ['http://127.0.0.1/callback'],
  autoApprove: 'loginHint',
  accessTokenTtlSeconds: 43_198,
  refreshIdleTtlSeconds: 14 * 24 * 3600,
  refreshMaxTtlSeconds: 90 * 24 * 3600,
  codeTtlSeconds: 300,
  rotateRefreshTokens: true,
  expireSessionsRevokesRefreshTokens: false,
  pageSizeCap: 100,
  emptyPageToken: '',
  rejectUnknownParams: true,
  rejectZuluOn: ['media'],
  lenientPlusInTimestamps: false,
  exactTimestampMatch: 'covering',
  mainImageMinIntervalMs: 1000,
  previewImageIntervalMs: 1000,
  mediaSessionMode: 'json',
  exportResponseShape: 'id',
  jobStateNames: 'spec',
  exportPendingMs: 400,
  exportSpeedFactor: 120,
  exportMinWorkMs: 800,
  exportMaxWorkMs: 15_000,
  staticCameras: [
    { name: 'Annex Door', status: 'off' },
    { name: 'Boiler Room', status: 'invalidCredentials' },
  ],
  offlineStatusByIndex: {},
};
