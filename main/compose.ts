/**
 * Composition root: builds every main-process service once and registers every contract channel.
 * Both shells call it: the Electron entry (main/electron.ts) and serve mode (main/serve).
 * Adding a channel to the contract without a handler below is a compile error.
 */
import { AppFailure, type AppInfo, type Display } from '../preload/contract/index.js';
import { chooseCredentialStore } from './credentials/choose-store.js';
import type { CredentialStore } from './credentials/credential-store.js';
import type { SafeStorageLike } from './credentials/safe-storage-store.js';
import { exportAccess } from './export/camera-access.js';
import { ExportManager } from './export/export-manager.js';
import { loadSigningKey, type SigningKey } from './export/signing-key.js';
import { exportHandlers } from './ipc/handlers/export-handlers.js';
import { mediaHandlers } from './ipc/handlers/media-handlers.js';
import { recordingsHandlers } from './ipc/handlers/recordings-handlers.js';
import { sitesHandlers } from './ipc/handlers/sites-handlers.js';
import { wallHandlers } from './ipc/handlers/wall-handlers.js';
import { EventHub } from './ipc/event-hub.js';
import { IpcRouter, type Handlers } from './ipc/router.js';
import type { Logger } from './logging/logger.js';
import { MediaBroker } from './media/media-broker.js';
import { PreviewFeeds } from './media/preview-feeds.js';
import { StillCache } from './media/still-cache.js';
import { StreamSlots } from './media/stream-slots.js';
import { PlaybackService } from './playback/playback-service.js';
import { RecordedStills } from './playback/recorded-stills.js';
import { dataPaths } from './paths.js';
import { removeOrphanTemps } from './persistence/orphan-temps.js';
import { SettingsService } from './services/settings-service.js';
import { cameraKnown } from './sites/camera-catalogue.js';
import { SiteRepository } from './sites/site-repository.js';
import { SiteService } from './sites/site-service.js';
import { appVersion } from './version.js';
import { recordedMedia } from './vms/capabilities.js';
import { WallService } from './wall/wall-service.js';

/** What differs between the Electron app and serve mode, seen from the services. */
export interface Shell {
  kind: AppInfo['shell'];
  displays(): Display[];
  onDisplaysChanged(listener: (displays: Display[]) => void): () => void;
  /** Electron's safeStorage, when running in Electron (credential fallback). */
  safeStorage?: SafeStorageLike;
  /** Shows a file in its folder (Electron); serve mode offers a download instead. */
  showFile?(path: string): void;
}

export interface Services {
  router: IpcRouter;
  events: EventHub;
  settings: SettingsService;
  sites: SiteService;
  /** Live video: one ffmpeg per camera × profile, shared by tiles (the shells serve media/stream/<id>). */
  media: MediaBroker;
  /** Recorded playback: one session per tile (the shells serve media/playback/<id>). */
  playback: PlaybackService;
  /** Recorded stills for scrubbing, cached per camera × time bucket (the shells serve media/still). */
  recordedStills: RecordedStills;
  /** Layouts, tours and what each display shows. */
  wall: WallService;
  /** Evidence exports (exports.json), started by compose. */
  exports: ExportManager;
  credentials: CredentialStore;
  dispose(): Promise<void>;
}

export interface ComposeOptions {
  dataDir: string;
  shell: Shell;
  log: Logger;
  /** Tests may pass a store; otherwise the best the system offers is chosen. */
  credentials?: CredentialStore;
}

export async function compose(options: ComposeOptions): Promise<Services> {
  const { shell, log } = options;
  const paths = dataPaths(options.dataDir);
  const events = new EventHub();
  // Before any document loads: temps of writes a crashed run left behind (never a live writer's).
  const sweep = removeOrphanTemps(paths.root);
  if (sweep.removed.length > 0) log.info('removed temp files left by an earlier run', { files: sweep.removed });
  if (sweep.failed.length > 0) log.warn('could not remove temp files left by an earlier run', { failed: sweep.failed });
  const settings = new SettingsService(paths.settingsFile, log.child('settings'));
  const credentials =
    options.credentials ??
    (await chooseCredentialStore({ ...(shell.safeStorage ? { safeStorage: shell.safeStorage } : {}), safeStoragePath: paths.encryptedCredentialsFile, log: log.child('credentials') }));
  const sites = new SiteService({ repository: new SiteRepository(paths.sitesFile), credentials, log: log.child('sites') });
  // Live and recorded streams share the slots: a window cannot hold more of both together.
  const slots = new StreamSlots();
  const media = new MediaBroker({
    slots,
    resolve: (cameraId, profile) =>
      sites.withCamera(cameraId, (adapter, id, site) => {
        if (!adapter.liveSource) throw new AppFailure('unsupported', `${site.name} offers no live video Tessera can play.`);
        return adapter.liveSource(id, profile);
      }),
    cameraState: (cameraId) => sites.cameras().find((camera) => camera.id === cameraId)?.state,
    cameraKnown: (cameraId) => cameraKnown(cameraId, sites.list(), sites.cameras()),
    log: log.child('media'),
  });
  const playback = new PlaybackService({
    slots,
    resolve: (cameraId, atMs, options) =>
      sites.withCamera(cameraId, async (adapter, id, site) => {
        const recorded = recordedMedia(adapter, site.name);
        if (!recorded.video) throw new AppFailure('unsupported', `${site.name}: Tessera cannot play this site's recordings yet.`);
        return recorded.video(id, atMs, options);
      }),
    reverse: (cameraId) => sites.withCamera(cameraId, async (adapter, _id, site) => recordedMedia(adapter, site.name).reverse ?? 'none'),
    coverage: (cameraId, fromMs, toMs) =>
      sites.withCamera(cameraId, async (adapter, id, site) => {
        const recorded = recordedMedia(adapter, site.name);
        return recorded.coverage ? recorded.coverage(id, fromMs, toMs) : [];
      }),
    cameraKnown: (cameraId) => cameraKnown(cameraId, sites.list(), sites.cameras()),
    log: log.child('playback'),
  });

  // Live stills: from the camera's preview feed when its site pushes one (no request per picture),
  // otherwise one VMS request per camera however many tiles and displays show it.
  const previews = new PreviewFeeds({ open: (cameraId) => sites.withCamera(cameraId, async (adapter, id) => (adapter.previewFeed ? adapter.previewFeed(id) : null)), log: log.child('previews') });
  const stills = new StillCache({
    fetch: async (cameraId, width) => previews.latest(cameraId) ?? sites.withCamera(cameraId, (adapter, id) => adapter.still(id, width)),
  });
  const recordedStills = new RecordedStills({
    fetch: (cameraId, atMs, width, signal) => sites.withCamera(cameraId, (adapter, id, site) => recordedMedia(adapter, site.name).still(id, atMs, width, signal)),
  });
  const wall = new WallService(paths.wallFile, log.child('wall'));
  let signingKey: Promise<SigningKey> | undefined;
  const exports = new ExportManager({
    file: paths.exportsFile,
    log: log.child('export'),
    ...exportAccess({
      withCamera: (cameraId, call) => sites.withCamera(cameraId, call),
      cameraName: (cameraId) => sites.cameras().find((c) => c.id === cameraId)?.name,
      siteReady: (cameraId) => sites.list().find((s) => cameraId.startsWith(`${s.id}/`))?.status === 'signed-in',
    }),
    signingKey: () => (signingKey ??= loadSigningKey(credentials)),
  });

  const disposers = [
    settings.onChanged((value) => events.publish('settings:changed', value)),
    shell.onDisplaysChanged((displays) => events.publish('app:displays-changed', displays)),
    sites.onSitesChanged((value) => events.publish('sites:changed', value)),
    sites.onCamerasChanged((value) => events.publish('cameras:changed', value)),
    // Every window gets every stream's state; a window keeps the ids it opened.
    media.onStates((value) => events.publish('media:state', value)),
    playback.onStates((value) => events.publish('playback:state', value)),
    wall.onChanged((value) => events.publish('wall:changed', value)),
    exports.onChanged((value) => events.publish('export:changed', value)),
    sites.onSitesChanged(() => exports.sitesChanged()),
  ];
  exports.start();

  const handlers: Handlers = {
    'app:info': () => ({
      name: 'Tessera',
      version: appVersion,
      platform: process.platform,
      shell: shell.kind,
      displays: shell.displays(),
      loadProblems: [settings.loadProblem, ...sites.loadProblems, wall.loadProblem, exports.loadProblem].filter((p) => p !== undefined),
      credentialStore: credentials.info,
    }),
    'settings:get': () => settings.get(),
    'settings:set': (patch) => settings.set(patch),
    'settings:set-window-mode': ({ displayId, mode }) => settings.setWindowMode(displayId, mode),
    ...sitesHandlers(sites, stills),
    ...mediaHandlers(media),
    ...recordingsHandlers(sites, playback),
    ...wallHandlers(wall),
    ...exportHandlers(exports, shell.showFile),
  };

  return {
    router: new IpcRouter(handlers, log.child('ipc')),
    events,
    settings,
    sites,
    media,
    playback,
    recordedStills,
    wall,
    exports,
    credentials,
    async dispose() {
      for (const dispose of disposers) dispose();
      await exports.dispose();
      previews.close();
      await Promise.all([media.dispose(), playback.dispose()]);
      await sites.dispose();
    },
  };
}
