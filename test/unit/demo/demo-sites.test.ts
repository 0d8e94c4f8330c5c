import { describe, expect, it } from 'vitest';
import { demoSites } from '../../../main/demo/demo-sites.js';
import type { SimulatorHandle } from '../../../simulator/server.js';

function rtspSites(port: number): SimulatorHandle['sites'] {
  return { rtsp: [0, 1].map((i) => ({ name: `Camera ${i + 1}`, url: `rtsp://127.0.0.1:${port}/camera/${i}` })) } as unknown as SimulatorHandle['sites'];
}

describe('demo sites', () => {
  it('give the RTSP cameras ids that survive the server taking another port', () => {
    const ids = (port: number) => demoSites(rtspSites(port)).flatMap((s) => s.config.rtspCameras?.map((c) => c.id) ?? []);
    expect(ids(40001)).toEqual(['demo-camera-1', 'demo-camera-2']);
    expect(ids(40002)).toEqual(ids(40001));
  });
});
