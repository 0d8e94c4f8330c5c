/**
 * A tiny Chrome DevTools Protocol client for a Node process started with `--inspect=127.0.0.1:0`:
 * enough to force a full garbage collection and read the heap, so a test can tell memory a
 * process still holds from memory V8 has simply not collected yet.
 */
import { WebSocket } from 'ws';
import { waitUntil } from './wait-until.js';

export interface Inspector {
  /** A full, synchronous garbage collection in the inspected process. */
  collectGarbage(): Promise<void>;
  /** The JS heap in use after the last collection, MiB. */
  heapUsedMiB(): Promise<number>;
  close(): void;
}

/** Connects to the inspector whose "Debugger listening on ws://…" line appears in `stderr()`. */
export async function connectInspector(stderr: () => string, timeoutMs = 10_000): Promise<Inspector> {
  const url = await waitUntil('the inspector address on stderr', timeoutMs, () => /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(stderr())?.[1]);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (raw: Buffer): void => {
        const message = JSON.parse(String(raw)) as { id?: number; result?: Record<string, unknown> };
        if (message.id !== id) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(message.result ?? {});
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method }));
    });
  };
  return {
    async collectGarbage() {
      await call('HeapProfiler.collectGarbage');
    },
    async heapUsedMiB() {
      const usage = await call('Runtime.getHeapUsage');
      return Number(usage.usedSize) / 2 ** 20;
    },
    close() {
      ws.close();
    },
  };
}
