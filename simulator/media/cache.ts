/**
 * Disk cache helpers: content keys, atomic writes (temp file + rename, so a killed encoder never
 * leaves a half file under the final name) and de-duplication of concurrent work.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Bump when the picture or encoding of cached media changes: old files are then ignored (never
 * deleted: other checkouts may share the cache). 2: the timecode row and a taller name band.
 */
export const MEDIA_VERSION = 2;

export function cacheKey(params: unknown): string {
  return createHash('sha1').update(JSON.stringify({ v: MEDIA_VERSION, params })).digest('hex').slice(0, 12);
}

export async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

/** Produces finalPath once: reuses an existing file, else writes a temp file and renames it. */
export async function produceAtomically(finalPath: string, produce: (tempPath: string) => Promise<void>): Promise<string> {
  if (await exists(finalPath)) return finalPath;
  await mkdir(dirname(finalPath), { recursive: true });
  // The temp name keeps the extension: ffmpeg picks the muxer from it when not told.
  const dot = finalPath.lastIndexOf('.');
  const temp = `${finalPath.slice(0, dot)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}${finalPath.slice(dot)}`;
  try {
    await produce(temp);
    await rename(temp, finalPath);
  } finally {
    await rm(temp, { force: true });
  }
  return finalPath;
}

/** Concurrent calls with the same key share one promise until it settles. */
export class Dedupe {
  private readonly pending = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) return existing as Promise<T>;
    const promise = work().finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }
}

/**
 * At most `concurrency` tasks at once, FIFO: encoders must not take both cores. A background task
 * (work done ahead, such as the next chunk of a clip being played) waits until nothing wanted now
 * is queued, unless its `promote` (handed to onQueued) moves it up because it is wanted now too.
 */
export class Limiter {
  private active = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly later: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(task: () => Promise<T>, options: { background?: boolean; onQueued?: (promote: () => void) => void } = {}): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.active >= this.concurrency) {
      await new Promise<void>((resolve) => {
        if (!options.background) return void this.urgent.push(resolve);
        this.later.push(resolve);
        options.onQueued?.(() => {
          const at = this.later.indexOf(resolve);
          if (at < 0) return;
          this.later.splice(at, 1);
          this.urgent.push(resolve);
        });
      });
    } else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.urgent.shift() ?? this.later.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what a killed run left behind: temp files ("name.tmp-<pid>-<rand>.ext") and run dirs
 * ("run/<pid>-<rand>") whose process is gone. Files of live processes (a parallel test run
 * sharing the cache) are left alone.
 */
export async function sweepStaleTemps(cacheDir: string): Promise<number> {
  let removed = 0;
  const entries = await readdir(cacheDir, { recursive: true }).catch(() => [] as string[]);
  for (const rel of entries) {
    const name = rel.split('/').pop()!;
    const temp = /\.tmp-(\d+)-[0-9a-f]+\./.exec(name);
    const runDir = /^run\/(\d+)-[0-9a-f]+$/.exec(rel);
    const pid = Number((temp ?? runDir)?.[1] ?? 0);
    if (!pid || pid === process.pid || pidAlive(pid)) continue;
    await rm(`${cacheDir}/${rel}`, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
