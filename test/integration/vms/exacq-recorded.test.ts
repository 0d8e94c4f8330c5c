// exacqVision recorded media against the simulator over real HTTP: coverage from search.web
// clips (gaps as planned), stills at a time, and the server-side play head (speed, reverse,
// step, seek, close) checked on the server's own state; every search made is logged out.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { gapsIn, mergePeriods, type Period } from '../../../common/time-periods.js';
import type { HttpRequest, HttpResponse } from '../../../main/net/http-client.js';
import type { RecordedSource } from '../../../main/media/sources.js';
import { exacqAdapterFactory } from '../../../main/vms/exacq/adapter.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { expectClean, failure, isJpeg, secretWires, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';
import { ffprobe } from '../simulator/exacq-helpers.js';
import { timecodeOfJpeg, timecodesOfVideo } from '../../support/timecode.js';

type ExacqSite = SiteDescription & { cameraIds: number[]; timezoneHours: number };

/** Remembers the searches the server opened and the ids logged out. */
class SearchLog extends SpyHttp {
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
  expectAllClosed(): void {
    expect(this.opened.length).toBeGreaterThan(0);
    expect([...this.closed].sort()).toEqual(expect.arrayContaining([...this.opened].sort()));
  }
}

let sim: SimulatorHandle;
let site: ExacqSite;
let scratch: string;
/** Camera index 2: 4-second GOPs, so the first frame of a stream is not the asked instant. */
const camIndex = 2;
let segment: Segment;

async function signedIn() {
  const config: SiteConfig = { id: 'depot', name: 'Depot exacq', kind: 'exacq', url: site.url, username: site.username };
  const http = new SearchLog({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 }, secretWires.exacq);
  const adapter = exacqAdapterFactory.create({ site: config, http, log: memoryLogger(), now: () => sim.context.now() });
  await adapter.signIn({ username: site.username, password: site.password });
  return { adapter, http, recorded: adapter.recorded!, id: String(site.cameraIds[camIndex]) };
}

/** The simulator's view of a search: its speed and play head, read with the search id. */
async function serverSearch(searchId: string): Promise<{ speed: number; headMs: number } | null> {
  const q = `search_id=${encodeURIComponent(searchId)}&output=json`;
  const [speed, head] = await Promise.all([fetch(`${site.url}/v1/playspeed.web?${q}`), fetch(`${site.url}/v1/timestamp.web?${q}&use_ms=1`)]);
  if (speed.status !== 200 || !(speed.headers.get('content-type') ?? '').includes('json')) return null;
  const s = (await speed.json()) as { speed: string };
  const t = (await head.json()) as { timeWithMs: string };
  return { speed: Number(s.speed), headMs: Date.parse(t.timeWithMs) };
}

/**
 * Connects to the stream of a paused playhead, then sets it playing (as the pipeline must: a
 * playhead moving before the reader connects starts the stream elsewhere) and reads `bytes`.
 * At 1×: a fast play head runs away from a stream whose recording is still being read from disk,
 * and the server then restarts the stream at a later keyframe.
 */
async function readPlaying(source: RecordedSource, rate: number, bytes: number): Promise<Buffer> {
  if (source.kind !== 'playhead') throw new Error('expected a playhead source');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const response = await fetch(source.piece.url, { signal: abort.signal });
    await source.playhead.setSpeed(rate);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
      if (size >= bytes) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return Buffer.concat(chunks);
}

function searchIdOf(source: RecordedSource): string {
  if (source.kind !== 'playhead') throw new Error('expected a playhead source');
  return new URL(source.piece.url).searchParams.get('search_id')!;
}

beforeAll(async () => {
  sim = await startTestSimulator([exacqModule], { cameras: 4, rtsp: false });
  site = sim.sites.exacq as ExacqSite;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-exacq-rec-'));
  segment = longestFinishedSegment(sim.context.media, camIndex, sim.context.now());
  // The play head tests reach 150 s into it.
  expect(segment.endMs - segment.startMs).toBeGreaterThan(160_000);
  // Recorded media is cut from encoded segments: pay the encoding here, not in a timed test.
  await sim.context.media.recordedStill(camIndex, segment.startMs + 20_000);
}, 120_000);

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('exacq recorded media', () => {
  it('reports coverage as the simulator planned it, gaps included, and closes the search', async () => {
    const { recorded, http } = await signedIn();
    const { media } = sim.context;
    // Whole seconds: exacq clip times are whole seconds.
    const from = Math.ceil(media.historyStartMs / 1000) * 1000;
    const to = Math.floor((sim.context.now() - 120_000) / 1000) * 1000;
    // The camera with the most planned gaps, so the gaps are part of what is compared.
    const plans = [0, 1, 2, 3].map((i) => mergePeriods(media.segments(i, from, to).map((s) => ({ fromMs: Math.max(s.startMs, from), toMs: Math.min(s.endMs, to) }))));
    const index = plans.reduce((best, plan, i) => (gapsIn(plan, from, to).length > gapsIn(plans[best]!, from, to).length ? i : best), 0);
    const planned: Period[] = plans[index]!;
    expect(gapsIn(planned, from, to).length).toBeGreaterThan(0);
    const periods = await recorded.coverage!(String(site.cameraIds[index]), from, to);
    expect(periods).toEqual(planned);
    http.expectAllClosed();
  });

  it('gives the still at T with its time, and no-recording in a gap or before the history', async () => {
    const { recorded, http, id } = await signedIn();
    const at = segment.startMs + 20_500;
    const still = await recorded.still(id, at, 320);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(still.timestampMs).toBe(segment.startMs + 20_000);
    // The picture's own timecode says the same.
    expect(await timecodeOfJpeg(still.jpeg)).toBe(still.timestampMs);
    const early = await failure(recorded.still(id, sim.context.media.historyStartMs - 3_600_000));
    expect(early.error.code).toBe('no-recording');
    expect(early.error.message).toMatch(/^Depot exacq: camera ".*" has no recording at \d{4}-/);
    expectClean(early, http);
    http.expectAllClosed();
  });

  it('opens video at T paused on the keyframe before T: startMs exact, 10 fps H.264 that ffprobe reads', async () => {
    const { recorded, id } = await signedIn();
    const at = segment.startMs + 20_500;
    const source = await recorded.video!(id, at, { rate: 1, profile: 'main' });
    try {
      expect(source.kind).toBe('playhead');
      if (source.kind !== 'playhead') return;
      // Camera 2 has 4-second GOPs starting at the segment start: the keyframe before T.
      expect(source.piece).toMatchObject({ format: 'h264', fps: 10, startMs: segment.startMs + 20_000 });
      const searchId = searchIdOf(source);
      expect(await serverSearch(searchId)).toMatchObject({ speed: 0, headMs: at - (at % 100) });
      const file = join(scratch, 'first.h264');
      await writeFile(file, await readPlaying(source, 1, 60_000));
      const probe = await ffprobe(file, ['-f', 'h264']);
      expect(probe.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'h264' });
      // The first frame shows startMs; the sixth (five frames of 100 ms later) shows T's frame.
      const codes = await timecodesOfVideo(file, { count: 6 });
      expect(codes[0]).toBe(source.piece.startMs);
      expect(codes[5]).toBe(at - (at % 100));
    } finally {
      if (source.kind === 'playhead') await source.playhead.close();
    }
  });

  it('steers the server play head: speed, reverse, step, seek; close ends the search', async () => {
    const { recorded, http, id } = await signedIn();
    const at = segment.startMs + 60_000;
    const source = await recorded.video!(id, at, { rate: 1, profile: 'main' });
    if (source.kind !== 'playhead') throw new Error('expected a playhead source');
    const searchId = searchIdOf(source);
    const { playhead } = source;
    try {
      await playhead.step(1);
      expect((await serverSearch(searchId))!.headMs).toBe(at + 100);
      await playhead.step(-1);
      expect((await serverSearch(searchId))!.headMs).toBe(at);
      await playhead.setSpeed(2);
      expect((await serverSearch(searchId))!.speed).toBe(200);
      await waitUntil('the play head to move forward', 10_000, async () => ((await serverSearch(searchId))!.headMs > at + 300 ? true : undefined));
      await playhead.setSpeed(-1);
      const backFrom = (await serverSearch(searchId))!.headMs;
      expect((await serverSearch(searchId))!.speed).toBe(-100);
      await waitUntil('the play head to move backwards', 10_000, async () => ((await serverSearch(searchId))!.headMs < backFrom - 200 ? true : undefined));
      await playhead.setSpeed(0);
      await playhead.seek(at + 90_000);
      expect((await serverSearch(searchId))!.headMs).toBe(at + 90_000);
      await playhead.seek(at - 30_000);
      expect((await serverSearch(searchId))!.headMs).toBe(at - 30_000);
      // What the server streams follows: a stream opened now starts on the keyframe before the play head.
      await playhead.seek(at + 90_000);
      const file = join(scratch, 'after-seek.h264');
      await writeFile(file, await readPlaying(source, 1, 60_000));
      const gopMs = 4000;
      expect((await timecodesOfVideo(file))[0]).toBe(segment.startMs + Math.floor((at + 90_000 - segment.startMs) / gopMs) * gopMs);
      const outside = await failure(playhead.seek(sim.context.now() + 60_000));
      expect(outside.error.code).toBe('bad-request');
    } finally {
      await playhead.close();
    }
    expect(await serverSearch(searchId)).toBeNull();
    await playhead.close(); // twice is harmless
    http.expectAllClosed();
  });

  it('says no-recording for video in a gap or the future, and logs out the search it made', async () => {
    const { recorded, http, id } = await signedIn();
    const { media } = sim.context;
    const now = sim.context.now();
    const gap = gapsIn(
      media.segments(camIndex, media.historyStartMs, now).map((s) => ({ fromMs: s.startMs, toMs: s.endMs })),
      media.historyStartMs + 600_000,
      now - 60_000,
    ).find((g) => g.toMs - g.fromMs >= 2000);
    const future = await failure(recorded.video!(id, now + 60_000, { rate: 1, profile: 'main' }));
    expect(future.error.code).toBe('no-recording');
    if (gap) {
      const inGap = await failure(recorded.video!(id, gap.fromMs + 500, { rate: 1, profile: 'main' }));
      expect(inGap.error).toMatchObject({ code: 'no-recording' });
      expectClean(inGap, http);
      http.expectAllClosed();
    }
    const tooFast = await failure(recorded.video!(id, segment.startMs + 20_000, { rate: 200, profile: 'main' }));
    expect(tooFast.error.code).toBe('bad-request');
  });
});
