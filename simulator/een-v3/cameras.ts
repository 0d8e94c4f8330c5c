/**
 * GET /cameras and /cameras/{id}: the camera directory, filters, sort rules and include blocks.
 *
 * Media cameras report "online" or, when media says they are offline, "deviceOffline" (or the
 * per-camera status configured). Static cameras have no media at all and sit in a fixed state
 * such as "off" or "invalidCredentials", so the client meets the statuses beyond online/offline
 * without any status contradicting what the media layer serves.
 */
import type { SimCamera, SimMedia } from '../types.js';
import type { ConnectionStatus, EenV3Options } from './config.js';
import { fail } from './errors.js';
import type { Query } from './http.js';
import { formatTimestamp } from './timestamps.js';

export const accountId = '00001106';
export const bridgeId = '100b2e01';
export const locationId = 'c1d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const locationName = 'Tessera Demo Site';

export interface DirectoryCamera {
  esn: string;
  name: string;
  /** Media camera behind it, or null for a static (media-less) camera. */
  media: SimCamera | null;
  staticStatus: Exclude<ConnectionStatus, 'online'> | null;
  tags: string[];
}

export const cameraIncludes = [
  'status', 'locationSummary', 'deviceAddress', 'timeZone', 'notes', 'tags', 'devicePosition', 'networkInfo', 'deviceInfo', 'firmware',
  'visibleByBridges', 'capabilities', 'effectivePermissions', 'shareDetails', 'analog', 'qRelevance', 'packages', 'dewarpConfig',
  'adminCredentials', 'publicSafetySharing', 'enabledAnalytics',
] as const;
export type CameraInclude = (typeof cameraIncludes)[number];

export const connectionStatuses: readonly ConnectionStatus[] = ['online', 'deviceOffline', 'invalidCredentials', 'bridgeOffline', 'off', 'error', 'unknown'];

export function buildDirectory(cameras: readonly SimCamera[], options: EenV3Options): DirectoryCamera[] {
  const out: DirectoryCamera[] = cameras.map((cam) => ({
    esn: cam.esn,
    name: cam.name,
    media: cam,
    staticStatus: null,
    tags: [cam.index % 2 === 0 ? 'indoor' : 'outdoor', ...(cam.audio ? ['audio'] : [])],
  }));
  const taken = new Set(out.map((c) => c.esn));
  let serial = 0xf001;
  for (const extra of options.staticCameras) {
    let esn: string;
    do esn = `1009${(serial++).toString(16).padStart(4, '0')}`;
    while (taken.has(esn));
    taken.add(esn);
    out.push({ esn, name: extra.name, media: null, staticStatus: extra.status, tags: ['outdoor'] });
  }
  return out;
}

export function statusOf(camera: DirectoryCamera, media: SimMedia, options: EenV3Options): ConnectionStatus {
  if (!camera.media) return camera.staticStatus ?? 'unknown';
  if (media.isOnline(camera.media.index)) return 'online';
  return options.offlineStatusByIndex[camera.media.index] ?? 'deviceOffline';
}

export interface CameraListFilters {
  ids?: string[];
  idsNotIn?: string[];
  idContains?: string;
  name?: string;
  nameIn?: string[];
  nameContains?: string;
  statusIn?: string[];
  statusNe?: string;
  locationIds?: string[];
  bridgeIds?: string[];
  tagsContains?: string[];
  tagsAny?: string[];
  q?: string;
  /** Camera ESNs of the layout named by layoutId. */
  layoutCameras?: readonly string[];
}

export type SortKey = 'name' | 'locationSummary.name' | 'bridgeSummary.name' | 'qRelevance';
const sortKeys: readonly SortKey[] = ['name', 'locationSummary.name', 'bridgeSummary.name', 'qRelevance'];

/**
 * The spec's sort rules: a `+`/`-` prefix is required, no repeats, no `-x,+x`, at most three,
 * qRelevance only with q. (An unencoded "+" arrives as a space and is refused like a bare name.)
 */
export function parseSort(values: string[] | undefined, hasQ: boolean, keys: readonly string[] = sortKeys): { key: string; descending: boolean }[] {
  if (!values) return [{ key: 'name', descending: false }];
  if (values.length > 3) throw fail.wrong('sort', 'accepts at most three values');
  const seen = new Set<string>();
  return values.map((value) => {
    const sign = value[0];
    const key = value.slice(1);
    if ((sign !== '+' && sign !== '-') || !keys.includes(key)) throw fail.wrong('sort', `value "${value}" must be one of ${keys.map((k) => `+${k}|-${k}`).join(', ')}`);
    if (seen.has(key)) throw fail.wrong('sort', `sorts on ${key} more than once`);
    if (key === 'qRelevance' && !hasQ) throw fail.wrong('sort', 'qRelevance needs the q filter');
    seen.add(key);
    return { key, descending: sign === '-' };
  });
}

export function readCameraFilters(query: Query): CameraListFilters {
  const lower = (xs: string[] | undefined) => xs?.map((x) => x.toLowerCase());
  const statusIn = lower(query.list('status__in'));
  const statusNe = query.string('status__ne')?.toLowerCase();
  for (const s of [...(statusIn ?? []), ...(statusNe ? [statusNe] : [])]) {
    if (!connectionStatuses.some((c) => c.toLowerCase() === s)) throw fail.wrong('status', `has an unknown value "${s}"`);
  }
  return {
    ids: lower(query.list('id__in')),
    idsNotIn: lower(query.list('id__notIn')),
    idContains: query.string('id__contains')?.toLowerCase(),
    name: query.string('name')?.toLowerCase(),
    nameIn: lower(query.list('name__in')),
    nameContains: query.string('name__contains')?.toLowerCase(),
    statusIn,
    statusNe,
    locationIds: query.list('locationId__in'),
    bridgeIds: query.list('bridgeId__in'),
    tagsContains: query.list('tags__contains'),
    tagsAny: query.list('tags__any'),
    q: query.string('q')?.toLowerCase(),
  };
}

export function filterCameras(cameras: readonly DirectoryCamera[], filters: CameraListFilters, status: (c: DirectoryCamera) => ConnectionStatus): DirectoryCamera[] {
  return cameras.filter((cam) => {
    const esn = cam.esn.toLowerCase();
    const name = cam.name.toLowerCase();
    if (filters.ids && !filters.ids.includes(esn)) return false;
    if (filters.idsNotIn?.includes(esn)) return false;
    if (filters.idContains && !esn.includes(filters.idContains)) return false;
    if (filters.name !== undefined && name !== filters.name) return false;
    if (filters.nameIn && !filters.nameIn.includes(name)) return false;
    if (filters.nameContains && !name.includes(filters.nameContains)) return false;
    const st = status(cam).toLowerCase();
    if (filters.statusIn && !filters.statusIn.includes(st)) return false;
    if (filters.statusNe && st === filters.statusNe) return false;
    if (filters.locationIds && !filters.locationIds.includes(locationId)) return false;
    if (filters.bridgeIds && !filters.bridgeIds.includes(bridgeId)) return false;
    if (filters.tagsContains && !filters.tagsContains.every((t) => cam.tags.includes(t))) return false;
    if (filters.tagsAny && !filters.tagsAny.some((t) => cam.tags.includes(t))) return false;
    if (filters.layoutCameras && !filters.layoutCameras.includes(cam.esn)) return false;
    if (filters.q && ![esn, name, ...cam.tags, locationName.toLowerCase()].some((field) => field.includes(filters.q!))) return false;
    return true;
  });
}

export function sortCameras(cameras: DirectoryCamera[], sort: { key: string; descending: boolean }[]): DirectoryCamera[] {
  // Location and bridge are the same for every camera here; name (then id) decides.
  const primary = sort.find((s) => s.key === 'name') ?? sort[0] ?? { key: 'name', descending: false };
  const dir = primary.key === 'name' && primary.descending ? -1 : 1;
  return [...cameras].sort((a, b) => dir * (a.name.localeCompare(b.name) || a.esn.localeCompare(b.esn)));
}

export function cameraResource(cam: DirectoryCamera, status: ConnectionStatus, include: ReadonlySet<string>, createMs: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: cam.esn,
    accountId,
    name: cam.name,
    bridgeId,
    locationId,
    multiCameraId: null,
    createTimestamp: formatTimestamp(createMs),
  };
  const has = (name: CameraInclude) => include.has(name);
  if (has('status')) out.status = { connectionStatus: status };
  if (has('locationSummary')) {
    out.locationSummary = { id: locationId, name: locationName, address: { country: 'NL', region: null, city: 'Amsterdam', streetAddress: 'Simulatorstraat 1', streetAddress2: null, postalCode: '1000 AA' } };
  }
  if (has('deviceAddress')) out.deviceAddress = { name: null, address: null };
  if (has('timeZone')) out.timeZone = { zone: 'UTC' };
  if (has('notes')) out.notes = cam.media ? `Simulated camera ${cam.media.index}` : 'Simulated camera without media';
  if (has('tags')) out.tags = cam.tags;
  if (has('devicePosition')) out.devicePosition = { latitude: null, longitude: null, azimuth: null, rangeInMeters: null, floor: null, fieldOfView: null };
  if (has('deviceInfo')) out.deviceInfo = { icon: 'securityCamera', directToCloud: false, make: 'Tessera', model: 'SimCam', guid: null };
  if (has('firmware')) out.firmware = { currentVersion: '1.0.0-sim' };
  if (has('visibleByBridges')) out.visibleByBridges = [bridgeId];
  if (has('capabilities')) {
    out.capabilities = {
      ptz: { capable: false, panTilt: false, zoom: false, positionMove: false, directionMove: false, centerOnMove: false, fisheye: false },
      audio: { recordingEnabled: cam.media?.audio ?? false, speaker: false, halfDuplex: false, fullDuplex: false },
      imageTuning: { continuousZoom: false },
      io: { capable: false, sharedTrigger: false },
      varifocal: false,
    };
  }
  if (has('effectivePermissions')) {
    out.effectivePermissions = {
      read: true, addToLayout: true, viewPreviewVideo: true, viewLiveVideo: true, viewHistoricVideo: true, turnOnOff: false, controlPTZ: false,
      editPTZStations: false, downloadVideo: true, delete: false, editBillingSettings: false, editNoBillingSettings: false, editMotionAreas: false, talkDown: false,
    };
  }
  if (has('shareDetails')) out.shareDetails = { shared: false, firstResponder: false, accountId: null, accountName: null };
  if (has('analog')) out.analog = { input: null };
  if (has('packages')) out.packages = [];
  if (has('publicSafetySharing')) out.publicSafetySharing = { enabled: false };
  if (has('enabledAnalytics')) out.enabledAnalytics = [];
  // networkInfo, dewarpConfig, adminCredentials, qRelevance: not simulated, left out as the API
  // leaves out blocks that do not apply.
  return out;
}
