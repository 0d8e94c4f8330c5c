// The exacq search stream waits for a slow reader with drainOrClose: over a real socket, a reader
// that keeps the stream under back-pressure must not pile listeners up on the response (racing
// two events.once did: one close and one error listener per wait).
import { once } from 'node:events';
import { createServer, get, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainOrClose } from '../../../simulator/exacq/http.js';

const chunk = Buffer.alloc(256 * 1024, 1);
const closers: Array<() => void> = [];

async function serve(handler: RequestListener): Promise<number> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  closers.push(() => server.close());
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('exacq drainOrClose', () => {
  afterEach(() => closers.splice(0).forEach((close) => close()));

  it('waits out back-pressure 30 times on a slow reader and leaves no listener behind', async () => {
    let response: ServerResponse | undefined;
    let waits = 0;
    let baseline = { close: 0, error: 0 };
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const port = await serve(async (_req, res) => {
      response = res;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      baseline = { close: res.listenerCount('close'), error: res.listenerCount('error') };
      while (waits < 30) {
        if (!res.write(chunk)) {
          waits += 1;
          await drainOrClose(res);
        }
      }
      finished();
      res.end();
    });
    // A reader that takes a chunk every 5 ms: the server is under back-pressure most of the time.
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      closers.push(() => res.destroy());
      res.on('data', () => {
        res.pause();
        setTimeout(() => res.resume(), 5);
      });
    });
    await done;
    expect(waits).toBe(30);
    expect({ close: response!.listenerCount('close'), error: response!.listenerCount('error'), drain: response!.listenerCount('drain') }).toEqual({ ...baseline, drain: 0 });
  });

  it('resolves when the client goes away while waiting', async () => {
    let closed!: (v: 'closed') => void;
    const result = new Promise<'closed'>((resolve) => (closed = resolve));
    const port = await serve(async (req, res) => {
      res.writeHead(200);
      while (res.write(chunk));
      req.socket.destroy();
      await drainOrClose(res);
      closed('closed');
    });
    get({ host: '127.0.0.1', port, path: '/' }, (res) => res.pause()).on('error', () => undefined);
    await expect(result).resolves.toBe('closed');
  });
});
