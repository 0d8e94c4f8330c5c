import { describe, expect, it } from 'vitest';
import { buildDirectory, filterCameras, parseSort, statusOf } from '../../../simulator/een-v3/cameras.js';
import { defaultEenV3Options } from '../../../simulator/een-v3/config.js';
import { contentDisposition } from '../../../simulator/een-v3/exports.js';
import { cloudRtspUrl } from '../../../simulator/een-v3/feeds.js';
import { parseRange, rewritePlaylist } from '../../../simulator/een-v3/media-host.js';
import { coalesceSpans } from '../../../simulator/een-v3/media.js';
import type { SimCamera, SimMedia } from '../../../simulator/types.js';

function camera(index: number): SimCamera {
  return {
    index,
    esn: `1000a00${index}`,
    name: `Lobby 0${index}`,
    gopSeconds: 1,
    audio: false,
    liveMode: 'loop',
    profiles: { main: { name: 'main', width: 1280, height: 720, fps: 25, bitrateKbps: 2000 }, sub: { name: 'sub', width: 640, height: 360, fps: 25, bitrateKbps: 800 } },
  };
}

describe('camera directory and status', () => {
  const directory = buildDirectory([camera(0), camera(1)], defaultEenV3Options);
  const online = new Set([0]);
  const media = { isOnline: (i: number) => online.has(i) } as unknown as SimMedia;

  it('adds static cameras in fixed states with ESNs that do not clash', () => {
    expect(directory.map((c) => c.esn)).toEqual(['1000a000', '1000a001', '1009f001', '1009f002']);
    expect(directory.map((c) => statusOf(c, media, defaultEenV3Options))).toEqual(['online', 'deviceOffline', 'off', 'invalidCredentials']);
    expect(statusOf(directory[1]!, media, { ...defaultEenV3Options, offlineStatusByIndex: { 1: 'bridgeOffline' } })).toBe('bridgeOffline');
  });

  it('filters case-insensitively', () => {
    const st = (c: (typeof directory)[number]) => statusOf(c, media, defaultEenV3Options);
    expect(filterCameras(directory, { statusIn: ['online'] }, st).map((c) => c.esn)).toEqual(['1000a000']);
    expect(filterCameras(directory, { statusNe: 'online' }, st)).toHaveLength(3);
    expect(filterCameras(directory, { nameContains: 'lobby' }, st)).toHaveLength(2);
    expect(filterCameras(directory, { ids: ['1000a001'] }, st)).toHaveLength(1);
  });

  it('sort needs a +/- prefix, no repeats, no contradictions, at most three', () => {
    expect(parseSort(undefined, false)).toEqual([{ key: 'name', descending: false }]);
    expect(parseSort(['-name'], false)).toEqual([{ key: 'name', descending: true }]);
    expect(() => parseSort(['name'], false)).toThrow(/sort/);
    expect(() => parseSort([' name'], false)).toThrow(/sort/); // an unencoded "+"
    expect(() => parseSort(['+name', '-name'], false)).toThrow(/more than once/);
    expect(() => parseSort(['+qRelevance'], false)).toThrow(/q filter/);
    expect(() => parseSort(['+name', '+locationSummary.name', '+bridgeSummary.name', '+qRelevance'], true)).toThrow(/three/);
  });
});

describe('media helpers', () => {
  it('coalesces intervals whose end is exactly the next start', () => {
    expect(coalesceSpans([{ startMs: 0, endMs: 10 }, { startMs: 10, endMs: 20 }, { startMs: 21, endMs: 30 }])).toEqual([
      { startMs: 0, endMs: 20 },
      { startMs: 21, endMs: 30 },
    ]);
  });

  it('rewrites every playlist URI through the media host, keeping tags', () => {
    const text = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:1.0,\nseg1.m4s\n#EXTINF:1.0,\nhttp://other/seg2.ts\n';
    const out = rewritePlaylist(text, (u) => (u.startsWith('http') ? u : `/x/${u}?esn=1`));
    expect(out).toBe('#EXTM3U\n#EXT-X-MAP:URI="/x/init.mp4?esn=1"\n#EXTINF:1.0,\n/x/seg1.m4s?esn=1\n#EXTINF:1.0,\nhttp://other/seg2.ts\n');
  });

  it('parses single byte ranges', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('invalid');
    expect(parseRange('bytes=0-1,5-6', 100)).toBe('invalid');
  });

  it('builds cloud RTSP URLs that take &access_token= as EEN documents', () => {
    expect(cloudRtspUrl('rtsp://127.0.0.1:8554/c000', '1000a000', 's1')).toBe('rtsp://127.0.0.1:8554/c000?esn=1000a000&stream_session=s1');
    expect(cloudRtspUrl('rtsp://h/c?x=1', 'e', 's')).toBe('rtsp://h/c?x=1&esn=e&stream_session=s');
  });

  it('Content-Disposition keeps a plain filename and an RFC 5987 one', () => {
    expect(contentDisposition('Video Lobby 2022-08-03 23-04-50.mp4')).toBe(`attachment; filename="Video Lobby 2022-08-03 23-04-50.mp4"; filename*=UTF-8''Video%20Lobby%202022-08-03%2023-04-50.mp4`);
    expect(contentDisposition('Café "x".mp4')).toMatch(/^attachment; filename="Caf_ _x_.mp4"; filename\*=UTF-8''Caf%C3%A9%20%22x%22.mp4$/);
  });
});
