/**
 * The preload bridge: exposes `window.tessera` with one named function per contract channel and
 * nothing else. Listeners are wrapped so Electron's IpcRendererEvent (which carries `sender`)
 * never reaches the page. Built as a single CommonJS file, as sandboxed preloads require.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi } from './contract/api.js';

const api = buildApi({
  invoke: (channel, input) => ipcRenderer.invoke(channel, input),
  subscribe(channel, listener) {
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('tessera', api);
