/**
 * Eagle Eye Networks API v1 on the wire, as zod schemas (VMS-APIS.md §2; seeds 000 and 001).
 * Only what Tessera reads is checked; the service adds fields over time, so objects are loose and
 * array rows may carry extra trailing items. Timestamps stay `YYYYMMDDhhmmss.mmm` strings here:
 * mapper.ts converts them.
 */
import { z } from 'zod';

/** POST /g/aaa/authenticate: the single-use token; two-factor accounts also get the scrubbed delivery addresses. */
export const authenticateAnswerSchema = z.object({
  token: z.string().min(1),
  two_factor_authentication_code: z
    .object({ sms: z.string().nullish(), email: z.string().nullish() })
    .loose()
    .optional(),
});
export type AuthenticateAnswer = z.infer<typeof authenticateAnswerSchema>;

/** POST /g/aaa/authorize (and GET /g/user): the user object. */
export const userSchema = z
  .object({
    id: z.string().min(1),
    active_brand_subdomain: z.string().nullish(),
    owner_account_id: z.string().nullish(),
    active_account_id: z.string().nullish(),
    is_live_video: z.number().nullish(),
    is_recorded_video: z.number().nullish(),
  })
  .loose();
export type WireUser = z.infer<typeof userSchema>;

/** `device_status`: a decimal bitmask; /g/device sends it as a decimal string, so both are read. */
const statusValue = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/**
 * One `/g/device/list` row (seed 001 "Get list of Cameras"): positions 0–19 documented, then an
 * undocumented array of nulls real rows carry. Only the positions Tessera reads are checked.
 */
export const deviceRowSchema = z.tuple(
  [
    z.string().nullable(), // 0 account_id (null for a camera not attached yet)
    z.string().min(1), // 1 id (ESN)
    z.string().nullable(), // 2 name
    z.string(), // 3 type: camera | bridge
    z.array(z.tuple([z.string(), z.string()], z.unknown())).nullable(), // 4 bridges [[esn, ATTD|IGND]]
    z.string().nullable(), // 5 service_status ATTD | IGND
    z.unknown(), // 6 permissions
    z.array(z.string()).nullable(), // 7 tags
    z.unknown(), // 8 guid
    z.unknown(), // 9 serial_number
    statusValue.nullable(), // 10 device_status
  ],
  z.unknown(),
);
export type WireDeviceRow = z.infer<typeof deviceRowSchema>;
export const deviceListSchema = z.array(deviceRowSchema);

/** GET /g/layout/list: `[id, name, types, permissions]` rows. */
export const layoutListSchema = z.array(z.tuple([z.string().min(1), z.string()], z.unknown()));

/** A numeric setting the FAQ sample sends as a string ("0.75", "4"). */
const looseNumber = z.union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*$/).transform(Number)]);

export const layoutPaneSchema = z
  .object({
    pane_id: z.union([z.number(), z.string()]).optional(),
    name: z.string().nullish(),
    type: z.string().nullish(),
    size: looseNumber.nullish(),
    cameras: z.array(z.string()).nullish(),
    /** Carousel: ms per camera, in camera order. */
    delay: z.array(looseNumber).nullish(),
  })
  .loose();
export type WireLayoutPane = z.infer<typeof layoutPaneSchema>;

export const layoutConfigurationSchema = z
  .object({
    panes: z.array(layoutPaneSchema).default([]),
    settings: z.object({ camera_row_limit: looseNumber.nullish() }).loose().nullish(),
  })
  .loose();

/** GET /g/layout?id=: `configuration` may arrive as an object or a JSON string (doc defects). */
export const layoutSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    configuration: z.union([layoutConfigurationSchema, z.string()]).nullish(),
  })
  .loose();
export type WireLayout = z.infer<typeof layoutSchema>;

/**
 * POST /poll (current values plus the poll token) and GET /poll (only what changed; may be `{}`
 * or an empty body). Values other than `status` are not read.
 */
export const pollAnswerSchema = z
  .object({
    cameras: z.record(z.string(), z.object({ status: statusValue.optional() }).loose()).optional(),
    token: z.string().optional(),
  })
  .loose();
export type PollAnswer = z.infer<typeof pollAnswerSchema>;

/** GET /asset/list/video: one row per clip (or per coalesced span). The older doc sample has no `id`. */
export const videoListSchema = z.array(z.object({ s: z.string(), e: z.string(), id: z.number().optional() }).loose());
export type WireVideoRow = z.infer<typeof videoListSchema>[number];

/** GET /asset/list/image: `t` is the FourCC of the image (PRFR preview, PRTH thumbnail of an event). */
export const imageListSchema = z.array(z.object({ t: z.string(), s: z.string() }).loose());
export type WireImageRow = z.infer<typeof imageListSchema>[number];

/** 201/202 of GET /asset/play/video.mp4 while the MP4 is being made: the job id. */
export const mp4PendingSchema = z.object({ id: z.union([z.string().max(128), z.number()]).optional() }).loose();
