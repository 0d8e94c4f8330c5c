import { describe, expect, it } from 'vitest';
import { AppFailure, type CameraState } from '../../../preload/contract/index.js';
import { Upstream } from '../../../main/media/upstream.js';
import type { UpstreamTuning } from '../../../main/media/upstream-types.js';
import { Viewer } from '../../../main/media/viewer.js';
import type { LiveSource } from '../../../main/media/sources.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { FakeSink } from './fake-sink.js';
import { FakeRunner, settle } from '../../support/fake-runner.js';
import { fixtureBytes, splitFixture } from './fixture.js';
import { ManualClock } from '../../support/manual-clock.js';

const fixture = splitFixture();
const source: LiveSource = { kind: 'rtsp', url: 'rtsp://operator:pw@127.0.0.1:8554/cam/1000a001/sub' };

const hevcDump = `Input #0, rtsp, from 'rtsp://x':
  Stream #0:0: Video: hevc (Main), yuv420p(tv), 1920x1080, 25 fps, 25 tbr, 90k tbn
Output #0, mp4, to 'pipe:1':
`;

function setup(options: { resolve?: () => Promise<LiveSource>; cameraState?: () => CameraState | undefined; tuning?: Partial<UpstreamTuning> } = {}) {
  const clock = new ManualClock();
  const runner = new FakeRunner();
  const log = memoryLogger();
  let changes = 0;
  let resolves = 0;
  const upstream = new Upstream({
    spec: { key: 'site/cam|sub', cameraId: 'site/cam', profile: 'sub' },
    resolve: () => {
      resolves += 1;
      return options.resolve ? options.resolve() : Promise.resolve(source);
    },
    ...(options.cameraState ? { cameraState: options.cameraState } : {}),
    runner: runner.runner,
    clock,
    random: () => 0.5,
    log,
    onChange: () => (changes += 1),
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  return { clock, runner, log, upstream, changes: () => changes, resolves: () => resolves };
}

/** Plays the fixture's init and its first n fragments on the current run. */
function play(runner: FakeRunner, n = fixture.fragments.length): void {
  runner.last.data(fixture.init);
  for (const f of fixture.fragments.slice(0, n)) runner.last.data(f.bytes);
}

describe('Upstream', () => {
  it('resolves the source, spawns one remux, and plays once the first fragment arrives', async () => {
    const { upstream, runner, resolves } = setup();
    upstream.start();
    expect(upstream.snapshot().status).toBe('connecting');
    await settle();
    expect(resolves()).toBe(1);
    expect(runner.runs.length).toBe(1);
    expect(runner.last.args).toContain(source.url);
    expect(runner.last.args).toContain('copy');
    runner.last.data(fixture.init);
    expect(upstream.snapshot().status).toBe('connecting');
    play(runner);
    expect(upstream.snapshot()).toEqual({
      status: 'playing',
      info: { codec: 'avc1.42c00a,mp4a.40.2', width: 160, height: 90, fps: 9.6, bitrateKbps: expect.any(Number), gopMs: 500, delivery: 'RTSP', transcoded: false },
    });
  });

  it("logs its start-up once per process: the site's answer, then ffmpeg to its first fragment (bench:live's stages)", async () => {
    let answer: (s: LiveSource) => void = () => undefined;
    const { upstream, runner, log, clock } = setup({ resolve: () => new Promise((resolve) => (answer = resolve)) });
    upstream.start();
    clock.advance(150);
    answer(source);
    await settle();
    runner.last.data(fixture.init);
    clock.advance(1200);
    play(runner);
    const firsts = log.lines.filter((l) => l.message === 'first fragment');
    expect(firsts).toEqual([{ level: 'info', scope: 'test', message: 'first fragment', fields: { camera: 'site/cam', profile: 'sub', resolveMs: 150, spawnToFragmentMs: 1200 } }]);
  });

  it('accepts bytes in any chunking (pipe reads split boxes)', async () => {
    const { upstream, runner } = setup();
    upstream.start();
    await settle();
    for (let i = 0; i < fixtureBytes.length; i += 999) runner.last.data(fixtureBytes.subarray(i, i + 999));
    expect(upstream.snapshot()).toMatchObject({ status: 'playing', info: { gopMs: 500 } });
  });

  it('keeps the GOP from the last keyframe for joiners, and fans fragments out to viewers', async () => {
    const { upstream, runner } = setup();
    upstream.start();
    await settle();
    const early = new Viewer('a', 'site/cam', 'sub');
    const sink = new FakeSink();
    early.attach(sink, upstream.join());
    upstream.addViewer(early);
    play(runner, 20); // fragments 0..19: keyframes at 0, 8, 16
    const join = upstream.join();
    expect(join.init?.bytes).toEqual(fixture.init);
    expect(join.gop.map((f) => f.info.sequence)).toEqual([17, 18, 19, 20]);
    expect(join.gop[0]!.keyframe).toBe(true);
    expect(sink.contentType).toBe('video/mp4; codecs="avc1.42c00a,mp4a.40.2"');
    expect(sink.chunks.length).toBe(1 + 20);
  });

  it('does not cache a GOP larger than the limit: a joiner then waits for the next keyframe', async () => {
    const { upstream, runner } = setup({ tuning: { gopCacheMaxBytes: 8000 } });
    upstream.start();
    await settle();
    play(runner, 4); // K a p a: 7090 bytes
    expect(upstream.join().gop.length).toBe(4);
    runner.last.data(fixture.fragments[4]!.bytes); // + 2087 > 8000
    expect(upstream.join().gop).toEqual([]);
  });

  it('retries with exponential backoff after the process dies, with the reason in words', async () => {
    const { upstream, runner, clock, resolves } = setup();
    upstream.start();
    await settle();
    runner.last.stderr('[tcp @ 0x1] Connection to tcp://127.0.0.1:8554 failed: Connection refused\n');
    runner.last.exit(1);
    expect(upstream.snapshot()).toMatchObject({ status: 'retrying', reason: 'connection refused', retryAtMs: clock.now() + 500 });
    clock.advance(499);
    await settle();
    expect(runner.runs.length).toBe(1);
    clock.advance(1);
    await settle();
    expect(runner.runs.length).toBe(2);
    expect(resolves()).toBe(2); // every attempt asks the site again
    expect(upstream.snapshot()).toMatchObject({ status: 'connecting', reason: 'connection refused' });
    runner.last.stderr('Connection refused\n');
    runner.last.exit(1);
    expect(upstream.snapshot().retryAtMs).toBe(clock.now() + 1000);
    clock.advance(1000);
    await settle();
    runner.last.exit(1);
    expect(upstream.snapshot().retryAtMs).toBe(clock.now() + 2000);
    // Back by itself: playing again, reason gone.
    clock.advance(2000);
    await settle();
    play(runner);
    expect(upstream.snapshot()).toMatchObject({ status: 'playing' });
    expect(upstream.snapshot().reason).toBeUndefined();
  });

  it('starts the backoff again after playing steadily, and keeps growing it after short plays', async () => {
    const { upstream, runner, clock } = setup();
    upstream.start();
    await settle();
    runner.last.exit(1);
    clock.advance(500);
    await settle();
    runner.last.exit(1);
    clock.advance(1000);
    await settle();
    play(runner);
    // 11 s of steady video (a fragment every second keeps the watchdog quiet).
    for (let s = 0; s < 11; s += 1) {
      clock.advance(1000);
      runner.last.data(fixture.fragments[1]!.bytes);
    }
    runner.last.exit(0);
    expect(upstream.snapshot()).toMatchObject({ status: 'retrying', reason: 'the camera ended the stream', retryAtMs: clock.now() + 500 });
  });

  it('restarts a stalled process: no bytes for 8 s while playing (watchdog)', async () => {
    const { upstream, runner, clock } = setup();
    upstream.start();
    await settle();
    play(runner);
    clock.advance(7_999);
    expect(runner.last.stopped).toBe(false);
    clock.advance(1);
    expect(runner.last.stopped).toBe(true);
    await settle();
    expect(upstream.snapshot()).toMatchObject({ status: 'retrying', reason: 'stalled: no video for 8 s' });
    clock.advance(500);
    await settle();
    expect(runner.runs.length).toBe(2);
  });

  it('reports a stall at once even when the stuck process takes its time to exit; stop() waits for it', async () => {
    const { upstream, runner, clock } = setup();
    runner.stubborn = true;
    upstream.start();
    await settle();
    play(runner);
    clock.advance(8_000);
    expect(upstream.snapshot()).toMatchObject({ status: 'retrying', reason: 'stalled: no video for 8 s' });
    clock.advance(500);
    await settle();
    expect(runner.runs.length).toBe(2); // the retry does not wait for the old process
    const stuck = runner.runs[0]!;
    let stopped = false;
    const stopping = upstream.stop().then(() => (stopped = true));
    runner.last.exit(null, 'SIGTERM');
    await settle();
    expect(stopped).toBe(false); // the stalled process is still dying
    stuck.exit(null, 'SIGKILL');
    await stopping;
    expect(stopped).toBe(true);
  });

  it('allows 2 × GOP + 5 s before calling a long-GOP stream stalled', async () => {
    const { upstream, runner, clock } = setup({ tuning: { stallMinMs: 1000 } });
    upstream.start();
    await settle();
    play(runner); // GOP 500 ms → 6 s
    clock.advance(5_999);
    expect(runner.last.stopped).toBe(false);
    clock.advance(1);
    expect(runner.last.stopped).toBe(true);
    await settle();
    expect(upstream.snapshot().reason).toBe('stalled: no video for 6 s');
  });

  it('gives up an attempt that sends nothing within the connect timeout', async () => {
    const { upstream, runner, clock } = setup();
    upstream.start();
    await settle();
    clock.advance(15_000);
    await settle();
    expect(runner.runs[0]!.stopped).toBe(true);
    expect(upstream.snapshot()).toMatchObject({ status: 'retrying', reason: 'no video arrived within 15 s of connecting' });
  });

  it('switches to H.264 at once when the input dump shows HEVC (no retry counted, no new sign-in)', async () => {
    const { upstream, runner, resolves } = setup();
    upstream.start();
    await settle();
    runner.last.stderr(hevcDump);
    await settle();
    expect(runner.runs.length).toBe(2);
    expect(runner.runs[0]!.stopped).toBe(true);
    expect(resolves()).toBe(1);
    expect(runner.last.args).toContain('libx264');
    expect(upstream.snapshot()).toMatchObject({
      status: 'connecting',
      info: { transcoded: true, transcodeReason: 'the camera sends H.265 (HEVC), which the player cannot decode; Tessera converts it to H.264' },
    });
    expect(upstream.snapshot().reason).toBeUndefined();
  });

  it('drops G.711 audio when the process fails on it after the dump', async () => {
    const { upstream, runner } = setup();
    upstream.start();
    await settle();
    runner.last.stderr("Input #0, rtsp, from 'x':\n  Stream #0:0: Video: h264 (Main), yuv420p\n  Stream #0:1: Audio: pcm_alaw, 8000 Hz\n");
    runner.last.stderr('[mp4 @ 0x1] Could not find tag for codec pcm_alaw in stream #1, codec not currently supported in container\n');
    runner.last.exit(1);
    await settle();
    expect(runner.runs.length).toBe(2);
    expect(runner.last.args).toContain('-an');
    expect(upstream.snapshot().status).toBe('connecting');
  });

  it('probes longer at once when a fast probe found no picture size; a second such failure waits its backoff', async () => {
    const { upstream, runner, clock } = setup();
    upstream.start();
    await settle();
    expect(runner.last.args.slice(9, 13)).toEqual(['-probesize', '32', '-analyzeduration', '0']);
    runner.last.stderr('[mp4 @ 0x1] dimensions not set\n');
    runner.last.exit(1);
    await settle();
    expect(runner.runs.length).toBe(2);
    expect(runner.last.args.slice(9, 13)).toEqual(['-probesize', '2000000', '-analyzeduration', '2000000']);
    expect(upstream.snapshot().status).toBe('connecting');
    runner.last.stderr('[mp4 @ 0x1] dimensions not set\n');
    runner.last.exit(1);
    expect(upstream.snapshot()).toMatchObject({ status: 'retrying', reason: 'the picture size could not be read from the stream', retryAtMs: clock.now() + 500 });
  });

  it('re-encodes when the init segment is not H.264 even if the dump said nothing', async () => {
    const { upstream, runner } = setup();
    upstream.start();
    await settle();
    const hvc = Buffer.from(fixture.init);
    hvc.write('hvc1', hvc.indexOf('avc1'), 'latin1');
    runner.last.data(hvc);
    await settle();
    expect(runner.runs.length).toBe(2);
    expect(runner.last.args).toContain('libx264');
    // The same words as from the input dump (stdout may overtake stderr).
    expect(upstream.snapshot().info).toMatchObject({ transcoded: true, transcodeReason: 'the camera sends H.265 (HEVC), which the player cannot decode; Tessera converts it to H.264' });
  });

  it('says why the site gave no source; an unsupported site fails for good until started again', async () => {
    let failure: AppFailure = new AppFailure('unauthorized', 'Demo: the session expired and signing in again failed (wrong password). Sign in again.');
    const { upstream, runner, clock } = setup({ resolve: () => Promise.reject(failure) });
    upstream.start();
    await settle();
    expect(upstream.snapshot()).toMatchObject({ status: 'retrying', reason: 'sign-in needed: Demo: the session expired and signing in again failed (wrong password). Sign in again.' });
    failure = new AppFailure('unsupported', 'Demo offers no live video Tessera can play.');
    clock.advance(500);
    await settle();
    expect(upstream.snapshot()).toMatchObject({ status: 'failed', reason: 'Demo offers no live video Tessera can play.' });
    clock.advance(60_000);
    await settle();
    expect(runner.runs.length).toBe(0);
    upstream.start();
    await settle();
    expect(upstream.snapshot().status).toBe('failed');
  });

  it('reports "camera offline" when the site says so, whatever ffmpeg printed', async () => {
    let state: CameraState = 'online';
    const { upstream, runner } = setup({ cameraState: () => state });
    upstream.start();
    await settle();
    state = 'offline';
    runner.last.stderr('rtsp://x: Server returned 404 Not Found\n');
    runner.last.exit(1);
    expect(upstream.snapshot().reason).toBe('camera offline');
  });

  it('treats a 401 from the media server as an expired sign-in, and asks the site again', async () => {
    const { upstream, runner, clock, resolves } = setup();
    upstream.start();
    await settle();
    runner.last.stderr('http://h/video.flv: Server returned 401 Unauthorized (authorization failed)\n');
    runner.last.exit(1);
    expect(upstream.snapshot().reason).toBe('sign-in expired');
    clock.advance(500);
    await settle();
    expect(resolves()).toBe(2);
  });

  it('sends viewers the new init segment after a restart', async () => {
    const { upstream, runner, clock } = setup();
    upstream.start();
    await settle();
    const viewer = new Viewer('a', 'site/cam', 'sub');
    const sink = new FakeSink();
    upstream.addViewer(viewer);
    viewer.attach(sink, upstream.join());
    play(runner, 3);
    runner.last.exit(1);
    clock.advance(500);
    await settle();
    expect(upstream.join().gop).toEqual([]); // the old GOP belongs to the old timeline
    play(runner, 3);
    expect(viewer.stats.initsSent).toBe(2);
    expect(sink.chunks.filter((c) => c.toString('latin1', 4, 8) === 'ftyp').length).toBe(2);
  });

  it('ends a process whose output is not fragmented MP4', async () => {
    const { upstream, runner } = setup();
    upstream.start();
    await settle();
    runner.last.data(Buffer.from('<html><body>login</body></html>'));
    await settle();
    expect(runner.last.stopped).toBe(true);
    expect(upstream.snapshot().reason).toMatch(/^the video process sent something unreadable/);
  });

  it('stop() ends the process and every pending retry', async () => {
    const { upstream, runner, clock } = setup();
    upstream.start();
    await settle();
    runner.last.exit(1);
    await upstream.stop();
    clock.advance(60_000);
    await settle();
    expect(runner.runs.length).toBe(1);
    upstream.start();
    await settle();
    expect(runner.runs.length).toBe(2);
    await upstream.stop();
    expect(runner.last.stopped).toBe(true);
  });

  it('never logs the camera password', async () => {
    const { upstream, runner, log } = setup();
    upstream.start();
    await settle();
    runner.last.stderr(`[rtsp @ 0x1] something odd on ${source.url}\n`);
    runner.last.exit(1);
    expect(JSON.stringify(log.lines)).not.toContain(':pw@');
    expect(JSON.stringify(upstream.snapshot())).not.toContain(':pw@');
  });
});
