/**
 * A camera's coverage (recorded periods and motion/event marks) in one window, from its adapter's
 * recorded part: shared by the `recordings:coverage` channel and `tessera coverage`.
 */
import type { Coverage, Mark } from '../../preload/contract/index.js';
import { clipPeriods } from '../../common/time-periods.js';
import type { VmsAdapter } from './adapter.js';
import { recordedMedia } from './capabilities.js';

/**
 * `cameraId` is the app-wide id (echoed in the answer), `siteCameraId` the adapter's. Throws
 * 'not-recorded' for a site without recordings.
 */
export async function coverageOf(
  adapter: Pick<VmsAdapter, 'kind' | 'recorded'>,
  where: { site: string; cameraId: string; siteCameraId: string },
  fromMs: number,
  toMs: number,
): Promise<Coverage> {
  const recorded = recordedMedia(adapter, where.site);
  const [periods, marks] = await Promise.all([recorded.coverage(where.siteCameraId, fromMs, toMs), recorded.marks(where.siteCameraId, fromMs, toMs)]);
  return {
    cameraId: where.cameraId,
    fromMs,
    toMs,
    periods: clipPeriods(periods, fromMs, toMs),
    marks: (marks ?? []).filter((m: Mark) => m.atMs >= fromMs && m.atMs < toMs).sort((a, b) => a.atMs - b.atMs),
    marksKnown: marks !== null,
  };
}
