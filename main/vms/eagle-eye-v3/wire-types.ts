/**
 * Eagle Eye Networks API v3 on the wire, as zod schemas (VMS-APIS.md §3; vendor OpenAPI files).
 * Only the fields Tessera reads are required; everything else passes through unchecked, since the
 * service adds fields over time. Timestamps stay strings here: mapper.ts converts them.
 */
import { z } from 'zod';

/** POST /oauth2/token answer (authorization_code and refresh_token grants). */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  /** Seconds; EEN answers about 43198 (12 h). */
  expires_in: z.number().nonnegative(),
  /** Absent for public clients; rotates on every refresh unless the account has non-rotating tokens. */
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  /** The API host of this account; absent answers are completed with GET /clientSettings. */
  httpsBaseUrl: z.object({ hostname: z.string().min(1), port: z.number().int().positive().optional() }).optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** RFC 6749 §5.2 error body of the token endpoint. */
export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** GET /api/v3.0/clientSettings on the global host. */
export const clientSettingsSchema = z.object({
  httpsBaseUrl: z.object({ hostname: z.string().min(1), port: z.number().int().positive().optional() }),
});

/** Every failure of the API and media hosts: {"code":401,"status":"unauthenticated","message":"…","details":[…]}. */
export const apiV3ErrorSchema = z.object({
  code: z.number().int(),
  status: z.string(),
  message: z.string().optional(),
  details: z.array(z.object({ type: z.string().optional(), reason: z.string().optional() }).loose()).optional(),
});
export type ApiV3Error = z.infer<typeof apiV3ErrorSchema>;

/** A page of any list: `nextPageToken` is "" or null (or missing) on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    results: z.array(item),
    nextPageToken: z.string().nullish(),
    prevPageToken: z.string().nullish(),
    totalSize: z.number().int().optional(),
  });
}

export const connectionStatuses = ['online', 'deviceOffline', 'bridgeOffline', 'invalidCredentials', 'off', 'error', 'unknown'] as const;

export const wireCameraSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  bridgeId: z.string().nullish(),
  locationId: z.string().nullish(),
  /** With include=status. Kept a free string: an unknown value must not fail the whole list. */
  status: z.object({ connectionStatus: z.string().nullish() }).loose().nullish(),
  /** With include=tags. */
  tags: z.array(z.string()).nullish(),
  /** With include=locationSummary. */
  locationSummary: z.object({ name: z.string().nullish() }).loose().nullish(),
});
export type WireCamera = z.infer<typeof wireCameraSchema>;

/** GET /feeds item; only the URL kinds asked for in `include` are present. */
export const wireFeedSchema = z.object({
  id: z.string(),
  type: z.string(),
  deviceId: z.string(),
  mediaType: z.string().optional(),
  hlsUrl: z.string().optional(),
  rtspUrl: z.string().optional(),
  rtspsUrl: z.string().optional(),
  flvUrl: z.string().optional(),
  multipartUrl: z.string().optional(),
});
export type WireFeed = z.infer<typeof wireFeedSchema>;

/** GET /api/v3.0/media/session → the media host URL that sets the cookie. */
export const mediaSessionSchema = z.object({ url: z.string().min(1) });

export const wireLayoutSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  panes: z.array(
    z
      .object({
        id: z.union([z.number(), z.string()]).optional(),
        name: z.string().nullish(),
        type: z.string().nullish(),
        /** 1–3: the pane spans size × size cells. */
        size: z.number().int().nullish(),
        cameraId: z.string().nullish(),
      })
      .loose(),
  ),
  settings: z.object({ paneColumns: z.number().int().nullish() }).loose().nullish(),
});
export type WireLayout = z.infer<typeof wireLayoutSchema>;

/** POST /exports → 201 `{id}`; the how-to text shows `{jobId}` (VMS-APIS §3.7): either is read. */
export const exportCreatedSchema = z
  .object({ id: z.string().min(1).max(128).optional(), jobId: z.string().min(1).max(128).optional() })
  .loose()
  .refine((v) => v.id !== undefined || v.jobId !== undefined, { message: 'neither id nor jobId' });

/** A file of a successful export job (`result.files[]`). */
export const jobFileSchema = z
  .object({ name: z.string().max(1024).optional(), size: z.number().int().nonnegative().optional(), mimetype: z.string().max(128).optional(), url: z.string().min(1).max(4096) })
  .loose();

/**
 * GET /jobs/{id}. `state` is kept as text: the spec's pending/started/success/failure/revoked and
 * the how-to notes' processing/done/failed/cancelled are both met (server-export.ts reads them).
 */
export const wireJobSchema = z
  .object({
    id: z.string().max(128).optional(),
    state: z.string().min(1).max(32),
    progress: z.number().min(0).max(1).nullish(),
    result: z.object({ files: z.array(jobFileSchema).max(1000).optional() }).loose().nullish(),
    error: apiV3ErrorSchema.partial().loose().nullish(),
  })
  .loose();
export type WireJob = z.infer<typeof wireJobSchema>;

/** GET /media item: one recorded interval (coalesced or not); URLs only as asked for in `include`. */
export const wireMediaIntervalSchema = z
  .object({
    type: z.string().optional(),
    deviceId: z.string().optional(),
    mediaType: z.string().optional(),
    startTimestamp: z.string(),
    endTimestamp: z.string(),
    flvUrl: z.string().nullish(),
    mp4Url: z.string().nullish(),
  })
  .loose();
export type WireMediaInterval = z.infer<typeof wireMediaIntervalSchema>;

/** GET /events item; `endTimestamp` is null while the event lasts. */
export const wireEventSchema = z
  .object({
    id: z.string().optional(),
    type: z.string(),
    startTimestamp: z.string(),
    endTimestamp: z.string().nullish(),
    actorId: z.string().optional(),
  })
  .loose();
export type WireEvent = z.infer<typeof wireEventSchema>;
