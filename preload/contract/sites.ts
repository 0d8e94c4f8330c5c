/** DTOs and schemas of the `sites` and `cameras` namespaces. No secret ever appears in these. */
import { z } from 'zod';
import { cameraIdSchema, localIdSchema } from './ids.js';

export const siteKinds = ['eagleeye-v1', 'eagleeye-v3', 'exacq', 'aipix', 'rtsp'] as const;
export const siteKindSchema = z.enum(siteKinds);
export type SiteKind = z.infer<typeof siteKindSchema>;

export const siteKindLabels: Record<SiteKind, string> = {
  'eagleeye-v1': 'Eagle Eye Networks (API v1)',
  'eagleeye-v3': 'Eagle Eye Networks (API v3, OAuth)',
  exacq: 'exacqVision Web Service',
  aipix: 'AIPIX VMS',
  rtsp: 'RTSP / ONVIF cameras',
};

/** What a site can do, so the UI offers only that. */
export const capabilitiesSchema = z.object({
  liveFormats: z.array(z.enum(['rtsp', 'flv', 'hls', 'h264', 'jpeg', 'mjpeg'])),
  /** The site serves recorded media (today the still at a time); follows from the adapter's `recorded` part. */
  recorded: z.boolean(),
  /** "server": the VMS makes the file; "ffmpeg": Tessera cuts it from recorded media; "none". */
  exportPath: z.enum(['server', 'ffmpeg', 'none']),
  ptz: z.boolean(),
  serverLayouts: z.boolean(),
  /** How the operator signs in: a password form or the browser (OAuth). */
  signIn: z.enum(['password', 'oauth', 'none']),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' });
const rtspUrl = z.url({ protocol: /^rtsps?$/, error: 'must be an rtsp:// address' });

/** Cameras typed into one RTSP site: more than any wall shows; a larger system has a VMS. */
export const MAX_RTSP_CAMERAS = 256;

/** One camera of an RTSP site. Strict like every input: an unknown key is refused, not dropped. */
export const rtspCameraSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    url: rtspUrl,
    /**
     * A fixed id for cameras whose address changes between starts (the demo's RTSP server takes a
     * free port each time), so walls keep them. Without it the id is derived from the URL.
     */
    id: localIdSchema.optional(),
  })
  .strict();
export type RtspCameraEntry = z.infer<typeof rtspCameraSchema>;

/** A site as stored and as the UI edits it: no password, token or cookie. */
export const siteConfigSchema = z.object({
  id: localIdSchema,
  name: z.string().trim().min(1).max(120),
  kind: siteKindSchema,
  /** The address the operator typed (for RTSP sites: unused, cameras carry their own URLs). */
  url: z.string().max(2048),
  username: z.string().max(256),
  /** RTSP sites only: the cameras, entered by hand (URLs without credentials). */
  rtspCameras: z.array(rtspCameraSchema).max(MAX_RTSP_CAMERAS).optional(),
  /**
   * OAuth sites (Eagle Eye v3) only: the client id of the application registered with the VMS.
   * Not a secret; its client secret is what the operator enters as the password.
   */
  oauthClientId: z.string().trim().min(1).max(256).optional(),
});
export type SiteConfig = z.infer<typeof siteConfigSchema>;

export const siteStatusSchema = z.enum(['signed-out', 'signing-in', 'two-factor', 'signed-in', 'needs-sign-in', 'error']);
export type SiteStatus = z.infer<typeof siteStatusSchema>;

export const siteStateSchema = siteConfigSchema.extend({
  status: siteStatusSchema,
  /** Plain-words reason for the last failure, for the Sites screen. */
  lastError: z.object({ code: z.string(), message: z.string() }).optional(),
  capabilities: capabilitiesSchema,
  cameraCount: z.number().int(),
  /** A warning about the camera list that is no failure, in words (the server reports more cameras than it listed). */
  cameraListWarning: z.string().optional(),
  /** Whether a password (or refresh token) is kept in the keychain for this site. */
  credentialSaved: z.boolean(),
  /** While status is "two-factor": where a code can be sent, and whether one was sent. */
  twoFactor: z.object({ channels: z.array(z.enum(['sms', 'email'])), codeSent: z.boolean() }).optional(),
  /**
   * While an OAuth sign-in waits for the browser: the address to open (shown as a link where
   * Tessera cannot open a browser itself). Holds no secret: client id, state and PKCE challenge.
   */
  oauth: z.object({ authorizationUrl: z.string() }).optional(),
});
export type SiteState = z.infer<typeof siteStateSchema>;

export const addSiteSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    kind: siteKindSchema,
    url: z.string().max(2048),
    username: z.string().max(256),
    password: z.string().max(1024).optional(),
    /** Keep the password in the OS keychain for the next start. */
    savePassword: z.boolean(),
    rtspCameras: z.array(rtspCameraSchema).max(MAX_RTSP_CAMERAS).optional(),
    /** Eagle Eye v3: the OAuth client id (the password field then takes the client secret). */
    oauthClientId: z.string().trim().min(1).max(256).optional(),
  })
  .strict()
  .superRefine((site, ctx) => {
    if (site.kind !== 'rtsp' && !httpUrl.safeParse(site.url).success) ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an http:// or https:// address' });
    if (site.kind === 'rtsp' && !site.rtspCameras?.length) ctx.addIssue({ code: 'custom', path: ['rtspCameras'], message: 'needs at least one camera URL' });
    if (site.kind === 'eagleeye-v3' && !site.oauthClientId) ctx.addIssue({ code: 'custom', path: ['oauthClientId'], message: 'is needed: the client id of your Eagle Eye application' });
  });
export type AddSite = z.infer<typeof addSiteSchema>;

export const siteIdSchema = z.object({ siteId: localIdSchema }).strict();
export const signInSchema = z.object({ siteId: localIdSchema, password: z.string().max(1024).optional(), savePassword: z.boolean().optional() }).strict();
export const twoFactorChooseSchema = z.object({ siteId: localIdSchema, channel: z.enum(['sms', 'email']) }).strict();
export const twoFactorVerifySchema = z.object({ siteId: localIdSchema, code: z.string().regex(/^\d{4,8}$/, 'must be the digits of the code') }).strict();

export const cameraStateSchema = z.enum(['online', 'offline', 'off', 'unauthorized', 'unknown']);
export type CameraState = z.infer<typeof cameraStateSchema>;

/** An offset from UTC in whole minutes, within the ±14 h that real zones use (UTC−12 … UTC+14). */
export const utcOffsetMinutesSchema = z.number().int().min(-14 * 60).max(14 * 60);

export const streamProfileSchema = z.object({
  name: z.enum(['main', 'sub']),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  codec: z.string().optional(),
});
export type StreamProfileInfo = z.infer<typeof streamProfileSchema>;

export const cameraSchema = z.object({
  /** Opaque, globally unique: "<siteId>/<site-scoped id>". */
  id: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  name: z.string(),
  state: cameraStateSchema,
  recording: z.boolean(),
  /** Why it is not online, in words (from the VMS status). */
  stateDetail: z.string().optional(),
  groups: z.array(z.string()),
  profiles: z.array(streamProfileSchema),
  /**
   * The site's own offset from UTC, minutes (local = UTC + offset), where the VMS reports one
   * (exacqVision's config.web `timezone`): the timeline can label times as the site's clocks
   * show them. Whole minutes within ±14 h.
   */
  utcOffsetMinutes: utcOffsetMinutesSchema.optional(),
});
export type Camera = z.infer<typeof cameraSchema>;

export const stillRequestSchema = z
  .object({
    cameraId: cameraIdSchema,
    width: z.number().int().min(32).max(3840).optional(),
  })
  .strict();

export const stillSchema = z.object({
  contentType: z.literal('image/jpeg'),
  /** JPEG bytes, base64 (stills are tens of kB; video never takes this path). */
  base64: z.string(),
  timestampMs: z.number(),
});
export type Still = z.infer<typeof stillSchema>;

/** A layout read from a site (Eagle Eye panes, exacqVision views), in Tessera's grid terms. */
export const serverLayoutSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  columns: z.number().int().min(1).max(16),
  rows: z.number().int().min(1).max(16),
  tiles: z.array(
    z.object({
      x: z.number().int(),
      y: z.number().int(),
      width: z.number().int().min(1),
      height: z.number().int().min(1),
      /** One camera, or several for a carousel tile. */
      cameraIds: z.array(z.string()),
      /** Carousel dwell per camera, ms. */
      dwellMs: z.array(z.number().int().positive()).optional(),
    }),
  ),
});
export type ServerLayout = z.infer<typeof serverLayoutSchema>;

export const serverTourSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  steps: z.array(z.object({ cameraIds: z.array(z.string()), layoutId: z.string().optional(), dwellMs: z.number().int().positive() })),
});
export type ServerTour = z.infer<typeof serverTourSchema>;
