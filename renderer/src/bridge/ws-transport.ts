/**
 * The serve-mode transport: the contract over the authenticated WebSocket at /bridge.
 * Requests wait while the socket (re)connects; a lost connection is retried with backoff,
 * except when the server refuses the token (it refuses the upgrade itself with HTTP 401, which
 * the page learns by asking over HTTP: serve-token.ts), which needs a new address.
 */
import { fail, type BridgeTransport, type EventChannel, type RequestChannel, type Result } from '../../../preload/contract/index.js';
import { refusedForToken } from './serve-token.js';

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

export interface ConnectionState {
  status: 'connecting' | 'open' | 'closed' | 'unauthorized';
}

export function createWsTransport(location: Location, token: string | null, onState: (state: ConnectionState['status']) => void): BridgeTransport {
  const display = new URLSearchParams(location.search).get('display');
  const query = new URLSearchParams();
  if (token) query.set('token', token);
  if (display) query.set('display', display);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?${query.toString()}`;
  const probeUrl = `${location.protocol}//${location.host}/bridge?${query.toString()}`;

  let socket: WebSocket | undefined;
  let nextId = 1;
  let retryMs = 250;
  let refused = false;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const connect = (): void => {
    onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      retryMs = 250;
      onState('open');
      for (const frame of queue.splice(0)) ws.send(frame);
    });
    ws.addEventListener('message', (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as { id?: number; result?: Result<unknown>; event?: string; payload?: unknown };
      if (typeof message.id === 'number' && message.result) {
        pending.get(message.id)?.resolve(message.result);
        pending.delete(message.id);
      } else if (message.event) {
        for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      }
    });
    ws.addEventListener('close', () => {
      // Requests in flight are lost with the socket: answer them instead of hanging.
      for (const [id, p] of pending) {
        p.resolve(fail('unreachable', 'The connection to Tessera was lost; the request was not completed.'));
        pending.delete(id);
      }
      onState('closed');
      const retry = (): void => {
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      };
      if (opened) return retry();
      // Never opened: a refused upgrade (401) or an unreachable server; only HTTP can tell.
      void refusedForToken(probeUrl).then((forToken) => {
        if (!forToken) return retry();
        refused = true;
        onState('unauthorized');
      });
    });
  };
  connect();

  return {
    invoke(channel: RequestChannel, input: unknown) {
      if (refused) return Promise.resolve(fail('unauthorized', 'This address is missing a valid token; open the address `tessera serve` printed.'));
      const id = nextId++;
      const frame = JSON.stringify({ id, channel, input });
      return new Promise((resolve) => {
        pending.set(id, { resolve });
        if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
        else queue.push(frame);
      });
    },
    subscribe(channel: EventChannel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
