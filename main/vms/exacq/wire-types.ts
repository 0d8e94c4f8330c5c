/**
 * The exacqVision Web Service wire (seed 003, VMS-APIS §4), as zod schemas. Lenient where real
 * servers differ (`sessionId`/`sessionID`, `Cameras`/`cameras`, `id`/`Id`, numbers sent as
 * strings), strict about sizes so a runaway answer fails with a specific message.
 */
import { z } from 'zod';

/** Most cameras a single web service lists; beyond that the answer is treated as broken. */
export const maxCameras = 5000;
/** Most views, tours or items Tessera reads from one answer. */
export const maxLayouts = 1000;
const maxItems = 256;

/** exacq ids are integers, sometimes sent as strings ("4590080"). Always a string here. */
const wireId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);

/** exacq booleans arrive as 1/0, "1"/"0", true/false. */
const wireFlag = z.union([z.boolean(), z.number(), z.string().max(8)]).transform((v) => v === true || v === 1 || v === '1' || v === 'true');

/** A number that may come as a string ("-4"). */
const wireNumber = z.union([z.number(), z.string().regex(/^[-+]?\d+(\.\d+)?$/).transform(Number)]);

export const loginAnswerSchema = z.object({
  success: wireFlag,
  // The seed's sample says sessionID; public clients (and real servers) send sessionId.
  sessionId: z.string().max(256).optional(),
  sessionID: z.string().max(256).optional(),
});
export type WireLogin = z.infer<typeof loginAnswerSchema>;

export const wireCameraSchema = z
  .object({
    id: wireId.optional(),
    Id: wireId.optional(),
    name: z.string().max(512).optional(),
    /** 0 = video OK; anything else = no video. */
    state: wireNumber.optional(),
    /** 1 = turned off on the server. */
    disabled: wireFlag.optional(),
    /** `format` codes video.web accepts for this camera (5 H.264, 6 transcoded JPEG, …). */
    formats: z.array(wireNumber).max(32).optional(),
  })
  .refine((cam) => cam.id !== undefined || cam.Id !== undefined, { message: 'a camera has no id' })
  .transform((cam) => ({
    id: (cam.id ?? cam.Id)!,
    name: cam.name,
    state: cam.state,
    disabled: cam.disabled ?? false,
    formats: cam.formats,
  }));
export type WireCamera = z.infer<typeof wireCameraSchema>;

export const configAnswerSchema = z
  .object({
    success: wireFlag.optional(),
    name: z.string().max(512).optional(),
    /** The server's UTC offset in hours (e.g. -4, 5.5). */
    timezone: wireNumber.pipe(z.number().min(-14).max(14)).optional(),
    Cameras: z.array(wireCameraSchema).max(maxCameras).optional(),
    cameras: z.array(wireCameraSchema).max(maxCameras).optional(),
  })
  .refine((c) => c.Cameras !== undefined || c.cameras !== undefined, { message: 'no Cameras list', path: ['Cameras'] })
  .transform((c) => ({ name: c.name, timezoneHours: c.timezone, cameras: (c.Cameras ?? c.cameras)! }));
export type WireConfig = z.infer<typeof configAnswerSchema>;

export const searchAnswerSchema = z.object({
  /** Absent when there is no footage in the range. */
  search_id: z.string().max(64).optional(),
  /** Recorded frames per camera id in the search (gives the recording's frame rate with the clips). */
  frameCounts: z.record(z.string().max(32), wireNumber).optional(),
  videoInfo: z
    .array(
      z.object({
        id: wireId.optional(),
        clips: z.array(z.object({ startTime: z.string().max(64), endTime: z.string().max(64) })).max(100_000),
      }),
    )
    .max(64)
    .optional(),
});
export type WireSearch = z.infer<typeof searchAnswerSchema>;

/** timestamp.web?output=json: the play head (`timeWithMs` with use_ms). */
export const timestampAnswerSchema = z.object({ time: z.string().max(64).optional(), timeWithMs: z.string().max(64).optional() }).refine((t) => t.time ?? t.timeWithMs, {
  message: 'no time',
  path: ['time'],
});

/** step.web/{n}?output=json: the frame the play head is now on. */
export const stepAnswerSchema = z.object({ frame: wireNumber });

/** A view item: `type` 1 = camera, 3 = map (the Video Push item shape, the only one the seed kept). */
const viewItemSchema = z.object({
  id: wireId,
  type: wireNumber.optional(),
  slot: wireNumber.pipe(z.number().int().min(0).max(maxItems - 1)).optional(),
});

const viewSchema = z.object({
  id: wireId,
  name: z.string().max(512),
  /** Number of panels (1, 4, 9, 16 …). */
  layout: wireNumber.pipe(z.number().int().min(1).max(maxItems)).optional(),
  items: z.array(viewItemSchema).max(maxItems).optional(),
});
export type WireView = z.infer<typeof viewSchema>;

export const viewsAnswerSchema = z
  .object({
    Views: z.array(viewSchema).max(maxLayouts).optional(),
    views: z.array(viewSchema).max(maxLayouts).optional(),
  })
  .refine((v) => v.Views !== undefined || v.views !== undefined, { message: 'no Views list', path: ['Views'] })
  .transform((v) => (v.Views ?? v.views)!);

const tourItemSchema = z.object({
  /** "view" or "camera" (or the numeric item types 1 camera / 2 view). */
  type: z.union([z.string().max(32), z.number()]),
  id: wireId,
  /** Seconds. */
  dwell: wireNumber.pipe(z.number().positive().max(86_400)).optional(),
});

const tourSchema = z.object({
  id: wireId,
  name: z.string().max(512),
  items: z.array(tourItemSchema).max(maxItems).optional(),
});
export type WireTour = z.infer<typeof tourSchema>;

export const toursAnswerSchema = z.object({ tours: z.array(tourSchema).max(maxLayouts) });

/** What an error answer may carry: `{success:false, error:"…"}`. */
export const errorAnswerSchema = z.object({ success: wireFlag.optional(), error: z.string().optional() });

/** export.web with no parameters: the formats this server exports (the seed's default is ps_zip). */
export const exportFormatsSchema = z.object({ success: wireFlag.optional(), formats: z.array(z.string().max(64)).max(100) });

/** export.web create: `{success, export_id}`; a refusal is `{success:false, error}`. */
export const exportCreatedSchema = z.object({ success: wireFlag, export_id: z.string().min(1).max(256).optional(), error: z.string().max(2000).optional() });

/** export.web?export=<id>: progress 0–100 (the server's), or `{success:false, error}` when it failed. */
export const exportStatusSchema = z.object({ success: wireFlag.optional(), progress: wireNumber.optional(), error: z.string().max(2000).optional() });
export type WireExportStatus = z.infer<typeof exportStatusSchema>;
