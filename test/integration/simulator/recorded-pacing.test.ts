/**
 * Recorded FLV is sent at the pace of the recording (first GOP at once), as the real services do,
 * unless the simulator's paceRecorded switch is off; the picture is the one asked for (timecode).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { formatEen } from '../../../simulator/een-v1/timestamps.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { eenV1AuthKey } from '../../support/een-v1-login.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodesOfVideo } from '../../support/timecode.js';

/** Camera 1 has a 1 s GOP. */
const CAMERA = 1;
const CLIP_MS = 6_000;

describe('recorded FLV pacing', () => {
  let sim: SimulatorHandle;
  let segment: Segment;
  let dir: string;

  beforeAll(async () => {
    sim = await startTestSimulator([eagleEyeV1Module], { cameras: 2, rtsp: false });
    segment = longestFinishedSegment(sim.context.media, CAMERA, Date.now());
    dir = await mkdtemp(join(tmpdir(), 'tessera-pacing-'));
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Downloads CLIP_MS of recorded FLV: the bytes and how long they took after the first one. */
  async function play(paced: boolean): Promise<{ body: Buffer; spreadMs: number }> {
    sim.context.paceRecorded = paced;
    const site = sim.sites['eagleeye-v1'] as SiteDescription;
    const authKey = await eenV1AuthKey(site);
    const esn = sim.context.media.cameras[CAMERA]!.esn;
    const q = new URLSearchParams({ id: esn, start_timestamp: formatEen(segment.startMs), end_timestamp: formatEen(segment.startMs + CLIP_MS), quality: 'low' });
    const res = await fetch(`${site.url}/asset/play/video.flv?${q.toString()}`, { headers: { cookie: `auth_key=${authKey}` } });
    expect(res.status).toBe(200);
    const chunks: Buffer[] = [];
    let first = 0;
    const reader = res.body!.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      first ||= Date.now();
      chunks.push(Buffer.from(part.value));
    }
    return { body: Buffer.concat(chunks), spreadMs: Date.now() - first };
  }

  it('sends 6 s of recording over ~5 s (first GOP at once) and shows the asked-for instants', async () => {
    await play(false); // warms the cache: the timing below is the pacing alone
    const paced = await play(true);
    expect(paced.spreadMs).toBeGreaterThan(CLIP_MS - 1_000 - 300);
    expect(paced.spreadMs).toBeLessThan(CLIP_MS + 2_000);
    const file = join(dir, 'paced.flv');
    await writeFile(file, paced.body);
    expect(await timecodesOfVideo(file, { count: 2 })).toEqual([segment.startMs, segment.startMs + 100]);
    expect((await timecodesOfVideo(file, { fromEndSec: 0.3, count: 10 })).at(-1)).toBe(segment.startMs + CLIP_MS - 100);
  });

  it('sends at once with paceRecorded off', async () => {
    const unpaced = await play(false);
    expect(unpaced.spreadMs).toBeLessThan(1_500);
    expect(unpaced.body.subarray(0, 3).toString('latin1')).toBe('FLV');
  });
});
