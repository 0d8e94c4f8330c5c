/**
 * Electron's side of the contract: one ipcMain.handle per request channel, all through the
 * IpcRouter, with the sender frame's URL deciding trust; events go to every app window.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { requestChannels } from '../../preload/contract/index.js';
import type { Services } from '../compose.js';
import { isTrustedSenderUrl } from './security-policy.js';

export function registerElectronIpc(services: Services, windows: () => BrowserWindow[]): () => void {
  for (const channel of requestChannels) {
    ipcMain.handle(channel, (event, input: unknown) =>
      services.router.dispatch(channel, input, {
        trusted: isTrustedSenderUrl(event.senderFrame?.url),
        caller: `window ${event.sender.id}`,
      }),
    );
  }
  const detach = services.events.attach((channel, payload) => {
    for (const window of windows()) if (!window.isDestroyed()) window.webContents.send(channel, payload);
  });
  return () => {
    detach();
    for (const channel of requestChannels) ipcMain.removeHandler(channel);
  };
}
