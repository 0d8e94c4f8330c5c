/**
 * AIPIX camera objects (client API shape from docs.aipix.ai "getting multiple cameras"), ids,
 * UUIDs (what the integration API keys cameras by) and Laravel-style pagination.
 */
import type { ProfileName, SimCamera, SimMedia } from '../types.js';
import { archiveRanges } from './archive.js';
import { formatMicros, formatSqlTime } from './time.js';

export type StreamType = 'high' | 'low';

export const streamProfile: Record<StreamType, ProfileName> = { high: 'main', low: 'sub' };

/** Client API camera id: 1-based. */
export function aipixCameraId(index: number): number {
  return index + 1;
}

export function streamId(index: number, type: StreamType): number {
  return aipixCameraId(index) * 10 + (type === 'high' ? 1 : 2);
}

/** Deterministic UUIDs built from the ESN, so they survive restarts (integrators store them). */
export function cameraUuid(cam: SimCamera): string {
  return `00000000-0000-4000-8000-${cam.esn.padStart(12, '0')}`;
}

export function streamUuid(cam: SimCamera, type: StreamType): string {
  return `00000000-0000-4000-${type === 'high' ? '8001' : '8002'}-${cam.esn.padStart(12, '0')}`;
}

export function cameraByClientId(media: SimMedia, raw: string | undefined): SimCamera | undefined {
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return media.cameras[Number(raw) - 1];
}

export function cameraByUuid(media: SimMedia, uuid: unknown): SimCamera | undefined {
  return typeof uuid === 'string' ? media.cameras.find((cam) => cameraUuid(cam) === uuid.toLowerCase()) : undefined;
}

/**
 * A client-API camera object. `archive_ranges` lists what is recorded, as the integration API's
 * ranges do ([{from, to}] in the response time format; the client API's shape is not published).
 */
export function cameraJson(media: SimMedia, cam: SimCamera, createdMs: number, nowMs: number): Record<string, unknown> {
  const online = media.isOnline(cam.index);
  const status = online ? 'active' : 'inactive';
  const streams = (['high', 'low'] as const).map((type) => {
    const profile = cam.profiles[streamProfile[type]];
    return {
      id: streamId(cam.index, type),
      type,
      camera_id: aipixCameraId(cam.index),
      is_preview_from_server: true,
      is_archive_from_server: type === 'high' ? true : null,
      status,
      has_sound: cam.audio,
      width: profile.width,
      height: profile.height,
    };
  });
  return {
    id: aipixCameraId(cam.index),
    group_id: 1,
    status,
    type: 'media_server_v2',
    start_at: '',
    created_at: formatSqlTime(createdMs),
    billing_id: null,
    pretty_name: cam.name,
    pretty_text: 'Cameras',
    short_address: 'Cameras',
    full_address: 'Cameras',
    lat: null,
    lng: null,
    azimuth: null,
    streams,
    services: { ptz: false, motion_detect: true },
    has_sound: cam.audio,
    archive_ranges: archiveRanges(media, cam.index, media.historyStartMs, nowMs).map((r) => ({ from: formatMicros(r.startMs), to: formatMicros(r.endMs) })),
    is_archive_recording: true,
    is_bridge: false,
    is_favorite: false,
    user_status: 'active',
    name: cam.name,
  };
}

export interface Page<T> {
  data: T[];
  links: { first: string; last: string; prev: string | null; next: string | null };
  meta: { current_page: number; from: number | null; last_page: number; path: string; per_page: number; to: number | null; total: number };
}

/** Laravel's paginator resource: `data`, `links`, `meta` (1-based pages; `from`/`to` null on an empty page). */
export function paginate<T>(items: readonly T[], page: number, perPage: number, path: string, query: URLSearchParams): Page<T> {
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const data = items.slice(start, start + perPage);
  const link = (n: number): string => {
    const q = new URLSearchParams(query);
    q.set('page', String(n));
    return `${path}?${q.toString()}`;
  };
  return {
    data,
    links: { first: link(1), last: link(lastPage), prev: page > 1 ? link(page - 1) : null, next: page < lastPage ? link(page + 1) : null },
    meta: {
      current_page: page,
      from: data.length ? start + 1 : null,
      last_page: lastPage,
      path,
      per_page: perPage,
      to: data.length ? start + data.length : null,
      total,
    },
  };
}
