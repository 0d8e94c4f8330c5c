/**
 * The AIPIX VMS Client API wire (VMS-APIS §5; docs.aipix.ai 23.09–24.12, seed 004), as zod
 * schemas: the token answer, Laravel error envelopes (422, 419), paginated cameras and the
 * short-lived media links. Lenient where versions differ (nulls, numbers as strings), strict
 * about sizes so a runaway answer fails with a specific message.
 */
import { z } from 'zod';

/** Cameras per page Tessera asks for (the API allows up to 100; 25 is the default). */
export const pageSize = 100;
/** Most pages Tessera follows: 50 × 100 = 5000 cameras, the same bound as the other adapters. */
export const maxPages = 50;

const wireId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);
const optionalText = z.string().max(512).nullish();
const size = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,5}$/).transform(Number)]).nullish();

export const tokenAnswerSchema = z.object({
  /** Already "Bearer <id>|<secret>": sent verbatim as the Authorization header. */
  access_token: z.string().min(1).max(4096),
  user: z.object({ access_token_id: z.union([z.string().max(512), z.number()]).nullish() }).nullish(),
});

/** Laravel's validation envelope (422, also the body of 403 camera blocks). */
export const validationSchema = z.object({
  message: z.string().max(2000).nullish(),
  errors: z.record(z.string(), z.array(z.string().max(2000)).max(20)).nullish(),
});
export type WireValidation = z.infer<typeof validationSchema>;

/**
 * 419 "too many sessions". The docs name the code and the `session_id` retry but publish no
 * body; servers that list the sessions give at least an id per session.
 */
export const tooManySessionsSchema = z.object({
  message: z.string().max(2000).nullish(),
  sessions: z
    .array(
      z.object({
        id: z.union([z.string().min(1).max(512), z.number()]).transform(String),
        client: optionalText,
        uuid: optionalText,
        created_at: optionalText,
        last_used_at: optionalText,
      }),
    )
    .max(1000)
    .nullish(),
});
export type WireSession = NonNullable<z.infer<typeof tooManySessionsSchema>['sessions']>[number];

const streamSchema = z.object({
  id: wireId.nullish(),
  /** high = the main stream, low = the small one. */
  type: z.string().max(32),
  status: optionalText,
  width: size,
  height: size,
});

/**
 * One recorded range of a camera. The client API's shape is not published: servers and the
 * integration API send `{from, to}` (times as text, or epoch seconds); some give a `duration` (s)
 * instead of `to`.
 */
const timeLike = z.union([z.string().max(64), z.number()]);
const archiveRangeSchema = z.object({ from: timeLike, to: timeLike.nullish(), duration: z.union([z.number(), z.string().regex(/^\d{1,9}$/).transform(Number)]).nullish() });
export type WireArchiveRange = z.infer<typeof archiveRangeSchema>;

export const wireCameraSchema = z.object({
  id: wireId,
  name: optionalText,
  pretty_name: optionalText,
  /** active | inactive | empty (no stream configured). */
  status: optionalText,
  is_archive_recording: z.boolean().nullish(),
  /** What is recorded; absent when the server does not list it. */
  archive_ranges: z.array(archiveRangeSchema).max(100_000).nullish(),
  streams: z.array(streamSchema).max(16).nullish(),
  /** Integration-API key of the camera, where a server lists it (the client API usually does not). */
  uuid: z.string().max(64).nullish(),
});
export type WireCamera = z.infer<typeof wireCameraSchema>;

/** A page number or count: Laravel sends integers, some versions numeric strings. */
const count = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,9}$/).transform(Number)]).nullish();

/**
 * A page of cameras in either shape Laravel serialises a paginator: as an API resource
 * (`data`, `meta` {current_page, last_page, per_page, total}, `links` {next}) or the paginator
 * itself, with its fields at the top level (`current_page`, `last_page`, `next_page_url`,
 * `per_page`, `total`, `data`; simplePaginate leaves out last_page and total). Some servers send
 * `data` alone (see pagination.ts for how each is followed).
 */
export const cameraPageSchema = z.object({
  data: z.array(wireCameraSchema).max(1000),
  meta: z.object({ current_page: count, last_page: count, per_page: count, total: count }).nullish(),
  links: z.object({ next: z.string().max(4096).nullish() }).nullish(),
  current_page: count,
  last_page: count,
  per_page: count,
  total: count,
  next_page_url: z.string().max(4096).nullish(),
});
export type WireCameraPage = z.infer<typeof cameraPageSchema>;

const mediaUrl = z.url({ protocol: /^(https?|rtsps?)$/ }).max(8192);

/** GET /cameras/{id}/streams → {url, fallback_url}; some versions add expired_at. */
export const liveLinkSchema = z.object({ url: mediaUrl, fallback_url: mediaUrl.nullish(), expired_at: z.string().max(64).nullish() });

/** GET /cameras/{id}/streams/archive → {url, fallback_url, move_to}. */
export const archiveLinkSchema = z.object({ url: mediaUrl, fallback_url: mediaUrl.nullish(), move_to: z.string().max(64).nullish(), expired_at: z.string().max(64).nullish() });

/** POST /cameras/preview (integration, seed 004) → [{url, expired_at}]. */
export const previewLinksSchema = z.array(z.object({ url: mediaUrl, expired_at: z.string().max(64).nullish() })).min(1).max(100);

/** GET /cameras/{id}/archive/link?from&to → {link}: an MP4 of the range (the thick client's download, VMS-APIS §5.4). */
export const archiveDownloadLinkSchema = z.object({ link: z.url({ protocol: /^https?$/ }).max(8192) });
