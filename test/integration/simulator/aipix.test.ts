/**
 * AIPIX conformance over real HTTP against the real simulator: token (with the session cap),
 * paginated cameras, client and integration links, and the tokenised media behind them, which
 * really stops working at `expired_at`. Seed 004 / VMS-APIS §5, §7.4.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aipixModule, createAipixModule } from '../../../simulator/aipix/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { ffprobe, jpegSize } from './exacq-helpers.js';

/** Added to the simulator's clock: link-expiry tests move time past `expired_at`. */
let skewMs = 0;
let sim: SimulatorHandle;
let site: SiteDescription & { cameras: { id: number; uuid: string; name: string }[] };
let base: string;
let strict: string;
let bearer: string;
let scratch: string;
let segment: Segment;

const clientHeaders = { Accept: 'application/json', 'X-Client': 'web', 'X-UUID': 'tessera-test-device' };
const microsZ = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

async function getToken(url = base, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${url}/api/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...clientHeaders },
    body: JSON.stringify({ login: site.username, password: site.password, session_id: null, ...extra }),
  });
}

async function api(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, { headers: { ...clientHeaders, Authorization: bearer, ...headers } });
}

async function integration(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/v1/cameras/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  sim = await startTestSimulator(
    [aipixModule, createAipixModule({ maxSessions: 2, requireClientHeaders: true }, { kind: 'aipix-strict', port: 'aipix-strict' })],
    { now: () => Date.now() + skewMs },
  );
  site = sim.sites.aipix as typeof site;
  base = site.url;
  strict = (sim.sites['aipix-strict'] as SiteDescription).url;
  scratch = await mkdtemp(join(tmpdir(), 'aipix-test-'));
  const res = await getToken();
  bearer = ((await res.json()) as { access_token: string }).access_token;
  const { media } = sim.context;
  segment = longestFinishedSegment(media, 0, sim.context.now());
  // Recorded media is encoded on first use, then cached on disk: pay it here, not in a timed test
  // (the tests fetch recorded media of the low stream only, the cheap one).
  await media.segmentFile(segment, 'sub');
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('POST /api/v1/token', () => {
  it('answers the user and an access_token that already carries "Bearer "', async () => {
    const res = await getToken();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; user: Record<string, unknown> };
    expect(body.access_token).toMatch(/^Bearer \d+\|[A-Za-z0-9_-]+$/);
    expect(body.user).toMatchObject({ login: site.username, access_token_id: expect.stringMatching(/^[0-9a-f]{80}$/) });
  });

  it('answers 422 with the validation envelope', async () => {
    const res = await fetch(`${base}/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: site.username }) });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { message: string; errors: Record<string, string[]> };
    expect(body.message).toBeTypeOf('string');
    expect(body.errors.password).toEqual([expect.any(String)]);
    expect((await getToken(base, { password: 'wrong' })).status).toBe(422);
  });

  it('answers 419 at the session cap and accepts session_id to remove one', async () => {
    const first = (await (await getToken(strict)).json()) as { access_token: string; user: { access_token_id: string } };
    expect((await getToken(strict)).status).toBe(200);
    const capped = await getToken(strict);
    expect(capped.status).toBe(419);
    const listed = (await capped.json()) as { sessions: { id: string }[] };
    expect(listed.sessions.map((s) => s.id)).toContain(first.user.access_token_id);

    const retry = await getToken(strict, { session_id: first.user.access_token_id });
    expect(retry.status).toBe(200);
    const gone = await fetch(`${strict}/api/v1/cameras`, { headers: { ...clientHeaders, Authorization: first.access_token } });
    expect(gone.status).toBe(401);
  });

  it('requires X-Client and X-UUID where configured to', async () => {
    const retry = await getToken(strict, { session_id: null });
    const token =
      retry.status === 200
        ? ((await retry.json()) as { access_token: string }).access_token
        : ((await (await getToken(strict, { session_id: ((await retry.json()) as { sessions: { id: string }[] }).sessions[0]!.id })).json()) as { access_token: string }).access_token;
    const bare = await fetch(`${strict}/api/v1/cameras`, { headers: { Accept: 'application/json', Authorization: token } });
    expect(bare.status).toBe(422);
    expect(((await bare.json()) as { errors: Record<string, string[]> }).errors).toHaveProperty('x-client');
    const full = await fetch(`${strict}/api/v1/cameras`, { headers: { ...clientHeaders, Authorization: token } });
    expect(full.status).toBe(200);
  });
});

describe('GET /api/v1/cameras', () => {
  it('answers 401 without a token', async () => {
    const res = await fetch(`${base}/api/v1/cameras`, { headers: clientHeaders });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthenticated.' });
  });

  it('pages cameras (25 by default) with streams high/low and status', async () => {
    const body = (await (await api('/api/v1/cameras')).json()) as { data: Record<string, unknown>[]; meta: Record<string, unknown> };
    expect(body.meta).toMatchObject({ current_page: 1, per_page: 25, total: 4, last_page: 1 });
    const cam = body.data[0]!;
    expect(cam).toMatchObject({ id: 1, name: sim.context.media.cameras[0]!.name, status: 'active' });
    expect((cam.streams as { type: string; status: string }[]).map((s) => [s.type, s.status])).toEqual([
      ['high', 'active'],
      ['low', 'active'],
    ]);

    const page2 = (await (await api('/api/v1/cameras?page=2&per_page=3')).json()) as { data: { id: number }[]; meta: Record<string, unknown>; links: Record<string, string | null> };
    expect(page2.data.map((c) => c.id)).toEqual([4]);
    expect(page2.meta).toMatchObject({ current_page: 2, last_page: 2, from: 4, to: 4, total: 4, per_page: 3 });
    expect(page2.links.prev).toContain('page=1');
    expect(page2.links.next).toBeNull();
    expect((await api('/api/v1/cameras?per_page=0')).status).toBe(422);
  });

  it('shows an offline camera as inactive', async () => {
    await fetch(`${sim.adminUrl}/cameras/2/offline`, { method: 'POST' });
    try {
      const body = (await (await api('/api/v1/cameras/shows?ids[]=3&ids[]=99')).json()) as { id: number; status: string }[];
      expect(body.map((c) => [c.id, c.status])).toEqual([[3, 'inactive']]);
    } finally {
      await fetch(`${sim.adminUrl}/cameras/2/online`, { method: 'POST' });
    }
  });
});

describe('client-API links', () => {
  it('live HLS: {url, fallback_url}; the playlist and its segments carry the token', async () => {
    const res = await api('/api/v1/cameras/1/streams?type=low&source=hls');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; fallback_url: string };
    expect(body.url).toMatch(/\/live\/[0-9a-f-]{36}\/index\.m3u8\?token=/);
    expect(body.fallback_url).toBe(body.url);
    const playlist = await fetch(body.url);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const text = await playlist.text();
    const segments = text.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.every((line) => line.includes('?token='))).toBe(true);
    const seg = await fetch(new URL(segments[0]!, body.url));
    expect(seg.status).toBe(200);
    expect((await seg.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('RTSP: the RTSP server URL with the token appended (the RTSP server cannot enforce it)', async () => {
    const res = await api('/api/v1/cameras/1/streams?type=low&source=rtsp');
    if (sim.context.media.rtspUrl(0, 'sub') === null) {
      expect(res.status).toBe(422);
      return;
    }
    const body = (await res.json()) as { url: string; fallback_url: string };
    expect(body.url).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/.+\?token=/);
    expect(body.fallback_url).toMatch(/\/index\.m3u8\?token=/);
  });

  it('archive: move_to when start is before the archive; mp4 is a real recording', async () => {
    const { media } = sim.context;
    const early = new Date(media.historyStartMs - 3_600_000).toISOString();
    const moved = (await (await api(`/api/v1/cameras/1/streams/archive?start=${early}&duration=30&source=hls`)).json()) as { url: string; fallback_url: string; move_to: string };
    const archiveStart = media.segments(0, media.historyStartMs, sim.context.now())[0]!.startMs;
    expect(moved.move_to).toMatch(microsZ);
    expect(Date.parse(moved.move_to)).toBe(archiveStart);
    const vod = await (await fetch(moved.url)).text();
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(vod).toContain('#EXT-X-ENDLIST');

    const start = new Date(segment.startMs + 10_000).toISOString();
    const inRange = (await (await api(`/api/v1/cameras/1/streams/archive?start=${start}&duration=20&source=mp4&type=low`)).json()) as { url: string; move_to: string | null };
    expect(inRange.move_to).toBeNull();
    const mp4 = await fetch(inRange.url);
    expect(mp4.status).toBe(200);
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    const file = join(scratch, 'archive.mp4');
    await writeFile(file, Buffer.from(await mp4.arrayBuffer()));
    const probe = await ffprobe(file);
    expect(probe.format.format_name).toContain('mp4');
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(Number(probe.format.duration)).toBeGreaterThan(17);
    expect(Number(probe.format.duration)).toBeLessThan(23);
  });

  it('archive HLS chunks are MPEG-TS, fetched with the token', async () => {
    const start = new Date(segment.startMs + 10_000).toISOString();
    const link = (await (await api(`/api/v1/cameras/1/streams/archive?start=${start}&duration=20&source=hls&type=low`)).json()) as { url: string };
    const lines = (await (await fetch(link.url)).text()).split('\n').filter((l) => l && !l.startsWith('#'));
    const chunk = await fetch(new URL(lines[0]!, link.url));
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get('content-type')).toBe('video/mp2t');
    const data = Buffer.from(await chunk.arrayBuffer());
    expect(data[0]).toBe(0x47); // TS sync byte
    const forged = await fetch(new URL(lines[0]!.replace(/token=[^&]+/, 'token=forged'), link.url));
    expect(forged.status).toBe(403);
  });
});

describe('integration API links (seed 004)', () => {
  const uuid = (i = 0): string => site.cameras[i]!.uuid;

  it('preview: [{url, expired_at}] with a 6-digit fraction, ttl as a string; mp4 at a date is a real clip', async () => {
    const date = new Date(segment.startMs + 20_000).toISOString().replace('.000Z', 'Z');
    const res = await integration('preview', { cameras: [{ uuid: uuid(), stream_type: 'low', date }], source: 'mp4', ttl: '100' });
    expect(res.status).toBe(200);
    const [link] = (await res.json()) as { url: string; expired_at: string }[];
    expect(link!.expired_at).toMatch(microsZ);
    expect(Date.parse(link!.expired_at) - sim.context.now()).toBeGreaterThan(95_000);
    expect(Date.parse(link!.expired_at) - sim.context.now()).toBeLessThanOrEqual(100_000);
    const file = join(scratch, 'preview.mp4');
    await writeFile(file, Buffer.from(await (await fetch(link!.url)).arrayBuffer()));
    const probe = await ffprobe(file);
    expect(probe.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    expect(Number(probe.format.duration)).toBeGreaterThan(3);
  });

  it('preview jpg (live), ttl as an int', async () => {
    const [link] = (await (await integration('preview', { cameras: [{ uuid: uuid(1) }], source: 'jpg', ttl: 60 })).json()) as { url: string }[];
    const jpg = await fetch(link!.url);
    expect(jpg.headers.get('content-type')).toBe('image/jpeg');
    expect(jpegSize(Buffer.from(await jpg.arrayBuffer())).width).toBe(sim.context.media.cameras[1]!.profiles.main.width);
  });

  it('video: live without date; archive from date with move_to and archive_ranges', async () => {
    const { media } = sim.context;
    // Recorded ranges as the plan has them (touching segments merged), read on both sides of the
    // request: a new recording may start in between. Whether the hour holds a gap depends on when
    // the test runs.
    const rangeCount = (): number => {
      const segs = media.segments(0, media.historyStartMs, sim.context.now());
      return segs.filter((seg, i) => i === 0 || seg.startMs > segs[i - 1]!.endMs).length;
    };
    const countBefore = rangeCount();
    const res = await integration('video', {
      cameras: [
        { uuid: uuid(), stream_type: 'low' },
        { uuid: uuid(), stream_type: 'high', archive_ranges: true, date: new Date(media.historyStartMs - 60_000).toISOString() },
      ],
      source: 'hls',
      ttl: '100',
    });
    const [live, archive] = (await res.json()) as Record<string, unknown>[];
    expect(live!.url).toMatch(/\/live\/.+\/index\.m3u8\?token=/);
    expect(live).not.toHaveProperty('move_to');
    expect(archive!.url).toMatch(/\/archive\/.+\/index\.m3u8\?token=/);
    expect(archive!.move_to).toMatch(microsZ);
    const ranges = archive!.archive_ranges as { from: string; to: string }[];
    expect([countBefore, rangeCount()]).toContain(ranges.length);
    expect(ranges[0]!.from).toBe(archive!.move_to);
    for (const [i, range] of ranges.entries()) {
      expect(range.from).toMatch(microsZ);
      expect(Date.parse(range.to)).toBeGreaterThan(Date.parse(range.from));
      // Merged: a range starts after a gap, never where the one before ends.
      if (i > 0) expect(Date.parse(range.from)).toBeGreaterThan(Date.parse(ranges[i - 1]!.to));
    }
  });

  it('archive: [{url, expired_at}] for from/to', async () => {
    const res = await integration('archive', {
      cameras: [{ uuid: uuid(), stream_type: 'low', from: new Date(segment.startMs).toISOString(), to: new Date(segment.startMs + 30_000).toISOString() }],
      source: 'hls',
      ttl: 100,
    });
    const [link] = (await res.json()) as { url: string; expired_at: string }[];
    const vod = await (await fetch(link!.url)).text();
    expect(vod.match(/#EXTINF:/g)!.length).toBeGreaterThan(0);
  });

  it('needs no token, but answers 401 to a bad one; 422 for an unknown uuid or a bad ttl', async () => {
    const body = { cameras: [{ uuid: uuid() }], source: 'jpg' };
    expect((await integration('preview', body)).status).toBe(200);
    expect((await integration('preview', body, { Authorization: bearer })).status).toBe(200);
    expect((await integration('preview', body, { Authorization: 'Bearer 1|forged' })).status).toBe(401);
    const unknown = await integration('preview', { cameras: [{ uuid: '00000000-0000-4000-8000-00000000beef' }], source: 'mp4' });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { errors: Record<string, string[]> }).errors).toHaveProperty(['cameras.0.uuid']);
    expect((await integration('preview', { ...body, ttl: 'soon' })).status).toBe(422);
    expect((await integration('preview', { cameras: [], source: 'mp4' })).status).toBe(422);
  });
});

describe('link expiry', () => {
  it('refuses a media URL from expired_at on (playlist and segments), not before', async () => {
    const [link] = (await (await integration('video', { cameras: [{ uuid: site.cameras[0]!.uuid, stream_type: 'low' }], source: 'hls', ttl: 30 })).json()) as { url: string; expired_at: string }[];
    const playlist = await fetch(link!.url);
    expect(playlist.status).toBe(200);
    const segmentLine = (await playlist.text()).split('\n').find((l) => l && !l.startsWith('#'))!;
    const segmentUrl = new URL(segmentLine, link!.url);

    const expiresMs = Date.parse(link!.expired_at);
    skewMs += expiresMs - sim.context.now() - 1000; // one second before expired_at
    expect((await fetch(link!.url)).status).toBe(200);
    skewMs += 1000; // at expired_at
    expect(sim.context.now()).toBeGreaterThanOrEqual(expiresMs);
    expect((await fetch(link!.url)).status).toBe(403);
    expect((await fetch(segmentUrl)).status).toBe(403);
  });

  it('invalidates tokens and links when the admin expires every session', async () => {
    const token = ((await (await getToken()).json()) as { access_token: string }).access_token;
    const link = (await (await fetch(`${base}/api/v1/cameras/1/streams?type=low&source=hls`, { headers: { ...clientHeaders, Authorization: token } })).json()) as { url: string };
    expect((await fetch(link.url)).status).toBe(200);
    await fetch(`${sim.adminUrl}/sessions/expire`, { method: 'POST' });
    expect((await fetch(`${base}/api/v1/cameras`, { headers: { ...clientHeaders, Authorization: token } })).status).toBe(401);
    expect((await fetch(link.url)).status).toBe(403);
  });
});
