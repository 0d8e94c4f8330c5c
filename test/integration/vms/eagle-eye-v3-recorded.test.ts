/**
 * Eagle Eye v3 recorded media against the simulator over HTTP (OAuth code flow, this test plays
 * the browser): coverage from /media across pages equals the recording plan (gaps included), the
 * still at T is the picture showing at T and page tokens and proven neighbours spare requests,
 * recorded FLV starts exactly on the keyframe it announces (ffprobe counts the frames) and goes
 * on interval by interval, gaps are 'no-recording', and hand-written bad answers (a web page,
 * truncated JSON) are a clear 'bad-response'. Marks: the simulator serves no /events yet, so the
 * adapter says "no marks" (null); the mapping of events is unit-tested.
 *
 * The simulator pages by 2 (pageSizeCap) so that /media is followed across pages.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { clipPeriods, gapsIn, mergePeriods } from '../../../common/time-periods.js';
import { flvVideoFrames } from '../../../main/media/flv-tags.js';
import { HttpClient, type HttpRequest, type HttpResponse } from '../../../main/net/http-client.js';
import type { VmsAdapter } from '../../../main/vms/adapter.js';
import { eagleEyeV3AdapterFactory } from '../../../main/vms/eagle-eye-v3/adapter.js';
import { createEagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { failure, isJpeg } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodeOfJpeg, timecodeOfVideo } from '../../support/timecode.js';

const run = promisify(execFile);

interface V3Site {
  url: string;
  username: string;
  clientId: string;
  clientSecret: string;
}

let sim: SimulatorHandle;
let site: V3Site;
let adapter: VmsAdapter;
let http: CountingHttp;

class CountingHttp extends HttpClient {
  readonly paths: string[] = [];
  /** Bodies of the FLV answers read whole by main (the keyframe probes). */
  readonly flvBodies: Buffer[] = [];
  override async request(req: HttpRequest): Promise<HttpResponse> {
    this.paths.push(req.path.replace(/\?.*$/, ''));
    const response = await super.request(req);
    if (req.headers?.accept?.startsWith('video/x-flv')) this.flvBodies.push(response.body);
    return response;
  }
  count(path: string): number {
    return this.paths.filter((p) => p === path).length;
  }
}

async function signedIn(url: string): Promise<{ adapter: VmsAdapter; http: CountingHttp }> {
  const config: SiteConfig = { id: 'v3rec', name: 'Harbour EEN', kind: 'eagleeye-v3', url, username: site.username, oauthClientId: site.clientId };
  const counting = new CountingHttp({ baseUrl: url, siteName: config.name, timeoutMs: 30_000 });
  const made = eagleEyeV3AdapterFactory.create({ site: config, http: counting, log: memoryLogger(), now: Date.now });
  const outcome = await made.signIn({ username: site.username, password: site.clientSecret });
  if (outcome.kind !== 'browser') throw new Error(`expected the browser step, got ${outcome.kind}`);
  await fetch(outcome.authorizationUrl);
  await outcome.completion;
  return { adapter: made, http: counting };
}

const media = () => sim.context.media;
const esn = (index: number) => media().cameras[index]!.esn;

async function videoPackets(url: string, headers: Record<string, string>): Promise<number> {
  const headerText = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const { stdout } = await run('ffprobe', ['-v', 'error', '-headers', headerText, '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', url], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l.trim() !== '').length;
}

beforeAll(async () => {
  // Unpaced: the FLV test counts every frame of a whole interval (paced, that takes its length).
  sim = await startTestSimulator([createEagleEyeV3Module({ pageSizeCap: 2 })], { cameras: 3, hours: 3, rtsp: false, paceRecorded: false });
  site = sim.sites['eagleeye-v3'] as unknown as V3Site;
  ({ adapter, http } = await signedIn(site.url));
});

afterAll(async () => {
  await adapter?.dispose();
  await sim?.stop();
});

describe('Eagle Eye v3 coverage and marks', () => {
  it('coverage is the recording plan across /media pages, gaps included; timestamps sent with +00:00', async () => {
    const to = Date.now() - 60_000;
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
    expect(gaps).toBeGreaterThan(0);
  });

  it('marks are the motion events the simulator serves on /events (its motion plan)', async () => {
    const to = Date.now() - 60_000;
    const from = to - 3600_000;
    const marks = await adapter.recorded!.marks!(esn(0), from, to);
    const planned = media().motion(0, from, to).filter((m) => m.startMs >= from);
    expect(marks!.map((m) => m.atMs)).toEqual(planned.map((m) => m.startMs));
    expect(marks!.every((m) => m.type === 'motion')).toBe(true);
  });
});

describe('Eagle Eye v3 recorded stills', () => {
  it('the still at T is the picture showing at T; moving on a little follows page tokens, moving back costs nothing', async () => {
    const seg = longestFinishedSegment(media(), 0, Date.now());
    const at = seg.startMs + 30_500;
    const before = http.count('media/recordedImage.jpeg');
    const still = await adapter.recorded!.still(esn(0), at, 320);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(still.timestampMs).toBeLessThanOrEqual(at);
    expect(at - still.timestampMs).toBeLessThan(1_100);
    // The picture shows the time it is stamped with (its timecode), within a preview spacing of T.
    expect(await timecodeOfJpeg(still.jpeg)).toBe(still.timestampMs);
    expect(http.count('media/recordedImage.jpeg') - before).toBe(1);
    const asked = () => http.count('media/recordedImage.jpeg') - before;
    // Between the picture and T: proven empty by the answer, so no request.
    expect((await adapter.recorded!.still(esn(0), still.timestampMs + 100, 320)).timestampMs).toBe(still.timestampMs);
    expect(asked()).toBe(1);
    // A little past T (within a preview spacing): its next page token, which lies later still:
    // the same picture, and now its exact end is known.
    expect((await adapter.recorded!.still(esn(0), still.timestampMs + 800, 320)).timestampMs).toBe(still.timestampMs);
    expect(asked()).toBe(2);
    expect((await adapter.recorded!.still(esn(0), still.timestampMs + 950, 320)).timestampMs).toBe(still.timestampMs);
    expect(asked()).toBe(2);
    // The next picture (the simulator makes one a second) came with the token: known too.
    const next = await adapter.recorded!.still(esn(0), still.timestampMs + 1_000, 320);
    expect(next.timestampMs).toBe(still.timestampMs + 1_000);
    expect(asked()).toBe(2);
    expect((await adapter.recorded!.still(esn(0), still.timestampMs + 1_200, 320)).timestampMs).toBe(still.timestampMs + 1_000);
    expect(asked()).toBe(3);
    // Far on: one request by time.
    const far = await adapter.recorded!.still(esn(0), at + 20_000, 320);
    expect(at + 20_000 - far.timestampMs).toBeLessThan(1_100);
    expect(asked()).toBe(4);
  });

  it('before the history is no-recording', async () => {
    const err = await failure(adapter.recorded!.still(esn(1), media().historyStartMs - 3_600_000));
    expect(err.error.code).toBe('no-recording');
    expect(err.error.message).toMatch(/^Harbour EEN: no recording at that time \(camera \w+, \d{4}-\d\d-\d\dT[\d:.]+\+00:00\)\.$/);
  });
});

describe('Eagle Eye v3 recorded video', () => {
  it('FLV starting exactly on the announced keyframe, to the end of its interval (ffprobe counts the frames)', async () => {
    const seg = longestFinishedSegment(media(), 2, Date.now());
    const gopMs = media().cameras[2]!.gopSeconds * 1000;
    const at = seg.startMs + 73_300;
    const source = await adapter.recorded!.video!(esn(2), at, { rate: 1, profile: 'sub' });
    if (source.kind !== 'pieces') throw new Error('expected pieces');
    const { first } = source;
    expect(first).toMatchObject({ format: 'flv', startMs: seg.startMs + Math.floor((at - seg.startMs) / gopMs) * gopMs, endMs: seg.endMs });
    expect(first.headers.cookie).toMatch(/^een_media_session=/);
    expect(new URL(first.url).searchParams.get('startTimestamp')).toMatch(/\+00:00$/);
    expect(await timecodeOfVideo(first.url, { headers: first.headers })).toBe(first.startMs);
    expect(await videoPackets(first.url, first.headers)).toBe((first.endMs! - first.startMs) / 100);
  }, 180_000);

  it('the keyframe probe of a first open stops at the second keyframe (a paced service sends the first GOP at once)', async () => {
    const fresh = await signedIn(site.url);
    const seg = longestFinishedSegment(media(), 2, Date.now());
    sim.context.paceRecorded = true; // as the service: reading the probe's whole 9 s span took 9 s
    try {
      const source = await fresh.adapter.recorded!.video!(esn(2), seg.startMs + 30_500, { rate: 1, profile: 'sub' });
      expect(source.kind).toBe('pieces');
    } finally {
      sim.context.paceRecorded = false;
    }
    expect(fresh.http.flvBodies).toHaveLength(1);
    const frames = flvVideoFrames(fresh.http.flvBodies[0]!)!;
    // Camera 2 keeps a keyframe every 4 s: two keyframes are 41 frames; the whole span was 90.
    expect(frames.filter((f) => f.keyframe)).toHaveLength(2);
    expect(frames.length).toBeLessThan(60);
  }, 120_000);

  it('next piece: the interval that continues; after a gap, none; a gap is no-recording; backwards refused', async () => {
    const segs = media().segments(1, media().historyStartMs, Date.now() - 60_000);
    const touching = segs.findIndex((s, i) => i + 1 < segs.length && segs[i + 1]!.startMs === s.endMs);
    expect(touching).toBeGreaterThanOrEqual(0);
    const seg = segs[touching]!;
    // At 1× (FLV, one piece per interval); above 1× MP4 pieces (test/integration/playback/fast-forward-een.test.ts).
    const source = await adapter.recorded!.video!(esn(1), seg.endMs - 4_000, { rate: 1, profile: 'main' });
    if (source.kind !== 'pieces') throw new Error('expected pieces');
    const next = await source.next(seg.endMs);
    expect(next).toMatchObject({ format: 'flv', startMs: segs[touching + 1]!.startMs, endMs: segs[touching + 1]!.endMs });
    expect(await timecodeOfVideo(source.first.url, { headers: source.first.headers })).toBe(source.first.startMs);
    const gapAt = segs.findIndex((s, i) => i + 1 < segs.length && segs[i + 1]!.startMs - s.endMs > 10_000);
    if (gapAt >= 0) {
      expect(await source.next(segs[gapAt]!.endMs)).toBeNull();
      const inGap = await failure(adapter.recorded!.video!(esn(1), segs[gapAt]!.endMs + 3_000, { rate: 1, profile: 'main' }));
      expect(inGap.error).toMatchObject({ code: 'no-recording', detail: { nextRecordingMs: segs[gapAt + 1]!.startMs } });
    }
    expect(adapter.recorded!.reverse).toBe('keyframes');
    expect((await failure(adapter.recorded!.video!(esn(1), seg.startMs, { rate: -1, profile: 'main' }))).error.code).toBe('reverse-unsupported');
  }, 120_000);
});

describe('Eagle Eye v3 recorded media: hand-written bad answers', () => {
  let server: Server;
  let url: string;
  let answer: (res: ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    // Plays the auth and API hosts on one port: a token answer pointing back to itself.
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0];
      req.resume();
      if (path === '/oauth2/authorize') {
        const q = new URL(req.url ?? '/', 'http://x').searchParams;
        return void res.writeHead(302, { location: `${q.get('redirect_uri')}?code=c0de&state=${q.get('state')}` }).end();
      }
      if (path === '/oauth2/token') {
        const port = (server.address() as AddressInfo).port;
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 'acc-s3cret', expires_in: 3600, refresh_token: 'ref-s3cret', token_type: 'Bearer', httpsBaseUrl: { hostname: '127.0.0.1', port } }));
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

  it('marks from /events (written to the spec; the simulator has no events yet): two pages, motion types, +00:00 times', async () => {
    const asked: URLSearchParams[] = [];
    answer = (res) => {
      const reqUrl = new URL(res.req.url ?? '/', 'http://x');
      if (reqUrl.pathname !== '/api/v3.0/events') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":404,"status":"notFound","message":"no"}');
      asked.push(reqUrl.searchParams);
      const page = reqUrl.searchParams.get('pageToken')
        ? { results: [{ id: 'e2', type: 'een.personMotionDetectionEvent.v1', startTimestamp: '1970-01-01T00:20:00.000+00:00', endTimestamp: null, actorId: '100d4c41' }], nextPageToken: '' }
        : { results: [{ id: 'e1', type: 'een.motionDetectionEvent.v1', startTimestamp: '1970-01-01T01:00:10.000+01:00', endTimestamp: '1970-01-01T00:00:30.000+00:00', actorId: '100d4c41' }], nextPageToken: 'p2' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
    };
    const made = await signedIn(url);
    expect(await made.adapter.recorded!.marks!('100d4c41', 0, 3600_000)).toEqual([
      { atMs: 10_000, endMs: 30_000, type: 'motion', label: 'Motion' },
      { atMs: 1_200_000, type: 'motion', label: 'Person moving' },
    ]);
    expect(asked).toHaveLength(2);
    expect(Object.fromEntries(asked[0]!)).toMatchObject({
      actor: 'camera:100d4c41',
      type__in: 'een.motionDetectionEvent.v1,een.motionInRegionDetectionEvent.v1,een.personMotionDetectionEvent.v1,een.vehicleMotionDetectionEvent.v1',
      startTimestamp__gte: '1970-01-01T00:00:00.000+00:00',
      startTimestamp__lte: '1970-01-01T01:00:00.000+00:00',
    });
    await made.adapter.dispose();
  });

  it.each([
    ['coverage, a web page', html, (a: VmsAdapter) => a.recorded!.coverage!('100d4c41', 0, 3600_000), /expected the recordings of camera 100d4c41 but got a web page/],
    ['coverage, truncated JSON', reply('{"results":[{"startTimestamp":"2026-11-22T00:00:00.000+00:00","endTim'), (a: VmsAdapter) => a.recorded!.coverage!('100d4c41', 0, 3600_000), /recordings of camera 100d4c41 but got malformed or truncated JSON/],
    ['marks, truncated JSON', reply('{"results":[{"type":"een.motionDetectionEvent.v1",'), (a: VmsAdapter) => a.recorded!.marks!('100d4c41', 0, 3600_000), /motion events of camera 100d4c41 but got malformed or truncated JSON/],
    ['a still, a web page', html, (a: VmsAdapter) => a.recorded!.still('100d4c41', 1_000_000), /expected the recorded picture of camera 100d4c41 as a JPEG but got a web page/],
  ])('%s → bad-response in words', async (_what, respond, call, message) => {
    answer = respond;
    const made = await signedIn(url);
    const err = await failure(call(made.adapter));
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(message);
    expect(err.error.message).toContain('Harbour EEN');
    expect(err.error.message).not.toMatch(/s3cret/);
    await made.adapter.dispose();
  });
});
