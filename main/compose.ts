/**
 * Composition root: builds every main-process service once and registers every contract channel.
 * Both shells call it: the Electron entry (main/electron.ts) and serve mode (main/serve).
 * Adding a channel to the contract without a handler below is a compile error.
 */
import type { AppInfo, Display } from '../preload/contract/index.js';
import { EventHub } from './ipc/event-hub.js';
import { IpcRouter, type Handlers } from './ipc/router.js';
import type { Logger } from './logging/logger.js';
import { dataPaths } from './paths.js';
import { SettingsService } from './services/settings-service.js';
import { appVersion } from './version.js';

/** What differs between the Electron app and serve mode, seen from the services. */
export interface Shell {
  kind: AppInfo['shell'];
  displays(): Display[];
  onDisplaysChanged(listener: (displays: Display[]) => void): () => void;
}

export interface Services {
  router: IpcRouter;
  events: EventHub;
  settings: SettingsService;
  dispose(): Promise<void>;
}

export function compose(options: { dataDir: string; shell: Shell; log: Logger }): Services {
  const { shell, log } = options;
  const paths = dataPaths(options.dataDir);
  const events = new EventHub();
  const settings = new SettingsService(paths.settingsFile, log.child('settings'));

  const disposers = [
    settings.onChanged((value) => events.publish('settings:changed', value)),
    shell.onDisplaysChanged((displays) => events.publish('app:displays-changed', displays)),
  ];

  const handlers: Handlers = {
    'app:info': () => ({
      name: 'Tessera',
      version: appVersion,
      platform: process.platform,
      shell: shell.kind,
      displays: shell.displays(),
    }),
    'settings:get': () => settings.get(),
    'settings:set': (patch) => settings.set(patch),
  };

  return {
    router: new IpcRouter(handlers, log.child('ipc')),
    events,
    settings,
    async dispose() {
      for (const dispose of disposers) dispose();
    },
  };
}
