/**
 * The only place that knows which shell the renderer runs in: inside Electron the preload has
 * put `window.tessera` there; in a browser (serve mode) the same API is built over a WebSocket.
 * Everything else imports `tessera` from here.
 */
import { ref } from 'vue';
import { buildApi, type MediaFetch, type TesseraApi } from '../../../preload/contract/index.js';
import { serveToken, tabStorage } from './serve-token.js';
import { socketMediaFetch } from './ws-media.js';
import { createWsTransport, type ConnectionState } from './ws-transport.js';

/** Connection to main; always "open" in Electron. */
export const connection = ref<ConnectionState['status']>('open');

/** Serve mode's token (read before main.ts takes it out of the address bar). */
const token = window.tessera ? null : serveToken(window.location, tabStorage());

function pickBridge(): TesseraApi {
  if (window.tessera) return window.tessera;
  return buildApi(createWsTransport(window.location, token, (status) => (connection.value = status)));
}

export const tessera: TesseraApi = pickBridge();

/** How players read live streams: fetch on Electron's app scheme, a WebSocket per tile in serve mode. */
export const mediaFetch: MediaFetch | undefined = window.tessera ? undefined : socketMediaFetch(window.location, token);

/** Reads a path of the media transport (recorded stills, streams) whichever shell this is. */
export const mediaGet: MediaFetch = mediaFetch ?? ((path, signal) => fetch(path, { signal, cache: 'no-store' }));
