/**
 * The merged camera list of every signed-in site, plus the small live thumbnails the camera
 * panel shows. Thin: main owns the list and publishes it whole on `cameras:changed`; which
 * thumbnail to fetch when is decided by `thumbnailsDue` (domain/camera-tree.ts).
 */
import { defineStore } from 'pinia';
import { reactive, ref, watch } from 'vue';
import type { AppError, Camera } from '../../../preload/contract/index.js';
import { connection, tessera } from '../bridge/index.js';
import { defaultThumbnailPolicy, thumbnailsDue, wantsThumbnail, type ThumbnailTiming } from '../domain/camera-tree.js';
import { snapshotSync } from './snapshot-sync.js';

export interface Thumbnail extends ThumbnailTiming {
  /** data: URL of the newest JPEG; kept while a refresh runs or after it fails (stale beats blank). */
  src?: string;
  /** When the picture was taken, epoch ms. */
  timestampMs?: number;
  /** Why the last refresh failed, in the VMS's words. */
  error?: string;
}

/** Thumbnail width asked of main, px: twice the 80 px it is drawn at, for HiDPI screens. */
export const thumbnailWidth = 160;
/** How often due thumbnails are looked for, ms; the policy decides which ones are due. */
const pumpEveryMs = 1000;

export const useCamerasStore = defineStore('cameras', () => {
  const cameras = ref<Camera[]>([]);
  const error = ref<AppError | null>(null);
  const thumbnails = reactive(new Map<string, Thumbnail>());
  /** Camera id → how many views show its thumbnail now (the same camera may be on screen twice). */
  const shown = new Map<string, number>();
  let pumpTimer: ReturnType<typeof setInterval> | undefined;
  const sync = snapshotSync({ fetch: () => tessera.cameras.list(), subscribe: (listener) => tessera.cameras.onChanged(listener), connection }, { keep: (next) => (cameras.value = next), error });

  // A camera that left the list (site signed out or removed) keeps no picture.
  watch(cameras, (list) => {
    const ids = new Set(list.map((c) => c.id));
    for (const id of thumbnails.keys()) if (!ids.has(id) && !thumbnails.get(id)?.inFlight) thumbnails.delete(id);
  });

  async function fetchThumbnail(cameraId: string): Promise<void> {
    thumbnails.set(cameraId, { ...thumbnails.get(cameraId), inFlight: true });
    const result = await tessera.cameras.still({ cameraId, width: thumbnailWidth });
    const previous = thumbnails.get(cameraId);
    const lastAttemptMs = Date.now();
    if (!cameras.value.some((c) => c.id === cameraId)) thumbnails.delete(cameraId); // left the list meanwhile
    else if (result.ok) {
      thumbnails.set(cameraId, { src: `data:${result.value.contentType};base64,${result.value.base64}`, timestampMs: result.value.timestampMs, lastAttemptMs, inFlight: false });
    } else {
      const { error: _old, ...stale } = previous ?? { inFlight: false };
      thumbnails.set(cameraId, { ...stale, error: result.error.message, lastAttemptMs, inFlight: false });
    }
    pump();
  }

  function pump(): void {
    const byId = new Map(cameras.value.map((c) => [c.id, c]));
    const wanted = [...shown.keys()].filter((id) => {
      const camera = byId.get(id);
      return camera !== undefined && wantsThumbnail(camera);
    });
    for (const id of thumbnailsDue(wanted, thumbnails, Date.now(), defaultThumbnailPolicy)) void fetchThumbnail(id);
  }

  /** A view shows this camera's thumbnail now; call the returned function when it no longer does. */
  function showThumbnail(cameraId: string): () => void {
    shown.set(cameraId, (shown.get(cameraId) ?? 0) + 1);
    pumpTimer ??= setInterval(pump, pumpEveryMs);
    pump();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (shown.get(cameraId) ?? 1) - 1;
      if (count > 0) shown.set(cameraId, count);
      else shown.delete(cameraId);
      if (shown.size === 0 && pumpTimer !== undefined) {
        clearInterval(pumpTimer);
        pumpTimer = undefined;
      }
    };
  }

  return { cameras, loaded: sync.loaded, error, thumbnails, load: sync.start, showThumbnail };
});
