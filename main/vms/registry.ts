/** Every VMS kind Tessera speaks, and the factory that makes its adapter. */
import { AppFailure, type SiteKind } from '../../preload/contract/index.js';
import type { AdapterFactory } from './adapter.js';
import { rtspAdapterFactory } from './rtsp/adapter.js';

const factories: Partial<Record<SiteKind, AdapterFactory>> = {
  rtsp: rtspAdapterFactory,
};

export function hasAdapter(kind: SiteKind): boolean {
  return factories[kind] !== undefined;
}

export function adapterFactory(kind: SiteKind): AdapterFactory {
  const factory = factories[kind];
  if (!factory) throw new AppFailure('unsupported', `Tessera cannot talk to ${kind} sites yet.`);
  return factory;
}
