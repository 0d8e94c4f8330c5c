/**
 * The desktop app's entry: lifecycle only. Everything else is built in compose.ts and the
 * windows/ modules.
 */
import { app, safeStorage, screen, shell as electronShell } from 'electron';
import { parseArgs } from 'node:util';
import { compose, type Shell } from './compose.js';
import { createLogger } from './logging/logger.js';
import { dataPaths, resolveUserDataDir, simulatorCacheDir } from './paths.js';
import { startDemo } from './demo/demo-sites.js';
import type { SimulatorHandle } from './demo/simulator.js';
import { registerAppScheme, serveAppScheme } from './windows/app-protocol.js';
import { hardenElectron } from './windows/hardening.js';
import { registerElectronIpc } from './windows/ipc-electron.js';
import { installMenu } from './windows/menu.js';
import { currentDisplays, markQuitting, WindowManager } from './windows/window-manager.js';

const { values } = parseArgs({ args: process.argv.slice(1), options: { 'data-dir': { type: 'string' }, demo: { type: 'boolean' } }, strict: false, allowPositionals: true });
const dataDirFlag = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
app.setPath('userData', resolveUserDataDir(dataDirFlag, process.env, app.getPath('userData')));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const log = createLogger({ dir: dataPaths(dataDir).logs });
  hardenElectron(log.child('security'));
  installMenu();

  const shell: Shell = {
    kind: 'electron',
    safeStorage,
    showFile: (path) => electronShell.showItemInFolder(path),
    displays: currentDisplays,
    onDisplaysChanged(listener) {
      const notify = (): void => listener(currentDisplays());
      screen.on('display-added', notify);
      screen.on('display-removed', notify);
      screen.on('display-metrics-changed', notify);
      return () => {
        screen.off('display-added', notify);
        screen.off('display-removed', notify);
        screen.off('display-metrics-changed', notify);
      };
    },
  };
  const services = await compose({ dataDir, shell, log });
  // After compose: the scheme also serves live and recorded video and recorded stills. No window exists yet.
  serveAppScheme({ media: services.media, playback: services.playback, recordedStills: services.recordedStills, log: log.child('media') });
  const windows = new WindowManager(services.settings, log.child('windows'));
  const disposeIpc = registerElectronIpc(services, () => windows.windowsList());
  shell.onDisplaysChanged(() => windows.sync());
  services.settings.onChanged(() => windows.sync());
  windows.sync();

  app.on('second-instance', () => windows.windowsList()[0]?.focus());
  app.on('activate', () => windows.sync());
  app.on('before-quit', () => {
    markQuitting();
    disposeIpc();
    void services.dispose();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // OAuth sign-ins (Eagle Eye v3) open in the system browser; never anything but a web address.
  services.sites.useBrowserOpener({ open: (url) => (/^https?:\/\//i.test(url) ? electronShell.openExternal(url) : Promise.reject(new Error('not a web address'))) });
  log.info('Tessera started', { dataDir, displays: currentDisplays().length, credentials: services.credentials.kind });
  // A first start (no site of one's own yet) opens on the demo site, so there is something to see.
  let demo: SimulatorHandle | undefined;
  if (values.demo === true || services.sites.list().length === 0) {
    // The demo is a courtesy: where it cannot run (no ffmpeg for its video), the app starts without it.
    demo = await startDemo(services.sites, simulatorCacheDir(dataDir), log.child('demo')).catch((err: unknown) => {
      log.warn('the demo site could not start', { error: err });
      return undefined;
    });
    app.on('will-quit', () => void demo?.stop());
  }
  void services.sites.restoreSessions();
}
