/**
 * Switches for the AIPIX simulator. Defaults follow seed 004 and the public AIPIX pages quoted in
 * VMS-APIS §5; where those are silent the value is a guess, named as such.
 */
export interface AipixOptions {
  /** Concurrent API sessions per user before POST /api/v1/token answers 419 (real limit: per-user setting). */
  maxSessions: number;
  /** API token lifetime (ms); 0 = until removed. AIPIX does not document it (§5.1 [?]). */
  tokenTtlMs: number;
  /** Client-API calls without X-Client / X-UUID: false = answer and log (default), true = 422. */
  requireClientHeaders: boolean;
  /** Lifetime of a media link when the request names no `ttl` (client API links never name one), seconds. */
  defaultLinkTtlS: number;
  /** Status of a media URL whose token has expired or is unknown. */
  expiredLinkStatus: 401 | 403;
  /** Length of an MP4 preview (seed 004: "a short preview"), seconds. */
  previewSeconds: number;
  /** Longest archive an HLS playlist or MP4 link covers, seconds. */
  maxArchiveSeconds: number;
}

export const defaultAipixOptions: AipixOptions = {
  maxSessions: 5,
  tokenTtlMs: 0,
  requireClientHeaders: false,
  defaultLinkTtlS: 300,
  expiredLinkStatus: 403,
  previewSeconds: 5,
  maxArchiveSeconds: 3 * 3600,
};
