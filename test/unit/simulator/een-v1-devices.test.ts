import { describe, expect, it } from 'vitest';
import {
  bridgeStatus,
  buildInventory,
  cameraObject,
  cameraStatus,
  cameraStatus64,
  deviceListRow,
  filterRows,
  hex32,
  hex64,
  unattachedStatus,
  utcOffsetSeconds,
  type CameraCondition,
} from '../../../simulator/een-v1/devices.js';
import type { SimCamera } from '../../../simulator/types.js';

/** The overall-status algorithm of seed 001, as a client would run it. */
function overall(status: number): string {
  if (status === 0) return 'no change';
  if (!(status & 0x020000)) return 'off';
  if (!(status & 0x100000)) return 'internet offline';
  if (status & 0x040000) return 'online';
  if (status & 0x000100) return 'password needed';
  return 'offline';
}

function cameras(n: number): SimCamera[] {
  return Array.from({ length: n }, (_, index) => ({
    index,
    esn: (0x1000a000 + index).toString(16),
    name: `Cam ${index}`,
    gopSeconds: 1,
    audio: false,
    liveMode: 'loop' as const,
    profiles: {
      main: { name: 'main' as const, width: 1280, height: 720, fps: 25, bitrateKbps: 1200 },
      sub: { name: 'sub' as const, width: 640, height: 360, fps: 25, bitrateKbps: 400 },
    },
  }));
}

const rowCtx = { accountId: '00001007', accountName: 'Demo', timezone: 'US/Pacific', utcOffsetSeconds: -25200 };

describe('status bitmask', () => {
  it('matches the seed samples: 1441847 online, 1966143 online and recording, 1048576 bridge', () => {
    expect(cameraStatus({ condition: 'online', recording: false })).toBe(1441847);
    expect(cameraStatus({ condition: 'online', recording: true })).toBe(1966143);
    expect(bridgeStatus).toBe(1048576);
  });

  it('decodes to the intended overall state for every condition', () => {
    const cases: [CameraCondition, string][] = [
      ['online', 'online'],
      ['offline', 'offline'],
      ['off', 'off'],
      ['password', 'password needed'],
      ['internet-offline', 'internet offline'],
    ];
    for (const [condition, expected] of cases) {
      const status = cameraStatus({ condition, recording: false });
      expect(overall(status), condition).toBe(expected);
      // Recording (bit 19) is only ever set while streaming.
      expect(cameraStatus({ condition, recording: true }) & 0x080000 ? 'rec' : '', condition).toBe(condition === 'online' ? 'rec' : '');
    }
    expect(unattachedStatus & 0x000200).toBeTruthy();
  });

  it('puts the extended bits in the upper 32 bits of status64', () => {
    const s64 = cameraStatus64({ condition: 'online', recording: true });
    expect(s64 % 2 ** 32).toBe(1966143);
    expect(Math.floor(s64 / 2 ** 32)).toBe(0x17);
    expect(Math.floor(cameraStatus64({ condition: 'off', recording: false }) / 2 ** 32) & 0x2).toBe(0);
    expect(hex32(1966143)).toBe('001e003f');
    expect(hex64(s64)).toBe('00000017001e003f');
  });
});

describe('device inventory and /g/device/list rows', () => {
  const inventory = buildInventory(cameras(6), true);

  it('puts four cameras on a bridge, with distinct ESNs, plus one unattached camera', () => {
    expect(inventory.bridges.map((b) => b.cameraEsns.length)).toEqual([4, 2]);
    const esns = [...inventory.bridges, ...inventory.cameras, inventory.unattached!].map((d) => d.esn);
    expect(new Set(esns).size).toBe(esns.length);
    for (const esn of esns) expect(esn).toMatch(/^[0-9a-f]{8}$/);
    expect(inventory.unattached?.index).toBeNull();
  });

  it('encodes a camera row as documented (≥ 21 columns, decimal status at 10, * before the IP)', () => {
    const cam = inventory.cameras[1]!;
    const row = deviceListRow(cam, 1441847, rowCtx);
    expect(row.length).toBeGreaterThanOrEqual(21);
    expect(row.slice(0, 7)).toEqual(['00001007', cam.esn, 'Cam 1', 'camera', [[inventory.bridges[0]!.esn, 'ATTD']], 'ATTD', 'swr']);
    expect(row[10]).toBe(1441847);
    expect(row[11]).toBe('US/Pacific');
    expect(row[12]).toBe(-25200);
    expect(String(row[14])).toMatch(/^\*\d+\.\d+\.\d+\.\d+$/);
    expect(row[17]).toBe(false);
    expect(row[20]).toEqual([null, null, null, null, null, null]);
  });

  it('lists the cameras a bridge sees, and gives the unattached camera a null account id', () => {
    const bridgeRow = deviceListRow(inventory.bridges[0]!, bridgeStatus, rowCtx);
    expect(bridgeRow[3]).toBe('bridge');
    expect(bridgeRow[4]).toEqual(inventory.cameras.slice(0, 4).map((c) => [c.esn, 'ATTD']));
    const loose = deviceListRow(inventory.unattached!, unattachedStatus, rowCtx);
    expect(loose[0]).toBeNull();
    expect(loose[5]).toBe('IGND');
    expect(loose[17]).toBe(true);
  });

  it('filters rows by e, n, t and s', () => {
    const rows = [
      deviceListRow(inventory.bridges[0]!, bridgeStatus, rowCtx),
      ...inventory.cameras.map((c) => deviceListRow(c, 1441847, rowCtx)),
      deviceListRow(inventory.unattached!, unattachedStatus, rowCtx),
    ];
    expect(filterRows(rows, { type: 'bridge' })).toHaveLength(1);
    expect(filterRows(rows, { id: inventory.cameras[2]!.esn }).map((r) => r[2])).toEqual(['Cam 2']);
    // Name matching is a case-insensitive substring: "Cam 0…5" and "New Camera".
    expect(filterRows(rows, { name: 'cam' })).toHaveLength(7);
    expect(filterRows(rows, { serviceStatus: 'IGND' })).toHaveLength(1);
  });

  it('sends camera_info.status as a decimal string in /g/device, and no parameters when unreachable', () => {
    const facts = { status: 1966143, reachable: false, oldestMs: 0, newestMs: 1000, nowMs: 2000, bridgeGuid: 'g', model: 'm' };
    const obj = cameraObject(inventory.cameras[0]!, facts, rowCtx);
    const info = obj.camera_info as Record<string, unknown>;
    expect(info.status).toBe('1966143');
    expect(info.status_hex).toBe('001e003f');
    expect(info.camera_newest).toBe('19700101000001.000');
    expect(obj.camera_parameters_status_code).toBe(404);
  });

  it('computes UTC offsets of the device timezone (PDT −7 h, PST −8 h)', () => {
    expect(utcOffsetSeconds('US/Pacific', Date.UTC(2024, 6, 1))).toBe(-25200);
    expect(utcOffsetSeconds('US/Pacific', Date.UTC(2024, 0, 1))).toBe(-28800);
    expect(utcOffsetSeconds('UTC', Date.UTC(2024, 0, 1))).toBe(0);
  });
});
