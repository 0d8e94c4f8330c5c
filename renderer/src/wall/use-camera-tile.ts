/**
 * The Vue side of a camera tile: one shared LiveTiles per window (bound to the bridge and the
 * camera panel's thumbnails), a TileController per tile, its size from a ResizeObserver and its
 * inputs from the component's props; and the tile's part in looking back (use-playback.ts): a
 * RecordedTile on its own <video>, which suspends the live stream while it has the tile.
 * Returns the reactive views the component renders. It lives here, not in player/, because it
 * binds the players to the bridge and the stores: player/ knows neither.
 */
import { onBeforeUnmount, onMounted, reactive, watch, watchEffect, type Ref } from 'vue';
import { mediaFetch, tessera } from '../bridge/index.js';
import { useCamerasStore } from '../stores/cameras.js';
import { LiveTiles } from '../player/live-tiles.js';
import { emptyRecordedView, type RecordedView } from '../player/recorded-view.js';
import { copyRanges } from '../player/source-buffer-queue.js';
import type { Pin, Profile } from '../player/stream-policy.js';
import { emptyTileView, type TileView } from '../player/tile-view.js';
import { usePlayback } from './use-playback.js';

let shared: LiveTiles | null = null;

function liveTiles(): LiveTiles {
  if (shared) return shared;
  const cameras = useCamerasStore();
  const api = {
    open: (input: { cameraId: string; profile: Profile }) => tessera.media.open(input),
    close: (input: { streamId: string }) => tessera.media.close(input),
    onState: (listener: Parameters<typeof tessera.media.onState>[0]) => tessera.media.onState(listener),
    still: (input: { cameraId: string; width?: number }) => tessera.cameras.still(input),
  };
  shared = new LiveTiles(api, {
    ...(mediaFetch ? { player: { fetch: mediaFetch } } : {}),
    cachedStill: (cameraId) => {
      const thumbnail = cameras.thumbnails.get(cameraId);
      return thumbnail?.src && thumbnail.timestampMs !== undefined ? { src: thumbnail.src, timestampMs: thumbnail.timestampMs } : undefined;
    },
  });
  return shared;
}

export interface CameraTileProps {
  cameraId: string;
  focused: boolean;
  maximised: boolean;
  pin: Pin;
}

export interface CameraTileViews {
  view: TileView;
  recorded: RecordedView;
}

export function useCameraTile(props: CameraTileProps, root: Readonly<Ref<HTMLElement | null>>, video: Readonly<Ref<HTMLVideoElement | null>>, recordedVideo: Readonly<Ref<HTMLVideoElement | null>>): CameraTileViews {
  const view = reactive(emptyTileView()) as TileView;
  const recorded = reactive(emptyRecordedView()) as RecordedView;
  const cameras = useCamerasStore();
  const controller = liveTiles().createTile(view);
  const playback = usePlayback();
  const size = reactive({ width: 0, height: 0 });
  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1]?.contentRect;
    if (box) Object.assign(size, { width: Math.round(box.width), height: Math.round(box.height) });
  });
  /** Written per frame without Vue: tests and diagnostics read the frame on screen here. */
  const onFrameTime = (ms: number | undefined): void => {
    const element = root.value;
    if (!element) return;
    if (ms === undefined) delete element.dataset.frameTime;
    else element.dataset.frameTime = String(ms);
  };
  // The recorded <video> exists only while the tile looks back (a live tile has one <video>).
  const media = {
    buffered: () => (recordedVideo.value ? copyRanges(recordedVideo.value.buffered) : []),
    currentTime: () => recordedVideo.value?.currentTime ?? 0,
    element: () => recordedVideo.value,
  };
  playback.wall.add(controller.id, props.cameraId, recorded, media, onFrameTime);

  onMounted(() => {
    if (video.value) controller.attachVideo(video.value);
    if (root.value) observer.observe(root.value);
  });

  watchEffect(() => {
    const camera = cameras.cameras.find((c) => c.id === props.cameraId);
    // Without the camera's list entry, assume the one profile every camera has.
    const profiles: Profile[] = camera ? [...new Set(camera.profiles.map((p) => p.name))] : ['main'];
    controller.update({ cameraId: props.cameraId, widthPx: size.width, heightPx: size.height, focused: props.focused, maximised: props.maximised, pin: props.pin, profiles });
  });

  // Recorded video has the tile: its live stream stops, and comes back with Live.
  watch(
    () => recorded.active,
    (active) => (active ? controller.suspend() : controller.resume()),
  );
  watch(
    () => props.focused,
    (focused) => {
      if (focused) playback.wall.focusedId = controller.id;
    },
    { immediate: true },
  );

  onBeforeUnmount(() => {
    observer.disconnect();
    playback.wall.remove(controller.id);
    controller.dispose();
  });

  return { view, recorded };
}
