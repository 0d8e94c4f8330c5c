/**
 * The coverage loader: fetches wider than the visible window, asks nothing twice, refreshes the
 * stretch near now only every refreshMs, keeps a failure in words and asks again later.
 */
import { describe, expect, it } from 'vitest';
import { CoverageLoader, type CoverageFetch } from '../../../renderer/src/domain/coverage-loader.js';
import { fail, ok, type Coverage } from '../../../preload/contract/index.js';

const H = 3600_000;
const now0 = 100 * H;

/** A camera that recorded every hour's first 40 minutes, with a motion mark at :10. */
function fakeVms(): { fetch: CoverageFetch; asked: [number, number][]; failNext: boolean } {
  const state = { asked: [] as [number, number][], failNext: false, fetch: null as unknown as CoverageFetch };
  state.fetch = async ({ cameraId, fromMs, toMs }) => {
    state.asked.push([fromMs, toMs]);
    if (state.failNext) {
      state.failNext = false;
      return fail('unreachable', 'the site did not answer');
    }
    const periods = [];
    const marks: Coverage['marks'] = [];
    for (let h = Math.floor(fromMs / H) * H; h < toMs; h += H) {
      periods.push({ fromMs: Math.max(fromMs, h), toMs: Math.min(toMs, h + 40 * 60_000) });
      if (h + 600_000 >= fromMs && h + 600_000 < toMs) marks.push({ atMs: h + 600_000, type: 'motion' });
    }
    return ok({ cameraId, fromMs, toMs, periods: periods.filter((p) => p.toMs > p.fromMs), marks, marksKnown: true });
  };
  return state;
}

describe('coverage loader', () => {
  it('fetches the window with a margin of one span on each side, not past now', async () => {
    const vms = fakeVms();
    const loader = new CoverageLoader(vms.fetch, () => now0);
    await loader.ensure(['cam'], { fromMs: now0 - 3 * H, toMs: now0 - 2 * H });
    expect(vms.asked).toEqual([[now0 - 4 * H, now0 - H]]);
    expect(loader.periods('cam', now0 - 3 * H, now0 - 2 * H)).toEqual([{ fromMs: now0 - 3 * H, toMs: now0 - 3 * H + 40 * 60_000 }]);
    expect(loader.marks('cam', now0 - 3 * H, now0 - 2 * H)).toEqual([{ atMs: now0 - 3 * H + 600_000, type: 'motion' }]);
    // Panning inside what is loaded asks nothing; panning past it asks only the new part.
    await loader.ensure(['cam'], { fromMs: now0 - 2.75 * H, toMs: now0 - 2.25 * H });
    expect(vms.asked).toHaveLength(1);
    await loader.ensure(['cam'], { fromMs: now0 - 5 * H, toMs: now0 - 4 * H });
    expect(vms.asked.slice(1)).toEqual([[now0 - 6 * H, now0 - 4 * H]]);
    // Both fetches' periods are there, clipped to what is asked.
    expect(loader.periods('cam', now0 - 4.5 * H, now0 - 3.5 * H)).toEqual([
      { fromMs: now0 - 4.5 * H, toMs: now0 - 5 * H + 40 * 60_000 },
      { fromMs: now0 - 4 * H, toMs: now0 - 3.5 * H },
    ]);
  });

  it('for the sync group, a gap is only where an answer says so: a window being fetched or never asked counts as recorded', async () => {
    const vms = fakeVms();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holdNext = false;
    const loader = new CoverageLoader(async (input) => {
      if (holdNext) await held;
      return vms.fetch(input);
    }, () => now0);
    expect(loader.allPeriods('cam')).toBeUndefined();
    await loader.ensure(['cam'], { fromMs: now0 - 3 * H, toMs: now0 - 2 * H });
    const known = loader.allPeriods('cam')!;
    // Inside the answer: the hour's last 20 minutes are a gap; the first 40 recorded.
    const inAnswer = (at: number): boolean => known.some((p) => p.fromMs <= at && at < p.toMs);
    expect(inAnswer(now0 - 3 * H + 45 * 60_000)).toBe(false);
    expect(inAnswer(now0 - 3 * H + 10 * 60_000)).toBe(true);
    // Three days back, never asked: not a gap.
    expect(inAnswer(now0 - 72 * H)).toBe(true);
    // Asked, its answer not there yet: still not a gap; once answered, its gaps are.
    holdNext = true;
    const pending = loader.ensure(['cam'], { fromMs: now0 - 72 * H, toMs: now0 - 71 * H });
    const whileAsked = loader.allPeriods('cam')!;
    expect(whileAsked.some((p) => p.fromMs <= now0 - 72 * H + 45 * 60_000 && now0 - 72 * H + 45 * 60_000 < p.toMs)).toBe(true);
    release();
    await pending;
    const after = loader.allPeriods('cam')!;
    expect(after.some((p) => p.fromMs <= now0 - 72 * H + 45 * 60_000 && now0 - 72 * H + 45 * 60_000 < p.toMs)).toBe(false);
  });

  it('refreshes the region near now every refreshMs, from a little before the newest fetch', async () => {
    const vms = fakeVms();
    let now = now0 + 5 * 60_000;
    const loader = new CoverageLoader(vms.fetch, () => now);
    await loader.ensure(['cam'], { fromMs: now - H, toMs: now });
    expect(vms.asked).toEqual([[now - 2 * H, now]]);
    now += 5_000;
    await loader.ensure(['cam'], { fromMs: now - H, toMs: now });
    expect(vms.asked).toHaveLength(1);
    now += 15_000;
    await loader.ensure(['cam'], { fromMs: now - H, toMs: now });
    expect(vms.asked[1]).toEqual([now - 20_000 - 120_000, now]);
    expect(loader.periods('cam', now0, now)).toEqual([{ fromMs: now0, toMs: now }]);
  });

  it('keeps a failure in words and asks again next time', async () => {
    const vms = fakeVms();
    const loader = new CoverageLoader(vms.fetch, () => now0);
    vms.failNext = true;
    let changes = 0;
    loader.onChange(() => (changes += 1));
    await loader.ensure(['cam'], { fromMs: now0 - 2 * H, toMs: now0 - H });
    expect(loader.error('cam')).toBe('the site did not answer');
    expect(loader.loaded('cam', 0, now0)).toEqual([]);
    await loader.ensure(['cam'], { fromMs: now0 - 2 * H, toMs: now0 - H });
    expect(vms.asked).toHaveLength(2);
    expect(loader.error('cam')).toBeUndefined();
    expect(changes).toBe(2);
  });

  it('splits a request wider than the contract allows and finds the next mark among cameras', async () => {
    const vms = fakeVms();
    const now1 = 10_000 * H;
    const loader = new CoverageLoader(vms.fetch, () => now1, { margin: 2, refreshMs: 15_000, refreshOverlapMs: 0 });
    await loader.ensure(['a', 'b'], { fromMs: now1 - 24 * 24 * H, toMs: now1 - 12 * 24 * H });
    expect(vms.asked.every(([from, to]) => to - from <= 31 * 24 * H)).toBe(true);
    // 12 days with two spans each side, up to now: 48 days in two requests per camera.
    const perCamera = [
      [now1 - 48 * 24 * H, now1 - 17 * 24 * H],
      [now1 - 17 * 24 * H, now1],
    ];
    expect(vms.asked).toEqual([...perCamera, ...perCamera]);
    expect(loader.nextMark(['a', 'b'], now1 - 3 * H, 1)).toBe(now1 - 3 * H + 600_000);
    expect(loader.nextMark(['a', 'b'], now1 - 3 * H, -1)).toBe(now1 - 4 * H + 600_000);
  });
});
