/**
 * The Vue side of looking back: one RecordedWall per window, bound to the bridge
 * (`tessera.playback`, recorded stills over the media transport, `recordings:coverage` through a
 * CoverageLoader), mirrored into the timeline store, and the timeline's actions. Tiles register
 * here (use-camera-tile.ts); the Timeline component and the key table call the actions.
 */
import { ref, watch, type Ref } from 'vue';
import { recordedStillPath } from '../../../preload/contract/index.js';
import { mediaGet, mediaFetch, tessera } from '../bridge/index.js';
import { CoverageLoader } from '../domain/coverage-loader.js';
import { shuttleSpeed, stepSpeed } from '../domain/play-speeds.js';
import { StillScrubber, type ScrubStill } from '../domain/still-scrubber.js';
import { browserClock } from '../player/clock.js';
import { MsePlayer } from '../player/mse-player.js';
import { RecordedWall } from '../player/recorded-wall.js';
import { useTimelineStore } from '../stores/timeline.js';

export interface Playback {
  wall: RecordedWall;
  coverage: CoverageLoader;
  /** Bumped whenever coverage arrives (the timeline redraws its rows). */
  coverageVersion: Ref<number>;
  scrub(atMs: number, direction: -1 | 0 | 1): void;
  release(atMs: number): void;
  togglePlay(): void;
  setRate(rate: number): void;
  /** `<` / `>`: one speed slower or faster along the list (into reverse where a tile can). */
  faster(direction: 1 | -1): void;
  /** J (−1) / Shift+L (+1): that way at 1×, or twice as fast when already going that way. */
  shuttle(direction: 1 | -1): void;
  /** K: pause (no toggle). */
  pause(): void;
  step(direction: 1 | -1): void;
  goTo(atMs: number): void;
  live(): void;
}

let shared: Playback | null = null;

/** Fetches the recorded still nearest atMs: the JPEG as an object URL and the time it shows. */
async function fetchStill(cameraId: string, atMs: number, signal: AbortSignal): Promise<ScrubStill> {
  const response = await mediaGet(recordedStillPath({ cameraId, atMs: Math.max(0, Math.round(atMs)), width: 640 }), signal);
  if (!response.ok) {
    const text = (await response.text()).trim();
    throw new Error(text && text.length < 300 && !text.startsWith('<') ? text : `the recorded still answered ${response.status}`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('image/')) throw new Error(`the recorded still came as ${type.split(';')[0] || 'no type'}, not a picture`);
  const frameTimeMs = Number(response.headers.get('x-frame-time'));
  const blob = await response.blob();
  return { src: URL.createObjectURL(blob), frameTimeMs: Number.isFinite(frameTimeMs) && frameTimeMs > 0 ? frameTimeMs : atMs };
}

export function usePlayback(): Playback {
  if (shared) return shared;
  const store = useTimelineStore();
  const coverageVersion = ref(0);
  const coverage = new CoverageLoader((input) => tessera.recordings.coverage(input), () => Date.now());
  coverage.onChange(() => (coverageVersion.value += 1));
  const scrubber = new StillScrubber(fetchStill, (still) => URL.revokeObjectURL(still.src));
  const wall = new RecordedWall({
    api: {
      open: (input) => tessera.playback.open({ ...input, rate: input.rate ?? 1, profile: 'main' }),
      seek: (input) => tessera.playback.seek(input),
      setSpeed: (input) => tessera.playback.setSpeed(input),
      step: (input) => tessera.playback.step(input),
      pause: (input) => tessera.playback.pause(input),
      close: (input) => tessera.playback.close(input),
      onState: (listener) => tessera.playback.onState(listener),
    },
    scrubber,
    clock: browserClock,
    monotonicNow: () => performance.now(),
    coverage: (cameraId) => coverage.allPeriods(cameraId),
    zone: () => store.zone,
    player: (driver) => new MsePlayer({ ...(mediaFetch ? { fetch: mediaFetch } : {}), driver: () => driver }),
  });
  const mirror = (): void => {
    const p = wall.position();
    store.mode = wall.mode;
    store.status = p.status;
    store.rate = p.rate;
    store.canReverse = wall.canReverse();
    store.positionMs = wall.mode === 'live' ? Date.now() : p.positionMs;
  };
  wall.onChange = mirror;
  // The playhead moves between ticks too (and stays at now while live).
  setInterval(mirror, 250);
  watch(
    () => store.sync,
    (on) => wall.setSync(on),
  );

  const act =
    <A extends unknown[]>(run: (...args: A) => void) =>
    (...args: A): void => {
      run(...args);
      mirror();
    };
  shared = {
    wall,
    coverage,
    coverageVersion,
    scrub: act((atMs: number, direction: -1 | 0 | 1) => wall.scrub(atMs, direction, store.scale.spanMs / store.scale.widthPx)),
    release: act((atMs: number) => wall.release(atMs)),
    togglePlay: act(() => wall.togglePlay()),
    setRate: act((rate: number) => wall.setRate(rate)),
    faster: act((direction: 1 | -1) => wall.setRate(stepSpeed(wall.position().rate, direction, wall.canReverse()))),
    shuttle: act((direction: 1 | -1) => {
      const p = wall.position();
      const rate = shuttleSpeed(p.rate, wall.mode === 'recorded' && p.status !== 'paused', direction, wall.canReverse());
      if (rate === null) return;
      wall.setRate(rate);
      if (wall.mode === 'live' || p.status === 'paused') wall.togglePlay();
    }),
    pause: act(() => {
      if (wall.mode === 'recorded' && wall.position().status !== 'paused') wall.togglePlay();
    }),
    step: act((direction: 1 | -1) => wall.step(direction)),
    goTo: act((atMs: number) => wall.goTo(Math.min(atMs, Date.now()))),
    live: act(() => wall.live()),
  };
  return shared;
}
