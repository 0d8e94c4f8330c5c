// Pure parts of the scrub benchmark: its figures, its targets' verdicts and its options.
import { describe, expect, it } from 'vitest';
import { parseScrubArgs, runCapMs } from '../../../bench/scrub/options.js';
import { formatScrubReport, percentile, ratio, spread, summarize, verdicts } from '../../../bench/scrub/report.js';

describe('scrub bench figures', () => {
  it('takes the nearest-rank median and p95, ignoring what was not measured', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1); // 1…20
    expect(percentile(xs, 50)).toBe(10);
    expect(percentile(xs, 95)).toBe(19);
    expect(summarize([...xs, Number.NaN])).toEqual({ n: 20, median: 10, p95: 19, max: 20 });
    expect(summarize([])).toEqual({ n: 0, median: null, p95: null, max: null });
  });

  it('measures the spread of data-frame-time across tiles, and none with one tile', () => {
    expect(spread([1_000_040, 1_000_000, 1_000_095])).toBe(95);
    expect(spread([1_000_000])).toBeNull();
  });

  it('says met, not met or not measured against the targets, seek by the GOP', () => {
    const v = verdicts({ previewUncachedMedian: 151, previewCachedMedian: 50, seekMedian: 1300, firstOpenMedian: 1301, syncMedian: null, syncMax: 100 }, 2000);
    expect(v.map((t) => t.met)).toEqual([false, true, true, false, null, true]);
    expect(v[2]!.limit).toBe('≤ 1300 ms (GOP/2 + 300)');
    expect(verdicts({ previewUncachedMedian: 10, previewCachedMedian: 10, seekMedian: 801, syncMedian: 41, syncMax: 10 }, 1000).map((t) => t.met)).toEqual([true, true, false, null, false, true]);
  });

  it('divides by the baseline, and gives no ratio without one', () => {
    expect(ratio(300, 120)).toBe(2.5);
    expect(ratio(300, null)).toBeNull();
    expect(ratio(300, 0)).toBeNull();
  });

  it('prints every vendor, the baseline, the ratios and the verdicts', () => {
    const s = { n: 1, median: 42, p95: 60, max: 60 };
    const text = formatScrubReport({
      machine: { cpus: 2, loadAverageAtEnd: [1, 2, 3] },
      vendors: [{ vendor: 'AIPIX', uncached: s, cached: s, firstOpenMs: 9900, seek: s, seekToInstant: s, step: s, errors: [] }],
      baseline: { ffmpegSs: s, rendererSeek: s, rendererStep: s },
      ratios: { 'still uncached ÷ ffmpeg -ss (median)': 1.5 },
      sync: [{ tiles: 4, afterS: 10, median: 12, max: 30, groupSeekToPlayingMs: 900 }],
      memory: { scrubs: 100, mainRssMb: { before: 100, after: 110 }, pageHeapMb: { before: 5, after: 6 } },
      targets: verdicts({ previewUncachedMedian: 42, previewCachedMedian: 60, seekMedian: null, syncMedian: 12, syncMax: 30 }, 1000),
    });
    expect(text).toMatch(/AIPIX\s+42 \/ 60 ms\s+42 \/ 60 ms\s+9900 ms\s+42 \/ 42 ms/);
    expect(text).toContain('1.5×');
    expect(text).toMatch(/4 tiles after 10 s\s+median 12 ms, max 30 ms \(Go → every tile playing 900 ms\)/);
    expect(text).toMatch(/preview median, cached\s+≤ 50 ms\s+60 ms\s+NOT met/);
    expect(text).toMatch(/seek-to-playing median.*not measured/);
  });
});

describe('scrub bench options', () => {
  it('has CI-friendly defaults off the long sync reading, and refuses what it does not know', () => {
    const o = parseScrubArgs([]);
    expect(o).toMatchObject({ samples: 20, scrubs: 100, opens: 3, long: false, sync: [4, 9] });
    expect(runCapMs(parseScrubArgs(['--long'])) - runCapMs(o)).toBe(2 * 300_000);
    expect(parseScrubArgs(['--sync', 'none']).sync).toEqual([]);
    expect(() => parseScrubArgs(['--sync', '4,x'])).toThrow('--sync needs tile counts of 2–16 like 4,9 (or none), got 4,x');
    expect(() => parseScrubArgs(['--samples', '0'])).toThrow('--samples needs a positive number, got 0');
    expect(() => parseScrubArgs(['--opens', '1.5'])).toThrow('--opens needs a whole number, got 1.5');
    expect(parseScrubArgs(['--opens', '0']).opens).toBe(0);
    expect(() => parseScrubArgs(['--tiles', '4'])).toThrow('unknown option --tiles');
  });
});
