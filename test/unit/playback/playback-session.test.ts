// One recorded playback's state machine (main/playback/playback-session.ts) with a scripted ffmpeg,
// a manual clock and a sink the test drains: the wall-time mapping, flow control instead of drops,
// pieces, gaps, the end, seeks and failures.
import { describe, expect, it } from 'vitest';
import { Fmp4Splitter, parseFragment } from '../../../common/mp4/index.js';
import type { Period } from '../../../common/time-periods.js';
import type { RecordedPiece, RecordedSource } from '../../../main/media/sources.js';
import { decodeTimeOf } from '../../../main/playback/decode-times.js';
import { PlaybackSession, type PlaybackStatus } from '../../../main/playback/playback-session.js';
import { AppFailure } from '../../../preload/contract/index.js';
import { FakeRunner, settle } from '../../support/fake-runner.js';
import { ManualClock } from '../../support/manual-clock.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { FakeSink } from '../media/fake-sink.js';
import { splitFixture } from '../media/fixture.js';

const fixture = splitFixture();
const video = fixture.initInfo.video!;
const frames = fixture.fragments.filter((f) => f.info.videoSamples > 0);
/** ms between the fixture's first video fragment and each one. */
const offsets = frames.map((f) => f.info.videoStartMs! - frames[0]!.info.videoStartMs!);
const ORIGIN = 1_700_000_000_000;
const T = ORIGIN + 40 * 24 * 3600_000;

const piece = (startMs: number): RecordedPiece => ({ format: 'flv', url: `http://127.0.0.1:9/clip-${startMs}`, headers: {}, startMs });

function setup(
  o: {
    coverage?: Period[];
    next?: (afterMs: number, signal?: AbortSignal) => RecordedPiece | null | Promise<RecordedPiece | null>;
    leadMs?: number;
    resolve?: (atMs: number, signal: AbortSignal) => RecordedSource | Promise<RecordedSource>;
  } = {},
) {
  const clock = new ManualClock(T + 3_600_000);
  const runner = new FakeRunner();
  const sink = new FakeSink();
  const statuses: PlaybackStatus[] = [];
  const asked: string[] = [];
  const log = memoryLogger();
  const pieces = (first: RecordedPiece): Extract<RecordedSource, { kind: 'pieces' }> => ({
    kind: 'pieces',
    first,
    next: async (afterMs, signal) => {
      asked.push(`next ${afterMs - T}`);
      return o.next ? o.next(afterMs, signal) : null;
    },
  });
  const session = new PlaybackSession({
    playbackId: 'p1',
    cameraId: 'site/cam',
    originMs: ORIGIN,
    rate: 1,
    resolve: async (atMs, _rate, signal) => {
      asked.push(`resolve ${atMs - T}`);
      return o.resolve ? o.resolve(atMs, signal) : pieces(piece(atMs));
    },
    coverage: async (from) => {
      asked.push(`coverage ${from - T}`);
      return o.coverage ?? [];
    },
    runner: runner.runner,
    clock,
    log,
    leadMs: o.leadMs ?? 60_000,
    onChange: (kind) => {
      if (kind === 'status') statuses.push(session.status);
    },
  });
  /** What the sink received, split: init segments and fragments with their decode time in ms since ORIGIN. */
  const received = () => {
    const segments = new Fmp4Splitter().push(Buffer.concat(sink.chunks));
    return {
      inits: segments.filter((s) => s.kind === 'init').length,
      mediaMs: segments.filter((s) => s.kind !== 'init').map((s) => (decodeTimeOf(s.bytes, video.id) * 1000) / video.timescale),
    };
  };
  /** One stdout chunk: the init segment (at the start of a run), then `count` video fragments from `from`. */
  const feed = (count = frames.length, from = 0) => runner.last.data(Buffer.concat([...(from === 0 ? [fixture.init] : []), ...frames.slice(from, from + count).map((f) => f.bytes)]));
  return { clock, runner, sink, session, statuses, asked, received, feed, pieces, log };
}

describe('PlaybackSession', () => {
  it('maps every fragment to media time = (wall − originMs) / 1000 from the piece’s start; plays after the first one', async () => {
    const { session, sink, received, feed, pieces, statuses } = setup();
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    expect(session.status).toBe('opening');
    feed(5);
    expect(sink.contentType).toMatch(/^video\/mp4; codecs="avc1/);
    const { inits, mediaMs } = received();
    expect(inits).toBe(1);
    expect(mediaMs.map((ms) => Math.round(ms))).toEqual(offsets.slice(0, 5).map((d) => Math.round(T - ORIGIN + d)));
    expect(statuses).toEqual(['playing']);
    expect(session.positionMs).toBeCloseTo(T + offsets[4]!, 3);
  });

  it('flow control: a sink that does not drain pauses ffmpeg and nothing is dropped', async () => {
    const { session, sink, runner, received, feed, pieces } = setup();
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    feed(1);
    sink.full = true;
    feed(frames.length - 1, 1);
    // The first fragment after the init filled the sink: the rest waits with ffmpeg's stdout paused.
    expect(received().mediaMs).toHaveLength(2);
    expect(runner.last.paused).toBe(true);
    expect(session.heldCount).toBe(frames.length - 2);
    sink.drain();
    expect(received().mediaMs).toHaveLength(frames.length);
    expect(runner.last.paused).toBe(false);
    expect(session.heldCount).toBe(0);
  });

  it('paces by the lead: a fragment further ahead of the expected position waits (ffmpeg paused) until its time', async () => {
    const { session, sink, runner, clock, received, feed, pieces } = setup({ leadMs: 200 });
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    feed();
    const sentAtOnce = received().mediaMs.length;
    expect(sentAtOnce).toBe(offsets.filter((d) => d <= 200).length);
    expect(runner.last.paused).toBe(true);
    clock.advance(offsets.at(-1)! - 200 - 50);
    expect(received().mediaMs).toHaveLength(frames.length - 1);
    clock.advance(51);
    expect(received().mediaMs).toHaveLength(frames.length);
    expect(runner.last.paused).toBe(false);
  });

  it('chains pieces under one init segment, each on its own start; a later piece is a gap first', async () => {
    const second = T + 300_000;
    const { session, sink, runner, clock, received, feed, pieces, asked, statuses } = setup({ next: (afterMs) => (afterMs < second ? piece(second) : null) });
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    feed(3);
    runner.last.exit(0);
    await settle();
    expect(asked).toEqual([`next ${offsets[2]! + frames[2]!.info.videoDurationMs}`]);
    expect(session.state()).toMatchObject({ status: 'gap', nextRecordingMs: second });
    expect(runner.runs).toHaveLength(2);
    expect(runner.last.args).toContain(`http://127.0.0.1:9/clip-${second}`);
    feed(2);
    // 300 s ahead of the play position: it waits for the gap to run out (less the lead).
    expect(received().mediaMs).toHaveLength(3);
    clock.advance(300_000 - 60_000);
    const { inits, mediaMs } = received();
    expect(inits).toBe(1);
    expect(Math.round(mediaMs[3]!)).toBe(second - ORIGIN);
    expect(statuses).toEqual(['playing', 'gap', 'playing']);
  });

  it('no piece after: the coverage says where recording resumes (gap, then plays there), or the playback ends', async () => {
    const resume = T + 900_000;
    const { session, sink, runner, clock, feed, pieces, asked } = setup({ coverage: [{ fromMs: T - 1_000, toMs: T + 10_000 }, { fromMs: resume, toMs: resume + 60_000 }] });
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    feed(2);
    runner.last.exit(0);
    await settle();
    expect(session.state()).toMatchObject({ status: 'gap', nextRecordingMs: resume });
    expect(asked.slice(1)).toEqual([`coverage ${offsets[1]! + frames[1]!.info.videoDurationMs}`, `resolve ${resume - T}`]);
    feed(1);
    clock.advance(900_000);
    expect(session.status).toBe('playing');

    const end = setup({ coverage: [{ fromMs: T - 1_000, toMs: T + 10_000 }] });
    end.session.begin({ source: end.pieces(piece(T)) });
    end.session.attach(end.sink);
    end.feed(2);
    end.runner.last.exit(0);
    await settle();
    expect(end.session.status).toBe('ended');
    expect(end.sink.ended).toBe(false);
  });

  it('ended waits until what is held was sent', async () => {
    const { session, sink, runner, feed, pieces } = setup();
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    feed(1);
    sink.full = true;
    feed(3, 1);
    runner.last.exit(0);
    await settle();
    expect(session.status).toBe('playing');
    sink.drain();
    expect(session.status).toBe('ended');
  });

  it('seek: stops the run, starts one at the new time and sends a new init, on the same origin', async () => {
    const { session, sink, runner, received, feed, pieces, asked } = setup();
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    feed(3);
    const target = T - 7_200_000;
    await session.seek(target);
    expect(runner.runs[0]!.stopped).toBe(true);
    expect(asked).toEqual([`resolve ${target - T}`]);
    expect(session.status).toBe('opening');
    feed(2);
    const { inits, mediaMs } = received();
    expect(inits).toBe(2);
    expect(Math.round(mediaMs[3]!)).toBe(target - ORIGIN);
    expect(session.status).toBe('playing');
  });

  it('crossing 4× with the player’s position restarts there (the source may switch streams); backwards sends nothing new', async () => {
    const { session, sink, runner, clock, received, feed, pieces, asked } = setup({ leadMs: 0 });
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    feed();
    session.setRate(2, T + 500);
    expect(runner.runs).toHaveLength(1);
    session.setRate(8, T + 600);
    await settle();
    expect(asked).toEqual(['resolve 600']);
    expect(runner.runs).toHaveLength(2);
    feed(1);
    session.setRate(-2);
    const sent = received().mediaMs.length;
    feed(frames.length - 1, 1);
    clock.advance(60_000);
    expect(received().mediaMs).toHaveLength(sent);
    expect(runner.last.paused).toBe(true);
  });

  it('a forward speed outside the source’s rates restarts at the player’s position (Eagle Eye: FLV up to 1×, MP4 above); inside or backwards it does not', async () => {
    const band = (atMs: number, rate: number): RecordedSource => ({ ...pieces(piece(atMs)), rates: rate > 1 ? { above: 1, upTo: 4 } : { above: 0, upTo: 1 } });
    const { session, sink, runner, asked, pieces } = setup({ leadMs: 0, resolve: (atMs) => band(atMs, session.rate) });
    session.begin({ source: band(T, 1) });
    session.attach(sink);
    session.setRate(0.5, T + 100);
    session.setRate(1, T + 200);
    await settle();
    expect(runner.runs).toHaveLength(1);
    session.setRate(2, T + 300);
    await settle();
    expect(asked).toEqual(['resolve 300']);
    expect(runner.runs).toHaveLength(2);
    session.setRate(4, T + 400);
    session.setRate(-2, T + 500);
    session.setRate(3, T + 600);
    await settle();
    expect(runner.runs).toHaveLength(2);
    session.setRate(1, T + 700);
    await settle();
    expect(asked).toEqual(['resolve 300', 'resolve 700']);
    expect(runner.runs).toHaveLength(3);
  });

  it('a speed change that leaves the source’s rates without the player’s position restarts where main expects the player, never past what it sent', async () => {
    const band = (atMs: number, rate: number): RecordedSource => ({ ...pieces(piece(atMs)), rates: rate > 1 ? { above: 1, upTo: 4 } : { above: 0, upTo: 1 } });
    const { session, sink, runner, clock, asked, feed, pieces } = setup({ resolve: (atMs) => band(atMs, session.rate) });
    session.begin({ source: band(T, 1) });
    session.attach(sink);
    feed();
    clock.advance(300);
    session.setRate(2);
    await settle();
    expect(asked).toEqual(['resolve 300']);
    expect(runner.runs).toHaveLength(2);
    // Far past what was sent (a source that fell behind): the last frame sent.
    feed();
    clock.advance(3_600_000);
    session.setRate(1);
    await settle();
    expect(asked.at(-1)).toBe(`resolve ${Math.round(session.positionMs! - T)}`);
    expect(session.positionMs! - T).toBeLessThan(3_600_000);
  });

  it('a seek into a gap waits in state gap for the next recording', async () => {
    const resume = T + 100_000;
    const { session, pieces, asked } = setup({
      coverage: [{ fromMs: resume, toMs: resume + 1_000 }],
      resolve: (atMs) => {
        if (atMs < resume) throw new AppFailure('no-recording', 'nothing then');
        return pieces(piece(atMs));
      },
    });
    session.begin({ source: pieces(piece(T)) });
    await session.seek(T + 50_000);
    await settle();
    expect(session.state()).toMatchObject({ status: 'gap', nextRecordingMs: resume });
    expect(asked).toEqual(['resolve 50000', 'coverage 50000', 'resolve 100000']);
  });

  it('a piece that gives no video fails with the reason and a code', async () => {
    const { session, sink, runner, pieces } = setup();
    session.begin({ source: pieces(piece(T)) });
    session.attach(sink);
    runner.last.stderr('[http @ 0x1] HTTP error 404 Not Found\nServer returned 404 Not Found\n');
    runner.last.exit(1);
    await settle();
    expect(session.state()).toMatchObject({ status: 'failed', code: 'unreachable' });
    expect(session.state().reason).toMatch(/no video/);
  });

  it('nothing leaves before the player fetches; pause keeps the position', async () => {
    const { session, sink, runner, clock, received, feed, pieces } = setup({ leadMs: 0 });
    session.begin({ source: pieces(piece(T)) });
    feed();
    expect(runner.last.paused).toBe(true);
    session.attach(sink);
    expect(received().mediaMs).toHaveLength(1);
    session.setPaused(true);
    expect(session.status).toBe('paused');
    clock.advance(60_000);
    expect(received().mediaMs).toHaveLength(1);
    session.setPaused(false);
    clock.advance(offsets.at(-1)! + 1);
    expect(received().mediaMs).toHaveLength(frames.length);
    expect(parseFragment(sink.chunks.at(-1)!, fixture.initInfo).videoSamples).toBeGreaterThan(0);
  });

  it('paused, a seek still sends the frame at its target, also from a piece that starts well before it (a keyframe, a clip start)', async () => {
    const last = offsets.at(-1)!;
    expect(last).toBeGreaterThan(200);
    // The new run starts `last` ms before the target: its last fragment is the target's frame.
    const { session, sink, received, feed, pieces } = setup({ leadMs: 200, resolve: (atMs) => pieces(piece(atMs - last)) });
    session.begin({ source: pieces(piece(T)), atMs: T });
    session.attach(sink);
    feed();
    session.setPaused(true);
    const target = T + 600_000;
    await session.seek(target);
    feed();
    const { inits, mediaMs } = received();
    expect(inits).toBe(2);
    expect(Math.round(mediaMs.at(-1)!)).toBe(target - ORIGIN);
    expect(session.status).toBe('paused');
  });

  it('a seek or a close aborts what the source still waits for (its next piece, its open); the playback neither fails nor logs it', async () => {
    const signals: AbortSignal[] = [];
    const untilAborted = (signal: AbortSignal): Promise<never> => {
      signals.push(signal);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
    };
    const { session, sink, runner, feed, pieces, statuses, log } = setup({ next: (_afterMs, signal) => untilAborted(signal!), resolve: (_atMs, signal) => untilAborted(signal) });
    session.begin({ source: pieces(piece(T)), atMs: T });
    session.attach(sink);
    feed(3);
    runner.last.exit(0);
    await settle();
    expect(signals).toHaveLength(1);
    const seeking = session.seek(T + 60_000);
    await settle();
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    await session.close();
    await seeking;
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(statuses).not.toContain('failed');
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });
});
