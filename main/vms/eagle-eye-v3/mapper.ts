/**
 * Eagle Eye v3 wire records → Tessera's terms. The only place where v3 timestamps
 * (ISO 8601 with milliseconds and "+00:00") and epoch milliseconds meet. Pure.
 */
import type { CameraState, Mark, ServerLayout } from '../../../preload/contract/index.js';
import type { Period } from '../../../common/time-periods.js';
import type { CameraRecord } from '../adapter.js';
import type { WireCamera, WireEvent, WireLayout, WireMediaInterval } from './wire-types.js';

// Date, time to the second, optional fraction, then Z or ±hh:mm.
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Epoch ms → `2022-08-08T07:57:37.000+00:00`. Always "+00:00", never "Z": EEN's own notes say
 * GET /media refuses the Z form with 400.
 */
export function toEenTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}

/** An EEN timestamp (any offset, Z tolerated) → epoch ms; undefined when it is not one. */
export function fromEenTimestamp(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const m = timestampPattern.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // The API works in ms: finer digits are truncated, not rounded.
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const oh = Number(zone!.slice(1, 3));
    const om = Number(zone!.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = (zone!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(Number(y), month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

/**
 * `status.connectionStatus` → CameraState with the reason in words. The vendor's how-to text
 * also says "offline", which is not in the enum: anything unknown counts as offline.
 */
export function cameraStateOf(connectionStatus: string | null | undefined): { state: CameraState; stateDetail?: string } {
  switch (connectionStatus) {
    case 'online':
      return { state: 'online' };
    case 'deviceOffline':
    case 'offline':
      return { state: 'offline', stateDetail: 'the camera is offline' };
    case 'bridgeOffline':
      return { state: 'offline', stateDetail: 'the bridge the camera is attached to is offline' };
    case 'invalidCredentials':
      return { state: 'unauthorized', stateDetail: 'the bridge cannot log in to the camera (invalid credentials)' };
    case 'off':
      return { state: 'off', stateDetail: 'the camera is turned off' };
    case 'error':
      return { state: 'offline', stateDetail: 'the camera reports an error' };
    case 'unknown':
    case null:
    case undefined:
      return { state: 'unknown', stateDetail: 'the site does not know the camera status' };
    default:
      return { state: 'offline', stateDetail: `the site reports the status "${connectionStatus.slice(0, 40)}"` };
  }
}

export function toCameraRecord(camera: WireCamera): CameraRecord {
  const { state, stateDetail } = cameraStateOf(camera.status?.connectionStatus);
  const location = camera.locationSummary?.name?.trim();
  const groups = [...(location ? [location] : []), ...(camera.tags ?? []).filter((t) => t.trim() !== '' && t !== location)];
  return {
    id: camera.id,
    name: camera.name.trim() || camera.id,
    state,
    ...(stateDetail ? { stateDetail } : {}),
    // v3 reports no "recording" flag in /cameras. EEN cameras record (cloud or bridge) while
    // connected, so "online" is the best the list can say; recorded stills show the truth.
    recording: state === 'online',
    groups,
    // EEN "main" is the full stream, "preview" the small one (Tessera's "sub").
    profiles: [{ name: 'main' }, { name: 'sub' }],
  };
}

/** Tessera grids are at most this many rows (serverLayoutSchema). */
const maxRows = 16;

export interface PackedPane {
  x: number;
  y: number;
  size: number;
}

/**
 * Places panes the way EEN's layout view flows them: left to right, top to bottom, each pane a
 * size × size block (size 1–3, clipped to the column count) in the first free spot.
 *
 *   paneColumns 3, sizes [2,1,1,1]:   A A B
 *                                     A A C
 *                                     D . .
 */
export function packPanes(sizes: readonly number[], columns: number): PackedPane[] {
  const cols = Math.max(1, Math.min(16, Math.floor(columns)));
  const taken: boolean[][] = [];
  const free = (x: number, y: number, size: number): boolean => {
    if (x + size > cols) return false;
    for (let dy = 0; dy < size; dy += 1) for (let dx = 0; dx < size; dx += 1) if (taken[y + dy]?.[x + dx]) return false;
    return true;
  };
  const out: PackedPane[] = [];
  let cursor = 0;
  for (const raw of sizes) {
    const size = Math.max(1, Math.min(3, cols, Math.floor(raw) || 1));
    let spot = cursor;
    while (!free(spot % cols, Math.floor(spot / cols), size)) spot += 1;
    const x = spot % cols;
    const y = Math.floor(spot / cols);
    for (let dy = 0; dy < size; dy += 1) for (let dx = 0; dx < size; dx += 1) (taken[y + dy] ??= [])[x + dx] = true;
    out.push({ x, y, size });
    while (taken[Math.floor(cursor / cols)]?.[cursor % cols]) cursor += 1;
  }
  return out;
}

/**
 * A v3 layout → ServerLayout. Camera ids are global ("<siteId>/<esn>") like every camera id the
 * renderer sees. Panes beyond 16 rows are left out (`dropped` says how many).
 */
export function toServerLayout(layout: WireLayout, siteId: string): { layout: ServerLayout; dropped: number } {
  const columns = Math.max(1, Math.min(6, layout.settings?.paneColumns ?? Math.ceil(Math.sqrt(Math.max(1, layout.panes.length)))));
  const packed = packPanes(
    layout.panes.map((p) => p.size ?? 1),
    columns,
  );
  const tiles: ServerLayout['tiles'] = [];
  let dropped = 0;
  layout.panes.forEach((pane, i) => {
    const place = packed[i]!;
    if (place.y + place.size > maxRows) {
      dropped += 1;
      return;
    }
    // compositePreview panes and empty panes have no camera of their own: an empty tile.
    tiles.push({ x: place.x, y: place.y, width: place.size, height: place.size, cameraIds: pane.cameraId ? [`${siteId}/${pane.cameraId}`] : [] });
  });
  const rows = Math.max(1, ...tiles.map((t) => t.y + t.height));
  return { layout: { id: layout.id, siteId, name: layout.name.trim() || layout.id, columns, rows, tiles }, dropped };
}

/** A recorded interval in epoch ms with the URLs that play it. */
export interface RecordedInterval extends Period {
  flvUrl?: string;
  mp4Url?: string;
}

/** `/media` intervals → epoch ms, oldest first; unreadable or empty ones are left out. */
export function toIntervals(items: readonly WireMediaInterval[]): RecordedInterval[] {
  const out: RecordedInterval[] = [];
  for (const item of items) {
    const fromMs = fromEenTimestamp(item.startTimestamp);
    const toMs = fromEenTimestamp(item.endTimestamp);
    if (fromMs === undefined || toMs === undefined || toMs <= fromMs) continue;
    out.push({ fromMs, toMs, ...(item.flvUrl ? { flvUrl: item.flvUrl } : {}), ...(item.mp4Url ? { mp4Url: item.mp4Url } : {}) });
  }
  return out.sort((a, b) => a.fromMs - b.fromMs);
}

/** The motion event types Tessera asks /events for, with the words a mark shows. */
export const motionEventLabels: Record<string, string> = {
  'een.motionDetectionEvent.v1': 'Motion',
  'een.motionInRegionDetectionEvent.v1': 'Motion in a region',
  'een.personMotionDetectionEvent.v1': 'Person moving',
  'een.vehicleMotionDetectionEvent.v1': 'Vehicle moving',
};

/** `/events` items → motion marks starting inside [fromMs, toMs), sorted. */
export function toMotionMarks(events: readonly WireEvent[], fromMs: number, toMs: number): Mark[] {
  const marks: Mark[] = [];
  for (const event of events) {
    const atMs = fromEenTimestamp(event.startTimestamp);
    if (atMs === undefined || atMs < fromMs || atMs >= toMs) continue;
    const endMs = fromEenTimestamp(event.endTimestamp);
    marks.push({ atMs, ...(endMs !== undefined && endMs >= atMs ? { endMs } : {}), type: 'motion', label: motionEventLabels[event.type] ?? 'Motion' });
  }
  return marks.sort((a, b) => a.atMs - b.atMs);
}

/**
 * A recorded URL of /media moved to start at startMs (a keyframe) when it names its range in
 * `startTimestamp`/`endTimestamp`; otherwise the URL as given, which starts at the interval start.
 */
export function recordedUrlFrom(url: string, interval: Period, startMs: number, endMs = interval.toMs): { url: string; startMs: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, startMs: interval.fromMs };
  }
  if (!parsed.searchParams.has('startTimestamp')) return { url, startMs: interval.fromMs };
  parsed.searchParams.set('startTimestamp', toEenTimestamp(startMs));
  if (parsed.searchParams.has('endTimestamp')) parsed.searchParams.set('endTimestamp', toEenTimestamp(endMs));
  return { url: parsed.toString(), startMs };
}
