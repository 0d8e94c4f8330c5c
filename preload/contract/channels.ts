/**
 * THE IPC contract: every request and event the renderer may use, in one place. Main implements
 * it (main/ipc), preload exposes it (preload/index.ts), the renderer imports its types, and the
 * serve-mode WebSocket bridge carries the very same channels.
 *
 * To add a request: add its name to names.ts and an entry to `requests` with an input and a result schema. The compiler
 * then fails in main/compose.ts until a handler exists, and `window.tessera.<ns>.<verb>` appears
 * in the renderer by itself.
 * To add an event: add its name to names.ts and an entry to `events`; main publishes it through the EventHub and the
 * renderer subscribes with `window.tessera.<ns>.on<Verb>(cb)`, which returns an unsubscribe.
 * Media bytes do not travel here: `media:open` returns a path the player fetches (see media.ts).
 */
import { z } from 'zod';
import { appInfoSchema, setWindowModeSchema, settingsPatchSchema, settingsSchema } from './app.js';
import type { EventChannel, RequestChannel } from './names.js';
import { exportCreateSchema, exportIdSchema, exportJobSchema, exportListSchema, exportRevealSchema } from './exports.js';
import { mediaOpenSchema, mediaStreamSchema, streamIdSchema, streamStateSchema } from './media.js';
import {
  coverageRequestSchema,
  coverageSchema,
  playbackIdSchema,
  playbackOpenSchema,
  playbackPauseSchema,
  playbackSeekSchema,
  playbackSessionSchema,
  playbackSpeedSchema,
  playbackStateSchema,
  playbackStepResultSchema,
  playbackStepSchema,
} from './recordings.js';
import {
  addSiteSchema,
  cameraSchema,
  serverLayoutSchema,
  serverTourSchema,
  signInSchema,
  siteIdSchema,
  siteStateSchema,
  stillRequestSchema,
  stillSchema,
  twoFactorChooseSchema,
  twoFactorVerifySchema,
} from './sites.js';
import { layoutIdSchema, layoutSchema, setDisplaySchema, tourIdSchema, tourSchema, wallStateSchema } from './wall.js';

const none = z.undefined();

export const requests = {
  'app:info': { input: none, result: appInfoSchema },
  'settings:get': { input: none, result: settingsSchema },
  'settings:set': { input: settingsPatchSchema, result: settingsSchema },
  /** One display's window mode (the other displays' modes stay as main has them). */
  'settings:set-window-mode': { input: setWindowModeSchema, result: settingsSchema },
  'sites:list': { input: none, result: z.array(siteStateSchema) },
  'sites:add': { input: addSiteSchema, result: siteStateSchema },
  'sites:remove': { input: siteIdSchema, result: z.null() },
  /** Signs in with the given password, or the saved one. May end in status "two-factor". */
  'sites:sign-in': { input: signInSchema, result: siteStateSchema },
  /** Ends the server session; keeps the site and its saved password. */
  'sites:sign-out': { input: siteIdSchema, result: siteStateSchema },
  'sites:two-factor-choose': { input: twoFactorChooseSchema, result: siteStateSchema },
  'sites:two-factor-verify': { input: twoFactorVerifySchema, result: siteStateSchema },
  'sites:layouts': { input: siteIdSchema, result: z.object({ layouts: z.array(serverLayoutSchema), tours: z.array(serverTourSchema) }) },
  /** Cameras of every signed-in site, merged. */
  'cameras:list': { input: none, result: z.array(cameraSchema) },
  /** The live still of a camera (recorded stills are a GET of media/still on the media transport: see recordings.ts). */
  'cameras:still': { input: stillRequestSchema, result: stillSchema },
  /** Recorded periods and motion/event marks of a camera in a window ('not-recorded' for a camera without recordings). */
  'recordings:coverage': { input: coverageRequestSchema, result: coverageSchema },
  /** Recorded video of a camera from a time, for one tile (never shared); fetch the returned path for the bytes. */
  'playback:open': { input: playbackOpenSchema, result: playbackSessionSchema },
  /** Plays from another time: a new init segment follows in the same stream, on the same originMs. */
  'playback:seek': { input: playbackSeekSchema, result: z.null() },
  /** The player sets playbackRate itself; main asks the source for keyframes or the sub-stream where that helps. */
  'playback:set-speed': { input: playbackSpeedSchema, result: z.null() },
  /** One frame forward or back while paused: by the server's playhead, or by the player in its buffer (frameMs). */
  'playback:step': { input: playbackStepSchema, result: playbackStepResultSchema },
  'playback:pause': { input: playbackPauseSchema, result: z.null() },
  /** The tile no longer plays it; the source and its process stop at once. Unknown ids are fine. */
  'playback:close': { input: playbackIdSchema, result: z.null() },
  /** Starts (or joins) live video of a camera for one tile; fetch the returned path for the bytes. */
  'media:open': { input: mediaOpenSchema, result: mediaStreamSchema },
  /** The tile no longer shows the stream; the upstream stops shortly after its last viewer leaves. */
  'media:close': { input: streamIdSchema, result: z.null() },
  /** Layouts, tours and what each display shows. */
  'wall:get': { input: none, result: wallStateSchema },
  /** Creates or replaces a layout (by id). */
  'wall:save-layout': { input: layoutSchema, result: wallStateSchema },
  /** Deletes a layout; tour steps using it are dropped, displays showing it keep it as an unsaved draft. */
  'wall:delete-layout': { input: layoutIdSchema, result: wallStateSchema },
  'wall:save-tour': { input: tourSchema, result: wallStateSchema },
  /** Deletes a tour; displays running it stop it. */
  'wall:delete-tour': { input: tourIdSchema, result: wallStateSchema },
  /** Changes what one display shows: layout, unsaved draft, tour position, maximised tile. */
  'wall:set-display': { input: setDisplaySchema, result: wallStateSchema },
  /** Queues one export job per camera (main/export); the list follows through export:changed. */
  'export:create': { input: exportCreateSchema, result: z.array(exportJobSchema) },
  'export:list': { input: none, result: exportListSchema },
  /** Stops a queued, running or paused job and removes its work files. */
  'export:cancel': { input: exportIdSchema, result: exportJobSchema },
  /** Queues a failed or cancelled job again (parts already on disk are re-used). */
  'export:retry': { input: exportIdSchema, result: exportJobSchema },
  /** Forgets a finished, failed or cancelled job (its file stays). */
  'export:remove': { input: exportIdSchema, result: z.null() },
  /** Shows a finished file in its folder (Electron) or gives its download path (serve mode). */
  'export:reveal': { input: exportIdSchema, result: exportRevealSchema },
} as const satisfies Record<RequestChannel, { input: z.ZodType; result: z.ZodType }>;

export const events = {
  /** Whole settings after any change, from any window. */
  'settings:changed': settingsSchema,
  /** The displays connected now (added, removed, resized). */
  'app:displays-changed': appInfoSchema.shape.displays,
  /** Every site with its state, after any change. */
  'sites:changed': z.array(siteStateSchema),
  /** The whole merged camera list, after any change of a camera or its status. */
  'cameras:changed': z.array(cameraSchema),
  /** State of every open stream, all windows alike (connecting, playing, retrying with the reason…); a window keeps the ids it opened. */
  'media:state': z.array(streamStateSchema),
  /** State of every recorded playback (playing, gap, ended…), coalesced like media:state; a window keeps the ids it opened. */
  'playback:state': z.array(playbackStateSchema),
  /** The whole wall after any change, from any window. */
  'wall:changed': wallStateSchema,
  /** Every export job after any change (state, progress at most a few times a second). */
  'export:changed': exportListSchema,
} as const satisfies Record<EventChannel, z.ZodType>;

export type RequestInput<C extends RequestChannel> = z.input<(typeof requests)[C]['input']>;
export type RequestResult<C extends RequestChannel> = z.output<(typeof requests)[C]['result']>;
export type EventPayload<C extends EventChannel> = z.output<(typeof events)[C]>;

export function isRequestChannel(channel: string): channel is RequestChannel {
  return Object.hasOwn(requests, channel);
}

export function isEventChannel(channel: string): channel is EventChannel {
  return Object.hasOwn(events, channel);
}
