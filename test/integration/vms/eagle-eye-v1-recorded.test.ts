// Eagle Eye v1 recorded media against the simulator over real HTTP: coverage equals the
// simulator's recording plan (gaps included), marks sit on its motion events, a still at T is the
// picture showing at T and the neighbours it names answer later requests without one, recorded
// video starts exactly on the keyframe it announces (ffprobe counts the frames) and continues
// clip by clip; gaps are 'no-recording', backwards is 'reverse-unsupported', and hand-written
// bad answers (a web page, truncated JSON) are a clear 'bad-response'.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { clipPeriods, gapsIn, mergePeriods } from '../../../common/time-periods.js';
import { flvVideoFrames } from '../../../main/media/flv-tags.js';
import type { HttpRequest, HttpResponse } from '../../../main/net/http-client.js';
import type { VmsAdapter } from '../../../main/vms/adapter.js';
import { eagleEyeV1AdapterFactory } from '../../../main/vms/eagle-eye-v1/adapter.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { expectClean, failure, isJpeg, secretWires, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodeOfJpeg, timecodeOfVideo } from '../../support/timecode.js';
import { waitUntil } from '../../support/wait-until.js';

const run = promisify(execFile);

let sim: SimulatorHandle;
let site: SiteDescription;

/** Counts the requests per path, so a test can see which ones the adapter did not make. */
class CountingHttp extends SpyHttp {
  readonly paths: string[] = [];
  /** Bodies of the FLV answers read whole by main (the keyframe probes). */
  readonly flvBodies: Buffer[] = [];
  override async request(req: HttpRequest): Promise<HttpResponse> {
    this.paths.push(req.path);
    const response = await super.request(req);
    if (req.headers?.accept?.startsWith('video/x-flv')) this.flvBodies.push(response.body);
    return response;
  }
  count(path: string): number {
    return this.paths.filter((p) => p === path).length;
  }
}

async function signedIn(url = site.url): Promise<{ adapter: VmsAdapter; http: CountingHttp }> {
  const config: SiteConfig = { id: 'hq', name: 'HQ Eagle Eye', kind: 'eagleeye-v1', url, username: site.username };
  const http = new CountingHttp({ baseUrl: url, siteName: config.name, timeoutMs: 30_000 }, secretWires['eagleeye-v1']);
  const adapter = eagleEyeV1AdapterFactory.create({ site: config, http, log: memoryLogger(), now: () => sim.context.now() });
  await adapter.signIn({ username: site.username, password: site.password });
  http.secrets.add(site.password);
  return { adapter, http };
}

const media = () => sim.context.media;
const esn = (index: number) => media().cameras[index]!.esn;

/** ffprobe's video packet times of a recorded piece (reads the whole piece). */
async function videoPackets(url: string, headers: Record<string, string>): Promise<number[]> {
  const headerText = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const { stdout } = await run('ffprobe', ['-v', 'error', '-headers', headerText, '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', url], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Math.round(Number(l.replace(/,$/, '')) * 1000));
}

beforeAll(async () => {
  // Unpaced: the video test counts every frame of a whole clip (paced, that takes its length).
  sim = await startTestSimulator([eagleEyeV1Module], { cameras: 3, hours: 3, paceRecorded: false });
  site = sim.sites['eagleeye-v1'] as SiteDescription;
});

afterAll(async () => {
  await sim?.stop();
});

describe('Eagle Eye v1 coverage and marks', () => {
  it('coverage is the recording plan, coalesced and cut to the window, gaps included', async () => {
    const { adapter } = await signedIn();
    const to = sim.context.now() - 60_000;
    const from = to - 2.5 * 3600_000;
    let gaps = 0;
    for (const index of [0, 1, 2]) {
      const periods = await adapter.recorded!.coverage!(esn(index), from, to);
      const planned = clipPeriods(
        mergePeriods(media().segments(index, from, to).map((s) => ({ fromMs: s.startMs, toMs: s.endMs }))),
        from,
        to,
      );
      expect(periods).toEqual(planned);
      gaps += gapsIn(periods, Math.max(from, media().historyStartMs), to).length;
    }
    // The plan leaves slots empty and starts or ends some late: the timeline must show that.
    expect(gaps).toBeGreaterThan(0);
  });

  it('marks are the event thumbnails: one per motion event, at its first preview', async () => {
    const { adapter } = await signedIn();
    const to = sim.context.now() - 60_000;
    const from = to - 2 * 3600_000;
    const marks = (await adapter.recorded!.marks!(esn(1), from, to))!;
    const starts = media()
      .motion(1, from, to)
      .map((m) => m.startMs)
      .filter((s) => s >= from);
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.map((m) => m.type)).toEqual(marks.map(() => 'motion'));
    // Each mark lies within one preview (1 s + jitter) after a motion start, in order.
    for (const mark of marks) expect(starts.some((s) => mark.atMs >= s && mark.atMs - s <= 1100)).toBe(true);
    expect(marks.map((m) => m.atMs)).toEqual([...marks.map((m) => m.atMs)].sort((a, b) => a - b));
  });
});

describe('Eagle Eye v1 recorded stills', () => {
  it('the still at T is the picture showing at T: its timecode is at most one preview spacing earlier', async () => {
    const { adapter } = await signedIn();
    const seg = longestFinishedSegment(media(), 0, sim.context.now());
    const at = seg.startMs + 42_345;
    const still = await adapter.recorded!.still(esn(0), at);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(still.timestampMs).toBeLessThanOrEqual(at);
    expect(at - still.timestampMs).toBeLessThan(1100);
    const shown = await timecodeOfJpeg(still.jpeg);
    expect(shown).not.toBeNull();
    expect(shown!).toBeLessThanOrEqual(at);
    expect(at - shown!).toBeLessThan(1100);
    // The simulator stamps previews with up to 80 ms of jitter but draws the recorded second.
    expect(Math.abs(shown! - still.timestampMs)).toBeLessThanOrEqual(80);
  });

  it('a playhead between a picture and its x-ee-next is answered from the cache; beyond it, one request', async () => {
    const { adapter, http } = await signedIn();
    const seg = longestFinishedSegment(media(), 1, sim.context.now());
    const at = seg.startMs + 30_000;
    const first = await adapter.recorded!.still(esn(1), at);
    expect(http.count('asset/prev/image.jpeg')).toBe(1);
    // Moving a little within the same picture's span: no request, the same picture.
    for (const step of [50, 150, 300]) {
      const again = await adapter.recorded!.still(esn(1), first.timestampMs + step);
      expect(again.timestampMs).toBe(first.timestampMs);
    }
    expect(http.count('asset/prev/image.jpeg')).toBe(1);
    // Three seconds on: past the known next picture, so the service is asked once.
    const later = await adapter.recorded!.still(esn(1), at + 3000);
    expect(later.timestampMs).toBeGreaterThan(first.timestampMs);
    expect(http.count('asset/prev/image.jpeg')).toBe(2);
    // Back to where we were: known again.
    expect((await adapter.recorded!.still(esn(1), at)).timestampMs).toBe(first.timestampMs);
    expect(http.count('asset/prev/image.jpeg')).toBe(2);
  });

  it('near the live edge nothing is taken as settled: a later request gets the newer picture', async () => {
    const { adapter, http } = await signedIn();
    const ahead = sim.context.now() + 5_000;
    const first = await adapter.recorded!.still(esn(1), ahead);
    // Two more previews have been made since (one a second) and ahead is still in the future.
    await waitUntil('two newer previews', 10_000, () => (sim.context.now() > first.timestampMs + 2_500 ? true : undefined));
    const second = await adapter.recorded!.still(esn(1), ahead - 1_000);
    expect(second.timestampMs).toBeGreaterThan(first.timestampMs);
    expect(http.count('asset/prev/image.jpeg')).toBe(2);
  });

  it('a time before the history, or in a gap, is no-recording', async () => {
    const { adapter, http } = await signedIn();
    await adapter.listCameras();
    const before = await failure(adapter.recorded!.still(esn(2), media().historyStartMs - 3600_000));
    expect(before.error.code).toBe('no-recording');
    expect(before.error.message).toMatch(/^HQ Eagle Eye: camera "[^"]+" has no recording at \d{4}-/);
    expectClean(before, http);
    const gap = findGap(2, 30_000);
    if (gap) {
      const inGap = await failure(adapter.recorded!.still(esn(2), gap.fromMs + 20_000));
      expect(inGap.error.code).toBe('no-recording');
      expect(inGap.error.message).toMatch(/the closest earlier picture is from/);
    }
  });
});

/** A gap of at least minMs in a camera's recordings, not at the ends of the history. */
function findGap(index: number, minMs: number): { fromMs: number; toMs: number } | undefined {
  const segs = media().segments(index, media().historyStartMs, sim.context.now() - 60_000);
  return segs
    .slice(1)
    .map((s, i) => ({ fromMs: segs[i]!.endMs, toMs: s.startMs }))
    .find((g) => g.toMs - g.fromMs >= minMs);
}

describe('Eagle Eye v1 recorded video', () => {
  it('starts exactly on the keyframe it announces and ends with its clip (ffprobe counts the frames)', async () => {
    const { adapter } = await signedIn();
    // Camera 2 has a 4 s GOP: a start that is not exact shows as up to 39 frames too many.
    const seg = longestFinishedSegment(media(), 2, sim.context.now());
    const gopMs = media().cameras[2]!.gopSeconds * 1000;
    const at = seg.startMs + 61_700;
    const source = await adapter.recorded!.video!(esn(2), at, { rate: 1, profile: 'sub' });
    expect(source.kind).toBe('pieces');
    if (source.kind !== 'pieces') return;
    const { first } = source;
    expect(first.format).toBe('flv');
    expect(first.startMs).toBe(seg.startMs + Math.floor((at - seg.startMs) / gopMs) * gopMs);
    expect(first.endMs).toBe(seg.endMs);
    expect(first.url).toMatch(/time_offset=\d+/);
    expect(first.url).not.toMatch(/auth_key|c001~/);
    // The first frame's own timecode is the announced start, to the millisecond.
    expect(await timecodeOfVideo(first.url, { headers: first.headers })).toBe(first.startMs);
    const packets = await videoPackets(first.url, first.headers);
    // 10 fps: one frame per 100 ms from the first frame to the clip end.
    expect(packets.length).toBe((first.endMs! - first.startMs) / 100);
  }, 180_000);

  it('the keyframe probe of a first open stops at the second keyframe (a paced service sends the first GOP at once)', async () => {
    const { adapter, http } = await signedIn();
    const seg = longestFinishedSegment(media(), 2, sim.context.now());
    sim.context.paceRecorded = true; // as the service: reading the probe's whole 9 s span took 9 s
    try {
      const source = await adapter.recorded!.video!(esn(2), seg.startMs + 30_500, { rate: 1, profile: 'sub' });
      expect(source.kind).toBe('pieces');
    } finally {
      sim.context.paceRecorded = false;
    }
    expect(http.flvBodies).toHaveLength(1);
    const frames = flvVideoFrames(http.flvBodies[0]!)!;
    // Camera 2 keeps a keyframe every 4 s: two keyframes are 41 frames; the whole span was 90.
    expect(frames.filter((f) => f.keyframe)).toHaveLength(2);
    expect(frames.length).toBeLessThan(60);
  }, 120_000);

  it('the next piece is the clip that continues the last one; after a gap, none', async () => {
    const { adapter } = await signedIn();
    const segs = media().segments(0, media().historyStartMs, sim.context.now() - 60_000);
    const touching = segs.findIndex((s, i) => i + 1 < segs.length && segs[i + 1]!.startMs === s.endMs);
    expect(touching).toBeGreaterThanOrEqual(0);
    const seg = segs[touching]!;
    const source = await adapter.recorded!.video!(esn(0), seg.endMs - 5_000, { rate: 1, profile: 'sub' });
    if (source.kind !== 'pieces') throw new Error('expected pieces');
    expect(source.first.startMs).toBe(seg.endMs - 5_000); // a 1 s GOP camera: T itself is a keyframe
    const next = await source.next(seg.endMs);
    expect(next).toMatchObject({ format: 'flv', startMs: segs[touching + 1]!.startMs, endMs: segs[touching + 1]!.endMs });
    expect(next!.url).not.toMatch(/time_offset/);
    expect(await timecodeOfVideo(next!.url, { headers: next!.headers })).toBe(next!.startMs);
    const gapAfter = segs.findIndex((s, i) => i + 1 < segs.length && segs[i + 1]!.startMs - s.endMs > 5_000);
    if (gapAfter >= 0) expect(await source.next(segs[gapAfter]!.endMs)).toBeNull();
  }, 120_000);

  it('a gap is no-recording saying where the recording resumes; backwards is reverse-unsupported', async () => {
    const { adapter } = await signedIn();
    expect(adapter.recorded!.reverse).toBe('keyframes');
    const back = await failure(adapter.recorded!.video!(esn(0), sim.context.now() - 600_000, { rate: -2, profile: 'main' }));
    expect(back.error.code).toBe('reverse-unsupported');
    const gap = findGap(2, 10_000);
    if (gap) {
      const inGap = await failure(adapter.recorded!.video!(esn(2), gap.fromMs + 3_000, { rate: 1, profile: 'main' }));
      expect(inGap.error.code).toBe('no-recording');
      expect(inGap.error.detail).toMatchObject({ nextRecordingMs: gap.toMs });
      expect(inGap.error.message).toMatch(/the recording resumes at/);
    }
  });
});

describe('Eagle Eye v1 recorded media: hand-written bad answers', () => {
  let server: Server;
  let url: string;
  let answer: (res: ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0];
      req.resume();
      if (path === '/g/aaa/authenticate') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"tok-secret-1"}');
      if (path === '/g/aaa/authorize') {
        return void res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'auth_key=c001~s3cr3tkey; Path=/' }).end('{"id":"u1","active_brand_subdomain":"c001"}');
      }
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const reply = (text: string, type = 'application/json') => (res: ServerResponse) => void res.writeHead(200, { 'content-type': type }).end(text);
  const html = reply('<!doctype html><html><body>Maintenance</body></html>', 'text/html');

  it.each([
    ['coverage, a web page', html, (a: VmsAdapter) => a.recorded!.coverage!('10000001', 0, 3600_000), /expected the recording list of camera 10000001 \(\/asset\/list\/video\) but got a web page/],
    ['coverage, truncated JSON', reply('[{"s":"20261122000000.000","e":"2026112200'), (a: VmsAdapter) => a.recorded!.coverage!('10000001', 0, 3600_000), /recording list .* malformed or truncated JSON/],
    ['marks, truncated JSON', reply('[{"t":"PRTH","s":'), (a: VmsAdapter) => a.recorded!.marks!('10000001', 0, 3600_000), /picture list .* malformed or truncated JSON/],
    ['a still, a web page', html, (a: VmsAdapter) => a.recorded!.still('10000001', 1_000_000), /expected a JPEG picture of camera 10000001 but got text\/html/],
    ['video, a web page for the clip list', html, (a: VmsAdapter) => a.recorded!.video!('10000001', 1_000_000, { rate: 1, profile: 'main' }), /recording list .* but got a web page/],
  ])('%s → bad-response in words', async (_what, respond, call, message) => {
    answer = respond;
    const { adapter, http } = await signedIn(url);
    const err = await failure(call(adapter));
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(message);
    expectClean(err, http);
    expect(err.error.message).not.toMatch(/s3cr3tkey|tok-secret-1/);
  });

  it('video whose clip answers a web page instead of FLV → bad-response', async () => {
    answer = (res) => {
      const path = new URL(res.req.url ?? '/', 'http://x').pathname;
      if (path === '/asset/list/video') return void res.writeHead(200, { 'content-type': 'application/json' }).end('[{"s":"19700101000000.000","e":"19700101000500.000","id":1}]');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Please sign in</html>');
    };
    const { adapter, http } = await signedIn(url);
    const err = await failure(adapter.recorded!.video!('10000001', 60_000, { rate: 1, profile: 'main' }));
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(/expected recorded video \(FLV\) of camera 10000001 but got a web page/);
    expectClean(err, http);
  });
});
