/**
 * What each camera recorded, as the timeline needs it: fetched wider than the visible window
 * (a pan or a zoom out shows what is already here), cached per camera, and the region near
 * "now" fetched again now and then, since recording goes on there. The fetch is injected
 * (`recordings:coverage` in the app, a fake in tests); failures are kept per camera in words.
 */
import { clipPeriods, gapsIn, mergePeriods, type Period } from '../../../common/time-periods.js';
import { maxCoverageSpanMs, type Coverage, type Mark, type Result } from '../../../preload/contract/index.js';


export type CoverageFetch = (input: { cameraId: string; fromMs: number; toMs: number }) => Promise<Result<Coverage>>;

export interface CoverageLoaderConfig {
  /** Fetched on each side of the visible window, as a fraction of its span. */
  margin: number;
  /** The region near now is fetched again once it is this old, ms. */
  refreshMs: number;
  /** How far back from the newest fetch a refresh starts (a recording may have been open there), ms. */
  refreshOverlapMs: number;
}

export const defaultCoverageConfig: CoverageLoaderConfig = { margin: 1, refreshMs: 15_000, refreshOverlapMs: 120_000 };

interface CameraCoverage {
  /** Windows already fetched (or being fetched): not asked for again. */
  loaded: Period[];
  /** Windows whose answer has come: what is known, recorded or not. */
  answered: Period[];
  periods: Period[];
  marks: Mark[];
  marksKnown: boolean;
  /** When the region near now was last fetched (clock ms). */
  refreshedAt: number;
  error?: string;
}

export class CoverageLoader {
  private readonly cameras = new Map<string, CameraCoverage>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly fetch: CoverageFetch,
    private readonly now: () => number,
    private readonly config: CoverageLoaderConfig = defaultCoverageConfig,
  ) {}

  /** Calls `listener` whenever new coverage arrives or a fetch fails. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes sure the window (and its margins) is loaded for each camera; resolves when the fetches end. */
  async ensure(cameraIds: readonly string[], visible: Period): Promise<void> {
    const now = this.now();
    const span = visible.toMs - visible.fromMs;
    const fromMs = Math.max(0, Math.floor(visible.fromMs - span * this.config.margin));
    const toMs = Math.min(now, Math.ceil(visible.toMs + span * this.config.margin));
    if (toMs <= fromMs) return;
    await Promise.all(cameraIds.map((id) => this.ensureOne(id, fromMs, toMs, now)));
  }

  periods(cameraId: string, fromMs: number, toMs: number): Period[] {
    const c = this.cameras.get(cameraId);
    return c ? clipPeriods(c.periods, fromMs, toMs) : [];
  }

  /**
   * The camera's recordings for the sync group's gap test: a gap only where an answer says so.
   * Stretches not answered yet (being fetched, or never asked: a "Go to" far back, before the
   * timeline's fetch for it comes) count as recorded, so a tile there tries to play and main
   * says what is there, instead of every tile "in a gap" and the group skipping to a recording
   * it happens to know of.
   */
  allPeriods(cameraId: string): readonly Period[] | undefined {
    const c = this.cameras.get(cameraId);
    if (!c || c.answered.length === 0) return undefined;
    return mergePeriods([...c.periods, ...gapsIn(c.answered, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)]);
  }

  marks(cameraId: string, fromMs: number, toMs: number): Mark[] {
    return (this.cameras.get(cameraId)?.marks ?? []).filter((m) => m.atMs >= fromMs && m.atMs < toMs);
  }

  marksKnown(cameraId: string): boolean {
    return this.cameras.get(cameraId)?.marksKnown ?? false;
  }

  /** What is known loaded for the camera (what is not is neither recorded nor a gap yet). */
  loaded(cameraId: string, fromMs: number, toMs: number): Period[] {
    const c = this.cameras.get(cameraId);
    return c ? clipPeriods(c.loaded, fromMs, toMs) : [];
  }

  error(cameraId: string): string | undefined {
    return this.cameras.get(cameraId)?.error;
  }

  /** The nearest mark after (direction 1) or before (−1) atMs among the cameras, if loaded. */
  nextMark(cameraIds: readonly string[], atMs: number, direction: 1 | -1): number | undefined {
    let best: number | undefined;
    for (const id of cameraIds) {
      for (const m of this.cameras.get(id)?.marks ?? []) {
        const ahead = direction === 1 ? m.atMs > atMs + 500 : m.atMs < atMs - 500;
        if (ahead && (best === undefined || (direction === 1 ? m.atMs < best : m.atMs > best))) best = m.atMs;
      }
    }
    return best;
  }

  private async ensureOne(cameraId: string, fromMs: number, toMs: number, now: number): Promise<void> {
    let c = this.cameras.get(cameraId);
    if (!c) {
      c = { loaded: [], answered: [], periods: [], marks: [], marksKnown: false, refreshedAt: -Infinity };
      this.cameras.set(cameraId, c);
    }
    const missing = gapsIn(c.loaded, fromMs, toMs);
    const newest = c.loaded.at(-1)?.toMs;
    // The loaded windows end at the time of their fetch: the stretch since then is new, but
    // fetched only every refreshMs (a timeline redrawn each second must not ask each second).
    const nearNow = newest !== undefined && toMs > newest && now - c.refreshedAt < this.config.refreshMs;
    const wanted = missing.filter((p) => !(nearNow && p.fromMs >= newest));
    if (newest !== undefined && toMs > newest && !nearNow) {
      // Fetch again a little before the newest end: a recording that was going on is longer now.
      wanted.push({ fromMs: Math.max(fromMs, newest - this.config.refreshOverlapMs), toMs });
    }
    const windows = splitWindows(mergePeriods(wanted));
    if (windows.length === 0) return;
    if (windows.some((w) => w.toMs >= toMs)) c.refreshedAt = now;
    c.loaded = mergePeriods([...c.loaded, ...windows]);
    await Promise.all(windows.map((w) => this.fetchWindow(cameraId, c, w)));
  }

  private async fetchWindow(cameraId: string, c: CameraCoverage, w: Period): Promise<void> {
    let result: Result<Coverage>;
    try {
      result = await this.fetch({ cameraId, fromMs: w.fromMs, toMs: w.toMs });
    } catch (err) {
      result = { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err), retryable: true } };
    }
    if (!result.ok) {
      // Not loaded after all: a later ensure asks again.
      c.loaded = subtract(c.loaded, w);
      c.error = result.error.message;
    } else {
      const v = result.value;
      // What was known inside the window is replaced by the answer: outside stays.
      c.periods = mergePeriods([...subtract(c.periods, w), ...clipPeriods(v.periods, w.fromMs, w.toMs)]);
      c.marks = [...c.marks.filter((m) => m.atMs < w.fromMs || m.atMs >= w.toMs), ...v.marks.filter((m) => m.atMs >= w.fromMs && m.atMs < w.toMs)].sort((a, b) => a.atMs - b.atMs);
      c.marksKnown = v.marksKnown;
      c.answered = mergePeriods([...c.answered, w]);
      delete c.error;
    }
    for (const listener of this.listeners) listener();
  }
}

/** The periods with `w` cut out. */
function subtract(periods: readonly Period[], w: Period): Period[] {
  const before = clipPeriods(periods, Number.MIN_SAFE_INTEGER, w.fromMs);
  const after = clipPeriods(periods, w.toMs, Number.MAX_SAFE_INTEGER);
  return [...before, ...after];
}

/** One request may span at most maxCoverageSpanMs (the contract's bound). */
function splitWindows(windows: readonly Period[]): Period[] {
  const out: Period[] = [];
  for (const w of windows) {
    for (let from = w.fromMs; from < w.toMs; from += maxCoverageSpanMs) out.push({ fromMs: from, toMs: Math.min(w.toMs, from + maxCoverageSpanMs) });
  }
  return out;
}
