// What the per-vendor playback tests share: the fragments a sink received with the wall time
// their media time maps to (the session's one mapping), the simulator's timecodes of those
// frames, and the check "open at T, then one seek" through a PlaybackService.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Fmp4Splitter, parseInit, type InitInfo } from '../../../common/mp4/index.js';
import { decodeTimeOf } from '../../../main/playback/decode-times.js';
import type { PlaybackService } from '../../../main/playback/playback-service.js';
import { timecodesOfVideo } from '../../support/timecode.js';
import { waitUntil } from '../../support/wait-until.js';
import { FakeSink } from '../../unit/media/fake-sink.js';

export interface Fragment {
  wallMs: number;
  /** The init segment it plays under. */
  init: Buffer;
  bytes: Buffer;
}

/** The sink's fragments with the wall time their media time maps to, and how many init segments came. */
export function fragments(sink: FakeSink, originMs: number): { inits: number; list: Fragment[] } {
  let init: { info: InitInfo; bytes: Buffer } | null = null;
  let inits = 0;
  const list: Fragment[] = [];
  for (const s of new Fmp4Splitter().push(Buffer.concat(sink.chunks))) {
    const bytes = Buffer.from(s.bytes);
    if (s.kind === 'init') {
      init = { info: parseInit(bytes), bytes };
      inits += 1;
    } else if (init?.info.video) {
      list.push({ wallMs: originMs + (decodeTimeOf(bytes, init.info.video.id) * 1000) / init.info.video.timescale, init: init.bytes, bytes });
    }
  }
  return { inits, list };
}

let files = 0;

/** Timecodes of the frames of these fragments (one per frame; decoded under the first one's init). */
export async function timecodes(scratch: string, list: Fragment[], frames = list.length): Promise<(number | null)[]> {
  const file = join(scratch, `part-${(files += 1)}.mp4`);
  await writeFile(file, Buffer.concat([list[0]!.init, ...list.map((f) => f.bytes)]));
  return timecodesOfVideo(file, { count: frames });
}

/**
 * Opens at `at`, checks the first frames (the first at or before T, within a GOP; each frame's
 * timecode is the wall time its media time maps to, `frameMs` apart), then seeks to `seekTo`
 * and checks the same there.
 */
export async function checkOpenAndSeek(playback: PlaybackService, o: { cameraId: string; at: number; seekTo: number; gopMs: number; frameMs: number; scratch: string; profile?: 'main' | 'sub' }): Promise<void> {
  const opened = await playback.open({ cameraId: o.cameraId, atMs: o.at, rate: 1, profile: o.profile ?? 'main' }, 'test');
  const sink = new FakeSink();
  playback.attach(opened.playbackId, sink);
  const failed = (): string | undefined => playback.states().find((s) => s.status === 'failed')?.reason;
  for (const [target, inits] of [[o.at, 1], [o.seekTo, 2]] as const) {
    if (inits === 2) await playback.seek(opened.playbackId, target);
    const mine = await waitUntil(`frames from ${new Date(target).toISOString()}`, 150_000, () => {
      if (failed()) throw new Error(`the playback failed: ${failed()}`);
      const got = fragments(sink, opened.originMs);
      const last = got.list.at(-1);
      const run = last ? got.list.filter((f) => f.init === last.init) : [];
      return got.inits === inits && run.length >= 20 ? run : undefined;
    });
    expect(mine[0]!.wallMs).toBeLessThanOrEqual(target);
    expect(target - mine[0]!.wallMs).toBeLessThan(o.gopMs);
    const codes = await timecodes(o.scratch, mine, 20);
    expect(codes.length).toBeGreaterThanOrEqual(20);
    // Frame n shows the wall time of the first plus n frames: the mapping holds inside fragments too.
    expect(codes).toEqual(codes.map((_, n) => mine[0]!.wallMs + n * o.frameMs));
  }
  expect(playback.states()[0]).toMatchObject({ status: 'playing', rate: 1 });
  playback.close(opened.playbackId);
}

/** A recorded segment of the camera followed by a gap of 20 s – 5 min and another finished segment. */
export function segmentsAroundGap(segments: readonly { startMs: number; endMs: number }[], nowMs: number): { before: { startMs: number; endMs: number }; after: { startMs: number; endMs: number } } {
  const sorted = [...segments].sort((a, b) => a.startMs - b.startMs);
  for (let i = 0; i + 1 < sorted.length; i += 1) {
    const gap = sorted[i + 1]!.startMs - sorted[i]!.endMs;
    if (gap >= 20_000 && gap <= 300_000 && sorted[i]!.endMs - sorted[i]!.startMs > 20_000 && sorted[i + 1]!.endMs < nowMs - 60_000) return { before: sorted[i]!, after: sorted[i + 1]! };
  }
  throw new Error('the simulator planned no short gap between two finished recordings of this camera');
}

/**
 * Opens 10 s before a recording ends with a gap after it (the service's lead must exceed the
 * gap): the frames up to the end, then state gap, then the next recording from its start, every
 * frame's timecode its mapped wall time on the one mapping.
 */
export async function checkAcrossGap(playback: PlaybackService, o: { cameraId: string; before: { startMs: number; endMs: number }; after: { startMs: number; endMs: number }; gopMs: number; scratch: string }): Promise<void> {
  const opened = await playback.open({ cameraId: o.cameraId, atMs: o.before.endMs - 10_000, rate: 1, profile: 'main' }, 'test');
  const sink = new FakeSink();
  playback.attach(opened.playbackId, sink);
  const failed = (): string | undefined => playback.states().find((s) => s.status === 'failed')?.reason;
  const list = await waitUntil('20 frames after the gap', 200_000, () => {
    if (failed()) throw new Error(`the playback failed: ${failed()}`);
    const got = fragments(sink, opened.originMs).list;
    return got.filter((f) => f.wallMs >= o.after.startMs).length >= 20 ? got : undefined;
  });
  const last = list.filter((f) => f.wallMs < o.before.endMs).at(-1)!;
  expect(o.before.endMs - last.wallMs).toBeLessThanOrEqual(200);
  const firstAfter = list.find((f) => f.wallMs >= o.after.startMs)!;
  expect(firstAfter.wallMs - o.after.startMs).toBeLessThan(o.gopMs);
  // Each run decoded from its own start: the timecodes are the mapped wall times.
  const beforeRun = list.filter((f) => f.init === list[0]!.init && f.wallMs < o.before.endMs);
  expect(await timecodes(o.scratch, beforeRun)).toEqual(beforeRun.map((f) => f.wallMs));
  const afterRun = list.filter((f) => f.wallMs >= o.after.startMs).slice(0, 20);
  expect(await timecodes(o.scratch, afterRun)).toEqual(afterRun.map((f) => f.wallMs));
  playback.close(opened.playbackId);
}

/** What checkFastForward measured. */
export interface FastForwardNumbers {
  firstFrameMs: number;
  /** Open to the first fragment, ms of wall time. */
  openToFirstMs: number;
  /** Media time delivered after the first fragment, per ms of wall time. */
  speed: number;
  wallMs: number;
  mediaMs: number;
}

/**
 * Opens at `at` at `rate` and reads for `wallMs` after the first fragment: the media time
 * delivered must advance at least `minSpeed` × the wall time (a source sent in real time gives
 * ~1×), and the first frame's timecode is its mapped wall time, within 1 s of `at`.
 */
export async function checkFastForward(playback: PlaybackService, o: { cameraId: string; at: number; rate: number; minSpeed: number; wallMs: number; scratch: string }): Promise<FastForwardNumbers> {
  const started = Date.now();
  const opened = await playback.open({ cameraId: o.cameraId, atMs: o.at, rate: o.rate, profile: 'main' }, 'test');
  const sink = new FakeSink();
  playback.attach(opened.playbackId, sink);
  const failed = (): string | undefined => playback.states().find((s) => s.status === 'failed')?.reason;
  const list = () => fragments(sink, opened.originMs).list;
  // The simulator encodes a recorded minute on first use (tens of seconds on a busy machine).
  const first = await waitUntil('the first fragment', 150_000, () => {
    if (failed()) throw new Error(`the playback failed: ${failed()}`);
    return list()[0];
  });
  const firstAt = Date.now();
  // A rate is measured over a stretch of wall time: this waits for the clock, not for a state.
  await waitUntil(`${o.wallMs} ms of playing`, o.wallMs + 5_000, () => Date.now() - firstAt >= o.wallMs || undefined);
  const wallMs = Date.now() - firstAt;
  if (failed()) throw new Error(`the playback failed: ${failed()}`);
  const got = list();
  const mediaMs = got.at(-1)!.wallMs - first.wallMs;
  const [code] = await timecodes(o.scratch, [first], 1);
  playback.close(opened.playbackId);
  const numbers = { firstFrameMs: first.wallMs, openToFirstMs: firstAt - started, speed: mediaMs / wallMs, wallMs, mediaMs };
  // Strictly increasing: nothing sent twice.
  for (let i = 1; i < got.length; i += 1) expect(got[i]!.wallMs).toBeGreaterThan(got[i - 1]!.wallMs);
  expect(code).toBe(first.wallMs);
  expect(Math.abs(code! - o.at)).toBeLessThanOrEqual(1_000);
  expect(mediaMs).toBeGreaterThanOrEqual(o.minSpeed * wallMs);
  return numbers;
}
