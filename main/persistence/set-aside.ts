/**
 * What happens to a stored file Tessera cannot use: it is renamed beside itself with the time,
 * `sites.json` → `sites.corrupt-20261206T230000Z.json` (`-2`, `-3`… when that name is taken),
 * so the operator can repair it and no earlier copy is ever overwritten.
 */
import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** 2026-12-06T23:00:00.123Z → 20261206T230000Z (UTC, to the second; safe in file names everywhere). */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** A name beside `path` that no file holds yet. */
export function asideName(path: string, nowMs: number, exists: (p: string) => boolean = existsSync): string {
  const ext = extname(path);
  const stem = join(dirname(path), `${basename(path, ext)}.corrupt-${compactUtc(nowMs)}`);
  let candidate = `${stem}${ext}`;
  for (let n = 2; exists(candidate); n += 1) candidate = `${stem}-${n}${ext}`;
  return candidate;
}

/** Renames the file (or folder) aside; the new path, or why it stayed. Never throws. */
export function setAside(path: string, nowMs: number): { keptAs: string } | { error: string } {
  try {
    const keptAs = asideName(path, nowMs);
    renameSync(path, keptAs);
    return { keptAs };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
