/**
 * Eagle Eye v1 wire records → Tessera's terms. The only place where v1 timestamps
 * (`YYYYMMDDhhmmss.mmm`, UTC) and epoch milliseconds meet, where the status bitmask is read,
 * and where server layouts become Tessera grids. Pure.
 */
import type { CameraState, Mark, ServerLayout } from '../../../preload/contract/index.js';
import { clipPeriods, type Period } from '../../../common/time-periods.js';
import type { CameraRecord } from '../adapter.js';
import { packPanes } from '../eagle-eye-v3/mapper.js';
import type { AuthenticateAnswer, WireDeviceRow, WireImageRow, WireLayout, WireLayoutPane, WireVideoRow } from './wire-types.js';

const eenPattern = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Epoch ms → `20180102083020.000` (always UTC). */
export function toEenTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/**
 * `20180102083020.000` → epoch ms. Also reads the typed header form of x-ee-timestamp
 * (`preview-20180102083020.000`). Undefined when it is neither or not a real calendar moment.
 */
export function fromEenTimestamp(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const m = eenPattern.exec(text.trim().replace(/^[a-z]+-/, ''));
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m as unknown as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Number(frac.padEnd(3, '0')) : 0);
  // Date.UTC rolls 20180231 over into March: such input is not a timestamp.
  if (toEenTimestamp(ms).slice(0, 14) !== `${y}${mo}${d}${h}${mi}${s}`) return undefined;
  return ms;
}

/** Legacy status bits the overall state is read from (seed 001, "Status Bitmask"). */
export const StatusBit = {
  needsPassword: 0x000100,
  invalid: 0x010000,
  on: 0x020000,
  streaming: 0x040000,
  recording: 0x080000,
  online: 0x100000,
} as const;

export interface DecodedStatus {
  state: CameraState;
  recording: boolean;
  stateDetail?: string;
}

/**
 * The seed's rules, in its order:
 *   value 0 or "Invalid" (bit 16) set → no change: keep the previous status (null here);
 *   "Camera On" (bit 17) clear → Off;  "Registered" (bit 20) clear → Internet Offline;
 *   "Streaming" (bit 18) set → Online;  "Password" (bit 8) set → Password Needed;  else Offline.
 *   Recording = bit 19.
 * A `status64` value is read by its low 32 bits, which carry the same legacy mask.
 */
export function decodeStatus(value: number): DecodedStatus | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const bits = value % 2 ** 32;
  if (bits === 0 || bits & StatusBit.invalid) return null;
  const recording = (bits & StatusBit.recording) !== 0;
  if (!(bits & StatusBit.on)) return { state: 'off', recording, stateDetail: 'the camera is turned off in Eagle Eye' };
  if (!(bits & StatusBit.online)) return { state: 'offline', recording, stateDetail: 'the camera is not registered with Eagle Eye (internet offline)' };
  if (bits & StatusBit.streaming) return { state: 'online', recording };
  if (bits & StatusBit.needsPassword) return { state: 'unauthorized', recording, stateDetail: 'the bridge needs the camera’s ONVIF password' };
  return { state: 'offline', recording, stateDetail: 'the camera is offline (its bridge gets no video from it)' };
}

/** What a camera shows before its first meaningful status (value 0 or the "invalid" bit). */
export const unknownStatus: DecodedStatus = { state: 'unknown', recording: false, stateDetail: 'Eagle Eye does not know the camera status yet' };

export interface DeviceList {
  cameras: CameraRecord[];
  /** ESN → the camera's bridge ESN (for status subscriptions and messages). */
  bridgeOf: Map<string, string>;
}

/**
 * `/g/device/list` rows → cameras. Bridges are not cameras; their names group the cameras they
 * serve when a camera has no tags. Cameras a bridge found but nobody attached yet (`IGND`,
 * account id null) have no video and are left out, as the official samples do.
 */
export function toDeviceList(rows: readonly WireDeviceRow[]): DeviceList {
  const bridgeNames = new Map<string, string>();
  for (const row of rows) if (row[3] === 'bridge') bridgeNames.set(row[1], row[2]?.trim() || row[1]);
  const cameras: CameraRecord[] = [];
  const bridgeOf = new Map<string, string>();
  for (const row of rows) {
    const [accountId, esn, name, type, bridges, serviceStatus, , tags, , , status] = row;
    if (type !== 'camera' || accountId === null || serviceStatus === 'IGND') continue;
    const attached = (bridges ?? []).find((b) => b[1] === 'ATTD') ?? bridges?.[0];
    if (attached) bridgeOf.set(esn, attached[0]);
    const tagGroups = (tags ?? []).map((t) => t.trim()).filter((t) => t !== '');
    const bridgeName = attached ? bridgeNames.get(attached[0]) : undefined;
    const decoded = (status === null ? null : decodeStatus(status)) ?? unknownStatus;
    cameras.push({
      id: esn,
      name: name?.trim() || esn,
      state: decoded.state,
      recording: decoded.recording,
      ...(decoded.stateDetail ? { stateDetail: decoded.stateDetail } : {}),
      groups: tagGroups.length > 0 ? [...new Set(tagGroups)] : bridgeName ? [bridgeName] : [],
      // play/video.flv: quality=high is the full stream, low the preview-size one (Tessera's "sub").
      profiles: [{ name: 'main' }, { name: 'sub' }],
    });
  }
  return { cameras, bridgeOf };
}

/** Channels a two-factor code can go to; the service says "No sms phone found" when there is no phone. */
export function twoFactorChannels(answer: AuthenticateAnswer): ('sms' | 'email')[] {
  const tfa = answer.two_factor_authentication_code;
  if (!tfa) return [];
  const usable = (v: string | null | undefined): boolean => typeof v === 'string' && v.trim() !== '' && !/^no .* found$/i.test(v.trim());
  return [...(usable(tfa.sms) ? (['sms'] as const) : []), ...(usable(tfa.email) ? (['email'] as const) : [])];
}

/** Tessera grids are at most this many rows (serverLayoutSchema). */
const maxRows = 16;
/** A carousel pane without a usable delay for a camera shows it this long. */
export const defaultDwellMs = 5000;

function paneCameras(pane: WireLayoutPane, siteId: string): { cameraIds: string[]; dwellMs?: number[] } {
  const cameras = (pane.cameras ?? []).filter((c) => c.trim() !== '');
  const ids = cameras.map((esn) => `${siteId}/${esn}`);
  switch (pane.type ?? 'preview') {
    case 'carousel':
      // One camera behaves like a preview pane (seed 001); delays pair with cameras by position.
      if (ids.length <= 1) return { cameraIds: ids };
      return {
        cameraIds: ids,
        dwellMs: ids.map((_, i) => {
          const delay = pane.delay?.[i];
          return typeof delay === 'number' && Number.isFinite(delay) && delay >= 1 ? Math.round(delay) : defaultDwellMs;
        }),
      };
    case 'map':
    case 'url':
      // A map or a web page: nothing Tessera plays; the tile stays empty and keeps its place.
      return { cameraIds: [] };
    default:
      // preview, and click/motion panes (which show the camera picked elsewhere): their first camera.
      return { cameraIds: ids.slice(0, 1) };
  }
}

/**
 * A v1 layout → ServerLayout. Panes keep their array order and are flowed into a grid of
 * `camera_row_limit` columns (3–5, default 3: the mobile client's width), each an N×N block for
 * size N (1–3, shrunk to the grid width) — as EEN's own clients pack them. Panes beyond 16 rows
 * are left out (`dropped`).
 */
export function toServerLayout(layout: WireLayout, configuration: { panes: WireLayoutPane[]; settings?: { camera_row_limit?: number | null } | null }, siteId: string): { layout: ServerLayout; dropped: number } {
  const limit = configuration.settings?.camera_row_limit;
  const columns = typeof limit === 'number' && Number.isFinite(limit) ? Math.max(1, Math.min(16, Math.round(limit))) : 3;
  const placed = packPanes(
    configuration.panes.map((p) => (typeof p.size === 'number' ? p.size : 1)),
    columns,
  );
  const tiles: ServerLayout['tiles'] = [];
  let dropped = 0;
  configuration.panes.forEach((pane, i) => {
    const spot = placed[i]!;
    if (spot.y + spot.size > maxRows) {
      dropped += 1;
      return;
    }
    tiles.push({ x: spot.x, y: spot.y, width: spot.size, height: spot.size, ...paneCameras(pane, siteId) });
  });
  const rows = Math.max(1, ...tiles.map((t) => t.y + t.height));
  return { layout: { id: layout.id, siteId, name: layout.name.trim() || layout.id, columns, rows, tiles }, dropped };
}

/**
 * `/asset/list/video` rows → recorded periods, merged (clips that touch or overlap join) and cut
 * to [fromMs, toMs). Rows with unreadable times are left out rather than failing the timeline.
 */
export function toRecordedPeriods(rows: readonly WireVideoRow[], fromMs: number, toMs: number): Period[] {
  return clipPeriods(toClips(rows), fromMs, toMs);
}

/** `/asset/list/video` rows (not coalesced) → clips in epoch ms, oldest first. */
export function toClips(rows: readonly WireVideoRow[]): Period[] {
  const clips: Period[] = [];
  for (const row of rows) {
    const fromMs = fromEenTimestamp(row.s);
    const toMs = fromEenTimestamp(row.e);
    if (fromMs !== undefined && toMs !== undefined && toMs > fromMs) clips.push({ fromMs, toMs });
  }
  return clips.sort((a, b) => a.fromMs - b.fromMs);
}

/**
 * `/asset/list/image?asset_class=thumb` rows → marks. Eagle Eye makes a thumbnail for each event
 * (seed 000, "Thumbnail navigation"), at the first preview of a motion event: its time is the
 * event's, to the preview spacing.
 */
export function toThumbnailMarks(rows: readonly WireImageRow[], fromMs: number, toMs: number): Mark[] {
  const marks: Mark[] = [];
  for (const row of rows) {
    if (row.t !== 'PRTH') continue;
    const atMs = fromEenTimestamp(row.s);
    if (atMs !== undefined && atMs >= fromMs && atMs < toMs) marks.push({ atMs, type: 'motion', label: 'Motion' });
  }
  return marks.sort((a, b) => a.atMs - b.atMs);
}

/** x-ee-prev / x-ee-next (`preview-YYYYMMDDhhmmss.mmm`, or `unknown`) → epoch ms, undefined when unknown. */
export function neighbourTime(header: string | null): number | undefined {
  return header === null || header.trim() === 'unknown' ? undefined : fromEenTimestamp(header);
}
