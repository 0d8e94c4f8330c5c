/**
 * Handlers of the `recordings` and `playback` namespaces: thin. Coverage runs in the camera's
 * site session (withCamera); playbacks live in the PlaybackService (slots counted per window).
 */
import type { PlaybackService } from '../../playback/playback-service.js';
import type { SiteService } from '../../sites/site-service.js';
import { coverageOf } from '../../vms/coverage.js';
import type { Handlers } from '../router.js';

type RecordingChannels = 'recordings:coverage' | 'playback:open' | 'playback:seek' | 'playback:set-speed' | 'playback:step' | 'playback:pause' | 'playback:close';

export function recordingsHandlers(sites: SiteService, playback: PlaybackService): Pick<Handlers, RecordingChannels> {
  return {
    'recordings:coverage': ({ cameraId, fromMs, toMs }) =>
      sites.withCamera(cameraId, (adapter, siteCameraId, site) => coverageOf(adapter, { site: site.name, cameraId, siteCameraId }, fromMs, toMs)),
    // The schema's defaults are applied by the router; the handler's type is the schema's input.
    'playback:open': ({ cameraId, atMs, rate, profile }, ctx) => playback.open({ cameraId, atMs, rate: rate ?? 1, profile: profile ?? 'main' }, ctx.caller),
    'playback:seek': async ({ playbackId, atMs }) => {
      await playback.seek(playbackId, atMs);
      return null;
    },
    'playback:set-speed': async ({ playbackId, rate, atMs }) => {
      await playback.setSpeed(playbackId, rate, atMs);
      return null;
    },
    'playback:step': ({ playbackId, direction }) => playback.step(playbackId, direction),
    'playback:pause': async ({ playbackId, paused }) => {
      await playback.pause(playbackId, paused);
      return null;
    },
    'playback:close': ({ playbackId }) => {
      playback.close(playbackId);
      return null;
    },
  };
}
