/**
 * Pre-encoded live loops (MPEG-TS, LOOP_SECONDS long, one per camera and profile), made once per
 * machine in the cache dir. A loop camera's live stream is its loop sent in real time with stream
 * copy, which costs ~1 % of a core instead of ~27 % for a live encoder.
 */
import { join } from 'node:path';
import { ffmpegBin } from './binaries.js';
import { cacheKey, exists, Limiter, produceAtomically } from './cache.js';
import type { CatalogueEntry } from './catalogue.js';
import { loopArgs, LOOP_SECONDS } from './ffmpeg-args.js';
import type { ProcessGroup } from './processes.js';
import type { ProfileName } from '../types.js';

function encodeArgs(entry: CatalogueEntry, profile: ProfileName, out: string): string[] {
  const { camera, scene } = entry;
  return loopArgs({
    scene, name: camera.name, esn: camera.esn, profile: camera.profiles[profile],
    gopSeconds: camera.gopSeconds, audio: camera.audio, out,
  });
}

/** Cached loop file; keyed by its whole ffmpeg command line, so any change makes a new loop. */
export function loopPath(cacheDir: string, entry: CatalogueEntry, profile: ProfileName): string {
  const key = cacheKey(encodeArgs(entry, profile, 'OUT'));
  return join(cacheDir, 'loops', `${entry.camera.esn}-${profile}-${key}.ts`);
}

/**
 * Makes every missing loop, two encoders at a time (one x264 thread each), reporting progress.
 * Resolves with the path of every loop, keyed "index/profile".
 */
export async function ensureLoops(
  entries: readonly CatalogueEntry[],
  cacheDir: string,
  procs: ProcessGroup,
  onProgress?: (message: string) => void,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  const todo: { entry: CatalogueEntry; profile: ProfileName; path: string }[] = [];
  // "encode" cameras make their live picture on the fly and need no loop.
  for (const entry of entries.filter((e) => e.camera.liveMode === 'loop')) {
    for (const profile of ['main', 'sub'] as const) {
      const path = loopPath(cacheDir, entry, profile);
      paths.set(`${entry.camera.index}/${profile}`, path);
      if (!(await exists(path))) todo.push({ entry, profile, path });
    }
  }
  if (todo.length === 0) return paths;
  onProgress?.(`media: generating ${todo.length} live loops of ${LOOP_SECONDS} s (first run only; cached in ${cacheDir})`);
  const limiter = new Limiter(2);
  let done = 0;
  const started = Date.now();
  await Promise.all(
    todo.map(({ entry, profile, path }) =>
      limiter.run(async () => {
        const { camera } = entry;
        await produceAtomically(path, (temp) => procs.run(ffmpegBin(), encodeArgs(entry, profile, temp)).then(() => undefined));
        done += 1;
        onProgress?.(`media: loop ${done}/${todo.length} ready (${camera.name} ${profile}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }),
    ),
  );
  return paths;
}
