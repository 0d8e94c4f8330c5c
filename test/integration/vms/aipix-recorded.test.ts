// AIPIX recorded media against the simulator over real HTTP: coverage from archive_ranges (gaps
// as planned), the still at T, archive HLS pieces (startMs from PROGRAM-DATE-TIME, gaps end a
// piece), and a hand-written server answering web pages and truncated lists.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { gapsIn, mergePeriods, type Period } from '../../../common/time-periods.js';
import { AipixAdapter } from '../../../main/vms/aipix/adapter.js';
import { createAipixModule } from '../../../simulator/aipix/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { expectClean, failure, isJpeg, secretWires, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { ffprobe } from '../simulator/exacq-helpers.js';
import { timecodeOfJpeg, timecodeOfVideo } from '../../support/timecode.js';

type AipixSite = SiteDescription & { cameras: { id: number; uuid: string; name: string }[] };

let sim: SimulatorHandle;
let site: AipixSite;
/** Camera index 2: 4-second GOPs, so the first frame of the archive is not the asked instant. */
const camIndex = 2;
let segment: Segment;

async function signedIn(url = site.url, name = 'Plaza AIPIX') {
  const config: SiteConfig = { id: 'plaza', name, kind: 'aipix', url, username: 'u' };
  const http = new SpyHttp({ baseUrl: url, siteName: name, timeoutMs: 20_000 }, secretWires.aipix);
  const adapter = new AipixAdapter({ site: config, http, log: memoryLogger(), now: () => sim.context.now() });
  await adapter.signIn(url === site.url ? { username: site.username, password: site.password } : { username: 'u', password: 'p' });
  return { adapter, http, recorded: adapter.recorded };
}

function plannedPeriods(index: number, from: number, to: number): Period[] {
  return mergePeriods(sim.context.media.segments(index, from, to).map((s) => ({ fromMs: Math.max(s.startMs, from), toMs: Math.min(s.endMs, to) })));
}

beforeAll(async () => {
  sim = await startTestSimulator([createAipixModule({ maxSessions: 100 })], { cameras: 4, rtsp: false });
  site = sim.sites.aipix as AipixSite;
  segment = longestFinishedSegment(sim.context.media, camIndex, sim.context.now());
  // Archive links are cut from encoded segments: pay the encoding here, not in a timed test.
  await sim.context.media.segmentFile(segment, 'main');
}, 120_000);

afterAll(async () => {
  await sim?.stop();
});

describe('AIPIX recorded media', () => {
  it('reports coverage from archive_ranges as the simulator planned it, gaps included', async () => {
    const { recorded } = await signedIn();
    const { media } = sim.context;
    const from = media.historyStartMs;
    const to = sim.context.now() - 120_000;
    const plans = [0, 1, 2, 3].map((i) => plannedPeriods(i, from, to));
    const index = plans.reduce((best, plan, i) => (gapsIn(plan, from, to).length > gapsIn(plans[best]!, from, to).length ? i : best), 0);
    expect(gapsIn(plans[index]!, from, to).length).toBeGreaterThan(0);
    expect(await recorded.coverage(String(site.cameras[index]!.id), from, to)).toEqual(plans[index]);
    expect(await recorded.marks()).toBeNull();
  });

  it('gives the still at T stamped with its frame time (whole seconds after the keyframe before T)', async () => {
    const { recorded } = await signedIn();
    const still = await recorded.still(String(site.cameras[camIndex]!.id), segment.startMs + 22_500, 320);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(still.timestampMs).toBe(segment.startMs + 22_000);
    expect(await timecodeOfJpeg(still.jpeg)).toBe(still.timestampMs);
  });

  it('plays archive HLS from the keyframe before T: startMs from PROGRAM-DATE-TIME, ffprobe reads it, next() follows', async () => {
    const { recorded } = await signedIn();
    const id = String(site.cameras[camIndex]!.id);
    const at = segment.startMs + 22_500;
    const source = await recorded.video(id, at, { rate: 1, profile: 'main' });
    if (source.kind !== 'pieces') throw new Error('expected pieces');
    // Camera 2 has 4-second GOPs from the segment start: the keyframe before T is at +20 s.
    expect(source.first).toMatchObject({ format: 'hls', startMs: segment.startMs + 20_000 });
    expect(source.first.endMs).toBeGreaterThan(at);
    expect(source.first.endMs).toBeLessThanOrEqual(segment.endMs);
    const probe = await ffprobe(source.first.url);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264' });
    // The first frame's own timecode is startMs.
    expect(await timecodeOfVideo(source.first.url)).toBe(source.first.startMs);
    // The next piece starts where the first ended (inside the segment), or there is none at its end.
    const next = await source.next(source.first.endMs!);
    if (source.first.endMs! < segment.endMs) expect(next?.startMs).toBeLessThanOrEqual(source.first.endMs!);
    const afterSegment = sim.context.media.segments(camIndex, segment.endMs, segment.endMs + 1).find((s) => s.startMs <= segment.endMs && s.endMs > segment.endMs);
    if (!afterSegment) expect(await source.next(segment.endMs)).toBeNull();
  });

  it('says no-recording in a gap, before the history and in the future; reverse is for Tessera to do', async () => {
    const { recorded, http } = await signedIn();
    const { media } = sim.context;
    const now = sim.context.now();
    const id = String(site.cameras[camIndex]!.id);
    for (const at of [media.historyStartMs - 3_600_000, now + 60_000]) {
      const err = await failure(recorded.video(id, at, { rate: 1, profile: 'main' }));
      expect(err.error).toMatchObject({ code: 'no-recording', message: expect.stringMatching(/^Plaza AIPIX: camera ".*" has no recording at \d{4}-/) });
      expectClean(err, http);
    }
    const gap = gapsIn(plannedPeriods(camIndex, media.historyStartMs, now - 60_000), media.historyStartMs, now - 60_000).find((g) => g.toMs - g.fromMs >= 3000);
    if (gap) {
      expect((await failure(recorded.video(id, gap.fromMs + 500, { rate: 1, profile: 'main' }))).error.code).toBe('no-recording');
      expect((await failure(recorded.still(id, gap.fromMs + 500))).error.code).toBe('no-recording');
    }
    expect((await failure(recorded.video(id, segment.startMs + 20_000, { rate: -1, profile: 'main' }))).error.code).toBe('reverse-unsupported');
    expect(recorded.reverse).toBe('keyframes');
  });
});

describe('AIPIX recorded media against a misbehaving server', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  const routes = new Map<string, Handler>();
  let server: Server;
  let base: string;
  const json = (body: unknown): Handler => (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  const html: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html>Login</html>');
  const T = Date.UTC(2026, 0, 2, 3, 4, 5);
  const camera = { id: 5, name: 'Gate', status: 'active', streams: [{ type: 'high' }], archive_ranges: [{ from: '2026-01-02T03:00:00.000000Z', to: '2026-01-02T04:00:00.000000Z' }] };

  beforeAll(async () => {
    server = createServer((req, res) => (routes.get(new URL(req.url!, 'http://x').pathname) ?? ((_q, r) => r.writeHead(404).end()))(req, res));
    base = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
    routes.set('/api/v1/token', json({ access_token: 'Bearer 1|secret' }));
  });
  afterAll(() => void server.close());

  it.each<[string, Handler, RegExp]>([
    ['a web page for the camera', html, /expected camera 5 but got a web page/],
    ['a truncated camera', json('{"id": 5, "archive_ranges": [{"from": "2026-01-02T03:00:00Z", "to'), /camera 5 but got malformed or truncated JSON/],
    ['a range that is no time', json({ ...camera, archive_ranges: [{ from: 'soon', to: 'later' }] }), /hold a range that is no time span/],
  ])('coverage with %s is a clear bad-response', async (_, handler, message) => {
    routes.set('/api/v1/cameras/5', handler);
    const { recorded, http } = await signedIn(base, 'Bad AIPIX');
    const err = await failure(recorded.coverage('5', T - 60_000, T + 60_000));
    expect(err.error).toMatchObject({ code: 'bad-response', message: expect.stringMatching(message) });
    expectClean(err, http);
  });

  it('a still whose archive segment starts answering only after 6 s (cut on request) still arrives', async () => {
    // A real archive chunk of the simulator (4-s GOPs: it starts on a keyframe), served late.
    const startMs = segment.startMs + 20_000;
    const ts = Buffer.concat(await (await sim.context.media.recordedClip(camIndex, 'main', startMs, startMs + 8000, 'ts')).toArray());
    routes.set('/api/v1/cameras/5', json(camera));
    routes.set('/api/v1/cameras/5/streams/archive', json({ url: `${base}/archive/index.m3u8?token=abc`, move_to: null }));
    routes.set('/archive/index.m3u8', (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' })
        .end(['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-TARGETDURATION:8', `#EXT-X-PROGRAM-DATE-TIME:${new Date(startMs).toISOString()}`, '#EXTINF:8.000,', 'chunk.ts?token=abc', '#EXT-X-ENDLIST', ''].join('\n')),
    );
    const late = new Set<NodeJS.Timeout>();
    routes.set('/archive/chunk.ts', (_req, res) => {
      const timer = setTimeout(() => {
        late.delete(timer);
        res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': ts.length }).end(ts);
      }, 6000);
      late.add(timer);
    });
    const { recorded } = await signedIn(base, 'Slow AIPIX');
    try {
      const still = await recorded.still('5', startMs + 2500, 320);
      expect(still.timestampMs).toBe(startMs + 2000);
      expect(await timecodeOfJpeg(still.jpeg)).toBe(still.timestampMs);
    } finally {
      for (const timer of late) clearTimeout(timer);
    }
  }, 30_000);

  it('video whose archive link gives a web page is a clear bad-response', async () => {
    routes.set('/api/v1/cameras/5', json(camera));
    routes.set('/api/v1/cameras/5/streams/archive', json({ url: `${base}/archive/index.m3u8?token=abc`, move_to: null }));
    routes.set('/archive/index.m3u8', html);
    const { recorded, http } = await signedIn(base, 'Bad AIPIX');
    const err = await failure(recorded.video('5', T, { rate: 1, profile: 'main' }));
    expect(err.error).toMatchObject({ code: 'bad-response', message: expect.stringMatching(/^Bad AIPIX: the archive link of camera "Gate" gave no playlist \(text\/html/) });
    expectClean(err, http);
  });
});
