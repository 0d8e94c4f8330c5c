/**
 * The still scrubber: newest request wins (older ones aborted, their answers not shown), a
 * cache per camera × bucket, prefetch around the playhead and ahead in the drag's direction,
 * failures in words, evicted stills released.
 */
import { describe, expect, it } from 'vitest';
import { StillScrubber, type ScrubResult, type ScrubStill } from '../../../renderer/src/domain/still-scrubber.js';

interface Asked {
  cameraId: string;
  atMs: number;
  signal: AbortSignal;
  resolve: (still: ScrubStill) => void;
  reject: (err: Error) => void;
}

function fakeFetch(): { asked: Asked[]; fetch: (cameraId: string, atMs: number, signal: AbortSignal) => Promise<ScrubStill> } {
  const asked: Asked[] = [];
  return {
    asked,
    fetch: (cameraId, atMs, signal) =>
      new Promise((resolve, reject) => {
        asked.push({ cameraId, atMs, signal, resolve, reject });
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      }),
  };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const config = { bucketMs: 1000, maxCached: 5, around: 1, ahead: 2, parallel: 2, exactMs: 300 };

describe('still scrubber', () => {
  it('shows only the newest request; the older one is aborted', async () => {
    const f = fakeFetch();
    const s = new StillScrubber(f.fetch, () => {}, { ...config, around: 0, ahead: 0 });
    const shown: ScrubResult[] = [];
    s.onResult((r) => shown.push(r));
    s.show(['a'], 10_300, 0);
    s.show(['a'], 20_300, 0);
    expect(f.asked.map((a) => [a.atMs, a.signal.aborted])).toEqual([
      [10_300, true],
      [20_300, false],
    ]);
    f.asked[1]!.resolve({ src: 'blob:20', frameTimeMs: 20_000 });
    await flush();
    expect(shown).toEqual([{ cameraId: 'a', atMs: 20_300, still: { src: 'blob:20', frameTimeMs: 20_000 }, cached: false }]);
  });

  it('answers a bucket it holds at once, without asking when its picture is near the playhead', async () => {
    const f = fakeFetch();
    const s = new StillScrubber(f.fetch, () => {}, { ...config, around: 0, ahead: 0 });
    const shown: ScrubResult[] = [];
    s.onResult((r) => shown.push(r));
    s.show(['a'], 10_300, 0);
    f.asked[0]!.resolve({ src: 'blob:10', frameTimeMs: 10_000 });
    await flush();
    s.show(['a'], 10_250, 0);
    expect(f.asked).toHaveLength(1);
    expect(shown.at(-1)).toMatchObject({ atMs: 10_250, cached: true, still: { src: 'blob:10' } });
  });

  it('a cached picture far from the playhead is shown at once, then the one at the playhead', async () => {
    const f = fakeFetch();
    const s = new StillScrubber(f.fetch, () => {}, { ...config, around: 0, ahead: 0 });
    const shown: ScrubResult[] = [];
    s.onResult((r) => shown.push(r));
    s.show(['a'], 10_300, 0, 4000);
    f.asked[0]!.resolve({ src: 'blob:10', frameTimeMs: 10_000 });
    await flush();
    s.show(['a'], 11_900, 0, 4000);
    expect(shown.at(-1)).toMatchObject({ atMs: 11_900, cached: true, still: { src: 'blob:10' } });
    expect(f.asked.map((a) => a.atMs)).toEqual([10_300, 11_900]);
    f.asked[1]!.resolve({ src: 'blob:11', frameTimeMs: 11_800 });
    await flush();
    expect(shown.at(-1)).toMatchObject({ atMs: 11_900, cached: false, still: { src: 'blob:11' } });
    // Held there: no more requests; far within the same wide bucket: asked again.
    s.show(['a'], 11_900, 0, 4000);
    expect(f.asked).toHaveLength(2);
    s.show(['a'], 9_000, 0, 4000);
    s.show(['a'], 8_100, 0, 4000);
    expect(f.asked.map((a) => [a.atMs, a.signal.aborted])).toEqual([
      [10_300, false],
      [11_900, false],
      [9_000, true],
      [8_100, false],
    ]);
  });

  it('prefetches the neighbours and ahead in the drag direction once the picture under the playhead is in, a few at a time, dropping those left behind', async () => {
    const f = fakeFetch();
    const s = new StillScrubber(f.fetch, () => {}, config);
    s.show(['a'], 10_300, 1);
    // The picture under the playhead first, alone.
    expect(f.asked.map((a) => a.atMs)).toEqual([10_300]);
    f.asked[0]!.resolve({ src: 'blob:10', frameTimeMs: 10_200 });
    await flush();
    // Then two prefetches: the bucket ahead, the one behind.
    expect(f.asked.map((a) => a.atMs)).toEqual([10_300, 11_500, 9_500]);
    f.asked[1]!.resolve({ src: 'blob:11', frameTimeMs: 11_400 });
    await flush();
    // A prefetch finished: the next bucket ahead is asked.
    expect(f.asked.map((a) => a.atMs).slice(3)).toEqual([12_500]);
    // The drag jumps far back: the prefetches near 10 s are aborted; the new picture goes alone.
    s.show(['a'], 50_300, -1);
    expect(f.asked[2]!.signal.aborted).toBe(true);
    expect(f.asked[3]!.signal.aborted).toBe(true);
    expect(f.asked.slice(4).map((a) => a.atMs)).toEqual([50_300]);
    f.asked[4]!.resolve({ src: 'blob:50', frameTimeMs: 50_100 });
    await flush();
    expect(f.asked.slice(5).map((a) => a.atMs)).toEqual([49_500, 51_500]);
  });

  it('adopts a prefetch of the bucket the playhead reaches instead of asking again', async () => {
    const f = fakeFetch();
    const s = new StillScrubber(f.fetch, () => {}, config);
    const shown: ScrubResult[] = [];
    s.onResult((r) => shown.push(r));
    s.show(['a'], 10_300, 1);
    f.asked[0]!.resolve({ src: 'blob:10', frameTimeMs: 10_200 });
    await flush();
    s.show(['a'], 11_200, 1);
    expect(f.asked.filter((a) => Math.floor(a.atMs / 1000) === 11)).toHaveLength(1);
    f.asked.find((a) => a.atMs === 11_500)!.resolve({ src: 'blob:11', frameTimeMs: 11_400 });
    await flush();
    expect(shown.at(-1)).toEqual({ cameraId: 'a', atMs: 11_200, still: { src: 'blob:11', frameTimeMs: 11_400 }, cached: false });
  });

  it('says why a still failed, and releases what it evicts or holds at the end', async () => {
    const f = fakeFetch();
    const released: string[] = [];
    const s = new StillScrubber(f.fetch, (still) => released.push(still.src), { ...config, maxCached: 2, around: 0, ahead: 0 });
    const shown: ScrubResult[] = [];
    s.onResult((r) => shown.push(r));
    s.show(['a'], 1000, 0);
    f.asked[0]!.reject(new Error('the site answered with an HTML page'));
    await flush();
    expect(shown).toEqual([{ cameraId: 'a', atMs: 1000, error: 'the site answered with an HTML page' }]);
    for (const [i, at] of [2000, 3000, 4000].entries()) {
      s.show(['a'], at, 0);
      f.asked[i + 1]!.resolve({ src: `blob:${at}`, frameTimeMs: at });
      await flush();
    }
    expect(released).toEqual(['blob:2000']);
    s.dispose();
    expect(released).toEqual(['blob:2000', 'blob:3000', 'blob:4000']);
  });

  it('never releases the still a tile shows: it goes once the tile shows another', async () => {
    const f = fakeFetch();
    const released: string[] = [];
    const s = new StillScrubber(f.fetch, (still) => released.push(still.src), { ...config, maxCached: 1, around: 1, ahead: 0, parallel: 1 });
    s.show(['a'], 10_300, 0);
    f.asked[0]!.resolve({ src: 'blob:10', frameTimeMs: 10_000 });
    await flush();
    // A prefetch arrives and pushes the shown still out of the one-entry cache: kept while shown.
    f.asked[1]!.resolve({ src: 'blob:11', frameTimeMs: 11_000 });
    await flush();
    expect(released).toEqual([]);
    s.show(['a'], 11_100, 0);
    expect(released).toEqual(['blob:10']);
  });
});
