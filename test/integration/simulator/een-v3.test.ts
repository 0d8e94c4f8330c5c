/**
 * Conformance of the simulated Eagle Eye Networks API v3 over real HTTP, against the real media
 * layer: OAuth code flow with a loopback redirect, rotating refresh tokens, cameras paging,
 * feeds, the media-session cookie and live HLS, recordedImage operators and tokens, /media
 * intervals, and an export job whose MP4 is checked with ffprobe. JSON answers are checked
 * against the vendor OpenAPI files (test/support/openapi.ts).
 *
 * CPU: one simulator, 4 cameras, 1 hour; recorded media comes from the preview (sub) stream
 * wherever the API allows, so the only 720p work is the export of one short main clip.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEagleEyeV3Module, eagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment } from '../../../simulator/types.js';
import { expectConforms } from '../../support/openapi.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodeOfJpeg, timecodeOfVideo } from '../../support/timecode.js';
import { waitUntil } from '../../support/wait-until.js';

const run = promisify(execFile);

interface Site {
  url: string;
  username: string;
  password: string;
  authUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  httpsBaseUrl: { hostname: string; port: number };
  scope: string;
  token_type: string;
}

/** Polls `probe` until it returns a value (not undefined), at most `timeoutMs`. */
/** A loopback redirect target, as a native app opens one (RFC 8252): records the query it receives. */
async function loopbackReceiver(): Promise<{ server: Server; port: number; next(): Promise<URLSearchParams> }> {
  const waiting: ((q: URLSearchParams) => void)[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('signed in, you can close this window');
    waiting.shift()?.(url.searchParams);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    next: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

function basic(site: Site): string {
  return `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`;
}

async function tokenRequest(site: Site, form: Record<string, string>, authorization = basic(site)): Promise<Response> {
  return fetch(site.tokenUrl, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
  });
}

function jpegSize(jpeg: Buffer): { width: number; height: number } {
  for (let i = 2; i < jpeg.length - 9; ) {
    if (jpeg[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = jpeg[i + 1]!;
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

describe('Eagle Eye v3 simulator', () => {
  let sim: SimulatorHandle;
  let site: Site;
  let receiver: Awaited<ReturnType<typeof loopbackReceiver>>;
  let redirectUri: string;
  let tokens: Tokens;
  let apiBase: string;

  const api = (path: string, token = tokens.access_token, init: RequestInit = {}) =>
    fetch(`${apiBase}/api/v3.0${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

  /** Full code flow through the loopback receiver (auto-approved by login_hint). */
  async function signIn(): Promise<Tokens> {
    const state = `s${Math.random().toString(36).slice(2)}`;
    const authorize = `${site.authUrl}?scope=vms.all&client_id=${site.clientId}&response_type=code&redirect_uri=${redirectUri}&state=${state}&login_hint=${encodeURIComponent(site.username)}`;
    const received = receiver.next();
    const landed = await fetch(authorize); // follows the 302 to the loopback receiver
    expect(landed.status).toBe(200);
    const query = await received;
    expect(query.get('state')).toBe(state);
    const res = await tokenRequest(site, { grant_type: 'authorization_code', scope: 'vms.all', code: query.get('code')!, redirect_uri: redirectUri });
    expect(res.status).toBe(200);
    return (await res.json()) as Tokens;
  }

  async function mediaCookie(token = tokens.access_token): Promise<string> {
    const session = await api('/media/session', token);
    expect(session.status).toBe(200);
    const { url } = (await session.json()) as { url: string };
    const set = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(set.status).toBe(204);
    const cookie = set.headers.get('set-cookie');
    expect(cookie).toMatch(/^een_media_session=[^;]+; Path=\/; HttpOnly/);
    return cookie!.split(';')[0]!;
  }

  beforeAll(async () => {
    sim = await startTestSimulator([eagleEyeV3Module]);
    site = sim.sites['eagleeye-v3'] as unknown as Site;
    receiver = await loopbackReceiver();
    // The registered URI is http://127.0.0.1/callback; a loopback client may pick any port.
    redirectUri = site.redirectUri.replace('http://127.0.0.1/', `http://127.0.0.1:${receiver.port}/`);
    tokens = await signIn();
    apiBase = `http://${tokens.httpsBaseUrl.hostname}:${tokens.httpsBaseUrl.port}`;
  });

  afterAll(async () => {
    receiver?.server.close();
    await sim?.stop();
  });

  describe('OAuth2 on the auth host', () => {
    it('describes the site as an operator would enter it', () => {
      expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(site.authUrl).toBe(`${site.url}/oauth2/authorize`);
      expect(site.tokenUrl).toBe(`${site.url}/oauth2/token`);
      expect(site.clientId).toBeTruthy();
      expect(site.clientSecret).toBeTruthy();
    });

    it('answers the code exchange like EEN, with an httpsBaseUrl on a different host', () => {
      expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'vms.all', expires_in: expect.any(Number) });
      expect(tokens.access_token.split('.')).toHaveLength(3);
      expect(tokens.expires_in).toBeGreaterThan(40_000);
      expect(tokens.httpsBaseUrl.hostname).toBe('127.0.0.1');
      expect(`http://127.0.0.1:${tokens.httpsBaseUrl.port}`).not.toBe(site.url);
    });

    it('shows a login form without login_hint, refuses a wrong password and redirects on the right one', async () => {
      const params = new URLSearchParams({ scope: 'vms.all', client_id: site.clientId, response_type: 'code', redirect_uri: redirectUri, state: 'xyz' });
      const form = await fetch(`${site.authUrl}?${params}`);
      expect(form.status).toBe(200);
      expect(await form.text()).toMatch(/<form method="post" action="\/oauth2\/authorize">/);
      const post = (password: string) =>
        fetch(site.authUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams([...params, ['username', site.username], ['password', password]]) });
      const wrong = await post('nope');
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toMatch(/incorrect/);
      const right = await post(site.password);
      expect(right.status).toBe(302);
      const location = new URL(right.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
      expect(location.searchParams.get('state')).toBe('xyz');
      expect(location.searchParams.get('code')).toBeTruthy();
    });

    it('matches redirect_uri exactly: localhost is not 127.0.0.1, and another path fails', async () => {
      for (const uri of [redirectUri.replace('127.0.0.1', 'localhost'), `${redirectUri}/x`]) {
        const res = await fetch(`${site.authUrl}?scope=vms.all&client_id=${site.clientId}&response_type=code&redirect_uri=${uri}`, { redirect: 'manual' });
        expect(res.status).toBe(400);
      }
      const implicit = await fetch(`${site.authUrl}?client_id=${site.clientId}&response_type=token&redirect_uri=${redirectUri}&state=a`, { redirect: 'manual' });
      expect(implicit.status).toBe(302);
      expect(implicit.headers.get('location')).toMatch(/error=unsupported_response_type&state=a/);
    });

    it('refuses wrong client credentials (401) and a reused code (401)', async () => {
      const bad = await tokenRequest(site, { grant_type: 'refresh_token', refresh_token: 'x' }, `Basic ${Buffer.from(`${site.clientId}:wrong`).toString('base64')}`);
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ error: 'invalid_client' });

      const received = receiver.next();
      await fetch(`${site.authUrl}?scope=vms.all&client_id=${site.clientId}&response_type=code&redirect_uri=${redirectUri}&login_hint=${encodeURIComponent(site.username)}`);
      const code = (await received).get('code')!;
      const form = { grant_type: 'authorization_code', scope: 'vms.all', code, redirect_uri: redirectUri };
      expect((await tokenRequest(site, form)).status).toBe(200);
      const again = await tokenRequest(site, form);
      expect(again.status).toBe(401);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('serves clientSettings on the global host (Bearer) pointing at the API host', async () => {
      const res = await fetch(`${site.url}/api/v3.0/clientSettings`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ httpsBaseUrl: tokens.httpsBaseUrl });
      const anonymous = await fetch(`${site.url}/api/v3.0/clientSettings`);
      expect(anonymous.status).toBe(401);
    });

    it('rotates refresh tokens: the old pair dies at once and a reused refresh token is 401', async () => {
      const first = await signIn();
      const refreshed = await tokenRequest(site, { grant_type: 'refresh_token', scope: 'vms.all', refresh_token: first.refresh_token });
      expect(refreshed.status).toBe(200);
      const second = (await refreshed.json()) as Tokens;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect((await api('/users/self', first.access_token)).status).toBe(401);
      expect((await api('/users/self', second.access_token)).status).toBe(200);
      const reused = await tokenRequest(site, { grant_type: 'refresh_token', scope: 'vms.all', refresh_token: first.refresh_token });
      expect(reused.status).toBe(401);
      expect((await api('/users/self', second.access_token)).status).toBe(200);
    });

    it('"expire sessions" invalidates every access token; refreshing recovers', async () => {
      const mine = await signIn();
      expect((await api('/users/self', mine.access_token)).status).toBe(200);
      const expire = await fetch(`${sim.adminUrl}/sessions/expire`, { method: 'POST' });
      expect(expire.status).toBe(200);
      const after = await api('/users/self', mine.access_token);
      expect(after.status).toBe(401);
      const body = await after.json();
      expect(body).toMatchObject({ code: 401, status: 'unauthenticated' });
      expectConforms('user_and_accounts', '/users/self', 'get', 401, body);
      const refreshed = (await (await tokenRequest(site, { grant_type: 'refresh_token', refresh_token: mine.refresh_token })).json()) as Tokens;
      expect((await api('/users/self', refreshed.access_token)).status).toBe(200);
      tokens = await signIn(); // the suite's own token died too
    });
  });

  describe('API host', () => {
    it('GET /users/self conforms', async () => {
      const res = await api('/users/self?include=permissions,timeZone,layoutSettings');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { email: string };
      expect(body.email).toBe(site.username);
      expectConforms('user_and_accounts', '/users/self', 'get', 200, body);
    });

    it('pages cameras with opaque tokens; totalSize ignores filters; statuses follow media', async () => {
      const seen: { id: string; status: { connectionStatus: string } }[] = [];
      let token: string | null = '';
      let pages = 0;
      do {
        const res = await api(`/cameras?include=status&pageSize=2${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { results: typeof seen; nextPageToken: string | null; totalSize: number };
        expectConforms('devices', '/cameras', 'get', 200, body);
        expect(body.totalSize).toBe(6);
        expect(body.results.length).toBeLessThanOrEqual(2);
        seen.push(...body.results);
        token = body.nextPageToken;
        pages += 1;
      } while (token);
      expect(pages).toBe(3);
      expect(new Set(seen.map((c) => c.id)).size).toBe(6);
      const statuses = seen.map((c) => c.status.connectionStatus).sort();
      expect(statuses).toEqual(['invalidCredentials', 'off', 'online', 'online', 'online', 'online']);

      const filtered = (await (await api('/cameras?status__in=online&pageSize=500')).json()) as { results: unknown[]; totalSize: number };
      expect(filtered.results).toHaveLength(4);
      expect(filtered.totalSize).toBe(6);

      const esn = sim.context.media.cameras[1]!.esn;
      await fetch(`${sim.adminUrl}/cameras/1/offline`, { method: 'POST' });
      try {
        const one = (await (await api(`/cameras/${esn}?include=status`)).json()) as { status: { connectionStatus: string } };
        expectConforms('devices', '/cameras/{cameraId}', 'get', 200, one);
        expect(one.status.connectionStatus).toBe('deviceOffline');
        const feeds = (await (await api(`/feeds?deviceId=${esn}&include=hlsUrl`)).json()) as { results: unknown[] };
        expect(feeds.results).toEqual([]);
      } finally {
        await fetch(`${sim.adminUrl}/cameras/1/online`, { method: 'POST' });
      }
    });

    it('answers ApiV3Error bodies: bare sort, unknown parameter, bad page token, unknown endpoint, no token', async () => {
      const cases: [string, number, string, [Parameters<typeof expectConforms>[0], string]][] = [
        ['/cameras?sort=name', 400, 'invalidArgument', ['devices', '/cameras']],
        ['/cameras?colour=red', 400, 'invalidArgument', ['devices', '/cameras']],
        ['/cameras?pageToken=abc', 400, 'invalidArgument', ['devices', '/cameras']],
        ['/cameras/ffffffff', 404, 'notFound', ['devices', '/cameras/{cameraId}']],
        ['/nothing/here', 404, 'notFound', ['devices', '/cameras']],
      ];
      for (const [path, status, text, [spec, specPath]] of cases) {
        const res = await api(path);
        expect(res.status, path).toBe(status);
        const body = await res.json();
        expect(body).toMatchObject({ code: status, status: text, details: expect.arrayContaining([expect.objectContaining({ type: 'errorInfo', domain: 'apiv3' })]) });
        expectConforms(spec, specPath, 'get', status, body);
      }
      const anonymous = await fetch(`${apiBase}/api/v3.0/cameras`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ code: 401, status: 'unauthenticated' });
    });

    it('lists layouts', async () => {
      const res = await api('/layouts?include=resourceCounts,effectivePermissions');
      const body = (await res.json()) as { results: { panes: unknown[] }[] };
      expectConforms('grouping', '/layouts', 'get', 200, body);
      expect(body.results[0]!.panes.length).toBeGreaterThan(0);
    });
  });

  describe('live media', () => {
    it('GET /feeds returns only the requested URLs; HLS only for main', async () => {
      const esn = sim.context.media.cameras[0]!.esn;
      const res = await api(`/feeds?deviceId=${esn}&include=hlsUrl,multipartUrl,rtspUrl`);
      const body = (await res.json()) as { results: Record<string, string>[] };
      expectConforms('media', '/feeds', 'get', 200, body);
      const main = body.results.find((f) => f.type === 'main')!;
      const preview = body.results.find((f) => f.type === 'preview')!;
      expect(main.id).toBe(`${esn}-main`);
      expect(main.hlsUrl).toMatch(/\/media\/streams\/main\/hls\?esn=/);
      expect(preview.hlsUrl).toBeUndefined();
      expect(preview.multipartUrl).toMatch(/\/media\/streams\/preview\/multipart\?esn=/);
      expect(main.flvUrl).toBeUndefined();
      if (sim.context.media.rtspUrl(0, 'main')) expect(main.rtspUrl).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/.*\?esn=.*&stream_session=/);
    });

    it('sets the media-session cookie and plays live HLS with cookie and Bearer', async () => {
      const esn = sim.context.media.cameras[0]!.esn;
      const feeds = (await (await api(`/feeds?deviceId=${esn}&type=main&include=hlsUrl`)).json()) as { results: { hlsUrl: string }[] };
      const hlsUrl = feeds.results[0]!.hlsUrl;
      const sessionBody = await (await api('/media/session')).json();
      expectConforms('media', '/media/session', 'get', 200, sessionBody);
      const cookie = await mediaCookie();

      expect((await fetch(hlsUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(403);
      expect((await fetch(hlsUrl, { headers: { cookie } })).status).toBe(401);
      const playlist = await waitUntil('a playlist with a segment', 30_000, async () => {
          const res = await fetch(hlsUrl, { headers: { cookie, authorization: `Bearer ${tokens.access_token}` } });
          expect(res.status).toBe(200);
          const text = await res.text();
          return text.includes('#EXTINF') ? text : undefined;
        }, 500);
      expect(playlist).toMatch(/^#EXTM3U/);
      const segment = playlist.split('\n').find((l) => l && !l.startsWith('#'))!;
      const segRes = await fetch(new URL(segment, hlsUrl), { headers: { cookie, authorization: `Bearer ${tokens.access_token}` } });
      expect(segRes.status).toBe(200);
      const bytes = Buffer.from(await segRes.arrayBuffer());
      expect(bytes[0]).toBe(0x47); // MPEG-TS sync byte
    });

    it('streams preview multipart JPEG behind the cookie', async () => {
      const esn = sim.context.media.cameras[0]!.esn;
      const feeds = (await (await api(`/feeds?deviceId=${esn}&type=preview&include=multipartUrl`)).json()) as { results: { multipartUrl: string }[] };
      const url = feeds.results[0]!.multipartUrl;
      expect((await fetch(url)).status).toBe(403);
      const cookie = await mediaCookie();
      const controller = new AbortController();
      const res = await fetch(url, { headers: { cookie }, signal: controller.signal });
      expect(res.headers.get('content-type')).toMatch(/^multipart\/x-mixed-replace; boundary=/);
      const reader = res.body!.getReader();
      let buffer = Buffer.alloc(0);
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = Buffer.concat([buffer, Buffer.from(value)]);
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd > 0) {
          const header = buffer.subarray(0, headerEnd).toString();
          const length = Number(/Content-Length: (\d+)/.exec(header)?.[1]);
          if (buffer.length >= headerEnd + 4 + length) {
            const jpeg = buffer.subarray(headerEnd + 4, headerEnd + 4 + length);
            expect(header).toMatch(/^--\w+\r\nContent-Type: image\/jpeg/);
            expect(jpeg[0]).toBe(0xff);
            expect(jpeg[1]).toBe(0xd8);
            expect(jpegSize(jpeg).width).toBe(sim.context.media.cameras[0]!.profiles.sub.width);
            break;
          }
        }
      }
      controller.abort();
      expect(buffer.length).toBeGreaterThan(100);
    });

    it('ends live streams when the camera goes offline; live FLV works with Bearer alone', async () => {
      const esn = sim.context.media.cameras[2]!.esn;
      const feeds = (await (await api(`/feeds?deviceId=${esn}&type=preview&include=multipartUrl,flvUrl`)).json()) as { results: { multipartUrl: string; flvUrl: string }[] };
      const denied = await fetch(feeds.results[0]!.multipartUrl);
      expect(denied.status).toBe(403);
      expectConforms('media', '/feeds', 'get', 403, await denied.json());

      const flv = await fetch(feeds.results[0]!.flvUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(flv.status).toBe(200);
      const flvReader = flv.body!.getReader();
      const firstChunk = Buffer.from((await flvReader.read()).value!);
      expect(firstChunk.subarray(0, 3).toString()).toBe('FLV');
      await flvReader.cancel();

      const cookie = await mediaCookie();
      const res = await fetch(feeds.results[0]!.multipartUrl, { headers: { cookie } });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read(); // the stream is running
      await fetch(`${sim.adminUrl}/cameras/2/offline`, { method: 'POST' });
      try {
        // The response must end (or error) soon after the camera drops: read until it does.
        const deadline = Date.now() + 10_000;
        let ended = false;
        while (!ended && Date.now() < deadline) {
          const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), deadline - Date.now()));
          const step = await Promise.race([reader.read().then((r) => (r.done ? 'done' : 'data'), () => 'done'), timeout]);
          ended = step === 'done';
        }
        expect(ended).toBe(true);
        const offline = await fetch(feeds.results[0]!.multipartUrl, { headers: { cookie } });
        expect(offline.status).toBe(503);
      } finally {
        await fetch(`${sim.adminUrl}/cameras/2/online`, { method: 'POST' });
      }
    });

    it('GET /media/liveImage.jpeg: preview only', async () => {
      const esn = sim.context.media.cameras[0]!.esn;
      const res = await api(`/media/liveImage.jpeg?deviceId=${esn}&type=preview`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('x-een-timestamp')).toMatch(/\+00:00$/);
      expect(res.headers.get('x-een-prevtoken')).toBeTruthy();
      const main = await api(`/media/liveImage.jpeg?deviceId=${esn}&type=main`);
      expect(main.status).toBe(400);
      expectConforms('media', '/media/liveImage.jpeg', 'get', 400, await main.json());
    });
  });

  describe('recorded media', () => {
    /** A camera with two recordings separated by a gap (coalesced), inside the visible history. */
    let gap: { index: number; esn: string; a: Segment; b: Segment };

    beforeAll(() => {
      const media = sim.context.media;
      for (const cam of media.cameras) {
        const segs = media.segments(cam.index, media.historyStartMs, Date.now());
        for (let i = 1; i < segs.length; i++) {
          if (segs[i]!.startMs > segs[i - 1]!.endMs && segs[i - 1]!.endMs - segs[i - 1]!.startMs > 20_000) {
            gap = { index: cam.index, esn: cam.esn, a: segs[i - 1]!, b: segs[i]! };
            return;
          }
        }
      }
      throw new Error('no camera has a gap in its recorded hour');
    });

    it('GET /media: Z is refused, +00:00 accepted; intervals coalesce; mp4Url plays behind the cookie', async () => {
      const from = sim.context.media.historyStartMs;
      const z = await api(`/media?deviceId=${gap.esn}&type=preview&mediaType=video&startTimestamp__gte=${new Date(from).toISOString()}`);
      expect(z.status).toBe(400);
      expectConforms('media', '/media', 'get', 400, await z.json());

      const query = `deviceId=${gap.esn}&type=preview&mediaType=video&startTimestamp__gte=${encodeURIComponent(iso(from))}&include=mp4Url&pageSize=500`;
      const res = await api(`/media?${query}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: { startTimestamp: string; endTimestamp: string; mp4Url: string }[]; totalSize?: number };
      expectConforms('media', '/media', 'get', 200, body);
      expect(body.totalSize).toBeUndefined();
      const raw = sim.context.media.segments(gap.index, from, Date.now());
      const touching = raw.filter((s, i) => i > 0 && raw[i - 1]!.endMs === s.startMs).length;
      expect(body.results.length).toBeLessThanOrEqual(raw.length - touching + 1); // the live one may have grown meanwhile
      for (const r of body.results) expect(r.startTimestamp).toMatch(/\.\d{3}\+00:00$/);
      const uncoalesced = (await (await api(`/media?${query}&coalesce=false`)).json()) as { results: unknown[] };
      expect(uncoalesced.results.length).toBeGreaterThanOrEqual(body.results.length);
      expect(body.results.some((r) => Date.parse(r.startTimestamp) === gap.b.startMs)).toBe(true);

      // One whole recording is a faststart file served with Range support.
      const one = body.results.find((r) => Date.parse(r.startTimestamp) === gap.b.startMs)!;
      expect((await fetch(one.mp4Url)).status).toBe(401);
      const cookie = await mediaCookie();
      const head = await fetch(one.mp4Url, { headers: { cookie, range: 'bytes=0-1023' } });
      expect([200, 206]).toContain(head.status);
      const bytes = Buffer.from(await head.arrayBuffer());
      expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    });

    it('recordedImage: the five operators across a gap, 404 inside it', async () => {
      const { esn, a, b } = gap;
      const lastOfA = Math.floor((a.endMs - 1) / 1000) * 1000;
      const mid = Math.floor((a.endMs + b.startMs) / 2);
      const get = (q: string) => api(`/media/recordedImage.jpeg?deviceId=${esn}&type=preview&${q}`);
      const at = async (q: string) => {
        const res = await get(q);
        expect(res.status, q).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/jpeg');
        const jpeg = Buffer.from(await res.arrayBuffer());
        expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
        return { ts: Date.parse(res.headers.get('x-een-timestamp')!), next: res.headers.get('x-een-nexttoken')!, prev: res.headers.get('x-een-prevtoken')!, jpeg };
      };
      const enc = (ms: number) => encodeURIComponent(iso(ms));

      const inGap = await get(`timestamp=${enc(mid)}`);
      expect(inGap.status).toBe(404);
      expectConforms('media', '/media/recordedImage.jpeg', 'get', 404, await inGap.json());

      expect((await at(`timestamp__gte=${enc(mid)}`)).ts).toBe(b.startMs);
      expect((await at(`timestamp__gt=${enc(b.startMs)}`)).ts).toBe(b.startMs + 1000);
      expect((await at(`timestamp__lte=${enc(mid)}`)).ts).toBe(lastOfA);
      expect((await at(`timestamp__lt=${enc(b.startMs)}`)).ts).toBe(lastOfA);
      const exact = await at(`timestamp=${enc(b.startMs + 1500)}`);
      expect(exact.ts).toBe(b.startMs + 1000);

      // Tokens: the other parameters are then ignored.
      const first = await at(`timestamp__gte=${enc(mid)}`);
      const back = await api(`/media/recordedImage.jpeg?pageToken=${encodeURIComponent(first.prev)}&type=main&ignored=1`);
      expect(back.status).toBe(200);
      expect(Date.parse(back.headers.get('x-een-timestamp')!)).toBe(lastOfA);
      const forward = await api(`/media/recordedImage.jpeg?pageToken=${encodeURIComponent(first.next)}`);
      expect(Date.parse(forward.headers.get('x-een-timestamp')!)).toBe(b.startMs + 1000);

      const small = await at(`timestamp__gte=${enc(b.startMs)}&targetWidth=320`);
      expect(jpegSize(small.jpeg).width).toBe(320);
    });

    it('recordedImage: parameter errors, and 429 for rapid type=main', async () => {
      const { esn, a, b } = gap;
      const mid = encodeURIComponent(iso(Math.floor((a.endMs + b.startMs) / 2)));
      const none = await api(`/media/recordedImage.jpeg?deviceId=${esn}&type=preview`);
      expect(none.status).toBe(400);
      expect(await none.json()).toMatchObject({ details: expect.arrayContaining([expect.objectContaining({ reason: 'missingRequiredArgument' })]) });
      const two = await api(`/media/recordedImage.jpeg?deviceId=${esn}&type=preview&timestamp=${mid}&timestamp__gte=${mid}`);
      expect(two.status).toBe(400);
      const badToken = await api('/media/recordedImage.jpeg?pageToken=cHJldlBhZ2VQbHoK');
      expect(badToken.status).toBe(400);
      // type=main is rate-limited per camera: a second call at once is 429 (the first one, in
      // the gap, is a cheap 404).
      const firstMain = await api(`/media/recordedImage.jpeg?deviceId=${esn}&type=main&timestamp=${mid}`);
      expect(firstMain.status).toBe(404);
      const secondMain = await api(`/media/recordedImage.jpeg?deviceId=${esn}&type=main&timestamp=${mid}`);
      expect(secondMain.status).toBe(429);
      expect(secondMain.headers.get('retry-after')).toBeTruthy();
      expect(await secondMain.json()).toMatchObject({ code: 429, status: 'tooManyRequests' });
    });
  });

  describe('events', () => {
    it('lists the planned motion as een.motionDetectionEvent.v1 spans, newest first, paged, with a full-frame image at the start', async () => {
      const media = sim.context.media;
      const cam = media.cameras.find((c) => media.motion(c.index, media.historyStartMs, Date.now()).length >= 3)!;
      const from = media.historyStartMs;
      const to = Date.now();
      const planned = media.motion(cam.index, from, to);
      const base = `/events?actor=camera:${cam.esn}&startTimestamp__gte=${encodeURIComponent(iso(from))}&startTimestamp__lte=${encodeURIComponent(iso(to))}`;
      type Ev = { id: string; startTimestamp: string; endTimestamp: string | null; type: string; data: { type: string; httpsUrl?: string }[] };
      type Page = { results: Ev[]; nextPageToken: string; totalSize: number };
      const seen: Ev[] = [];
      let token = '';
      for (let guard = 0; guard < 50; guard++) {
        const res = await api(`${base}&pageSize=2&include=data.een.fullFrameImageUrl.v1${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as Page;
        expectConforms('events', '/events', 'get', 200, page);
        expect(page.totalSize).toBe(planned.length);
        seen.push(...page.results);
        token = page.nextPageToken;
        if (!token) break;
      }
      expect(seen.map((e) => Date.parse(e.startTimestamp))).toEqual(planned.map((m) => m.startMs).reverse());
      expect(seen.map((e) => e.endTimestamp && Date.parse(e.endTimestamp))).toEqual(planned.map((m) => (m.ongoing ? null : m.endMs)).reverse());
      for (const e of seen) expect(e.startTimestamp).toMatch(/\.\d{3}\+00:00$/);
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
      const ascending = (await (await api(`${base}&sort=%2BstartTimestamp`)).json()) as Page;
      expect(ascending.results.map((e) => e.id)).toEqual(seen.map((e) => e.id).reverse());
      expect(ascending.results[0]!.data).toEqual([]);

      // The picture of the event: the recorded preview at (or just after) its start.
      const oldest = seen[seen.length - 1]!;
      const image = await api(oldest.data[0]!.httpsUrl!.slice(oldest.data[0]!.httpsUrl!.indexOf('/api/v3.0') + '/api/v3.0'.length));
      expect(image.status).toBe(200);
      const code = await timecodeOfJpeg(Buffer.from(await image.arrayBuffer()));
      expect(code! - Date.parse(oldest.startTimestamp)).toBeGreaterThanOrEqual(0);
      expect(code! - Date.parse(oldest.startTimestamp)).toBeLessThan(2_000);
    });

    it('refuses an events query without its required filters, and lists nothing for other types', async () => {
      const esn = sim.context.media.cameras[1]!.esn;
      const missing = await api(`/events?actor=camera:${esn}&startTimestamp__gte=${encodeURIComponent(iso(Date.now() - 60_000))}`);
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { message: string }).message).toMatch(/startTimestamp__lte or endTimestamp__lte/);
      expect((await api(`/events?actor=${esn}&startTimestamp__gte=${encodeURIComponent(iso(0))}&startTimestamp__lte=${encodeURIComponent(iso(Date.now()))}`)).status).toBe(400);
      const lpr = await api(`/events?actor=camera:${esn}&type__in=een.lprPlateReadEvent.v1&startTimestamp__gte=${encodeURIComponent(iso(0))}&startTimestamp__lte=${encodeURIComponent(iso(Date.now()))}`);
      expect(((await lpr.json()) as { results: unknown[] }).results).toEqual([]);
    });
  });

  describe('exports', () => {
    const poll = async (id: string, until: (job: { state: string; progress: number }) => boolean, timeoutMs: number) =>
      waitUntil(`job ${id}`, timeoutMs, async () => {
          const res = await api(`/jobs/${id}`);
          expect(res.status).toBe(200);
          const job = (await res.json()) as { state: string; progress: number; result: { files: { url: string; name: string; size: number }[] } | null };
          expectConforms('media', '/jobs/{jobId}', 'get', 200, job);
          return until(job) ? job : undefined;
        }, 250);

    function exportBody(esn: string, startMs: number, endMs: number, name: string) {
      return JSON.stringify({ deviceId: esn, type: 'video', period: { startTimestamp: iso(startMs), endTimestamp: iso(endMs) }, info: { name, directory: '/exports' } });
    }

    it('runs an export job pending → started → success and downloads an MP4 that ffprobe reads', async () => {
      const media = sim.context.media;
      const seg = longestFinishedSegment(media, 0, Date.now());
      const res = await api('/exports', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(media.cameras[0]!.esn, seg.startMs, seg.startMs + 8_000, 'evidence') });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { id: string };
      expectConforms('media', '/exports', 'post', 201, created);

      const states = new Set<string>();
      const done = await poll(created.id, (job) => (states.add(job.state), job.state === 'success' || job.state === 'failure'), 120_000);
      expect(done.state).toBe('success');
      expect(states.has('started') || states.has('pending')).toBe(true);
      const file = (done as unknown as { result: { files: { url: string; name: string; size: number }[] } }).result.files[0]!;
      const download = await fetch(file.url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${file.name}"; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      const dir = await mkdtemp(join(tmpdir(), 'een-v3-export-'));
      try {
        const path = join(dir, 'clip.mp4');
        const bytes = Buffer.from(await download.arrayBuffer());
        expect(bytes.length).toBe(file.size);
        await writeFile(path, bytes);
        const { stdout } = await run(process.env.FFPROBE_BIN ?? 'ffprobe', ['-v', 'error', '-show_entries', 'format=duration:format_tags=creation_time:stream=codec_name,width', '-of', 'json', path]);
        const probe = JSON.parse(stdout) as { format: { duration: string; tags?: { creation_time?: string } }; streams: { codec_name: string; width?: number }[] };
        // The file says when it was recorded: its first frame's time (the picture's timecode).
        expect(await timecodeOfVideo(path)).toBe(seg.startMs);
        expect(Date.parse(probe.format.tags?.creation_time ?? '')).toBe(seg.startMs);
        expect(probe.streams.some((s) => s.codec_name === 'h264' && s.width === media.cameras[0]!.profiles.main.width)).toBe(true);
        expect(Number(probe.format.duration)).toBeGreaterThan(6);
        expect(Number(probe.format.duration)).toBeLessThan(14);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      // The download fault knob: the connection drops half-way.
      sim.context.faults.cutDownloads = 0.5;
      try {
        const cut = await fetch(file.url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
        await expect(cut.arrayBuffer()).rejects.toThrow();
      } finally {
        sim.context.faults.cutDownloads = 0;
      }
      const listed = (await (await api('/files?include=size,details')).json()) as { results: { id: string }[] };
      expectConforms('media', '/files', 'get', 200, listed);
      expect(listed.results.length).toBeGreaterThan(0);
    });

    it('stallExports holds a job; releasing the knob lets it finish; a period without recordings fails', async () => {
      const media = sim.context.media;
      const seg = longestFinishedSegment(media, 0, Date.now());
      await fetch(`${sim.adminUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stallExports: true }) });
      let id: string;
      try {
        const res = await api('/exports', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(media.cameras[0]!.esn, seg.startMs, seg.startMs + 8_000, 'stalled') });
        id = ((await res.json()) as { id: string }).id;
        // Longer than the pending phase (400 ms): a stalled job must still be pending.
        for (let i = 0; i < 4; i++) {
          await new Promise((r) => setTimeout(r, 250));
          const job = (await (await api(`/jobs/${id}`)).json()) as { state: string; progress: number };
          expect(job).toMatchObject({ state: 'pending', progress: 0 });
        }
      } finally {
        await fetch(`${sim.adminUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stallExports: false }) });
      }
      expect((await poll(id!, (j) => j.state === 'success' || j.state === 'failure', 60_000)).state).toBe('success');

      const staticCamera = (await (await api('/cameras?status__in=off')).json()) as { results: { id: string }[] };
      const bad = await api('/exports', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(staticCamera.results[0]!.id, seg.startMs, seg.startMs + 8_000, 'nothing') });
      const failed = await poll(((await bad.json()) as { id: string }).id, (j) => j.state === 'success' || j.state === 'failure', 30_000);
      expect(failed).toMatchObject({ state: 'failure', error: { code: 404 } });
    });

    it('validates export requests', async () => {
      const post = (body: string) => api('/exports', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect((await post('{not json')).status).toBe(400);
      const missing = await post(JSON.stringify({ type: 'video' }));
      expect(missing.status).toBe(400);
      expectConforms('media', '/exports', 'post', 400, await missing.json());
      const long = await post(JSON.stringify({ deviceId: sim.context.media.cameras[0]!.esn, type: 'video', period: { startTimestamp: iso(0), endTimestamp: iso(9 * 3600_000) }, info: { name: 'x', directory: '/' } }));
      expect(long.status).toBe(400);
    });
  });
});

describe('Eagle Eye v3 simulator with a short access-token lifetime', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startTestSimulator([createEagleEyeV3Module({ accessTokenTtlSeconds: 1, autoApprove: 'always' })], { cameras: 1 });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('access tokens expire after the configured TTL and a refresh brings the API back', async () => {
    const site = sim.sites['eagleeye-v3'] as unknown as Site;
    const redirect = 'http://127.0.0.1:1/callback';
    const res = await fetch(`${site.authUrl}?scope=vms.all&client_id=${site.clientId}&response_type=code&redirect_uri=${redirect}`, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tokens = (await (await tokenRequest(site, { grant_type: 'authorization_code', code, redirect_uri: redirect })).json()) as Tokens;
    expect(tokens.expires_in).toBeLessThanOrEqual(1);
    const base = `http://${tokens.httpsBaseUrl.hostname}:${tokens.httpsBaseUrl.port}/api/v3.0`;
    const self = (token: string) => fetch(`${base}/users/self`, { headers: { authorization: `Bearer ${token}` } });
    await waitUntil('the access token to expire', 5_000, async () => ((await self(tokens.access_token)).status === 401 ? true : undefined), 100);
    const refreshed = (await (await tokenRequest(site, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as Tokens;
    expect((await self(refreshed.access_token)).status).toBe(200);
  });
});
