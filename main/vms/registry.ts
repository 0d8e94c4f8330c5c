/** Every VMS kind Tessera speaks, and the factory that makes its adapter. */
import { AppFailure, type SiteKind } from '../../preload/contract/index.js';
import type { AdapterFactory } from './adapter.js';
import { aipixAdapterFactory } from './aipix/adapter.js';
import { eagleEyeV1AdapterFactory } from './eagle-eye-v1/adapter.js';
import { eagleEyeV3AdapterFactory } from './eagle-eye-v3/adapter.js';
import { exacqAdapterFactory } from './exacq/adapter.js';
import { rtspAdapterFactory } from './rtsp/adapter.js';

const factories: Record<SiteKind, AdapterFactory> = {
  rtsp: rtspAdapterFactory,
  'eagleeye-v1': eagleEyeV1AdapterFactory,
  'eagleeye-v3': eagleEyeV3AdapterFactory,
  exacq: exacqAdapterFactory,
  aipix: aipixAdapterFactory,
};

export function hasAdapter(kind: SiteKind): boolean {
  return factories[kind] !== undefined;
}

export function adapterFactory(kind: SiteKind): AdapterFactory {
  const factory = factories[kind];
  if (!factory) throw new AppFailure('unsupported', `Tessera cannot talk to ${kind} sites yet.`);
  return factory;
}
