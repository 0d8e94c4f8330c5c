// A camera's coverage through its adapter's recorded part (main/vms/coverage.ts): clipped to the
// window asked, marks sorted and filtered, and a clear code where there is nothing to list.
import { describe, expect, it } from 'vitest';
import { coverageOf } from '../../../main/vms/coverage.js';
import type { RecordedMedia } from '../../../main/vms/adapter.js';
import { failure, recordedParts } from '../../support/adapter-harness.js';

const where = { site: 'Depot', cameraId: 'site-1/7', siteCameraId: '7' };
const still: RecordedMedia['still'] = async () => ({ jpeg: Buffer.alloc(0), timestampMs: 0 });

describe('coverageOf', () => {
  it('clips the periods to the window and keeps the marks inside it, sorted', async () => {
    const asked: string[] = [];
    const recorded = recordedParts({
      still,
      coverage: async (id, from, to) => {
        asked.push(`coverage ${id} ${from} ${to}`);
        return [{ fromMs: 500, toMs: 1_500 }, { fromMs: 1_400, toMs: 2_000 }, { fromMs: 2_500, toMs: 9_000 }];
      },
      marks: async () => [{ atMs: 3_000, type: 'event' as const }, { atMs: 900, type: 'motion' as const }, { atMs: 5_000, type: 'motion' as const }],
    });
    const coverage = await coverageOf({ kind: 'exacq', recorded }, where, 1_000, 5_000);
    expect(asked).toEqual(['coverage 7 1000 5000']);
    expect(coverage).toEqual({
      cameraId: 'site-1/7',
      fromMs: 1_000,
      toMs: 5_000,
      periods: [{ fromMs: 1_000, toMs: 2_000 }, { fromMs: 2_500, toMs: 5_000 }],
      marks: [{ atMs: 3_000, type: 'event' }],
      marksKnown: true,
    });
  });

  it('says marks are unknown where the VMS gives none', async () => {
    const coverage = await coverageOf({ kind: 'aipix', recorded: recordedParts({ still, coverage: async () => [], marks: async () => null }) }, where, 0, 10);
    expect(coverage).toMatchObject({ periods: [], marks: [], marksKnown: false });
  });

  it('an RTSP site: not-recorded, naming the site', async () => {
    const err = await failure(coverageOf({ kind: 'rtsp' }, { ...where, site: 'Gate' }, 0, 10));
    expect(err.error).toMatchObject({ code: 'not-recorded', message: 'Gate: this site has no recordings Tessera can show (RTSP / ONVIF cameras).' });
  });

});
