/**
 * What a site can do, derived from what its adapter implements, so a kind cannot claim recorded
 * video it does not serve or server layouts it cannot list. An adapter states only what no part
 * of it shows: its live formats, PTZ and how it signs in.
 */
import { AppFailure, siteKindLabels, type Capabilities } from '../../preload/contract/index.js';
import type { RecordedMedia, VmsAdapter } from './adapter.js';

export type DeclaredCapabilities = Pick<Capabilities, 'liveFormats' | 'ptz' | 'signIn'>;

declare const derived: unique symbol;
/** Capabilities as capabilitiesOf makes them: a hand-written object literal is not one. */
export type AdapterCapabilities = Capabilities & { readonly [derived]: true };

export function capabilitiesOf(declared: DeclaredCapabilities, adapter: Pick<VmsAdapter, 'kind' | 'recorded' | 'serverExport' | 'serverLayouts'>): AdapterCapabilities {
  const capabilities: Capabilities = {
    ...declared,
    recorded: adapter.recorded !== undefined,
    // 'server' where the site makes export files itself. A cut of the recorded source by ffmpeg
    // ('ffmpeg') is not built yet: claiming it would be untrue.
    exportPath: adapter.serverExport !== undefined ? 'server' : 'none',
    serverLayouts: adapter.serverLayouts !== undefined,
  };
  return capabilities as AdapterCapabilities;
}

/** The adapter's recorded media, or 'not-recorded' naming the site when it serves none (plain RTSP cameras). */
export function recordedMedia(adapter: Pick<VmsAdapter, 'kind' | 'recorded'>, site: string): RecordedMedia {
  if (adapter.recorded) return adapter.recorded;
  throw new AppFailure('not-recorded', `${site}: this site has no recordings Tessera can show (${siteKindLabels[adapter.kind]}).`);
}
