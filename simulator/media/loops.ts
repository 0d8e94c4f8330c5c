/**
 * Pre-encoded live loops (MPEG-TS, LOOP_SECONDS long, one per camera and profile), made once per
 * machine in the cache dir. A loop camera's live stream is its loop sent in real time with stream
 * copy, which costs ~1 % of a core instead of ~27 % for a live encoder.
 *
 * Making a loop costs ~3–8 s of one core (720p + 360p, noisy machine), so start-up waits only for
 * the loops of the first EAGER_CAMERAS cameras; the others are made in the background, one at a
 * time, and a request for one of them jumps the queue (its live source starts once it exists).
 */
import { join } from 'node:path';
import { ffmpegBin } from './binaries.js';
import { cacheKey, Dedupe, exists, Limiter, produceAtomically } from './cache.js';
import type { CatalogueEntry } from './catalogue.js';
import { loopArgs, LOOP_SECONDS } from './ffmpeg-args.js';
import type { ProcessGroup } from './processes.js';
import type { ProfileName } from '../types.js';

/** Cameras whose loops start-up waits for (the default wall has 8). */
export const EAGER_CAMERAS = 8;

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

export class LoopLibrary {
  private readonly dedupe = new Dedupe();
  /** Two encoders at most (one x264 thread each). */
  private readonly limiter = new Limiter(2);
  private readonly made = new Set<string>();
  private closed = false;

  constructor(
    private readonly entries: readonly CatalogueEntry[],
    private readonly cacheDir: string,
    private readonly procs: ProcessGroup,
    private readonly onProgress?: (message: string) => void,
  ) {}

  /** Path of a loop camera's loop (it may not exist yet: see ready()). */
  path(cameraIndex: number, profile: ProfileName): string | undefined {
    const entry = this.entries[cameraIndex];
    return entry?.camera.liveMode === 'loop' ? loopPath(this.cacheDir, entry, profile) : undefined;
  }

  /** Resolves with the loop's path once the file exists (making it now if needed). */
  ready(cameraIndex: number, profile: ProfileName): Promise<string> {
    const entry = this.entries[cameraIndex];
    const path = this.path(cameraIndex, profile);
    if (!entry || !path) return Promise.reject(new Error(`camera ${cameraIndex} has no loop`));
    if (this.made.has(path)) return Promise.resolve(path);
    return this.dedupe.run(path, async () => {
      if (!(await exists(path))) {
        await this.limiter.run(async () => {
          if (this.closed) throw new Error('media layer is closed');
          const started = Date.now();
          await produceAtomically(path, (temp) => this.procs.run(ffmpegBin(), encodeArgs(entry, profile, temp)).then(() => undefined));
          this.onProgress?.(`media: live loop ready: ${entry.camera.name} ${profile} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        });
      }
      this.made.add(path);
      return path;
    });
  }

  /**
   * Makes sure the loops of the first EAGER_CAMERAS cameras exist (awaited), and starts making the
   * others in the background, one camera at a time.
   */
  async prepare(): Promise<void> {
    const loopCameras = this.entries.filter((e) => e.camera.liveMode === 'loop').map((e) => e.camera.index);
    const missing: number[] = [];
    for (const index of loopCameras) {
      for (const profile of ['main', 'sub'] as const) {
        const path = this.path(index, profile)!;
        if (await exists(path)) this.made.add(path);
        else if (!missing.includes(index)) missing.push(index);
      }
    }
    if (missing.length === 0) return;
    const eager = missing.filter((i) => i < EAGER_CAMERAS);
    const later = missing.filter((i) => i >= EAGER_CAMERAS);
    this.onProgress?.(
      `media: making live loops of ${LOOP_SECONDS} s for ${missing.length} cameras (first run only; cached in ${this.cacheDir})` +
        (later.length ? `; ${later.length} of them in the background` : ''),
    );
    await Promise.all(eager.flatMap((i) => [this.ready(i, 'sub'), this.ready(i, 'main')]));
    void (async () => {
      for (const index of later) {
        if (this.closed) return;
        await Promise.all([this.ready(index, 'sub'), this.ready(index, 'main')]).catch((err: unknown) => {
          if (!this.closed) this.onProgress?.(`media: live loop of camera ${index} failed: ${String(err)}`);
        });
      }
    })();
  }

  close(): void {
    this.closed = true;
  }
}
