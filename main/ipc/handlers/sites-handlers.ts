/**
 * Handlers of the `sites` and `cameras` namespaces: thin, all logic is in SiteService (live stills
 * through the StillCache; recorded ones are media/still on the media transport, main/playback);
 * adapter calls run in the site's session through withSite/withCamera.
 */
import type { StillCache } from '../../media/still-cache.js';
import type { SiteService } from '../../sites/site-service.js';
import type { Handlers } from '../router.js';

type SiteChannels = 'sites:list' | 'sites:add' | 'sites:remove' | 'sites:sign-in' | 'sites:sign-out' | 'sites:two-factor-choose' | 'sites:two-factor-verify' | 'sites:layouts' | 'cameras:list' | 'cameras:still';

export function sitesHandlers(sites: SiteService, stills: StillCache): Pick<Handlers, SiteChannels> {
  return {
    'sites:list': () => sites.list(),
    'sites:add': (input) => sites.add(input),
    'sites:remove': async ({ siteId }) => {
      await sites.remove(siteId);
      return null;
    },
    'sites:sign-in': (input) => sites.signIn(input),
    'sites:sign-out': ({ siteId }) => sites.signOut(siteId),
    'sites:two-factor-choose': ({ siteId, channel }) => sites.chooseTwoFactor(siteId, channel),
    'sites:two-factor-verify': ({ siteId, code }) => sites.verifyTwoFactor(siteId, code),
    'sites:layouts': ({ siteId }) => sites.withSite(siteId, async (adapter) => (adapter.serverLayouts ? adapter.serverLayouts() : { layouts: [], tours: [] })),
    'cameras:list': () => sites.cameras(),
    'cameras:still': async ({ cameraId, width }) => {
      const still = await stills.live(cameraId, width);
      return { contentType: 'image/jpeg' as const, base64: still.jpeg.toString('base64'), timestampMs: still.timestampMs };
    },
  };
}
