// What a site can do follows from what its adapter implements (main/vms/capabilities.ts): no
// kind claims recorded video without a `recorded` part, server layouts without serverLayouts(),
// or a server export path without a serverExport part.
import { describe, expect, it } from 'vitest';
import { siteKinds, type Capabilities, type SiteKind } from '../../../preload/contract/index.js';
import { capabilitiesOf, recordedMedia } from '../../../main/vms/capabilities.js';
import { adapterFactory } from '../../../main/vms/registry.js';
import { failure, recordedParts } from '../../support/adapter-harness.js';
import { adapterContext } from './adapter-context.js';

const adapterOf = (kind: SiteKind) => adapterFactory(kind).create(adapterContext(kind));

describe('capabilities of each kind', () => {
  const expected: Record<SiteKind, Capabilities> = {
    'eagleeye-v1': { liveFormats: ['flv', 'jpeg'], recorded: true, exportPath: 'server', ptz: false, serverLayouts: true, signIn: 'password' },
    'eagleeye-v3': { liveFormats: ['hls', 'rtsp', 'mjpeg'], recorded: true, exportPath: 'server', ptz: false, serverLayouts: true, signIn: 'oauth' },
    exacq: { liveFormats: ['h264', 'jpeg'], recorded: true, exportPath: 'server', ptz: false, serverLayouts: true, signIn: 'password' },
    aipix: { liveFormats: ['hls', 'rtsp'], recorded: true, exportPath: 'server', ptz: false, serverLayouts: false, signIn: 'password' },
    rtsp: { liveFormats: ['rtsp'], recorded: false, exportPath: 'none', ptz: false, serverLayouts: false, signIn: 'password' },
  };

  it.each(siteKinds)('%s: reports what it implements', (kind) => {
    const adapter = adapterOf(kind);
    expect(adapter.capabilities).toEqual(expected[kind]);
    expect(adapter.capabilities.recorded).toBe(typeof adapter.recorded?.still === 'function');
    expect(adapter.capabilities.serverLayouts).toBe(typeof adapter.serverLayouts === 'function');
    expect(adapter.capabilities.exportPath).toBe(typeof adapter.serverExport?.prepare === 'function' ? 'server' : 'none');
  });

  it('an RTSP site entered without a user signs in with nothing', () => {
    const adapter = adapterFactory('rtsp').create(adapterContext('rtsp', { username: '', url: '' }));
    expect(adapter.capabilities).toEqual({ ...expected.rtsp, signIn: 'none' });
  });
});

describe('capabilitiesOf', () => {
  const declared = { liveFormats: ['hls' as const], ptz: false, signIn: 'password' as const };
  const recorded = recordedParts({ still: async () => ({ jpeg: Buffer.alloc(0), timestampMs: 0 }) });

  it('says recorded and server layouts exactly where the parts are', () => {
    expect(capabilitiesOf(declared, { kind: 'aipix' })).toEqual({ ...declared, recorded: false, exportPath: 'none', serverLayouts: false });
    expect(capabilitiesOf(declared, { kind: 'aipix', recorded, serverLayouts: async () => ({ layouts: [], tours: [] }) })).toEqual({
      ...declared,
      recorded: true,
      exportPath: 'none',
      serverLayouts: true,
    });
  });

  it('says exportPath "server" exactly where a serverExport part is', () => {
    const serverExport = { maxRangeMs: 60_000, prepare: () => Promise.reject(new Error('not called')) };
    expect(capabilitiesOf(declared, { kind: 'aipix', serverExport }).exportPath).toBe('server');
    expect(capabilitiesOf(declared, { kind: 'aipix' }).exportPath).toBe('none');
  });

  it('recordedMedia gives the part, or "not-recorded" naming the site where there is none', async () => {
    expect(recordedMedia({ kind: 'aipix', recorded }, 'Depot')).toBe(recorded);
    const err = await failure((async () => recordedMedia({ kind: 'rtsp' }, 'Gate cameras'))());
    expect(err.error).toMatchObject({ code: 'not-recorded', message: 'Gate cameras: this site has no recordings Tessera can show (RTSP / ONVIF cameras).' });
  });
});
