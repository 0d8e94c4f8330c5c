/**
 * The camera catalogue: every site's cameras as its adapter listed them at sign-in, kept current
 * by the site's status pushes (watchStatus) or, for sites without, by a re-read every
 * `refreshMs`. What leaves it carries global ids ("<site id>/<camera id>") and only cameras of
 * signed-in sites. The sessions tell it when to read, follow and forget (SessionCameras).
 */
import type { Camera } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { CameraRecord } from '../vms/adapter.js';
import type { SessionCameras, SiteSession } from './site-session.js';

/**
 * Whether a camera id ("<site id>/<camera id>") can be asked for live video now. Pure, so the
 * media broker's refusal of unknown cameras is table-tested.
 *
 * - the site is signed in: only cameras it lists;
 * - the site is configured but not signed in (signing in at start-up, needs sign-in): any camera
 *   of it, because its list is not known yet; the stream waits and says why (a wall restored at
 *   start-up opens its tiles before its sites finish signing in);
 * - no such site: never.
 */
export function cameraKnown(
  cameraId: string,
  sites: readonly { id: string; status: string }[],
  cameras: readonly { id: string }[],
): boolean {
  const slash = cameraId.indexOf('/');
  if (slash <= 0 || slash === cameraId.length - 1) return false;
  const site = sites.find((s) => s.id === cameraId.slice(0, slash));
  if (!site) return false;
  if (site.status !== 'signed-in') return true;
  return cameras.some((c) => c.id === cameraId);
}

interface SiteCameras {
  cameras: CameraRecord[];
  stopWatching?: () => void;
}

export interface CameraCatalogueOptions {
  /** The configured sites, in their listed order. */
  sites(): Iterable<SiteSession>;
  log: Logger;
  /** How often cameras of sites without push status are re-read, ms (0: never). */
  refreshMs?: number;
}

export class CameraCatalogue implements SessionCameras {
  private readonly bySite = new Map<SiteSession, SiteCameras>();
  private readonly listeners = new Set<(cameras: Camera[]) => void>();
  private readonly refreshTimer?: NodeJS.Timeout;

  constructor(private readonly options: CameraCatalogueOptions) {
    const refreshMs = options.refreshMs ?? 30_000;
    if (refreshMs > 0) {
      this.refreshTimer = setInterval(() => void this.refreshPolledSites(), refreshMs);
      this.refreshTimer.unref();
    }
  }

  list(): Camera[] {
    return [...this.options.sites()].flatMap((site) =>
      site.status === 'signed-in'
        ? this.camerasOf(site).map((cam) => ({
            id: `${site.config.id}/${cam.id}`,
            siteId: site.config.id,
            siteName: site.config.name,
            name: cam.name,
            state: cam.state,
            recording: cam.recording,
            ...(cam.stateDetail ? { stateDetail: cam.stateDetail } : {}),
            groups: cam.groups,
            profiles: cam.profiles,
            ...(cam.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: cam.utcOffsetMinutes }),
          }))
        : [],
    );
  }

  onChanged(listener: (cameras: Camera[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the site's last list holds the camera (whether it can be used now is the session's say). */
  holds(site: SiteSession, siteCameraId: string): boolean {
    return this.camerasOf(site).some((c) => c.id === siteCameraId);
  }

  count(site: SiteSession): number {
    return this.camerasOf(site).length;
  }

  async read(site: SiteSession): Promise<void> {
    const entry = this.entryOf(site);
    entry.cameras = await site.adapter.listCameras();
  }

  follow(site: SiteSession): void {
    const entry = this.entryOf(site);
    entry.stopWatching?.();
    entry.stopWatching = site.adapter.watchStatus?.((changes) => {
      const byId = new Map(changes.map((c) => [c.id, c]));
      entry.cameras = entry.cameras.map((cam) => {
        const change = byId.get(cam.id);
        if (!change) return cam;
        const { stateDetail: _old, ...rest } = cam;
        return { ...rest, state: change.state, recording: change.recording, ...(change.stateDetail ? { stateDetail: change.stateDetail } : {}) };
      });
      this.announce();
    }, () => void this.refreshAfterSessionLost(site));
    this.announce();
  }

  unfollow(site: SiteSession): void {
    const entry = this.bySite.get(site);
    entry?.stopWatching?.();
    delete entry?.stopWatching;
  }

  forget(site: SiteSession): void {
    const entry = this.bySite.get(site);
    if (entry) entry.cameras = [];
  }

  drop(site: SiteSession): void {
    this.unfollow(site);
    this.bySite.delete(site);
  }

  announce(): void {
    const cameras = this.list();
    for (const listener of this.listeners) listener(cameras);
  }

  dispose(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
  }

  /** A push channel saw the session end: sign in again (once) and re-read the cameras. */
  private async refreshAfterSessionLost(site: SiteSession): Promise<void> {
    if (site.status !== 'signed-in') return;
    try {
      await this.reread(site);
    } catch (err) {
      this.options.log.warn('signing in again after the status channel lost its session failed', { site: site.config.name, error: err });
    }
  }

  private async refreshPolledSites(): Promise<void> {
    for (const site of this.options.sites()) {
      if (site.status !== 'signed-in' || site.adapter.watchStatus) continue;
      try {
        await this.reread(site);
      } catch (err) {
        this.options.log.warn('camera refresh failed', { site: site.config.name, error: err });
      }
    }
  }

  private async reread(site: SiteSession): Promise<void> {
    const entry = this.entryOf(site);
    entry.cameras = await site.run((adapter) => adapter.listCameras());
    this.announce();
  }

  private camerasOf(site: SiteSession): CameraRecord[] {
    return this.bySite.get(site)?.cameras ?? [];
  }

  private entryOf(site: SiteSession): SiteCameras {
    let entry = this.bySite.get(site);
    if (!entry) this.bySite.set(site, (entry = { cameras: [] }));
    return entry;
  }
}
