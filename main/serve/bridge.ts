/**
 * The contract over a WebSocket, for renderers running in a browser. Text frames, JSON:
 *   client → server  {"id": 7, "channel": "settings:get", "input": …}
 *   server → client  {"id": 7, "result": {ok, value | error}}
 *   server → client  {"event": "settings:changed", "payload": …}
 * Every request goes through the same IpcRouter as Electron's ipcMain.
 *
 * Back-pressure: answers and events wait in the socket's write queue until the client reads
 * them. A client that stops reading (and may keep sending) would make that queue grow without
 * bound, and a process holding gigabytes stalls every other client in garbage collection. So
 * before each send the queue is checked, and a client above maxBufferedBytes is dropped.
 */
import type { WebSocket } from 'ws';
import { fail } from '../../preload/contract/index.js';
import type { Services } from '../compose.js';
import type { Logger } from '../logging/logger.js';

/** Larger messages are refused: no contract request comes near this (1 MiB). */
export const maxMessageBytes = 1024 * 1024;

/**
 * Unsent bytes a bridge client may have queued before it is dropped (8 MiB). A browser reads
 * its socket continuously, so its queue holds at most the answer being written; the largest
 * answers (a camera list of thousands of cameras) are a few MiB, and the check runs before a
 * send, so one big answer on an empty queue always goes out. Bounded per client.
 */
export const maxBufferedBytes = 8 * 1024 * 1024;

let nextClient = 1;

export function attachBridgeClient(socket: WebSocket, services: Services, log: Logger, displayId: string | undefined): void {
  const caller = `ws client ${nextClient++}`;
  const send = (message: unknown): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > maxBufferedBytes) {
      // terminate, not close: a close frame would only queue behind what it does not read.
      // Once terminated the socket is no longer OPEN, so this is logged once per client.
      log.warn('bridge client does not read its answers; dropped', { client: caller, queuedBytes: socket.bufferedAmount });
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(message));
  };
  const detach = services.events.attach((event, payload) => send({ event, payload }));
  socket.on('close', detach);
  socket.on('message', (raw, isBinary) => {
    if (isBinary) {
      socket.close(1003, 'binary frames are not part of the contract');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(raw.toString());
    } catch {
      socket.close(1007, 'frames must be JSON');
      return;
    }
    const { id, channel, input } = (message ?? {}) as { id?: unknown; channel?: unknown; input?: unknown };
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      socket.close(1007, 'a request needs a numeric id');
      return;
    }
    if (typeof channel !== 'string') {
      send({ id, result: fail('bad-request', 'A request needs a channel name.') });
      return;
    }
    services.router
      .dispatch(channel, input, { trusted: true, caller, ...(displayId ? { displayId } : {}) })
      .then((result) => send({ id, result }))
      .catch((err: unknown) => log.error('bridge dispatch failed', { error: err }));
  });
}
