// `npm run bench:live -- --source-url rtsp://…` runs in CI (issue 17): a short run (2 tiles, 5 s,
// no warm-up) against the simulator's own RTSP address, through the real script. Its JSON says
// both Tessera and the baseline played every tile. Bounded: the script caps its own run and this
// test kills it (and, through the reaper, what it started) when the test times out.
// The second run plays a real GStreamer RTSP server with 720p25 H.264 High + B-frames and AAC,
// where the baseline's fast probe stopped at an audio packet and it showed 0 fps.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { encodeBframeAacClip, startClipServer, type ClipServer } from '../../support/rtsp-clip-server.js';
import { startTestSimulator } from '../../support/simulator.js';

const benchScript = fileURLToPath(new URL('../../../scripts/bench.js', import.meta.url));
const runLimitMs = 150_000;
let sim: SimulatorHandle;
let clipServer: ClipServer | undefined;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-bench-ci-'));
  sim = await startTestSimulator([], { cameras: 1 });
});

afterAll(async () => {
  await clipServer?.stop();
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface TileResult {
  decodedFps: number | null;
}

/** Runs scripts/bench.js live for a source URL; resolves its exit code and the tail of its output. */
async function runBench(url: string, tiles: number, out: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('nice', ['-n', '5', process.execPath, benchScript, 'live', '--source-url', url, '--tiles', String(tiles), '--seconds', '5', '--warmup', '0', '--json', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + String(d)).slice(-8000)));
  child.stderr.on('data', (d) => (output = (output + String(d)).slice(-8000)));
  const timer = setTimeout(() => child.kill('SIGTERM'), runLimitMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}

interface BenchJson {
  tiles: TileResult[];
  baseline?: { tiles: TileResult[]; notes?: { stream: string; what: string }[] };
  config: { sourceUrl: string | null };
}

describe('bench:live --source-url', () => {
  it('plays an RTSP source in Tessera and in the baseline and writes its JSON', { timeout: runLimitMs + 10_000 }, async () => {
    const url = sim.context.media.rtspUrl(0, 'sub');
    if (!url) throw new Error('the simulator has no RTSP server (gir1.2-gst-rtsp-server-1.0 missing)');
    const out = join(scratch, 'bench.json');
    const { code, output } = await runBench(url, 2, out);
    expect(code, output).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8')) as BenchJson;
    expect(result.config.sourceUrl).toBe('(given)');
    expect(result.tiles).toHaveLength(2);
    expect(result.baseline?.tiles).toHaveLength(2);
    for (const tile of [...result.tiles, ...result.baseline!.tiles]) expect(tile.decodedFps, JSON.stringify(tile)).toBeGreaterThan(10);
  });

  it('plays a GStreamer RTSP server with H.264 High, B-frames and AAC in the baseline too, and says it probed longer', { timeout: runLimitMs + 70_000 }, async () => {
    clipServer = await startClipServer(await encodeBframeAacClip(scratch));
    const out = join(scratch, 'bench-bframes.json');
    const { code, output } = await runBench(clipServer.url, 1, out);
    expect(code, output).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8')) as BenchJson;
    expect(result.tiles).toHaveLength(1);
    expect(result.baseline?.tiles).toHaveLength(1);
    for (const tile of [...result.tiles, ...result.baseline!.tiles]) expect(tile.decodedFps, JSON.stringify(tile)).toBeGreaterThan(10);
    expect(result.baseline?.notes).toContainEqual(expect.objectContaining({ stream: 'Source', what: 'probing longer' }));
  });
});
