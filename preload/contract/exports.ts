/**
 * DTOs of the `export` namespace: evidence exports made by main (main/export). A job is one
 * camera's clip; a multi-camera export is one job per camera, all in one folder named after the
 * incident. Jobs are persisted (exports.json) and survive a restart; `export:changed` carries
 * the whole list after any change, progress included (at most a few times a second).
 */
import { z } from 'zod';
import { cameraIdSchema, idSchema } from './ids.js';
import { siteKindSchema } from './sites.js';

export const exportStates = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export const exportStateSchema = z.enum(exportStates);
export type ExportState = z.infer<typeof exportStateSchema>;

/** Longest range one export may ask for: a day (longer is a backup, not evidence). */
export const maxExportSpanMs = 24 * 3600_000;
/** Cameras in one export request (a full 16-tile layout). */
export const maxExportCameras = 16;

/** An incident name becomes a folder name: letters, digits, spaces and a few marks only. */
export const incidentSchema = z
  .string()
  .trim()
  .min(1, 'name the incident (it becomes the folder name)')
  .max(80)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._,()#+-]*$/u, 'may hold letters, digits, spaces and . _ , ( ) # + - only, starting with a letter or digit');

export const exportCreateSchema = z
  .object({
    cameraIds: z.array(cameraIdSchema).min(1).max(maxExportCameras),
    fromMs: z.number().int().nonnegative(),
    toMs: z.number().int().nonnegative(),
    /** Absolute path of an existing folder; the incident's folder is made inside it. */
    folder: z.string().min(1).max(1024),
    incident: incidentSchema,
    /** Burn the camera name and time into the picture (a transcode: slower). */
    burnTimestamp: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.toMs > r.fromMs && r.toMs - r.fromMs <= maxExportSpanMs, 'toMs must follow fromMs by at most 24 hours');
export type ExportCreate = z.input<typeof exportCreateSchema>;

export const exportIdSchema = z.object({ exportId: idSchema }).strict();

export const exportJobSchema = z.object({
  id: idSchema,
  cameraId: cameraIdSchema,
  cameraName: z.string().max(200),
  siteName: z.string().max(200),
  vendor: siteKindSchema,
  /** The site user the export is made as (the manifest's operator). */
  operator: z.string().max(200),
  fromMs: z.number().int().nonnegative(),
  toMs: z.number().int().nonnegative(),
  burnTimestamp: z.boolean(),
  /** Where the finished file goes (absolute); its manifest is `<file>.manifest.json`. */
  file: z.string().max(2048),
  state: exportStateSchema,
  /** 0–1 over the whole job. */
  progress: z.number().min(0).max(1),
  bytes: z.number().int().nonnegative(),
  etaS: z.number().nonnegative().optional(),
  /** What it is doing now, in words ("Downloading part 2 of 3"). */
  step: z.string().max(300),
  /** Failed, paused: why, with the closed code. */
  error: z.object({ code: z.string().max(40), message: z.string().max(500) }).optional(),
  createdMs: z.number(),
  endedMs: z.number().optional(),
  attempts: z.number().int().nonnegative(),
});
export type ExportJob = z.infer<typeof exportJobSchema>;

export const exportListSchema = z.object({
  jobs: z.array(exportJobSchema),
  /** The folder the last export went to (the dialog starts there). */
  lastFolder: z.string().max(1024).optional(),
});
export type ExportList = z.infer<typeof exportListSchema>;

export const exportRevealSchema = z.object({
  /** Electron showed the file in its folder; serve mode gives the download path instead. */
  shown: z.boolean(),
  downloadPath: z.string().max(300).optional(),
});

/** Where serve mode serves a finished export's file (same origin, behind the token or the page cookie). */
export function exportDownloadPath(exportId: string): string {
  return `/exports/${encodeURIComponent(exportId)}`;
}
export const exportDownloadPattern = /^\/exports\/([A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/;
