/**
 * JsonFile writes `<name>.json.<pid>.tmp` and renames it over the document; a crash between the
 * two leaves the temp file behind forever. At start, temps in the data folder (not below it)
 * whose writer is gone are removed: the pid no longer runs, or the file is older than any write
 * could take (a pid may have been reused by an unrelated process).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The temp-file name of JsonFile's atomic write, for any document name. */
export const TEMP_PATTERN = /^[\w.-]+\.json\.(\d+)\.tmp$/;
/** A write takes milliseconds; a temp this old is no live write's, whatever its pid. */
export const ORPHAN_AGE_MS = 60 * 60 * 1000;

export function tempName(path: string, pid: number): string {
  return `${path}.${pid}.tmp`;
}

export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid runs under another user; only ESRCH says it is gone.
    return !(err && typeof err === 'object' && 'code' in err && err.code === 'ESRCH');
  }
}

export interface OrphanSweep {
  removed: string[];
  /** Temps that matched but could not be removed, with why (reported, never thrown). */
  failed: { name: string; error: string }[];
}

export function removeOrphanTemps(dir: string, options: { now?: number; alive?: (pid: number) => boolean; maxAgeMs?: number } = {}): OrphanSweep {
  const { now = Date.now(), alive = pidAlive, maxAgeMs = ORPHAN_AGE_MS } = options;
  const sweep: OrphanSweep = { removed: [], failed: [] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return sweep; // No data folder yet: nothing to clean.
  }
  for (const name of names) {
    const match = TEMP_PATTERN.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    try {
      const stat = statSync(path);
      if (!stat.isFile()) continue;
      if (alive(Number(match[1])) && now - stat.mtimeMs < maxAgeMs) continue;
      rmSync(path);
      sweep.removed.push(name);
    } catch (err) {
      sweep.failed.push({ name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return sweep;
}
