// `npm run bench:live -- --source-url rtsp://…` runs in CI (issue 17): a short run (2 tiles, 5 s,
// no warm-up) against the simulator's own RTSP address, through the real script. Its JSON says
// both Tessera and the baseline played every tile. Bounded: the script caps its own run and this
// test kills it (and, through the reaper, what it started) when the test times out.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { startTestSimulator } from '../../support/simulator.js';

const benchScript = fileURLToPath(new URL('../../../scripts/bench.js', import.meta.url));
const runLimitMs = 150_000;
let sim: SimulatorHandle;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-bench-ci-'));
  sim = await startTestSimulator([], { cameras: 1 });
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface TileResult {
  decodedFps: number | null;
}

describe('bench:live --source-url', () => {
  it('plays an RTSP source in Tessera and in the baseline and writes its JSON', { timeout: runLimitMs + 10_000 }, async () => {
    const url = sim.context.media.rtspUrl(0, 'sub');
    if (!url) throw new Error('the simulator has no RTSP server (gir1.2-gst-rtsp-server-1.0 missing)');
    const out = join(scratch, 'bench.json');
    const child = spawn('nice', ['-n', '5', process.execPath, benchScript, 'live', '--source-url', url, '--tiles', '2', '--seconds', '5', '--warmup', '0', '--json', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output = (output + String(d)).slice(-8000)));
    child.stderr.on('data', (d) => (output = (output + String(d)).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGTERM'), runLimitMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect(code, output).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8')) as { tiles: TileResult[]; baseline?: { tiles: TileResult[] }; config: { sourceUrl: string | null } };
    expect(result.config.sourceUrl).toBe('(given)');
    expect(result.tiles).toHaveLength(2);
    expect(result.baseline?.tiles).toHaveLength(2);
    for (const tile of [...result.tiles, ...result.baseline!.tiles]) expect(tile.decodedFps, JSON.stringify(tile)).toBeGreaterThan(10);
  });
});
