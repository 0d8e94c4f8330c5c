// `npm run bench:scrub` runs in CI, CI-sized: 2 stills per vendor (uncached, then cached), no
// playback opens and no sync spread (a wall of recorded tiles takes 20–30 s to start here), 2
// scrubs, a 15-second baseline recording. Through the real script against
// `tessera serve --demo`: it prints its table, its JSON holds every vendor's stills and the
// baseline, and every process it started has ended. Bounded: the script caps its own run and
// this test kills it (and, through the reaper, what it started) when the limit passes.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../support/wait-until.js';

const benchScript = fileURLToPath(new URL('../../../scripts/bench.js', import.meta.url));
const runLimitMs = 120_000;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-bench-scrub-ci-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Pids whose environment carries this run's marker (children inherit it: serve, its ffmpegs, Chromium). */
function leftovers(marker: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function readCmd(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 200)}`;
  } catch {
    return `${pid} (ended)`;
  }
}

interface Summary {
  n: number;
  median: number | null;
}
interface ScrubJson {
  vendors: { vendor: string; uncached: Summary; cached: Summary; errors: string[] }[];
  baseline: { ffmpegSs: Summary; rendererSeek: Summary };
  targets: { target: string; met: boolean | null }[];
}

describe('bench:scrub', () => {
  it('measures every vendor’s recorded stills and the bare baseline, prints its table and leaves no process behind', { timeout: runLimitMs + 10_000 }, async () => {
    const out = join(scratch, 'scrub.json');
    const args = [benchScript, 'scrub', '--samples', '2', '--scrubs', '2', '--opens', '0', '--baseline-minutes', '0.25', '--sync', 'none', '--json', out];
    const marker = `TESSERA_BENCH_RUN=scrub-ci-${process.pid}-${Date.now()}`;
    const [key, value] = marker.split('=') as [string, string];
    const child = spawn('nice', ['-n', '5', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [key]: value } });
    let output = '';
    child.stdout.on('data', (d) => (output = (output + String(d)).slice(-12_000)));
    child.stderr.on('data', (d) => (output = (output + String(d)).slice(-12_000)));
    const timer = setTimeout(() => child.kill('SIGTERM'), runLimitMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect(code, output).toBe(0);
    expect(output).toMatch(/Vendor\s+still uncached med\/p95/);
    expect(output).toMatch(/Targets \(reported, not asserted\):/);
    const result = JSON.parse(await readFile(out, 'utf8')) as ScrubJson;
    expect(result.vendors.map((v) => v.vendor)).toEqual(['Eagle Eye v1', 'Eagle Eye v3', 'exacqVision', 'AIPIX']);
    for (const v of result.vendors) {
      expect(v.uncached.n, JSON.stringify(v)).toBe(2);
      expect(v.cached.n, JSON.stringify(v)).toBe(2);
    }
    expect(result.baseline.ffmpegSs.n).toBe(2);
    expect(result.baseline.rendererSeek.median).toBeGreaterThan(0);
    expect(result.targets.find((t) => t.target === 'preview median, uncached')?.met).not.toBeNull();
    // The reaper (a watchdog of the bench's children) ends once the bench's pipe to it closes: give it its grace.
    await waitUntil('every process of the bench ended', 10_000, () => (leftovers(marker).length === 0 ? true : undefined), 100).catch(() => undefined);
    expect(leftovers(marker).map((pid) => readCmd(pid))).toEqual([]);
  });
});
