/**
 * exacqVision wire → Tessera terms. The only place exacq times are converted: requests carry
 * RFC 3339 with the server's local offset (config.web `timezone`, in hours), answers come in UTC
 * `Z` (or, rarely, with an offset or none at all, which then means server-local).
 */
import type { CameraState, ServerLayout, ServerTour, StreamProfileInfo } from '../../../preload/contract/index.js';
import type { CameraRecord } from '../adapter.js';
import { coveredMs, mergePeriods, type Period } from '../../../common/time-periods.js';
import type { WireCamera, WireTour, WireView } from './wire-types.js';

/** video.web `format` codes (seed 003, Get Video). */
export const ExacqFormat = { nativeJpeg: 0, h264: 5, transcodedJpeg: 6, h265: 7 } as const;

// ---- time ---------------------------------------------------------------------------------

/** Server offset in whole minutes from `timezone` hours (5.5 → 330). */
function offsetMinutes(timezoneHours: number): number {
  return Math.round(timezoneHours * 60);
}

/**
 * Epoch ms → RFC 3339 in the server's local time, whole seconds, as exacq clients send it:
 * 1_700_000_000_000 with timezone -4 → "2023-11-14T18:13:20-04:00".
 * `round` picks the second for a time between two (floor for starts, ceil for ends).
 */
export function toExacqTime(ms: number, timezoneHours: number, round: 'floor' | 'ceil' = 'floor'): string {
  const offset = offsetMinutes(timezoneHours);
  const seconds = round === 'ceil' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
  const local = new Date(seconds * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * RFC 3339 → epoch ms. A time without a zone is server-local (`timezone` hours). Undefined when
 * it is not a time at all.
 */
export function fromExacqTime(text: string, timezoneHours: number): number | undefined {
  const m = rfc3339.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(wall) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  let offset = offsetMinutes(timezoneHours);
  if (zone && zone.toUpperCase() === 'Z') offset = 0;
  else if (zone) {
    const digits = zone.slice(1).replace(':', '');
    offset = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  return wall - offset * 60_000;
}

/**
 * The clip period holding atMs. Clip ends are whole seconds (the frames of the clip's last
 * second lie past its stated end), so that last second still counts.
 */
export function clipAt(periods: readonly Period[], atMs: number): Period | undefined {
  return periods.find((p) => atMs >= p.fromMs && atMs < p.toMs + 1000);
}

/**
 * A search's clips → recorded periods (epoch ms, merged, sorted); undefined when a clip's time
 * is not a time (a broken answer, reported as such by the caller).
 */
export function clipsToPeriods(clips: readonly { startTime: string; endTime: string }[], timezoneHours: number): Period[] | undefined {
  const periods: Period[] = [];
  for (const clip of clips) {
    const fromMs = fromExacqTime(clip.startTime, timezoneHours);
    const toMs = fromExacqTime(clip.endTime, timezoneHours);
    if (fromMs === undefined || toMs === undefined) return undefined;
    periods.push({ fromMs, toMs });
  }
  return mergePeriods(periods);
}

/**
 * exacq counts a search in recorded time: `TimeOffset` and frame numbers are ms (frames) from the
 * start of its first clip with the gaps squeezed out. Wall time → that offset; a time in a gap
 * maps to the start of the next clip, a time past the end to the end.
 *
 *   wall    |--A: 10 s--|....gap....|--B: 15 s--|
 *   offset  0          10           10          25
 */
export function searchOffsetOf(periods: readonly Period[], wallMs: number): number {
  let offset = 0;
  for (const p of periods) {
    if (wallMs < p.fromMs) return offset;
    if (wallMs < p.toMs) return offset + (wallMs - p.fromMs);
    offset += p.toMs - p.fromMs;
  }
  return offset;
}

/** The reverse: a search's recorded offset (ms) → wall time; past the end = the end of the last clip. */
export function wallAtSearchOffset(periods: readonly Period[], offsetMs: number): number | undefined {
  let left = Math.max(0, offsetMs);
  for (const p of periods) {
    if (left < p.toMs - p.fromMs) return p.fromMs + left;
    left -= p.toMs - p.fromMs;
  }
  return periods.at(-1)?.toMs;
}

/**
 * Frame rate of a camera's recording from a search's frame count over its recorded time, in
 * whole frames per second; undefined when the numbers are too few to tell (under 5 s recorded)
 * or implausible.
 */
export function recordedFps(frameCount: number | undefined, periods: readonly Period[]): number | undefined {
  const seconds = coveredMs(periods) / 1000;
  if (frameCount === undefined || seconds < 5) return undefined;
  const fps = Math.round(frameCount / seconds);
  return fps >= 1 && fps <= 240 ? fps : undefined;
}

/** Playback rate (1 = real time, negative = backwards) → exacq's playspeed (100 = 1×, range ±12800). */
export function toExacqSpeed(rate: number): number | undefined {
  const speed = Math.round(rate * 100);
  return Number.isFinite(speed) && Math.abs(speed) <= 12800 ? speed : undefined;
}

// ---- cameras ------------------------------------------------------------------------------

export interface ExacqCameras {
  cameras: CameraRecord[];
  /** Main camera id → the id of its sub (lower quality) stream, where showAll listed one. */
  subStreams: Map<string, string>;
  /** Camera id (main or sub) → the video.web formats it accepts. */
  formats: Map<string, number[]>;
}

function cameraState(cam: WireCamera): { state: CameraState; stateDetail?: string } {
  if (cam.disabled) return { state: 'off', stateDetail: 'turned off on the exacqVision server' };
  if (cam.state === undefined) return { state: 'unknown' };
  if (cam.state === 0) return { state: 'online' };
  return { state: 'offline', stateDetail: `no video from the camera (exacq state ${cam.state})` };
}

function codecOf(formats: readonly number[] | undefined): string | undefined {
  if (formats?.includes(ExacqFormat.h264)) return 'h264';
  if (formats?.includes(ExacqFormat.h265)) return 'hevc';
  return undefined;
}

/** "Lobby 01 (640x360)" → 640×360: how showAll names a camera's extra quality stream. */
function sizeInName(name: string | undefined): { width: number; height: number } | undefined {
  const m = /\((\d{2,5})\s*[x×]\s*(\d{2,5})\)\s*$/.exec(name ?? '');
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/**
 * The sub stream of each camera among the extra entries of `showAll=true`: the entry named
 * "<camera name> (…)", else the entry whose id is the camera's id + 1. Unmatched extras are
 * ignored (they are streams Tessera cannot place).
 */
function matchSubStreams(main: readonly WireCamera[], extras: readonly WireCamera[]): Map<string, WireCamera> {
  const subs = new Map<string, WireCamera>();
  const byId = new Map(main.map((cam) => [cam.id, cam]));
  for (const extra of extras) {
    const named = main
      .filter((cam) => cam.name && extra.name?.startsWith(`${cam.name} (`))
      .sort((a, b) => (b.name?.length ?? 0) - (a.name?.length ?? 0))[0];
    const owner = named ?? byId.get(String(Number(extra.id) - 1));
    if (owner && !subs.has(owner.id)) subs.set(owner.id, extra);
  }
  return subs;
}

/**
 * config.web cameras → CameraRecords. `all` is the showAll=true list (undefined when the server
 * gave none): entries not in `main` are quality streams, offered as the "sub" profile.
 */
/**
 * The site's offset for the camera records (Camera.utcOffsetMinutes): config.web `timezone`
 * hours in whole minutes, or undefined where the server did not say (times then go as UTC, and
 * the timeline offers no site time rather than a wrong one).
 */
export function siteUtcOffsetMinutes(timezoneHours: number | undefined): number | undefined {
  if (timezoneHours === undefined || !Number.isFinite(timezoneHours) || Math.abs(timezoneHours) > 14) return undefined;
  return offsetMinutes(timezoneHours);
}

export function toCameraRecords(main: readonly WireCamera[], all: readonly WireCamera[] | undefined, timezoneHours?: number): ExacqCameras {
  const utcOffsetMinutes = siteUtcOffsetMinutes(timezoneHours);
  const mainIds = new Set(main.map((cam) => cam.id));
  const subs = matchSubStreams(main, (all ?? []).filter((cam) => !mainIds.has(cam.id)));
  const formats = new Map<string, number[]>();
  const subStreams = new Map<string, string>();
  const seen = new Set<string>();
  const cameras: CameraRecord[] = [];
  for (const cam of main) {
    if (seen.has(cam.id)) continue; // a repeated id would make two tiles fight over one camera
    seen.add(cam.id);
    formats.set(cam.id, cam.formats ?? []);
    const codec = codecOf(cam.formats);
    const profiles: StreamProfileInfo[] = [{ name: 'main', ...(codec ? { codec } : {}) }];
    const sub = subs.get(cam.id);
    if (sub) {
      subStreams.set(cam.id, sub.id);
      formats.set(sub.id, sub.formats ?? []);
      const subCodec = codecOf(sub.formats);
      profiles.push({ name: 'sub', ...sizeInName(sub.name), ...(subCodec ? { codec: subCodec } : {}) });
    }
    cameras.push({
      id: cam.id,
      name: cam.name?.trim() || `Camera ${cam.id}`,
      ...cameraState(cam),
      // config.web says nothing about recording; the wall shows it only where the VMS tells.
      recording: false,
      groups: [],
      profiles,
      ...(utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes }),
    });
  }
  return { cameras, subStreams, formats };
}

// ---- views and tours ----------------------------------------------------------------------

/** Tessera grids are at most 16 × 16 (serverLayoutSchema). */
const maxSide = 16;
const cameraItemType = 1;

/** Columns × rows for n panels: the smallest near-square grid (4 → 2×2, 6 → 3×2, 16 → 4×4). */
export function gridFor(panels: number): { columns: number; rows: number } {
  const n = Math.max(1, Math.min(maxSide * maxSide, Math.floor(panels)));
  const columns = Math.min(maxSide, Math.ceil(Math.sqrt(n)));
  return { columns, rows: Math.min(maxSide, Math.ceil(n / columns)) };
}

/**
 * A view → ServerLayout: panels fill the grid left to right, top to bottom by slot. Camera ids are
 * global ("<siteId>/<camera id>"); map items and empty panels are empty tiles.
 *
 *   layout 4, items slot 0 cam A, slot 3 cam B:   A .
 *                                                 . B
 */
export function toServerLayout(view: WireView, siteId: string): ServerLayout {
  const items = view.items ?? [];
  const slotOf = (item: (typeof items)[number], index: number): number => item.slot ?? index;
  const panels = Math.max(view.layout ?? 1, ...items.map((item, i) => slotOf(item, i) + 1));
  const { columns, rows } = gridFor(panels);
  const bySlot = new Map<number, string>();
  items.forEach((item, i) => {
    if ((item.type ?? cameraItemType) === cameraItemType && !bySlot.has(slotOf(item, i))) bySlot.set(slotOf(item, i), `${siteId}/${item.id}`);
  });
  const tiles: ServerLayout['tiles'] = [];
  for (let slot = 0; slot < columns * rows; slot += 1) {
    const camera = bySlot.get(slot);
    tiles.push({ x: slot % columns, y: Math.floor(slot / columns), width: 1, height: 1, cameraIds: camera ? [camera] : [] });
  }
  return { id: view.id, siteId, name: view.name.trim() || `View ${view.id}`, columns, rows, tiles };
}

/** Default dwell when a tour item names none, ms. */
const defaultDwellMs = 10_000;

function itemKind(type: string | number): 'view' | 'camera' | undefined {
  const t = typeof type === 'string' ? type.toLowerCase() : type;
  if (t === 'view' || t === 2) return 'view';
  if (t === 'camera' || t === cameraItemType) return 'camera';
  return undefined;
}

/** A tour → ServerTour; view steps carry the view's layout id and cameras, unknown items are left out. */
export function toServerTour(tour: WireTour, layouts: ReadonlyMap<string, ServerLayout>, siteId: string): ServerTour {
  const steps: ServerTour['steps'] = [];
  for (const item of tour.items ?? []) {
    const dwellMs = Math.round((item.dwell ?? defaultDwellMs / 1000) * 1000);
    const kind = itemKind(item.type);
    if (kind === 'camera') steps.push({ cameraIds: [`${siteId}/${item.id}`], dwellMs });
    if (kind === 'view') {
      const layout = layouts.get(item.id);
      if (layout) steps.push({ layoutId: layout.id, cameraIds: layout.tiles.flatMap((t) => t.cameraIds), dwellMs });
    }
  }
  return { id: tour.id, siteId, name: tour.name.trim() || `Tour ${tour.id}`, steps };
}
