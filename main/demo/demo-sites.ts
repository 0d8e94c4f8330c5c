/**
 * The built-in demo: the simulator's sites, as an operator would add them, with fixed ids so a
 * wall built on demo cameras survives restarts. Only kinds Tessera has an adapter for.
 */
import type { SiteConfig, SiteKind } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { SiteService } from '../sites/site-service.js';
import { startFullSimulator, type SimulatorHandle } from './simulator.js';
import { fetchingOpener } from '../vms/browser-opener.js';
import { hasAdapter } from '../vms/registry.js';

const names: Record<SiteKind, string> = {
  'eagleeye-v1': 'Demo · Eagle Eye v1',
  'eagleeye-v3': 'Demo · Eagle Eye v3',
  exacq: 'Demo · exacqVision',
  aipix: 'Demo · AIPIX',
  rtsp: 'Demo · RTSP cameras',
};

export function demoSites(sites: SimulatorHandle['sites']): { config: SiteConfig; password: string }[] {
  const out: { config: SiteConfig; password: string }[] = [];
  for (const kind of Object.keys(names) as SiteKind[]) {
    const site = sites[kind];
    if (!site || !hasAdapter(kind)) continue;
    if (Array.isArray(site)) {
      if (site.length === 0) continue; // no RTSP server installed: the HTTP sites still work
      out.push({ config: { id: `demo-${kind}`, name: names[kind], kind, url: '', username: '', rtspCameras: site.map((c, i) => ({ id: `demo-camera-${i + 1}`, name: String(c.name), url: c.url })) }, password: '' });
    } else {
      const description = site as { url: string; username: string; password: string; clientId?: string; clientSecret?: string };
      if (kind === 'eagleeye-v3') {
        // OAuth: the client secret is the "password"; the user name goes out as login_hint, which
        // the simulator approves without a page (see fetchingOpener in startDemo).
        if (!description.clientId || !description.clientSecret) continue;
        out.push({ config: { id: `demo-${kind}`, name: names[kind], kind, url: description.url, username: description.username, oauthClientId: description.clientId }, password: description.clientSecret });
        continue;
      }
      out.push({ config: { id: `demo-${kind}`, name: names[kind], kind, url: description.url, username: description.username }, password: description.password });
    }
  }
  return out;
}

/** Why the demo has no "RTSP cameras" site, for an operator: what to install, and what still works. */
export function rtspMissing(why: string): string {
  return (
    "the demo's RTSP cameras are left out: they need Python 3 with GStreamer's RTSP server (Debian/Ubuntu: " +
    `apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad), here: ${why}. ` +
    "The demo's Eagle Eye, exacqVision and AIPIX cameras play over HTTP."
  );
}

/** Starts the simulator in this process and adds its sites, signed in. Stop the handle on quit. */
export async function startDemo(sites: SiteService, cacheDir: string, log: Logger): Promise<SimulatorHandle> {
  const sim = await startFullSimulator({ cacheDir, onProgress: (m) => log.info(`demo: ${m}`) });
  // A desktop app may run where no such Python exists (Windows, macOS, a bare Linux): say so, go on.
  if (sim.rtspUnavailable) log.warn(rtspMissing(sim.rtspUnavailable));
  for (const demo of demoSites(sim.sites)) {
    // OAuth demo sites sign in without a browser: the simulator approves its demo user at once.
    await sites.addTransient(demo.config, demo.password, { browserOpener: fetchingOpener }).catch((err: unknown) => log.warn('a demo site did not sign in', { site: demo.config.name, error: err }));
  }
  return sim;
}
