/**
 * Which picture each tile gets: the main stream, the sub-stream, or a JPEG sequence. Pure apart
 * from its memory of earlier decisions and health samples; the clock is injected and it holds no
 * timers (the caller asks again whenever tiles change and every second or two while playing).
 *
 * The numbers come from the 2-core lab (LAB-NOTES §4): 720p costs ~10 % of a core per tile and
 * 12 tiles is the ceiling, 360p ~3.7 % and 16 tiles play cleanly. Hence a small budget of main
 * streams, a larger one of video tiles, and JPEG previews beyond it.
 *
 * Rules, strongest first:
 *  1. The focused tile always gets video (never JPEG), whatever the budgets say.
 *  2. An operator pin ('main' or 'sub') is obeyed when the camera offers that profile.
 *  3. A maximised tile gets the main stream.
 *  4. Otherwise the tile's pixel height decides, with hysteresis (Nx Witness): below
 *     `smallBelowPx` it takes the sub-stream; it goes back up only above smallBelowPx × upFactor,
 *     so a tile near the threshold does not flap between streams while a window is resized.
 *  5. At most `maxMainStreams` main streams; the rest fall to the sub-stream (or to JPEG when the
 *     camera has no sub-stream). Ranking: maximised, pinned, focused, then cameras without a
 *     sub-stream (losing main costs them video, not just detail), then the tallest tiles; a tile
 *     that already plays main keeps it over an equal newcomer.
 *  6. At most `maxVideoTiles` video tiles; the rest get JPEG previews at `jpegIntervalMs`.
 *  7. A tile whose video falls behind (dropped frames, latency high or growing, repeated jumps to
 *     the live edge) steps down one level for `demotionMs`: main → sub → JPEG, one tile at a
 *     time across the wall. Pins and maximised tiles are the operator's explicit wish and are
 *     not demoted; the focused tile is never demoted below video.
 */

export type Profile = 'main' | 'sub';
export type Pin = 'auto' | Profile;

export interface TileNeeds {
  /** Stable id of the tile (not the camera: one camera may be on two tiles). */
  id: string;
  heightPx: number;
  focused: boolean;
  maximised: boolean;
  pin: Pin;
  /** Profiles the camera offers; a camera with only a main stream cannot step down to sub. */
  profiles: readonly Profile[];
}

export type TileMode =
  | { kind: 'video'; profile: Profile; why: string }
  | { kind: 'jpeg'; intervalMs: number; why: string };

export interface BehindRules {
  /** Judge over this much recent history, ms. */
  windowMs: number;
  /** The first moments of a stream (decoder warm-up, the join burst, the first jump to the edge) are not judged, ms. */
  warmupMs: number;
  /**
   * Dropped ÷ decoded frames over the window at or above this counts as behind… Measured on the
   * 2-core machine, healthy 720p tiles drop a few % under software compositing (LAB-NOTES §4:
   * 0.2–0.6 of 25 fps), the overloaded case ~15 %; a quarter is unmistakable.
   */
  droppedRatio: number;
  /** …once at least this many frames were decoded in the window (1 s at 25 fps)… */
  minFrames: number;
  /**
   * …and only while the buffer held data (mean buffer ahead at least this, s). Frames dropped
   * with an empty buffer arrived late (a bursty source, the network): a smaller stream would
   * not fix that, so it is not held against the tile's decoder.
   */
  minBufferSec: number;
  /** Arrival → shown latency at or above this, ms (LAB-NOTES §4: 80–220 ms is healthy, 4.8 s was the overloaded case). */
  latencyMs: number;
  /** Latency growing by this much across the window, ms, every sample higher than the one before. */
  latencyGrowthMs: number;
  /** Jumps to the live edge within the window at or above this count. */
  jumps: number;
}

export interface StreamPolicyConfig {
  /** Nx Witness: a tile lower than this (px) shows the sub-stream. */
  smallBelowPx: number;
  /** …and returns to the main stream only above smallBelowPx × upFactor. */
  upFactor: number;
  maxMainStreams: number;
  maxVideoTiles: number;
  /** JPEG previews beyond the video budget: at least one picture a second. */
  jpegIntervalMs: number;
  behind: BehindRules;
  /** How long a demotion lasts before the tile may step up again, ms. */
  demotionMs: number;
  /**
   * At most one demotion in this long across the whole wall, ms: when the machine is short of
   * CPU every tile suffers, and relieving one lets the others recover; demoting all at once
   * would overreact.
   */
  settleMs: number;
}

export const defaultStreamPolicy: StreamPolicyConfig = {
  smallBelowPx: 171,
  upFactor: 1.34,
  maxMainStreams: 4,
  maxVideoTiles: 16,
  jpegIntervalMs: 1000,
  behind: { windowMs: 5000, warmupMs: 5000, droppedRatio: 0.25, minFrames: 25, minBufferSec: 0.1, latencyMs: 1000, latencyGrowthMs: 300, jumps: 3 },
  demotionMs: 60_000,
  settleMs: 10_000,
};

/** What the player measured, cumulative since the stream started (the policy takes differences). */
export interface HealthSample {
  decodedFrames: number;
  droppedFrames: number;
  latencyMs?: number;
  /**
   * Latency the player keeps on purpose because its data arrives in clumps (HLS segments), ms:
   * not "behind", so the latency rule allows it on top.
   */
  clumpLagMs?: number;
  jumps: number;
  /** buffered end − currentTime, s. */
  bufferAheadSec?: number;
}

interface Demotion {
  to: 'sub' | 'jpeg';
  untilMs: number;
  why: string;
}

interface History {
  /** The mode the samples belong to: a new stream starts a new history. */
  key: string;
  startMs: number;
  samples: (HealthSample & { atMs: number })[];
}

/** Whether a history shows a stream falling behind, and why in words; null when it keeps up. */
export function judgeBehind(samples: readonly (HealthSample & { atMs: number })[], rules: BehindRules): string | null {
  const last = samples[samples.length - 1];
  if (!last) return null;
  const window = samples.filter((s) => last.atMs - s.atMs <= rules.windowMs);
  const first = window[0]!;
  // Judge only a full window: the first seconds of a stream (decoder warm-up, first jump to the edge) are not a trend.
  if (last.atMs - first.atMs < rules.windowMs * 0.8) return null;
  const decoded = last.decodedFrames - first.decodedFrames;
  const dropped = last.droppedFrames - first.droppedFrames;
  const buffers = window.map((s) => s.bufferAheadSec).filter((b) => b !== undefined);
  const buffered = buffers.length === 0 || buffers.reduce((a, b) => a + b, 0) / buffers.length >= rules.minBufferSec;
  if (buffered && decoded >= rules.minFrames && dropped / decoded >= rules.droppedRatio) return `${Math.round((100 * dropped) / decoded)} % of frames dropped`;
  if (last.latencyMs !== undefined && last.latencyMs >= rules.latencyMs + (last.clumpLagMs ?? 0)) return `latency ${(last.latencyMs / 1000).toFixed(1)} s`;
  const latencies = window.map((s) => s.latencyMs);
  if (latencies.length >= 3 && latencies.every((l): l is number => l !== undefined)) {
    const rising = latencies.every((l, i) => i === 0 || l > latencies[i - 1]!);
    if (rising && latencies[latencies.length - 1]! - latencies[0]! >= rules.latencyGrowthMs) return 'latency keeps growing';
  }
  if (last.jumps - first.jumps >= rules.jumps) return `skipped ahead ${last.jumps - first.jumps} times to stay live`;
  return null;
}

/** Rule 4: the profile a tile's height asks for, given what it shows now (hysteresis). */
export function profileForHeight(heightPx: number, current: Profile | undefined, config: Pick<StreamPolicyConfig, 'smallBelowPx' | 'upFactor'>): Profile {
  const threshold = current === 'main' ? config.smallBelowPx : config.smallBelowPx * config.upFactor;
  return heightPx >= threshold ? 'main' : 'sub';
}

export class StreamPolicy {
  readonly config: StreamPolicyConfig;
  private readonly previous = new Map<string, TileMode>();
  private readonly demotions = new Map<string, Demotion>();
  private readonly histories = new Map<string, History>();
  private lastNeeds = new Map<string, TileNeeds>();
  private lastDemotionMs = -Infinity;

  constructor(
    config: Partial<StreamPolicyConfig> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.config = { ...defaultStreamPolicy, ...config, behind: { ...defaultStreamPolicy.behind, ...config.behind } };
  }

  /**
   * A health sample of the tile's current stream. Returns the demotion's reason when this
   * sample made the tile step down (decide() then applies it), else null.
   */
  report(tileId: string, sample: HealthSample): string | null {
    const mode = this.previous.get(tileId);
    if (!mode || mode.kind !== 'video') return null;
    const needs = this.lastNeeds.get(tileId);
    if (needs && (needs.maximised || (needs.pin !== 'auto' && needs.profiles.includes(needs.pin)))) return null;
    const key = mode.profile;
    const atMs = this.now();
    let history = this.histories.get(tileId);
    if (!history || history.key !== key) this.histories.set(tileId, (history = { key, startMs: atMs, samples: [] }));
    if (atMs - history.startMs < this.config.behind.warmupMs) return null;
    history.samples.push({ ...sample, atMs });
    const keepMs = this.config.behind.windowMs * 2;
    while (history.samples.length > 2 && atMs - history.samples[0]!.atMs > keepMs) history.samples.shift();
    const why = judgeBehind(history.samples, this.config.behind);
    if (!why || atMs - this.lastDemotionMs < this.config.settleMs) return null;
    this.lastDemotionMs = atMs;
    this.histories.delete(tileId);
    const existing = this.activeDemotion(tileId);
    const canSub = this.lastNeeds.get(tileId)?.profiles.includes('sub') ?? false;
    const to = mode.profile === 'main' && canSub && existing?.to !== 'jpeg' ? 'sub' : 'jpeg';
    this.demotions.set(tileId, { to, untilMs: atMs + this.config.demotionMs, why });
    return why;
  }

  /** The tile is gone: forget its history. */
  forget(tileId: string): void {
    this.previous.delete(tileId);
    this.lastNeeds.delete(tileId);
    this.demotions.delete(tileId);
    this.histories.delete(tileId);
  }

  decide(tiles: readonly TileNeeds[]): Map<string, TileMode> {
    const c = this.config;
    this.lastNeeds = new Map(tiles.map((t) => [t.id, t]));
    const out = new Map<string, TileMode>();
    const order = new Map(tiles.map((t, i) => [t.id, i]));
    const prev = (t: TileNeeds): TileMode | undefined => this.previous.get(t.id);
    const wasVideo = (t: TileNeeds): boolean => prev(t)?.kind === 'video';
    const wasMain = (t: TileNeeds): boolean => {
      const p = prev(t);
      return p?.kind === 'video' && p.profile === 'main';
    };
    const pinned = (t: TileNeeds): boolean => t.pin !== 'auto' && t.profiles.includes(t.pin);
    const exempt = (t: TileNeeds): boolean => pinned(t) || t.maximised;
    const demotion = (t: TileNeeds): Demotion | undefined => (exempt(t) ? undefined : this.activeDemotion(t.id));

    // Rule 6 (+1, +7): who gets video at all.
    const videoRank = (t: TileNeeds): number[] => [t.focused ? 0 : 1, t.maximised ? 0 : 1, pinned(t) ? 0 : 1, demotion(t)?.to === 'jpeg' ? 1 : 0, -t.heightPx, wasVideo(t) ? 0 : 1, order.get(t.id)!];
    const byVideoRank = [...tiles].sort((a, b) => compareRanks(videoRank(a), videoRank(b)));
    const video: TileNeeds[] = [];
    for (const t of byVideoRank) {
      const demoted = demotion(t);
      if (t.focused || (video.length < c.maxVideoTiles && demoted?.to !== 'jpeg')) video.push(t);
      else
        out.set(t.id, {
          kind: 'jpeg',
          intervalMs: c.jpegIntervalMs,
          why: demoted?.to === 'jpeg' ? `fell behind (${demoted.why}); previews for now` : `video budget full (${c.maxVideoTiles} tiles)`,
        });
    }

    // Rules 2–5: which profile each video tile wants, then the main-stream budget.
    const wants = new Map<string, { profile: Profile; why: string }>();
    for (const t of video) wants.set(t.id, this.wantedProfile(t, prev(t), demotion(t)));
    const needsMain = video.filter((t) => wants.get(t.id)!.profile === 'main');
    const mainRank = (t: TileNeeds): number[] => [t.maximised ? 0 : 1, pinned(t) && t.pin === 'main' ? 0 : 1, t.focused ? 0 : 1, t.profiles.includes('sub') ? 1 : 0, -t.heightPx, wasMain(t) ? 0 : 1, order.get(t.id)!];
    needsMain.sort((a, b) => compareRanks(mainRank(a), mainRank(b)));
    let mains = 0;
    for (const t of video) if (wants.get(t.id)!.profile === 'sub') out.set(t.id, { kind: 'video', profile: 'sub', why: wants.get(t.id)!.why });
    for (const t of needsMain) {
      const want = wants.get(t.id)!;
      if (mains < c.maxMainStreams || t.focused || t.maximised) {
        mains += 1;
        out.set(t.id, { kind: 'video', profile: 'main', why: want.why });
      } else if (t.profiles.includes('sub')) out.set(t.id, { kind: 'video', profile: 'sub', why: `main-stream budget full (${c.maxMainStreams})` });
      else out.set(t.id, { kind: 'jpeg', intervalMs: c.jpegIntervalMs, why: `main-stream budget full (${c.maxMainStreams}) and the camera has no sub-stream` });
    }

    this.previous.clear();
    for (const [id, mode] of out) this.previous.set(id, mode);
    return out;
  }

  private wantedProfile(t: TileNeeds, previous: TileMode | undefined, demoted: Demotion | undefined): { profile: Profile; why: string } {
    const offers = (p: Profile): boolean => t.profiles.includes(p);
    if (!offers('sub')) return { profile: 'main', why: 'the camera has only a main stream' };
    if (!offers('main')) return { profile: 'sub', why: 'the camera has only a sub-stream' };
    if (t.pin !== 'auto') return { profile: t.pin, why: t.pin === 'main' ? 'pinned to the main stream' : 'pinned to the sub-stream' };
    if (t.maximised) return { profile: 'main', why: 'maximised' };
    if (demoted) return { profile: 'sub', why: `fell behind (${demoted.why}); sub-stream for now` };
    const current = previous?.kind === 'video' ? previous.profile : undefined;
    const profile = profileForHeight(t.heightPx, current, this.config);
    const height = Math.round(t.heightPx);
    return { profile, why: profile === 'main' ? `tile is ${height} px high` : `tile is small (${height} px high)` };
  }

  private activeDemotion(tileId: string): Demotion | undefined {
    const d = this.demotions.get(tileId);
    if (d && this.now() >= d.untilMs) {
      this.demotions.delete(tileId);
      return undefined;
    }
    return d;
  }
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
