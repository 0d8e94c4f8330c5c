/**
 * PreviewFeeds against a local MJPEG server (real HTTP): pictures are answered from the feed
 * without a request each, idle readers close, and a broken feed falls back (undefined) without
 * being retried at every ask.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PreviewFeeds, type PreviewFeed } from '../../../main/media/preview-feeds.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { waitUntil } from '../../support/wait-until.js';

const jpeg = (n: number): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from(String(n)), Buffer.from([0xff, 0xd9])]);

describe('PreviewFeeds', () => {
  let server: Server;
  let base: string;
  const open = new Set<ServerResponse>();
  const requests: { path: string; cookie: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ path: req.url ?? '', cookie: req.headers.cookie });
      if (req.url === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>sign in</html>');
        return;
      }
      if (req.url === '/silent') {
        // Connected, one picture, then nothing: the connection stays open.
        res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
        open.add(res);
        res.write(`--frame\r\nContent-Length: 4\r\n\r\n`);
        res.write(jpeg(0).subarray(0, 2));
        res.write(Buffer.from([0xff, 0xd9]));
        res.write('\r\n');
        res.on('close', () => open.delete(res));
        return;
      }
      if (req.url === '/gone') {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
      open.add(res);
      let n = 0;
      const send = (): void => {
        n += 1;
        const data = jpeg(n);
        res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${data.length}\r\nX-Taken: ${1_000_000 + n}\r\n\r\n`);
        res.write(data);
        res.write('\r\n');
      };
      send();
      const timer = setInterval(send, 50);
      res.on('close', () => {
        clearInterval(timer);
        open.delete(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  let feeds: PreviewFeeds | undefined;
  afterEach(() => feeds?.close());

  const feedAt = (path: string): PreviewFeed => ({ url: `${base}${path}`, headers: { cookie: 'media=secret' }, timestampOf: (h) => (h['x-taken'] ? Number(h['x-taken']) : undefined) });

  it('answers from the feed once it runs: newer pictures, one connection, the cookie sent', async () => {
    const log = memoryLogger();
    feeds = new PreviewFeeds({ open: async () => feedAt('/cam1'), log, lingerMs: 5_000 });
    // A first picture alone (a video tile's) opens no feed; the second ask does.
    expect(feeds.latest('cam1')).toBeUndefined();
    expect(feeds.open).toEqual([]);
    expect(feeds.latest('cam1')).toBeUndefined();
    expect(feeds.open).toEqual(['cam1']);
    const first = await waitUntil('a first picture from the feed', 5_000, () => feeds!.latest('cam1'));
    expect(first.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const later = await waitUntil('newer pictures', 5_000, () => {
      const s = feeds!.latest('cam1');
      return s && s.timestampMs >= first.timestampMs + 3 ? s : undefined;
    });
    expect(later.timestampMs).toBeGreaterThan(1_000_000);
    expect(requests.filter((r) => r.path === '/cam1')).toEqual([{ path: '/cam1', cookie: 'media=secret' }]);
    expect(JSON.stringify(log.lines)).not.toContain('secret');
  });

  it('closes a reader nobody asked for during the linger time', async () => {
    feeds = new PreviewFeeds({ open: async () => feedAt('/cam2'), log: memoryLogger(), lingerMs: 300 });
    feeds.latest('cam2');
    feeds.latest('cam2');
    await waitUntil('the feed to run', 5_000, () => feeds!.latest('cam2'));
    expect(feeds.open).toEqual(['cam2']);
    await waitUntil('the idle reader to close', 5_000, () => (feeds!.open.length === 0 && open.size === 0 ? true : undefined));
  });

  it.each([
    ['/gone', /HTTP 404/],
    ['/html', /text\/html, not a multipart stream/],
  ])('a feed at %s fails once, is logged with the reason, and is not retried on every ask', async (path, reason) => {
    const log = memoryLogger();
    let opened = 0;
    feeds = new PreviewFeeds({
      open: async () => {
        opened += 1;
        return feedAt(path);
      },
      log,
      retryAfterMs: 60_000,
    });
    expect(feeds.latest('cam3')).toBeUndefined();
    expect(feeds.latest('cam3')).toBeUndefined();
    const warning = await waitUntil('the failure to be logged', 5_000, () => log.lines.find((l) => l.level === 'warn'));
    expect(warning.fields?.reason).toMatch(reason);
    for (let i = 0; i < 5; i += 1) expect(feeds.latest('cam3')).toBeUndefined();
    expect(opened).toBe(1);
  });

  it('closes a feed that went silent as failed, and answers nothing stale meanwhile', async () => {
    const log = memoryLogger();
    feeds = new PreviewFeeds({ open: async () => feedAt('/silent'), log, stallMs: 600, maxAgeMs: 200 });
    feeds.latest('cam5');
    feeds.latest('cam5');
    await waitUntil('the one picture', 5_000, () => feeds!.latest('cam5'));
    await waitUntil('the picture to be too old to hand out', 5_000, () => (feeds!.latest('cam5') === undefined ? true : undefined));
    const warning = await waitUntil('the stall to be noticed', 5_000, () => log.lines.find((l) => l.level === 'warn'));
    expect(warning.fields?.reason).toMatch(/^no picture for \d+ s$/);
    expect(feeds.open).toEqual([]);
    await waitUntil('the connection to close', 5_000, () => (open.size === 0 ? true : undefined));
  });

  it('a site without feeds is asked once per camera', async () => {
    let asked = 0;
    feeds = new PreviewFeeds({
      open: async () => {
        asked += 1;
        return null;
      },
      log: memoryLogger(),
    });
    feeds.latest('cam4');
    feeds.latest('cam4');
    await waitUntil('the reader to give up', 2_000, () => (feeds!.open.length === 0 ? true : undefined));
    for (let i = 0; i < 5; i += 1) expect(feeds.latest('cam4')).toBeUndefined();
    expect(asked).toBe(1);
  });
});
