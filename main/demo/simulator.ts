/**
 * The VMS simulator (simulator/, ~12k lines) for the demo site and `tessera sim`, loaded on demand:
 * a start without the demo never reads its chunk. This is the only place the app reaches the
 * simulator; everything else may import its types only.
 */
import { watchChild } from '../processes/child-reaper.js';
import type { SimulatorHandle, SimulatorOptions } from '../../simulator/index.js';

export type { SimulatorHandle, SimulatorOptions };

/** Starts every simulated VMS API (and its RTSP cameras when GStreamer is there) in this process. */
export async function startFullSimulator(options: Omit<SimulatorOptions, 'modules'>): Promise<SimulatorHandle> {
  const simulator = await import('../../simulator/index.js');
  // Its ffmpeg and RTSP children end with Tessera however it ends, like the app's own.
  simulator.watchChildrenWith(watchChild);
  return simulator.startFullSimulator(options);
}
