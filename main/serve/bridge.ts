/**
 * The contract over a WebSocket, for renderers running in a browser. Text frames, JSON:
 *   client → server  {"id": 7, "channel": "settings:get", "input": …}
 *   server → client  {"id": 7, "result": {ok, value | error}}
 *   server → client  {"event": "settings:changed", "payload": …}
 * Every request goes through the same IpcRouter as Electron's ipcMain.
 */
import type { WebSocket } from 'ws';
import { fail } from '../../preload/contract/index.js';
import type { Services } from '../compose.js';
import type { Logger } from '../logging/logger.js';

/** Larger messages are refused: no contract request comes near this (1 MiB). */
export const maxMessageBytes = 1024 * 1024;

let nextClient = 1;

export function attachBridgeClient(socket: WebSocket, services: Services, log: Logger, displayId: string | undefined): void {
  const caller = `ws client ${nextClient++}`;
  const send = (message: unknown): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
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
