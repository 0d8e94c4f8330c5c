/**
 * Plain RTSP/ONVIF cameras entered by hand. There is no server session: "signing in" checks
 * the credentials against the cameras, status comes from probing them, live video is the RTSP
 * URL itself. No recordings: no `recorded` part, so no recorded stills, and no export.
 */
import { AppFailure } from '../../../preload/contract/index.js';
import { grabStill } from '../../media/grab-still.js';
import type { AdapterContext, AdapterFactory, CameraRecord, Credentials, VmsAdapter } from '../adapter.js';
import { capabilitiesOf, type AdapterCapabilities, type DeclaredCapabilities } from '../capabilities.js';
import { wrongCredentials } from '../session-errors.js';
import { probeRtsp } from './probe.js';
import { rtspCameraId, withCredentials } from './rtsp-urls.js';

const declared: DeclaredCapabilities = { liveFormats: ['rtsp'], ptz: false, signIn: 'password' };

/** Probes at most this many cameras at once: each probe is an ffprobe process. */
const probeConcurrency = 4;

class RtspAdapter implements VmsAdapter {
  readonly kind = 'rtsp' as const;
  private credentials: Credentials | null = null;

  /**
   * Cameras entered without a user need no password: such a site signs in with nothing, now and
   * after every restart, and nothing is saved for it (signIn 'none').
   */
  get capabilities(): AdapterCapabilities {
    return capabilitiesOf(this.ctx.site.username ? declared : { ...declared, signIn: 'none' }, this);
  }

  constructor(private readonly ctx: AdapterContext) {}

  private get entries() {
    return (this.ctx.site.rtspCameras ?? []).map((c) => ({ ...c, id: c.id ?? rtspCameraId(c.url) }));
  }

  async signIn(credentials: Credentials) {
    const first = this.entries[0];
    if (!first) throw new AppFailure('bad-request', `${this.ctx.site.name}: no camera addresses were entered.`);
    const probe = await probeRtsp(withCredentials(first.url, credentials.username, credentials.password));
    if (probe.unauthorized && !credentials.username) {
      throw new AppFailure('unauthorized', `${this.ctx.site.name}: the camera asks for a user name and password; remove the site and add it again with them.`);
    }
    if (probe.unauthorized) throw wrongCredentials(this.ctx.site.name);
    // A camera that is down now does not make the credentials wrong: keep them, show it offline.
    this.credentials = credentials;
    return { kind: 'signed-in' as const };
  }

  async signOut(): Promise<void> {
    this.credentials = null;
  }

  async listCameras(): Promise<CameraRecord[]> {
    const creds = this.requireCredentials();
    const entries = this.entries;
    const records: CameraRecord[] = new Array(entries.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < entries.length) {
        const index = next++;
        const entry = entries[index]!;
        const probe = await probeRtsp(withCredentials(entry.url, creds.username, creds.password));
        records[index] = {
          id: entry.id,
          name: entry.name,
          state: probe.ok ? 'online' : probe.unauthorized ? 'unauthorized' : 'offline',
          recording: false,
          ...(probe.ok ? {} : { stateDetail: probe.unauthorized ? 'the camera refused the credentials' : `not reachable (${probe.error ?? 'no answer'})` }),
          groups: [],
          profiles: [{ name: 'main', ...(probe.codec ? { codec: probe.codec } : {}), ...(probe.width ? { width: probe.width } : {}), ...(probe.height ? { height: probe.height } : {}) }],
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(probeConcurrency, entries.length) }, worker));
    return records;
  }

  async still(cameraId: string, width?: number) {
    const creds = this.requireCredentials();
    const jpeg = await grabStill(withCredentials(this.entry(cameraId).url, creds.username, creds.password), { rtsp: true, site: this.ctx.site.name, ...(width ? { width } : {}) });
    return { jpeg, timestampMs: this.ctx.now() };
  }

  async liveSource(cameraId: string) {
    const creds = this.requireCredentials();
    return { kind: 'rtsp' as const, url: withCredentials(this.entry(cameraId).url, creds.username, creds.password) };
  }

  async dispose(): Promise<void> {
    this.credentials = null;
  }

  private entry(cameraId: string) {
    const entry = this.entries.find((e) => e.id === cameraId);
    if (!entry) throw new AppFailure('not-found', `${this.ctx.site.name}: no camera ${cameraId}.`);
    return entry;
  }

  private requireCredentials(): Credentials {
    if (!this.credentials) throw new AppFailure('unauthorized', `${this.ctx.site.name} is not signed in.`);
    return this.credentials;
  }
}

export const rtspAdapterFactory: AdapterFactory = {
  kind: 'rtsp',
  create: (ctx) => new RtspAdapter(ctx),
};
