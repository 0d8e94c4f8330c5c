// Pure: the scrub bench's figures (median, p95), its targets as met / not met, and the table.
// Targets are reported, never asserted (issue 15): a shared 2-core machine decides too much.

/** Nearest-rank percentile of a list of numbers (null when empty). */
export function percentile(xs, p) {
  const sorted = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const summarize = (xs) => ({ n: xs.filter(Number.isFinite).length, median: percentile(xs, 50), p95: percentile(xs, 95), max: percentile(xs, 100) });

/** Spread of data-frame-time values across tiles at one reading: max − min, ms. */
export function spread(frameTimes) {
  const xs = frameTimes.filter(Number.isFinite);
  return xs.length < 2 ? null : Math.max(...xs) - Math.min(...xs);
}

/**
 * The targets of issue 15 against measured figures: true (met), false (not met) or null (not
 * measured). gopMs is the recording's keyframe interval (seek-to-playing ≤ GOP/2 + 300 ms).
 */
export function verdicts(f, gopMs) {
  const le = (x, limit) => (x === null || x === undefined ? null : x <= limit);
  return [
    { target: 'preview median, uncached', limit: '≤ 150 ms', value: f.previewUncachedMedian, met: le(f.previewUncachedMedian, 150) },
    { target: 'preview median, cached', limit: '≤ 50 ms', value: f.previewCachedMedian, met: le(f.previewCachedMedian, 50) },
    { target: 'seek-to-playing median', limit: `≤ ${gopMs / 2 + 300} ms (GOP/2 + 300)`, value: f.seekMedian, met: le(f.seekMedian, gopMs / 2 + 300) },
    { target: "  a camera's first open", limit: `≤ ${gopMs / 2 + 300} ms (GOP/2 + 300)`, value: f.firstOpenMedian, met: le(f.firstOpenMedian, gopMs / 2 + 300) },
    // The worst tile count's median: each layout must meet it.
    { target: 'sync spread median', limit: '≤ 40 ms', value: f.syncMedian, met: le(f.syncMedian, 40) },
    { target: 'sync spread max', limit: '≤ 100 ms', value: f.syncMax, met: le(f.syncMax, 100) },
  ];
}

export const ratio = (a, b) => (a === null || b === null || a === undefined || b === undefined || b === 0 ? null : Math.round((100 * a) / b) / 100);

const ms = (x) => (x === null || x === undefined ? '—' : `${Math.round(x)}`);
const x = (r) => (r === null ? '—' : `${r}×`);
const pad = (s, n) => String(s).padEnd(n);

/** The printed report: per-vendor rows, the baseline, the ratios and the targets. */
export function formatScrubReport(r) {
  const lines = [];
  lines.push('', `bench:scrub — ${r.machine.cpus} cores, load ${r.machine.loadAverageAtEnd.join(' ')} at the end (shared machine: see loadAverage)`, '');
  lines.push(`${pad('Vendor', 16)}${pad('still uncached med/p95', 24)}${pad('still cached med/p95', 22)}${pad('first open', 12)}${pad('seek→playing / →T med', 24)}${pad('frame step med', 16)}errors`);
  for (const v of r.vendors) {
    lines.push(
      `${pad(v.vendor, 16)}${pad(`${ms(v.uncached.median)} / ${ms(v.uncached.p95)} ms`, 24)}${pad(`${ms(v.cached.median)} / ${ms(v.cached.p95)} ms`, 22)}${pad(`${ms(v.firstOpenMs)} ms`, 12)}${pad(`${ms(v.seek.median)} / ${ms(v.seekToInstant?.median)} ms`, 24)}${pad(`${ms(v.step.median)} ms`, 16)}${v.errors.length}`,
    );
  }
  const b = r.baseline;
  lines.push('', 'Baseline (LAB-NOTES §5 bare harness, same run):');
  lines.push(`  ffmpeg -ss extraction         ${ms(b.ffmpegSs.median)} / ${ms(b.ffmpegSs.p95)} ms (median / p95, n ${b.ffmpegSs.n})`);
  lines.push(`  in-renderer seek (progressive) ${ms(b.rendererSeek.median)} / ${ms(b.rendererSeek.p95)} ms`);
  lines.push(`  in-renderer frame step         ${ms(b.rendererStep.median)} / ${ms(b.rendererStep.p95)} ms`);
  lines.push('', 'Ratios (Tessera ÷ baseline, all vendors pooled):');
  for (const [k, v] of Object.entries(r.ratios)) lines.push(`  ${pad(k, 44)}${x(v)}`);
  lines.push('', 'Sync spread (data-frame-time max − min across tiles):');
  for (const s of r.sync) lines.push(`  ${pad(`${s.tiles} tiles after ${s.afterS} s`, 24)}${s.note ?? `median ${ms(s.median)} ms, max ${ms(s.max)} ms (Go → every tile playing ${ms(s.groupSeekToPlayingMs)} ms)`}`);
  lines.push('', `Memory after ${r.memory.scrubs} scrubs: main RSS ${r.memory.mainRssMb.before} → ${r.memory.mainRssMb.after} MB, page JS heap ${r.memory.pageHeapMb.before} → ${r.memory.pageHeapMb.after} MB`);
  lines.push('', 'Targets (reported, not asserted):');
  for (const t of r.targets) lines.push(`  ${pad(t.target, 28)}${pad(t.limit, 30)}${pad(`${ms(t.value)} ms`, 10)}${t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met'}`);
  return `${lines.join('\n')}\n`;
}
