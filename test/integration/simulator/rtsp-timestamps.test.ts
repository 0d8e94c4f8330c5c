/**
 * The simulator's RTSP relay keeps the publisher's frame timing: a looped clip with audio reaches
 * the relay in clumps (about nine frames at once every ~360 ms, from ffmpeg -re on interleaved
 * MPEG-TS), and a relay that stamped frames by arrival gave them nearly equal timestamps, which a
 * browser shows at once and drops (a wall tile dropped 70 % of its frames). A real camera stamps
 * frames when it captures them: 40 ms apart at 25 fps.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobePath } from '../../../main/media/ffmpeg-binary.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { startTestSimulator } from '../../support/simulator.js';

const run = promisify(execFile);
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startTestSimulator([], { cameras: 4 });
}, 300_000);

afterAll(async () => {
  await sim?.stop();
});

describe('RTSP relay timestamps', () => {
  it('a camera with audio (clumpy publisher) still gets frames 40 ms apart', async () => {
    const url = sim.context.media.rtspUrl(3, 'sub')!;
    const { stdout } = await run(ffprobePath(), ['-v', 'error', '-rtsp_transport', 'tcp', '-read_intervals', '%+3', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', url], { timeout: 30_000 });
    // Packets without a time (ffprobe prints N/A) say nothing about spacing.
    const pts = stdout.split('\n').map((line) => Number.parseFloat(line)).filter((t) => Number.isFinite(t));
    expect(pts.length).toBeGreaterThan(40);
    const gaps = pts.slice(1).map((t, i) => Math.round((t - pts[i]!) * 1000));
    // Clumped arrival stamped by arrival: most gaps under 1 ms. Stamped by capture: all 40 ms.
    expect(gaps.filter((g) => g < 30)).toEqual([]);
    console.info(`[sim] RTSP relay, camera with audio: ${pts.length} frames in 3 s, gaps ${JSON.stringify(gaps)}`);
    expect(gaps.filter((g) => g === 40).length / gaps.length).toBeGreaterThan(0.9);
  }, 60_000);
});
