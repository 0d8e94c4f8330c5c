// The registry now covers every site kind (Eagle Eye v1 was the last), and the add-site form's
// per-kind sign-in table (renderer/src/components/site-words.ts: a new site has no capabilities
// yet) cannot drift from what the adapters declare.
import { describe, expect, it } from 'vitest';
import { siteKinds } from '../../../preload/contract/index.js';
import { signInByKind } from '../../../renderer/src/components/site-words.js';
import { eagleEyeV1AdapterFactory } from '../../../main/vms/eagle-eye-v1/adapter.js';
import { adapterFactory, hasAdapter } from '../../../main/vms/registry.js';
import { adapterContext } from './adapter-context.js';

describe('adapter registry', () => {
  it('has an adapter for every kind, eagleeye-v1 included', () => {
    for (const kind of siteKinds) expect(hasAdapter(kind)).toBe(true);
    expect(adapterFactory('eagleeye-v1')).toBe(eagleEyeV1AdapterFactory);
  });

  it.each(siteKinds)('%s: the add form signs in the way the adapter says', (kind) => {
    expect(signInByKind[kind]).toBe(adapterFactory(kind).create(adapterContext(kind)).capabilities.signIn);
  });
});
