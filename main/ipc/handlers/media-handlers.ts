/** Handlers of the `media` namespace: thin, all logic is in the MediaBroker (slots are counted per calling window). */
import type { MediaBroker } from '../../media/media-broker.js';
import type { Handlers } from '../router.js';

type MediaChannels = 'media:open' | 'media:close';

export function mediaHandlers(media: MediaBroker): Pick<Handlers, MediaChannels> {
  return {
    'media:open': ({ cameraId, profile }, ctx) => media.open(cameraId, profile, ctx.caller),
    'media:close': ({ streamId }) => {
      media.close(streamId);
      return null;
    },
  };
}
