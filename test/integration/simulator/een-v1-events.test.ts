/**
 * Eagle Eye v1 event delivery over the WebSocket poll (seed 001, "Poll" and "WebSocket Polling"):
 * a subscriber asking for resource `event` with an event list gets those events pushed as they
 * happen. The simulator's clock is set two seconds before a planned motion event, so its start
 * (EMES, and the thumbnail PRTH made for it) and its end (EMEE) happen during the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { formatEen } from '../../../simulator/een-v1/timestamps.js';
import { planSlot, SLOT_MS } from '../../../simulator/media/plan.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { eenV1AuthKey } from '../../support/een-v1-login.js';
import { startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';

const CAMERA = 1;

/** A short planned motion event of CAMERA in the last day, well inside its segment. */
function shortMotion(): { startMs: number; endMs: number } {
  for (let slot = Math.floor(Date.now() / SLOT_MS) - 300; ; slot += 1) {
    const planned = planSlot(CAMERA, slot);
    const m = planned?.motion.find((e) => e.endMs - e.startMs <= 8_000 && e.startMs - planned.startMs >= 10_000 && planned.endMs - e.endMs >= 10_000);
    if (m) return m;
  }
}

type Frame = { status_code: number; data?: Record<string, { event?: Record<string, Record<string, unknown>> }> };

describe('Eagle Eye v1 WebSocket poll events', () => {
  const motion = shortMotion();
  const offset = motion.startMs - 2_000 - Date.now();
  let sim: SimulatorHandle;
  let site: SiteDescription;
  let esn: string;

  beforeAll(async () => {
    sim = await startTestSimulator([eagleEyeV1Module], { cameras: 2, rtsp: false, now: () => Date.now() + offset });
    site = sim.sites['eagleeye-v1'] as SiteDescription;
    esn = sim.context.media.cameras[CAMERA]!.esn;
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('pushes the listed events (motion start and end, the thumbnail) to an event-only subscriber', async () => {
    const authKey = await eenV1AuthKey(site);
    const ws = new WebSocket(`${site.url.replace(/^http/, 'ws')}/api/v2/Device/${site.accountId as string}/Events`, { headers: { cookie: `auth_key=${authKey}` } });
    const frames: Frame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(JSON.stringify({ cameras: { [esn]: { resource: ['event'], event: ['EMES', 'EMEE', 'PRTH'] } } }));
      const events = (code: string): Record<string, unknown>[] =>
        frames.flatMap((f) => {
          const event = f.data?.[esn]?.event?.[code];
          return event ? [event] : [];
        });
      await waitUntil('EMES, PRTH and EMEE frames', 25_000, () => (['EMES', 'EMEE', 'PRTH'].every((c) => events(c).length > 0) ? true : undefined), 100);
      expect(frames.every((f) => f.status_code === 200)).toBe(true);
      expect(events('EMES')).toEqual([expect.objectContaining({ timestamp: formatEen(motion.startMs), cameraid: esn })]);
      expect(events('EMEE')).toEqual([expect.objectContaining({ timestamp: formatEen(motion.endMs), cameraid: esn })]);
      expect(String(events('PRTH')[0]!.timestamp) >= formatEen(motion.startMs)).toBe(true);
      // Only what was asked for: no resource values, no other events.
      for (const f of frames) for (const key of Object.keys(f.data?.[esn] ?? {})) expect(key).toBe('event');
      for (const f of frames) for (const code of Object.keys(f.data?.[esn]?.event ?? {})) expect(['EMES', 'EMEE', 'PRTH']).toContain(code);
    } finally {
      ws.close();
    }
  });
});
