/**
 * exacq camera ids and the config.web camera list. Real servers hand out large integer ids
 * (the seed's DPTZ sample shows camera "4590080"); `showAll=true` also lists each camera's
 * unused quality stream as a camera of its own, which here is the sub profile.
 */
import type { ProfileName, SimCamera, SimMedia } from '../types.js';

/** video.web `format` codes (seed: Get Video (Legacy)). */
export const Format = { nativeJpeg: 0, mpeg1: 1, mpeg2: 2, h263: 3, mpeg4: 4, h264: 5, transcodedJpeg: 6, h265: 7 } as const;

/** Our cameras are H.264, so native JPEG (0) is absent, as on a real H.264 camera. */
export const cameraFormats: readonly number[] = [Format.h264, Format.transcodedJpeg];

const firstId = 4590080;
/** Ids step by 256 so the sub stream can take base + 1 without colliding. */
const idStep = 256;

export interface CameraRef {
  id: number;
  index: number;
  profile: ProfileName;
}

export function cameraId(index: number, profile: ProfileName = 'main'): number {
  return firstId + index * idStep + (profile === 'sub' ? 1 : 0);
}

export function resolveCamera(media: SimMedia, raw: string | undefined): CameraRef | undefined {
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const id = Number(raw);
  const offset = id - firstId;
  if (offset < 0) return undefined;
  const index = Math.floor(offset / idStep);
  const rest = offset % idStep;
  if (index >= media.cameras.length || rest > 1) return undefined;
  return { id, index, profile: rest === 1 ? 'sub' : 'main' };
}

function cameraJson(media: SimMedia, cam: SimCamera, profile: ProfileName): Record<string, unknown> {
  const stream = cam.profiles[profile];
  return {
    id: cameraId(cam.index, profile),
    name: profile === 'main' ? cam.name : `${cam.name} (${stream.width}x${stream.height})`,
    // 0 = video OK; anything else = no video (§4.4).
    state: media.isOnline(cam.index) ? 0 : 1,
    disabled: 0,
    formats: [...cameraFormats],
  };
}

/** Frame rate of recordings (the media layer records below the live rate to keep encoding cheap). */
export function recordedFps(cam: SimCamera, profile: ProfileName): number {
  return cam.recordingFps ?? cam.profiles[profile].fps;
}

export function cameraList(media: SimMedia, showAll: boolean): Record<string, unknown>[] {
  return media.cameras.flatMap((cam) =>
    showAll ? [cameraJson(media, cam, 'main'), cameraJson(media, cam, 'sub')] : [cameraJson(media, cam, 'main')],
  );
}
