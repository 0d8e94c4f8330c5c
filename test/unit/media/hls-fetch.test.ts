/**
 * The follower's real GET against two local HTTP servers (two ports are two origins): redirects
 * are followed, and the link's headers reach only the origin the link named.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchGet } from '../../../main/media/hls-follower.js';

interface Origin {
  server: Server;
  url: string;
  seen: { path: string; headers: IncomingHttpHeaders }[];
}

async function origin(route: (path: string, base: { own: string; other: () => string }) => { status: number; location?: string; body?: string }, other: () => string): Promise<Origin> {
  const seen: Origin['seen'] = [];
  const o: Origin = { server: createServer(), url: '', seen };
  o.server.on('request', (req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const answer = route(req.url ?? '', { own: o.url, other });
    res.writeHead(answer.status, answer.location ? { location: answer.location } : {});
    res.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => o.server.listen(0, '127.0.0.1', resolve));
  o.url = `http://127.0.0.1:${(o.server.address() as AddressInfo).port}`;
  return o;
}

describe('fetchGet (live HLS requests)', () => {
  let media: Origin;
  let cdn: Origin;
  const get = (url: string): ReturnType<typeof fetchGet> =>
    fetchGet(url, { authorization: 'Bearer secret-token', cookie: 'session=abc' }, { timeoutMs: 5_000, maxBytes: 1_000_000, signal: new AbortController().signal });

  beforeAll(async () => {
    cdn = await origin(() => ({ status: 200, body: 'segment bytes' }), () => media.url);
    media = await origin((path, { own, other }) => {
      if (path === '/same') return { status: 302, location: '/final' };
      if (path === '/final') return { status: 200, body: 'same-origin body' };
      if (path === '/elsewhere') return { status: 307, location: `${other()}/seg.ts` };
      if (path === '/loop') return { status: 302, location: `${own}/loop` };
      return { status: 404 };
    }, () => cdn.url);
  });

  afterAll(async () => {
    await Promise.all([media, cdn].map((o) => new Promise((resolve) => o.server.close(resolve))));
  });

  it('follows a redirect on the same origin with the headers, and answers the final URL', async () => {
    const answer = await get(`${media.url}/same`);
    expect(answer).toMatchObject({ status: 200, url: `${media.url}/final` });
    expect(answer.body.toString()).toBe('same-origin body');
    expect(media.seen.find((r) => r.path === '/final')?.headers.authorization).toBe('Bearer secret-token');
  });

  it('follows a redirect to another origin without the link\'s token or cookie', async () => {
    const answer = await get(`${media.url}/elsewhere`);
    expect(answer).toMatchObject({ status: 200, url: `${cdn.url}/seg.ts` });
    expect(answer.body.toString()).toBe('segment bytes');
    const atCdn = cdn.seen.at(-1)!;
    expect(atCdn.path).toBe('/seg.ts');
    expect(atCdn.headers.authorization).toBeUndefined();
    expect(atCdn.headers.cookie).toBeUndefined();
    expect(media.seen.find((r) => r.path === '/elsewhere')?.headers.cookie).toBe('session=abc');
  });

  it('gives up on a redirect loop with words naming the host', async () => {
    const before = media.seen.length;
    await expect(get(`${media.url}/loop`)).rejects.toThrow(`too many redirects from ${new URL(media.url).host}`);
    expect(media.seen.length - before).toBe(6);
  });
});
