/** Serve mode's stream channel over a real WebSocket pair on loopback, with a fake broker. */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { serveMediaSocket } from '../../../main/media/ws-stream.js';
import { FakeSource } from './fake-source.js';

interface Client {
  ws: WebSocket;
  texts: string[];
  bytes: Buffer[];
  closed: Promise<number>;
}

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    server.close();
  }
});

/** A server that hands each connection to serveMediaSocket, and a client connected to it. */
async function connect(source: FakeSource, streamId: string, budget?: number, stallMs?: number): Promise<Client> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => serveMediaSocket(source, streamId, socket, budget, stallMs));
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const client: Client = { ws, texts: [], bytes: [], closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))) };
  ws.on('message', (data: Buffer, binary: boolean) => (binary ? client.bytes.push(data) : client.texts.push(String(data))));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return client;
}

async function until(check: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('serveMediaSocket', () => {
  it('says 404 and closes normally for an unknown stream', async () => {
    const client = await connect(new FakeSource(), 'nope');
    expect(await client.closed).toBe(1000);
    expect(client.texts.map((t) => JSON.parse(t))).toEqual([{ status: 404, text: expect.stringContaining('no such stream') }]);
  });

  it('sends the head once the codecs are known, then the bytes as binary messages, then a normal close', async () => {
    const source = new FakeSource();
    const client = await connect(source, 'known');
    await until(() => source.sink !== null, 'attach');
    expect(client.texts).toEqual([]); // nothing before the init segment
    source.sink!.open('video/mp4; codecs="avc1.42c00a"');
    source.sink!.write(Buffer.from('init'));
    source.sink!.write(Buffer.from('frag'));
    source.sink!.end();
    expect(await client.closed).toBe(1000);
    expect(client.texts.map((t) => JSON.parse(t))).toEqual([{ status: 200, contentType: 'video/mp4; codecs="avc1.42c00a"' }]);
    expect(Buffer.concat(client.bytes).toString()).toBe('initfrag');
  });

  it('says 410 when the stream is closed before its first init segment', async () => {
    const source = new FakeSource();
    const client = await connect(source, 'known');
    await until(() => source.sink !== null, 'attach');
    source.sink!.end();
    expect(await client.closed).toBe(1000);
    expect(JSON.parse(client.texts[0]!)).toMatchObject({ status: 410 });
  });

  it('reports "not draining" while more than the budget waits to be written, and drained once written', async () => {
    const source = new FakeSource();
    await connect(source, 'known', 10);
    await until(() => source.sink !== null, 'attach');
    source.sink!.open('video/mp4');
    expect(source.sink!.write(Buffer.alloc(6))).toBe(true);
    expect(source.sink!.write(Buffer.alloc(6))).toBe(false); // 12 bytes not yet written out
    let drained = false;
    source.sink!.onDrain(() => (drained = true));
    await until(() => drained, 'the drain callback');
  });

  it('the page closing its socket releases the viewer', async () => {
    const source = new FakeSource();
    const client = await connect(source, 'known');
    await until(() => source.sink !== null, 'attach');
    source.sink!.open('video/mp4');
    client.ws.close(1000);
    await until(() => source.goneCalls === 1, 'the viewer released');
    // Writes after the close are ignored, not thrown.
    expect(source.sink!.write(Buffer.from('late'))).toBe(true);
  });

  it('ends a socket whose client never reads once no write completes for the stall time, releasing the viewer', async () => {
    const source = new FakeSource();
    const client = await connect(source, 'known', 64 * 1024, 300);
    await until(() => source.sink !== null, 'attach');
    source.sink!.open('video/mp4');
    // The client stops reading: the kernel buffers fill, then nothing more is written out.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = Buffer.alloc(256 * 1024);
    for (let i = 0; i < 128 && source.goneCalls === 0; i++) {
      source.sink!.write(chunk); // keeps writing past "not draining", as a careless viewer could
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => source.goneCalls === 1, 'the stalled socket ended and its viewer released', 5_000);
  });

  it('keeps a socket over budget that is slow but reading (writes keep completing)', async () => {
    const source = new FakeSource();
    const client = await connect(source, 'known', 10, 150);
    await until(() => source.sink !== null, 'attach');
    source.sink!.open('video/mp4');
    // Over budget on every write, for well over the stall time, but every write completes.
    const until600ms = Date.now() + 600;
    while (Date.now() < until600ms) {
      let drained = false;
      expect(source.sink!.write(Buffer.alloc(64))).toBe(false);
      source.sink!.onDrain(() => (drained = true));
      await until(() => drained, 'the drain callback');
    }
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(source.goneCalls).toBe(0);
  });
});
