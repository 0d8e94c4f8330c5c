/**
 * The simulated cameras: a pure, deterministic function of the camera index. The same index
 * always gives the same ESN, name, scene and stream settings, so cached media made by an earlier
 * run stays valid and tests can name cameras by index.
 */
import type { ProfileName, SimCamera, StreamProfile } from '../types.js';

/** Most cameras allowed; ESNs and scenes stay distinct up to here. */
export const MAX_CAMERAS = 64;

/**
 * Recordings are encoded at 10 fps (live runs at 25): a 5-minute segment then costs ~7 s of one
 * core at 360p and ~20 s at 720p with x264 ultrafast, instead of 2.5× that at 25 fps.
 */
export const RECORDING_FPS = 10;

const baseNames = [
  'Lobby', 'Parking North', 'Parking South', 'Loading Dock', 'Main Entrance', 'Server Room',
  'Reception', 'Warehouse Aisle', 'Staff Corridor', 'Roof Access', 'Cafeteria', 'Stairwell East',
  'Stairwell West', 'Back Gate', 'Bike Shed', 'Elevator Hall', 'Mail Room', 'Garage Ramp',
  'Courtyard', 'Fire Exit', 'Cash Office', 'Meeting Room', 'Fence Line', 'Visitor Desk',
] as const;

/**
 * Cheap lavfi sources only (generation + x264 ultrafast, 300 frames of 720p: bars ~1 s, testsrc2 /
 * cellauto ~2 s; `life` 6.6 s and mandelbrot far more, so they are not used).
 */
export const sceneSources = [
  'testsrc2', 'smptebars', 'smptehdbars', 'rgbtestsrc', 'pal75bars', 'yuvtestsrc', 'pal100bars', 'cellauto',
] as const;
export type SceneSource = (typeof sceneSources)[number];

/** Accent colours of the name band; with the source they make 8 × 8 = 64 distinct scenes. */
export const accentColours = [
  '0xE53935', '0x43A047', '0x1E88E5', '0xFDD835', '0x8E24AA', '0xFB8C00', '0x00ACC1', '0xF5F5F5',
] as const;

/** What the picture of one camera looks like; every field goes into cache keys. */
export interface CameraScene {
  source: SceneSource;
  /** ffmpeg colour of the accent bar next to the name. */
  accent: string;
  /** Sine tone of the AAC track, Hz (cameras with audio only). */
  toneHz: number;
}

export interface CatalogueEntry {
  camera: SimCamera;
  scene: CameraScene;
}

export const profiles: Record<ProfileName, Omit<StreamProfile, 'name'>> = {
  // Bitrates are modest on purpose: dozens of publishers share the loopback and two cores.
  main: { width: 1280, height: 720, fps: 25, bitrateKbps: 1200 },
  sub: { width: 640, height: 360, fps: 25, bitrateKbps: 400 },
};

/** Eagle Eye style ESN: 8 lowercase hex characters, 1000a000, 1000a001, ... */
export function cameraEsn(index: number): string {
  return (0x1000a000 + index).toString(16).padStart(8, '0');
}

export function cameraName(index: number): string {
  const base = baseNames[index % baseNames.length]!;
  const round = Math.floor(index / baseNames.length);
  return round === 0 ? base : `${base} ${round + 1}`;
}

export function cameraScene(index: number): CameraScene {
  return {
    source: sceneSources[index % sceneSources.length]!,
    // Shifting the colour once per round of sources keeps (source, accent) unique up to 64.
    accent: accentColours[(index + Math.floor(index / sceneSources.length)) % accentColours.length]!,
    toneHz: 300 + 40 * (index % 16),
  };
}

export function catalogueEntry(index: number): CatalogueEntry {
  return {
    camera: {
      index,
      esn: cameraEsn(index),
      name: cameraName(index),
      // Every third camera has a 4 s GOP: it exercises slow live starts and coarse clip cuts.
      gopSeconds: index % 3 === 2 ? 4 : 1,
      audio: index % 2 === 1,
      // One live x264 encoder costs ~27 % of a core at 720p25 (LAB-NOTES), so only camera 0 shows
      // the real wall clock live; the others publish a pre-encoded loop with stream copy (~1 %).
      liveMode: index === 0 ? 'encode' : 'loop',
      recordingFps: RECORDING_FPS,
      profiles: {
        main: { name: 'main', ...profiles.main },
        sub: { name: 'sub', ...profiles.sub },
      },
    },
    scene: cameraScene(index),
  };
}

export function buildCatalogue(count: number): CatalogueEntry[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CAMERAS) {
    throw new RangeError(`camera count must be an integer 1..${MAX_CAMERAS}, got ${count}`);
  }
  return Array.from({ length: count }, (_, index) => catalogueEntry(index));
}
