/**
 * Devices as the v1 service reports them: cameras and bridges, the legacy status bitmask, the
 * array-encoded rows of `/g/device/list` and the objects of `/g/device`. Pure: callers pass the
 * facts (online, recording, times) in.
 */
import { createHash } from 'node:crypto';
import type { SimCamera } from '../types.js';
import { formatEen } from './timestamps.js';

/** Legacy status bits (seed 001, "Status Bitmask"). Deprecated low bits are still sent by cameras. */
export const StatusBit = {
  onlineDeprecated: 0x000001,
  streamAttachedDeprecated: 0x000002,
  onDeprecated: 0x000004,
  recordingDeprecated: 0x000008,
  sendingPreviews: 0x000010,
  located: 0x000020,
  notSupported: 0x000040,
  configuring: 0x000080,
  needsPassword: 0x000100,
  availableNotAttached: 0x000200,
  error: 0x000800,
  invalid: 0x010000,
  on: 0x020000,
  streaming: 0x040000,
  recording: 0x080000,
  online: 0x100000,
} as const;

/** Extended bits, the upper 32 bits of `status64` (newer EEN docs). */
export const Status64Bit = { valid: 0x1, on: 0x2, registered: 0x4, pendingError: 0x8, sendingPreviews: 0x10 } as const;

/**
 * Conditions a camera can be in. "offline" keeps the bridge registered (red X in the EEN UI);
 * "internet-offline" clears the registered bit too (red exclamation).
 */
export type CameraCondition = 'online' | 'offline' | 'off' | 'password' | 'internet-offline';

export interface CameraFacts {
  condition: CameraCondition;
  recording: boolean;
}

/** Decimal legacy bitmask, e.g. 1441847 (0x160037: online) or 1966143 (0x1E003F: online, recording). */
export function cameraStatus(facts: CameraFacts): number {
  const { condition, recording } = facts;
  if (condition === 'off') return StatusBit.online | StatusBit.located;
  let bits = StatusBit.on | StatusBit.onDeprecated;
  if (condition !== 'internet-offline') bits |= StatusBit.online;
  if (condition === 'password') bits |= StatusBit.needsPassword | StatusBit.located;
  if (condition === 'online') {
    bits |= StatusBit.streaming | StatusBit.sendingPreviews | StatusBit.located;
    bits |= StatusBit.onlineDeprecated | StatusBit.streamAttachedDeprecated;
    if (recording) bits |= StatusBit.recording | StatusBit.recordingDeprecated;
  }
  return bits;
}

export function cameraStatus64(facts: CameraFacts): number {
  const { condition } = facts;
  let upper: number = Status64Bit.valid;
  if (condition !== 'off') upper |= Status64Bit.on;
  if (condition !== 'internet-offline') upper |= Status64Bit.registered;
  if (condition === 'password') upper |= Status64Bit.pendingError;
  if (condition === 'online') upper |= Status64Bit.sendingPreviews;
  // Multiplication, not a shift: JavaScript shifts are 32-bit.
  return upper * 2 ** 32 + cameraStatus(facts);
}

/** Bridges report only "online" (0x100000 = 1048576 in the seed sample). */
export const bridgeStatus = StatusBit.online;
/** An unattached camera a bridge has found: available, located. */
export const unattachedStatus = StatusBit.availableNotAttached | StatusBit.located;

export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

export function hex64(value: number): string {
  const upper = Math.floor(value / 2 ** 32);
  return upper.toString(16).padStart(8, '0') + hex32(value % 2 ** 32);
}

export interface EenCameraDevice {
  kind: 'camera';
  /** Index into SimMedia.cameras; null for the unattached camera that has no media. */
  index: number | null;
  esn: string;
  name: string;
  bridgeEsn: string;
  guid: string;
  serial: string;
  ip: string;
  mac: string;
}

export interface EenBridgeDevice {
  kind: 'bridge';
  esn: string;
  name: string;
  cameraEsns: string[];
  guid: string;
  serial: string;
  ip: string;
}

export interface Inventory {
  cameras: EenCameraDevice[];
  bridges: EenBridgeDevice[];
  unattached: EenCameraDevice | null;
}

/** Stable uuid-shaped id derived from a seed string (so runs agree with each other). */
export function stableGuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Cameras per bridge: real EEN bridges (BR300) take a handful of cameras each. */
const CAMERAS_PER_BRIDGE = 4;

export function buildInventory(cameras: readonly SimCamera[], withUnattached: boolean): Inventory {
  const taken = new Set(cameras.map((c) => c.esn));
  const freshEsn = (prefix: string, n: number): string => {
    for (let i = n; ; i += 1) {
      const esn = prefix + i.toString(16).padStart(8 - prefix.length, '0');
      if (!taken.has(esn)) {
        taken.add(esn);
        return esn;
      }
    }
  };
  const bridges: EenBridgeDevice[] = [];
  const cameraDevices: EenCameraDevice[] = cameras.map((cam) => {
    const b = Math.floor(cam.index / CAMERAS_PER_BRIDGE);
    if (!bridges[b]) {
      const esn = freshEsn('100d', 0x8800 + b);
      bridges[b] = {
        kind: 'bridge',
        esn,
        name: bridges.length === 0 ? 'Main' : `Bridge ${b + 1}`,
        cameraEsns: [],
        guid: stableGuid(`bridge:${esn}`),
        serial: `EEN-BR300-${String(8480 + b).padStart(5, '0')}`,
        ip: `*10.143.1.${10 + b}`,
      };
    }
    const bridge = bridges[b]!;
    bridge.cameraEsns.push(cam.esn);
    return {
      kind: 'camera',
      index: cam.index,
      esn: cam.esn,
      name: cam.name,
      bridgeEsn: bridge.esn,
      guid: stableGuid(`camera:${cam.esn}`),
      serial: `42423250${String(13460000 + cam.index).padStart(8, '0')}`,
      ip: `*10.143.14.${100 + cam.index}`,
      mac: `00:40:8C:DF:${(0x10 + cam.index).toString(16).toUpperCase().padStart(2, '0')}:91`,
    };
  });
  let unattached: EenCameraDevice | null = null;
  if (withUnattached && bridges[0]) {
    const esn = freshEsn('100f', 0xa000);
    unattached = {
      kind: 'camera',
      index: null,
      esn,
      name: 'New Camera',
      bridgeEsn: bridges[0].esn,
      guid: stableGuid(`camera:${esn}`),
      serial: '4242325013469999',
      ip: '*10.143.14.250',
      mac: '00:40:8C:DF:FF:91',
    };
  }
  return { cameras: cameraDevices, bridges, unattached };
}

export interface RowContext {
  accountId: string;
  accountName: string;
  timezone: string;
  utcOffsetSeconds: number;
}

/**
 * One `/g/device/list` row. Indexes 0–19 as documented; index 20 is the undocumented array of six
 * nulls every real row carries (clients must tolerate extra trailing items).
 */
export function deviceListRow(device: EenCameraDevice | EenBridgeDevice, status: number, ctx: RowContext): unknown[] {
  const attachedCamera = device.kind === 'camera' && device.index !== null;
  const bridges =
    device.kind === 'bridge'
      ? device.cameraEsns.map((esn) => [esn, 'ATTD'])
      : [[device.bridgeEsn, attachedCamera ? 'ATTD' : 'IGND']];
  const unattached = device.kind === 'camera' && !attachedCamera;
  return [
    unattached ? null : ctx.accountId, // 0 account_id (null until a camera is attached)
    device.esn, // 1 id
    device.name, // 2 name
    device.kind, // 3 type
    bridges, // 4 bridges
    unattached ? 'IGND' : 'ATTD', // 5 service_status
    unattached ? '' : 'swr', // 6 permissions (the seed sample sends lowercase)
    [], // 7 tags
    device.guid, // 8 guid
    device.serial, // 9 serial_number
    status, // 10 device_status, decimal bitmask
    ctx.timezone, // 11 timezone
    ctx.utcOffsetSeconds, // 12 timezone_utc_offset
    device.kind === 'bridge' ? 1 : 0, // 13 is_unsupported (the seed's bridge row says 1)
    device.kind === 'bridge' ? '' : device.ip, // 14 ip_address, in-use address prefixed with *
    0, // 15 is_shared
    ctx.accountName, // 16 owner_account_name
    unattached, // 17 is_upnp: a real boolean, unlike the other is_* fields
    null, // 18 video_input (analog only)
    null, // 19 video_status (analog only)
    [null, null, null, null, null, null], // 20 undocumented
  ];
}

export interface DeviceListFilter {
  id?: string;
  name?: string;
  type?: string;
  serviceStatus?: string;
}

/** The optional `e`, `n`, `t`, `s` filters of `/g/device/list` applied to built rows. */
export function filterRows(rows: unknown[][], filter: DeviceListFilter): unknown[][] {
  return rows.filter(
    (row) =>
      (filter.id === undefined || row[1] === filter.id) &&
      (filter.name === undefined || String(row[2]).toLowerCase().includes(filter.name.toLowerCase())) &&
      (filter.type === undefined || row[3] === filter.type) &&
      (filter.serviceStatus === undefined || row[5] === filter.serviceStatus),
  );
}

/** Seconds east of UTC for an IANA zone at a moment (US/Pacific is −25200 in summer, −28800 in winter). */
export function utcOffsetSeconds(timeZone: string, atMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(atMs));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60;
  return m[1] === '-' ? -seconds : seconds;
}

export interface CameraObjectFacts {
  status: number;
  reachable: boolean;
  oldestMs: number;
  newestMs: number;
  nowMs: number;
  bridgeGuid: string;
  model: string;
}

/** `/g/device?id=<camera>`: camera_info.status is a decimal *string* here, unlike the list. */
export function cameraObject(device: EenCameraDevice, facts: CameraObjectFacts, ctx: RowContext): Record<string, unknown> {
  const now = formatEen(facts.nowMs);
  return {
    id: device.esn,
    name: device.name,
    utcOffset: ctx.utcOffsetSeconds,
    timezone: ctx.timezone,
    guid: device.guid,
    permissions: 'swr',
    tags: [],
    bridges: { [device.bridgeEsn]: device.index === null ? 'IGND' : 'ATTD' },
    settings: {
      username: 'onvif',
      password: '',
      bridge: device.bridgeEsn,
      roi_names: {},
      alert_notifications: {},
      alert_modes: {},
      alert_levels: {},
      notes: '',
      retention_days: 30,
      cloud_retention_days: 30,
    },
    camera_info_status_code: 200,
    camera_info: {
      bridge: facts.bridgeGuid,
      camera_state_version: 0,
      intf: 'Camera LAN',
      camera_retention: Math.max(0, facts.nowMs - facts.oldestMs),
      tagmap_status_state: 2,
      camera_newest: formatEen(facts.newestMs),
      camera_oldest: formatEen(facts.oldestMs),
      connect: facts.reachable ? 'STRM' : 'DISC',
      uuid: device.guid,
      service: device.index === null ? 'IGND' : 'ATTD',
      make: 'Tessera',
      ipaddr: device.ip,
      ts: now,
      version: '1.0.0',
      admin_password: null,
      esn: device.esn,
      status: String(facts.status),
      admin_user: null,
      register_id: 0,
      mac: device.mac,
      proxy: 'secondary',
      bridgeid: device.bridgeEsn,
      now,
      class: 'camera',
      status_hex: hex32(facts.status),
      camera_now: now,
      camera_abs_newest: formatEen(facts.newestMs),
      camera_abs_oldest: formatEen(facts.oldestMs),
      model: facts.model,
      camtype: 'ONVIF',
    },
    // Parameters come from the camera itself: none while it cannot be reached (seed: status 404).
    camera_parameters_status_code: facts.reachable ? 200 : 404,
    camera_parameters: facts.reachable
      ? {
          active_settings: {
            retention_days: { max: 10000, min: 1, d: 14, v: 30 },
            video_capture_mode: { min: ['always', 'event'], d: 'event', v: 'event' },
            preview_resolution: { min: ['cif', 'std', 'high'], d: 'cif', v: 'std' },
            video_resolution: { min: ['cif', 'std', 'high'], d: 'high', v: 'high' },
          },
        }
      : {},
  };
}

export function bridgeObject(device: EenBridgeDevice, ctx: RowContext): Record<string, unknown> {
  return {
    bridges: null,
    camera_info_status_code: 404,
    name: device.name,
    settings: { bridge: null, is_logically_deleted: false },
    camera_settings_status_code: 200,
    camera_info: null,
    utcOffset: ctx.utcOffsetSeconds,
    camera_parameters_status_code: 200,
    id: device.esn,
    timezone: ctx.timezone,
    guid: device.guid,
    camera_parameters: {
      active_settings: {
        retention_days: { max: 10000, min: 1, d: 14, v: 14 },
        bridge_retention_days: { max: 100000, min: 0, d: 0, v: 0 },
      },
    },
  };
}
