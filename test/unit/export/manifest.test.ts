import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checkManifestSignature, compareFile, MANIFEST_FORMAT, publicKeyField, signManifest, type ManifestBody } from '../../../main/export/manifest.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const body: ManifestBody = {
  format: MANIFEST_FORMAT,
  file: { name: 'dock.mp4', sizeBytes: 1234, sha256: 'a'.repeat(64) },
  camera: { id: 'site-1/cam-1', name: 'Dock' },
  site: { name: 'HQ', vendor: 'exacq' },
  operator: 'alice',
  requested: { fromMs: 1000, toMs: 2000 },
  actual: { firstFrameMs: 900, lastFrameMs: 1990, source: 'recording-time' },
  gaps: [],
  durationS: 1.1,
  streams: [{ type: 'video', codec: 'h264', width: 160, height: 90 }],
  burnedTimestamp: false,
  tesseraVersion: '0.1.0',
  createdAt: '2026-11-22T02:20:00.000Z',
  publicKey: publicKeyField(publicKey),
};

describe('canonicalJson', () => {
  it('sorts keys at every level, so the signed bytes do not depend on key order or indentation', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
  });
});

describe('manifest signature', () => {
  it('verifies as signed, also re-indented', () => {
    const signed = signManifest(body, privateKey);
    expect(checkManifestSignature(JSON.stringify(signed))).toMatchObject({ ok: true });
    expect(checkManifestSignature(JSON.stringify(signed, null, 7))).toMatchObject({ ok: true });
  });
  it('fails when any signed value changed', () => {
    const signed = signManifest(body, privateKey);
    const changed = { ...signed, requested: { fromMs: 1000, toMs: 2001 } };
    expect(checkManifestSignature(JSON.stringify(changed))).toMatchObject({ ok: false, reason: expect.stringContaining('signature does not match') });
  });
  it('fails when the key was swapped for another (its fingerprint no longer matches)', () => {
    const other = generateKeyPairSync('ed25519');
    const signed = signManifest(body, privateKey);
    const swapped = { ...signed, publicKey: { ...signed.publicKey, spkiDer: publicKeyField(other.publicKey).spkiDer } };
    expect(checkManifestSignature(JSON.stringify(swapped))).toMatchObject({ ok: false, reason: expect.stringContaining('fingerprint') });
  });
  it('says plainly when the text is not a manifest', () => {
    expect(checkManifestSignature('{nope')).toEqual({ ok: false, reason: 'the manifest is not JSON' });
    expect(checkManifestSignature('{"format":"x"}')).toMatchObject({ ok: false, reason: expect.stringContaining('not a Tessera evidence manifest') });
  });
  it('compares the measured file with the signed size and hash', () => {
    const signed = signManifest(body, privateKey);
    expect(compareFile(signed, { sizeBytes: 1234, sha256: 'a'.repeat(64) })).toBeUndefined();
    expect(compareFile(signed, { sizeBytes: 1235, sha256: 'a'.repeat(64) })).toBe('the file is 1235 bytes, the manifest says 1234');
    expect(compareFile(signed, { sizeBytes: 1234, sha256: 'b'.repeat(64) })).toMatch(/SHA-256 differs/);
  });
});
