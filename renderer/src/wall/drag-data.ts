/**
 * What a drag onto the wall carries, read in one place: a camera from the camera panel (its id),
 * a site or group from the panel (a JSON array of ids), or a tile of the wall (its index, for a
 * swap). Anything else — files, text from other pages — is not the wall's and is refused.
 */
export const cameraType = 'application/x-tessera-camera';
export const camerasType = 'application/x-tessera-cameras';
export const tileType = 'application/x-tessera-tile';

export type Dropped = { kind: 'camera'; cameraId: string } | { kind: 'cameras'; cameraIds: string[] } | { kind: 'tile'; index: number };

export function readDrop(data: Pick<DataTransfer, 'getData'>): Dropped | undefined {
  const tile = data.getData(tileType);
  if (tile !== '' && /^\d+$/.test(tile)) return { kind: 'tile', index: Number(tile) };
  const cameraId = data.getData(cameraType);
  if (cameraId) return { kind: 'camera', cameraId };
  const group = data.getData(camerasType);
  if (!group) return undefined;
  try {
    const ids: unknown = JSON.parse(group);
    if (Array.isArray(ids) && ids.every((id) => typeof id === 'string' && id.length > 0)) return { kind: 'cameras', cameraIds: ids };
  } catch {
    // Not ours after all (the type is only a name anyone can use).
  }
  return undefined;
}
