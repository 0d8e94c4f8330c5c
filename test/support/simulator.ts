/**
 * Starts a simulator for integration tests. Media is cached in <repo>/.cache/sim-media so the
 * ffmpeg work is paid once per machine, not once per test file.
 */
import { fileURLToPath } from 'node:url';
import { watchChild } from '../../main/processes/child-reaper.js';
import { watchChildrenWith } from '../../simulator/child-watch.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../simulator/server.js';
import type { Segment, SimApiModule, SimMedia } from '../../simulator/types.js';

export const simCacheDir = fileURLToPath(new URL('../../.cache/sim-media', import.meta.url));

export function startTestSimulator(
  modules: readonly SimApiModule[],
  options: Partial<Omit<SimulatorOptions, 'modules'>> = {},
): Promise<SimulatorHandle> {
  // As in main/demo: the simulator's children end with the test process, however it ends.
  watchChildrenWith(watchChild);
  // A request the simulator failed on answers 500 'internal simulator error' (server.ts logs
  // "<port>: <METHOD> <url> failed: …"): say why in the test's output.
  const onProgress = (message: string): void => {
    if (/^[\w-]+: [A-Z]+ \S+ failed: /.test(message)) console.error(`[sim] ${message}`);
  };
  return startSimulator({ cameras: 4, hours: 1, cacheDir: simCacheDir, onProgress, ...options, modules });
}

/**
 * The longest recording of a camera that ended at least a minute before `nowMs`. Tests reach
 * tens of seconds into it: the first visible segment may be a few seconds long (history starts
 * at a minute, slots at five) and the newest is still growing, so neither is safe to pick.
 */
export function longestFinishedSegment(media: SimMedia, cameraIndex: number, nowMs: number): Segment {
  const done = media.segments(cameraIndex, media.historyStartMs, nowMs).filter((seg) => seg.endMs < nowMs - 60_000);
  if (!done.length) throw new Error(`the simulator planned no finished recording for camera ${cameraIndex}`);
  return done.reduce((a, b) => (b.endMs - b.startMs > a.endMs - a.startMs ? b : a));
}
