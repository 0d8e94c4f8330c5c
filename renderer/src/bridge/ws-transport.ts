/**
 * The serve-mode transport: the contract over the authenticated WebSocket at /bridge.
 * Requests wait while the socket (re)connects; a lost connection is retried with backoff,
 * except when the server refuses the token (close code 4401), which needs a new address.
 */
import { fail, type BridgeTransport, type EventChannel, type RequestChannel, type Result } from '../../../preload/contract/index.js';

const UNAUTHORIZED = 4401;

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

export interface ConnectionState {
  status: 'connecting' | 'open' | 'closed' | 'unauthorized';
}

export function createWsTransport(location: Location, onState: (state: ConnectionState['status']) => void): BridgeTransport {
  const token = new URLSearchParams(location.search).get('token');
  const display = new URLSearchParams(location.search).get('display');
  const query = new URLSearchParams();
  if (token) query.set('token', token);
  if (display) query.set('display', display);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?${query.toString()}`;

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
    ws.addEventListener('open', () => {
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
    ws.addEventListener('close', (event) => {
      // Requests in flight are lost with the socket: answer them instead of hanging.
      for (const [id, p] of pending) {
        p.resolve(fail('unreachable', 'The connection to Tessera was lost; the request was not completed.'));
        pending.delete(id);
      }
      if (event.code === UNAUTHORIZED) {
        refused = true;
        onState('unauthorized');
        return;
      }
      onState('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
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
