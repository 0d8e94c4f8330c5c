/** The whole simulator: every simulated VMS API on its own ports. */
import { eagleEyeV1Module } from './een-v1/index.js';
import { eagleEyeV3Module } from './een-v3/index.js';
import { exacqModule } from './exacq/index.js';
import { aipixModule } from './aipix/index.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from './server.js';
import type { SimApiModule } from './types.js';

export const simModules: readonly SimApiModule[] = [eagleEyeV1Module, eagleEyeV3Module, exacqModule, aipixModule];

export function startFullSimulator(options: Omit<SimulatorOptions, 'modules'>): Promise<SimulatorHandle> {
  return startSimulator({ ...options, modules: simModules });
}

export type { SimulatorHandle, SimulatorOptions };
export { watchChildrenWith } from './child-watch.js';
