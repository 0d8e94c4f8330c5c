import { describe, expect, it } from 'vitest';
import { buildCatalogue, cameraEsn, MAX_CAMERAS } from '../../../simulator/media/catalogue.js';

describe('media catalogue', () => {
  it('gives 64 cameras distinct ESNs, names and scenes', () => {
    const all = buildCatalogue(MAX_CAMERAS);
    expect(new Set(all.map((e) => e.camera.esn)).size).toBe(64);
    expect(new Set(all.map((e) => e.camera.name)).size).toBe(64);
    expect(new Set(all.map((e) => `${e.scene.source}/${e.scene.accent}`)).size).toBe(64);
    for (const { camera } of all) expect(camera.esn).toMatch(/^[0-9a-f]{8}$/);
  });

  it('is deterministic per index, whatever the camera count', () => {
    expect(buildCatalogue(8)[3]).toEqual(buildCatalogue(64)[3]);
    expect(cameraEsn(3)).toBe('1000a003');
    expect(buildCatalogue(2).map((e) => e.camera.name)).toEqual(['Lobby', 'Parking North']);
  });

  it('mixes GOPs, audio and one live encoder', () => {
    const cams = buildCatalogue(8).map((e) => e.camera);
    expect(cams.filter((c) => c.gopSeconds === 4).map((c) => c.index)).toEqual([2, 5]);
    expect(cams.filter((c) => c.audio).length).toBe(4);
    expect(cams.filter((c) => c.liveMode === 'encode').map((c) => c.index)).toEqual([0]);
    expect(cams[0]!.profiles.main).toMatchObject({ width: 1280, height: 720 });
    expect(cams[0]!.profiles.sub).toMatchObject({ width: 640, height: 360 });
  });

  it('rejects counts outside 1..64', () => {
    expect(() => buildCatalogue(0)).toThrow(RangeError);
    expect(() => buildCatalogue(65)).toThrow(RangeError);
  });
});
