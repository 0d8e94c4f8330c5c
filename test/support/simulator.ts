/**
 * Starts a simulator for integration tests. Media is cached in <repo>/.cache/sim-media so the
 * ffmpeg work is paid once per machine, not once per test file.
 */
import { fileURLToPath } from 'node:url';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../main/simulator/server.js';
import type { SimApiModule } from '../../main/simulator/types.js';

export const simCacheDir = fileURLToPath(new URL('../../.cache/sim-media', import.meta.url));

export function startTestSimulator(
  modules: readonly SimApiModule[],
  options: Partial<Omit<SimulatorOptions, 'modules'>> = {},
): Promise<SimulatorHandle> {
  return startSimulator({ cameras: 4, hours: 1, cacheDir: simCacheDir, ...options, modules });
}
