/**
 * Serve mode's way to read a live stream: a WebSocket on the stream's path (protocol in
 * preload/contract/media.ts), handed to the player as the `Response` that Electron's fetch on the
 * app scheme gives, so the player has one code path. A long HTTP response per tile would hit the
 * browser's 6 connections per host, and a wall has more tiles than that.
 *
 * The socket carries the token in its query like /bridge (serve-token.ts). Bytes are queued as
 * they arrive (a socket has no pull); the player bounds what it keeps and main drops for a tile
 * that falls behind, or that stops reading altogether.
 */
import type { MediaFetch, MediaSocketHead } from '../../../preload/contract/index.js';
import { refusedForToken } from './serve-token.js';

export function socketMediaFetch(location: Location, token: string | null): MediaFetch {
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
  const addressOf = (path: string): URL => {
    const url = new URL(path, base);
    if (token) url.searchParams.set('token', token);
    return url;
  };
  return (path, signal) =>
    new Promise<Response>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const address = addressOf(path);
      const ws = new WebSocket(address);
      ws.binaryType = 'arraybuffer';
      let body: ReadableStreamDefaultController<Uint8Array> | null = null;
      /** The player cancelled its reader: nothing more may be enqueued. */
      let cancelled = false;
      let answered = false;
      const answer = (status: number, text: string, contentType = 'text/plain; charset=utf-8', stream?: ReadableStream<Uint8Array>, frameTimeMs?: number): void => {
        answered = true;
        // A recorded still's time comes in the head; Electron's scheme sends it as x-frame-time.
        const headers: Record<string, string> = { 'content-type': contentType, ...(frameTimeMs === undefined ? {} : { 'x-frame-time': String(frameTimeMs) }) };
        resolve(new Response(stream ?? text, { status, headers }));
      };
      const onAbort = (): void => {
        // Closing a socket still connecting makes the browser log an error: close it once open.
        if (ws.readyState === WebSocket.CONNECTING) ws.addEventListener('open', () => ws.close(1000), { once: true });
        else ws.close(1000);
        if (!answered) reject(signal.reason);
        else if (!cancelled) body?.error(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      ws.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
        if (typeof event.data !== 'string') {
          if (!cancelled) body?.enqueue(new Uint8Array(event.data));
          return;
        }
        if (answered) return;
        const head = JSON.parse(event.data) as MediaSocketHead & { frameTimeMs?: number };
        if (head.status !== 200) return answer(head.status, head.text ?? '');
        const stream = new ReadableStream<Uint8Array>({
          start: (controller) => {
            body = controller;
          },
          cancel: () => {
            cancelled = true;
            ws.close(1000);
          },
        });
        answer(200, '', head.contentType, stream, typeof head.frameTimeMs === 'number' ? head.frameTimeMs : undefined);
      });
      ws.addEventListener('close', (event) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return;
        if (!answered) {
          const cut = new Error(`the video connection closed before the stream started (code ${event.code})`);
          // A refused upgrade looks like any cut (1006); the same path over HTTP says 401 if it was the token.
          const probe = new URL(address);
          probe.protocol = location.protocol;
          void refusedForToken(probe.toString()).then((forToken) => (forToken ? answer(401, 'the page has no valid token; open the address `tessera serve` printed') : reject(cut)));
          return;
        }
        // A normal close is the end of the stream; anything else cut it.
        if (cancelled) return;
        if (event.code === 1000) body?.close();
        else body?.error(new Error(`the video connection was cut (code ${event.code})`));
      });
    });
}
