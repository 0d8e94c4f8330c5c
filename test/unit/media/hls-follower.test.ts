/**
 * The HLS follower against a scripted live server on a manual clock: a segment appears every
 * 2 s, each request takes 80 ms, links expire. What is measured is what the player feels: how
 * long after a segment appears it is handed to ffmpeg, and whether any is lost or repeated.
 */
import { describe, expect, it } from 'vitest';
import { HlsFollower, nextPollAtMs, pollIntervalMs, type FollowerEnd, type HttpGet } from '../../../main/media/hls-follower.js';
import { parseHlsPlaylist } from '../../../main/media/hls-playlist.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { ManualClock } from '../../support/manual-clock.js';

const segmentMs = 2_000;
const fetchMs = 80;

/** A live HLS server: segment n appears at startMs + (n + 1) × segmentMs; tokens live ttlMs. */
class LiveServer {
  readonly requests: { path: string; atMs: number }[] = [];
  private readonly tokens = new Map<string, number>();
  private issued = 0;
  /** Segments answered 404 (deleted before they were fetched). */
  readonly missing = new Set<number>();
  fmp4 = false;
  refuseAll = false;

  constructor(
    private readonly clock: ManualClock,
    private readonly startMs: number,
    private readonly ttlMs = Infinity,
  ) {}

  link(): { url: string; headers: Record<string, string> } {
    const token = `t${++this.issued}`;
    this.tokens.set(token, this.clock.now() + this.ttlMs);
    return { url: `http://media.test/live/cam/index.m3u8?token=${token}`, headers: {} };
  }

  get renewals(): number {
    return this.issued - 1;
  }

  appearedAtMs(seq: number): number {
    return this.startMs + (seq + 1) * segmentMs;
  }

  readonly get: HttpGet = (url) =>
    new Promise((resolve) => {
      // The answer leaves the server when the request arrives, and reaches us fetchMs later.
      const u = new URL(url);
      const now = this.clock.now();
      this.requests.push({ path: u.pathname, atMs: now });
      const answer = (status: number, body: string) => this.clock.setTimeout(() => resolve({ status, url, body: Buffer.from(body) }), fetchMs);
      const expires = this.tokens.get(u.searchParams.get('token') ?? '');
      if (this.refuseAll || expires === undefined || now >= expires) return answer(403, 'Forbidden');
      const count = Math.max(0, Math.floor((now - this.startMs) / segmentMs));
      if (u.pathname.endsWith('.m3u8')) {
        const first = Math.max(0, count - 5);
        const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', `#EXT-X-MEDIA-SEQUENCE:${first}`, ...(this.fmp4 ? ['#EXT-X-MAP:URI="init.mp4"'] : [])];
        for (let n = first; n < count; n++) lines.push('#EXTINF:2.000000,', `seg_${n}.ts?${u.searchParams}`);
        return answer(200, lines.join('\n'));
      }
      const n = Number(/seg_(\d+)\.ts$/.exec(u.pathname)?.[1]);
      return answer(n < count && !this.missing.has(n) ? 200 : 404, `segment ${n}`);
    });
}

function follow(server: LiveServer, clock: ManualClock) {
  const written: { seq: number; atMs: number }[] = [];
  const ends: FollowerEnd[] = [];
  const follower = new HlsFollower({
    link: server.link(),
    renew: async () => server.link(),
    write: (bytes) => {
      written.push({ seq: Number(/segment (\d+)/.exec(bytes.toString())![1]), atMs: clock.now() });
      return true;
    },
    onEnd: (end) => ends.push(end),
    clock,
    log: memoryLogger(),
    get: server.get,
  });
  follower.start();
  return { follower, written, ends };
}

/** Runs the manual clock for ms in 10 ms steps, letting the follower's promises settle in between. */
async function run(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    for (let i = 0; i < 4; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('pollIntervalMs / nextPollAtMs', () => {
  it('asks again an eighth of a segment later, 0.1–0.5 s', () => {
    expect([1, 2, 4, 6, 0.5].map(pollIntervalMs)).toEqual([125, 250, 500, 500, 100]);
  });

  it('after a new segment, waits a segment duration from the last poll that did not have it', () => {
    const playlist = parseHlsPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n', 'http://x/');
    expect(nextPollAtMs(10_000, playlist, 9_750)).toBe(11_750);
    // Unknown when it appeared (first poll, or nothing new): one interval on.
    expect(nextPollAtMs(10_000, playlist, undefined)).toBe(10_250);
  });
});

describe('HlsFollower', () => {
  it('hands every segment over in order within a poll interval of its arrival, for a minute (no drift), at ≤ 3 playlist requests a segment', async () => {
    const clock = new ManualClock();
    const server = new LiveServer(clock, clock.now() - 5_300);
    const { follower, written, ends } = follow(server, clock);
    await run(clock, 60_000);
    follower.stop();
    expect(ends).toEqual([]);
    const seqs = written.map((w) => w.seq);
    // Starts at the newest segment (one segment behind live), then every one exactly once.
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(seqs.length).toBeGreaterThanOrEqual(29);
    // ffmpeg's demuxer took 0.3 s growing to 1.9 s here. Allowed: one interval late + the playlist and segment fetch + a step.
    const lateness = written.slice(1).map((w) => w.atMs - server.appearedAtMs(w.seq));
    expect(Math.max(...lateness)).toBeLessThanOrEqual(pollIntervalMs(2) + 2 * fetchMs + 10);
    const playlistRequests = server.requests.filter((r) => r.path.endsWith('.m3u8')).length;
    expect(playlistRequests / seqs.length).toBeLessThanOrEqual(3);
  });

  it('a refused link (token expired) is renewed and reading goes on at the next segment: nothing lost, nothing repeated, no end', async () => {
    const clock = new ManualClock();
    const server = new LiveServer(clock, clock.now() - 4_100, 7_000);
    const { follower, written, ends } = follow(server, clock);
    await run(clock, 40_000);
    follower.stop();
    expect(ends).toEqual([]);
    expect(server.renewals).toBeGreaterThanOrEqual(5);
    const seqs = written.map((w) => w.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(seqs.length).toBeGreaterThanOrEqual(19);
    const lateness = written.slice(1).map((w) => w.atMs - server.appearedAtMs(w.seq));
    // A renewal costs one refused request and the new link's playlist on top.
    expect(Math.max(...lateness)).toBeLessThanOrEqual(pollIntervalMs(2) + 4 * fetchMs + 10);
  });

  it('a fresh link refused as well ends the reading with words', async () => {
    const clock = new ManualClock();
    const server = new LiveServer(clock, clock.now() - 4_100);
    server.refuseAll = true;
    const { ends } = follow(server, clock);
    await run(clock, 1_000);
    expect(ends).toEqual([{ kind: 'failed', reason: 'the media server refused a fresh live link (HTTP 403)' }]);
    expect(server.renewals).toBe(1);
  });

  it('a segment deleted before it was fetched is skipped; the next one follows', async () => {
    const clock = new ManualClock();
    const server = new LiveServer(clock, clock.now() - 4_100);
    server.missing.add(3);
    const { follower, written, ends } = follow(server, clock);
    await run(clock, 9_000);
    follower.stop();
    expect(ends).toEqual([]);
    expect(written.map((w) => w.seq)).toEqual([1, 2, 4, 5]);
  });

  it('fMP4 segments (EXT-X-MAP) are left to ffmpeg', async () => {
    const clock = new ManualClock();
    const server = new LiveServer(clock, clock.now() - 4_100);
    server.fmp4 = true;
    const { written, ends } = follow(server, clock);
    await run(clock, 500);
    expect(ends).toEqual([{ kind: 'fmp4' }]);
    expect(written).toEqual([]);
  });
});
