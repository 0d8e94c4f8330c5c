// exacqVision recorded playback through the playback service (main/playback) with the adapter's
// server playhead and real ffmpeg, against the simulator: the playhead starts once the stream is
// read, every fragment's media time is the wall time its picture shows (the simulator's
// timecode), also after a seek, a step (exactly one frame either way), a pause (the server's
// playhead itself stands) and reverse.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { HttpClient, type HttpRequest, type HttpResponse } from '../../../main/net/http-client.js';
import { PlaybackService } from '../../../main/playback/playback-service.js';
import { exacqAdapterFactory } from '../../../main/vms/exacq/adapter.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';
import { FakeSink } from '../../unit/media/fake-sink.js';
import { fragments, timecodes } from './playback-check.js';

type ExacqSite = SiteDescription & { cameraIds: number[] };

/** Remembers the searches the server opened and the ones logged out (a playback's server session). */
class SearchLog extends HttpClient {
  readonly opened: string[] = [];
  readonly closed: string[] = [];

  override async request(req: HttpRequest): Promise<HttpResponse> {
    const response = await super.request(req);
    if (req.path.endsWith('search.web') && response.status === 200) {
      const id = (JSON.parse(response.body.toString('utf8')) as { search_id?: string }).search_id;
      if (id) this.opened.push(id);
    }
    if (req.path.endsWith('logout.web') && req.form?.s) this.closed.push(req.form.s);
    return response;
  }

  /** Every search opened was logged out. */
  async allClosed(): Promise<void> {
    await waitUntil('every search logged out', 10_000, () => this.opened.every((id) => this.closed.includes(id)) || undefined);
  }
}
/** 4-second GOPs: the first frame of a stream is not the asked instant. */
const camIndex = 2;

describe('exacqVision recorded playback through main/playback (simulator, real ffmpeg)', { timeout: 300_000 }, () => {
  let sim: SimulatorHandle;
  let site: ExacqSite;
  let segment: Segment;
  let scratch: string;
  let playback: PlaybackService;
  let http: SearchLog;
  let gopMs: number;
  beforeAll(async () => {
    sim = await startTestSimulator([exacqModule]);
    site = sim.sites.exacq as ExacqSite;
    scratch = await mkdtemp(join(tmpdir(), 'tessera-exacq-playback-'));
    segment = longestFinishedSegment(sim.context.media, camIndex, sim.context.now());
    // A real server has the recording on disk; the simulator encodes it on first use, and a cut
    // still being encoded while the playhead moves makes its stream jump. Pay the encoding here.
    await sim.context.media.segmentFile(segment, 'main');
    gopMs = sim.context.media.cameras[camIndex]!.gopSeconds * 1000;
    const config: SiteConfig = { id: 'depot', name: 'Depot exacq', kind: 'exacq', url: site.url, username: site.username };
    http = new SearchLog({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 });
    const adapter = exacqAdapterFactory.create({ site: config, http, log: memoryLogger(), now: () => sim.context.now() });
    await adapter.signIn({ username: site.username, password: site.password });
    const recorded = adapter.recorded!;
    const camera = String(site.cameraIds[camIndex]);
    playback = new PlaybackService({
      resolve: (_id, atMs, o) => recorded.video(camera, atMs, o),
      reverse: async () => recorded.reverse,
      coverage: (_id, from, to) => recorded.coverage(camera, from, to),
      log: memoryLogger(),
    });
  }, 120_000);

  afterAll(async () => {
    await playback?.dispose();
    await sim?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('open at T plays: each fragment maps to the wall time its picture shows; a seek plays from its keyframe on the same mapping', async () => {
    const at = segment.startMs + 60_300;
    const opened = await playback.open({ cameraId: 'x/cam', atMs: at, rate: 1, profile: 'main' }, 'test');
    expect(opened).toMatchObject({ reverse: 'server', frameMs: 100 });
    const sink = new FakeSink();
    playback.attach(opened.playbackId, sink);
    // More frames than the GOP up to T: the playhead was started (a paused one sends only those).
    const first = await waitUntil('30 fragments', 150_000, () => {
      const got = fragments(sink, opened.originMs).list;
      return got.length >= 30 ? got.slice(0, 30) : undefined;
    });
    expect(first[0]!.wallMs).toBeLessThanOrEqual(at);
    expect(at - first[0]!.wallMs).toBeLessThan(gopMs);
    expect(await timecodes(scratch, first)).toEqual(first.map((f) => f.wallMs));
    expect(playback.states()[0]).toMatchObject({ status: 'playing', rate: 1 });

    const target = segment.startMs + 120_700;
    await playback.seek(opened.playbackId, target);
    const after = await waitUntil('10 fragments after the seek', 150_000, () => {
      const got = fragments(sink, opened.originMs);
      const mine = got.list.filter((f) => f.init === got.list.at(-1)!.init);
      return got.inits === 2 && mine.length >= 10 ? mine.slice(0, 10) : undefined;
    });
    expect(after[0]!.wallMs).toBeLessThanOrEqual(target);
    expect(target - after[0]!.wallMs).toBeLessThan(gopMs);
    expect(await timecodes(scratch, after)).toEqual(after.map((f) => f.wallMs));
    playback.close(opened.playbackId);
    // The first search (left at the seek) and the second are both logged out.
    expect(http.opened.length).toBeGreaterThanOrEqual(2);
    await http.allClosed();
  });

  it('pause stops the frames, a step is exactly one frame either way, reverse sends frames going back in time', async () => {
    const at = segment.startMs + 28_300;
    const opened = await playback.open({ cameraId: 'x/cam', atMs: at, rate: 1, profile: 'main' }, 'test');
    const id = opened.playbackId;
    const sink = new FakeSink();
    playback.attach(id, sink);
    const count = (): number => fragments(sink, opened.originMs).list.length;
    await waitUntil('20 fragments', 150_000, () => count() >= 20 || undefined);
    await playback.pause(id, true);
    expect(playback.states()[0]).toMatchObject({ status: 'paused', rate: 1 });
    // Frames already on their way may land; then none while paused.
    let settled = count();
    await waitUntil('no new frame for a second', 10_000, async () => {
      const before = count();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      settled = count();
      return settled === before || undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(count()).toBe(settled);

    const shown = (): number => fragments(sink, opened.originMs).list.at(-1)!.wallMs;
    const before = shown();
    expect(await playback.step(id, 1)).toEqual({ by: 'server', frameMs: 100 });
    await waitUntil('the next frame', 20_000, () => shown() !== before || undefined);
    expect(shown()).toBe(before + 100);
    expect(await playback.step(id, 1)).toEqual({ by: 'server', frameMs: 100 });
    await waitUntil('the frame after', 20_000, () => shown() !== before + 100 || undefined);
    expect(shown()).toBe(before + 200);
    // The stepped frames are P-frames: decode the run from its first keyframe.
    const stepped = fragments(sink, opened.originMs).list;
    expect(await timecodes(scratch, stepped)).toEqual(stepped.map((f) => f.wallMs));

    expect(await playback.step(id, -1)).toEqual({ by: 'server', frameMs: 100 });
    await waitUntil('one frame back (a new init)', 60_000, () => (fragments(sink, opened.originMs).inits === 2 && shown() === before + 100) || undefined);

    const reverseFrom = count();
    await playback.setSpeed(id, -4);
    await playback.pause(id, false);
    expect(playback.states()[0]).toMatchObject({ status: 'playing', rate: -4 });
    const back = await waitUntil('3 frames going back', 60_000, () => {
      const list = fragments(sink, opened.originMs).list.slice(reverseFrom);
      return list.length >= 3 ? list.slice(0, 3) : undefined;
    });
    expect(back[0]!.wallMs).toBeLessThanOrEqual(before + 100);
    expect(back[1]!.wallMs).toBeLessThan(back[0]!.wallMs);
    expect(back[2]!.wallMs).toBeLessThan(back[1]!.wallMs);
    // Keyframes, each its own picture: the timecode of each is its mapped wall time.
    for (const f of back) expect(await timecodes(scratch, [f])).toEqual([f.wallMs]);
    playback.close(id);
    await http.allClosed();
  });

  it('pause stops the server’s playhead itself (timestamp.web stands for 2 s), not only the frames; play goes on from that frame, forwards, each frame its own wall time', async () => {
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const at = segment.startMs + 90_300;
    const opened = await playback.open({ cameraId: 'x/cam', atMs: at, rate: 1, profile: 'main' }, 'test');
    const id = opened.playbackId;
    const searchId = http.opened.at(-1)!;
    const serverAt = async (): Promise<string> => {
      const answer = await http.request({ path: 'v1/timestamp.web', query: { search_id: searchId, output: 'json', use_ms: 1 } });
      return (JSON.parse(answer.body.toString('utf8')) as { timeWithMs: string }).timeWithMs;
    };
    const sink = new FakeSink();
    playback.attach(id, sink);
    const list = (): { wallMs: number }[] => fragments(sink, opened.originMs).list;
    await waitUntil('20 fragments', 150_000, () => list().length >= 20 || undefined);
    // Playing, the server's playhead moves.
    const moving = await serverAt();
    await sleep(300);
    expect(await serverAt()).not.toBe(moving);
    await playback.pause(id, true);
    // The speed goes to the server as its own request: wait until its playhead stands.
    const stopped = await waitUntil('the server playhead to stand', 10_000, async () => {
      const before = await serverAt();
      await sleep(300);
      return (await serverAt()) === before ? before : undefined;
    });
    const frames = list().length;
    await sleep(2_000);
    expect(await serverAt()).toBe(stopped);
    expect(list()).toHaveLength(frames);
    const lastMs = list().at(-1)!.wallMs;

    await playback.pause(id, false);
    await waitUntil('20 more fragments', 60_000, () => list().length >= frames + 20 || undefined);
    const after = list().slice(frames, frames + 20);
    expect(after.map((f) => f.wallMs)).toEqual(after.map((_f, i) => lastMs + 100 * (i + 1)));
    const all = fragments(sink, opened.originMs).list.slice(0, frames + 20);
    expect(await timecodes(scratch, all)).toEqual(all.map((f) => f.wallMs));
    console.info(`[playback] exacq: paused for ${frames} frames, the server's playhead stood at ${stopped} for 2 s; play went on at ${new Date(after[0]!.wallMs).toISOString()}`);
    playback.close(id);
    await http.allClosed();
  });

  it('paused, a seek still brings the frame at its target: the new search is stepped over what ffmpeg holds, so that frame comes out', async () => {
    const at = segment.startMs + 170_300;
    const opened = await playback.open({ cameraId: 'x/cam', atMs: at, rate: 1, profile: 'main' }, 'test');
    const id = opened.playbackId;
    const sink = new FakeSink();
    playback.attach(id, sink);
    await waitUntil('10 fragments', 150_000, () => fragments(sink, opened.originMs).list.length >= 10 || undefined);
    await playback.pause(id, true);
    const target = segment.startMs + 180_700;
    await playback.seek(id, target);
    const run = await waitUntil('the target frame while paused', 60_000, () => {
      const got = fragments(sink, opened.originMs);
      const mine = got.list.filter((f) => f.init === got.list.at(-1)!.init);
      return got.inits === 2 && mine.some((f) => f.wallMs === target) ? mine : undefined;
    });
    expect(run.at(-1)!.wallMs).toBe(target);
    expect(playback.states()[0]).toMatchObject({ status: 'paused' });
    expect(await timecodes(scratch, run)).toEqual(run.map((f) => f.wallMs));
    playback.close(id);
    await http.allClosed();
  });

  it('a speed change keeps the mapping: at 8× (the server may jump to a later keyframe) every frame is still its own wall time', async () => {
    const at = segment.startMs + 150_300;
    const opened = await playback.open({ cameraId: 'x/cam', atMs: at, rate: 1, profile: 'main' }, 'test');
    const sink = new FakeSink();
    playback.attach(opened.playbackId, sink);
    const count = (): number => fragments(sink, opened.originMs).list.length;
    await waitUntil('20 fragments', 150_000, () => count() >= 20 || undefined);
    await playback.setSpeed(opened.playbackId, 8);
    expect(playback.states()[0]).toMatchObject({ status: 'playing', rate: 8 });
    const from = count();
    const started = Date.now();
    await waitUntil('80 fragments at 8×', 150_000, () => count() >= from + 80 || undefined);
    const list = fragments(sink, opened.originMs).list.slice(0, from + 80);
    console.info(`[playback] exacq at 8×: 80 frames (${list.at(-1)!.wallMs - list[from]!.wallMs} ms of recording) in ${Date.now() - started} ms`);
    expect(await timecodes(scratch, list)).toEqual(list.map((f) => f.wallMs));
    playback.close(opened.playbackId);
    await http.allClosed();
  });

  it('a reader that stops taking bytes stops reading the server (bounded in main, no failure); after it drains, frames go on with their own times', async () => {
    const at = segment.startMs + 200_300;
    const opened = await playback.open({ cameraId: 'x/cam', atMs: at, rate: 1, profile: 'main' }, 'test');
    const session = playback.session(opened.playbackId)!;
    const sink = new FakeSink();
    playback.attach(opened.playbackId, sink);
    const count = (): number => fragments(sink, opened.originMs).list.length;
    await waitUntil('10 fragments', 150_000, () => count() >= 10 || undefined);
    sink.full = true;
    await waitUntil('the sink to be full', 10_000, () => sink.waitingForDrain || undefined);
    // The server's playhead plays on meanwhile (4 s at 1×): what waits in main stays small.
    const stalled = Date.now();
    await waitUntil('4 s of a full sink', 10_000, () => Date.now() - stalled >= 4_000 || undefined);
    const held = session.heldCount;
    expect(held).toBeLessThan(60);
    expect(session.status).toBe('playing');
    const before = count();
    sink.drain();
    await waitUntil('20 more fragments', 60_000, () => count() >= before + 20 || undefined);
    const list = fragments(sink, opened.originMs).list.slice(0, before + 20);
    expect(await timecodes(scratch, list)).toEqual(list.map((f) => f.wallMs));
    console.info(`[playback] exacq: ${held} fragments held after a 4 s stall; the stream went on ${list[before]!.wallMs - list[before - 1]!.wallMs} ms later`);
    playback.close(opened.playbackId);
    await http.allClosed();
  });
});
