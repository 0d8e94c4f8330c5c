/**
 * Room on the destination's file system: checked before an export starts and while it writes,
 * so a full disk ends the job with 'disk-full' and its work files removed, never with a file
 * under the final name that stops half-way.
 */
import { statfsSync } from 'node:fs';
import { AppFailure } from '../../preload/contract/index.js';

/** Kept free besides what the export needs: the system and other programs need room too. */
export const RESERVE_BYTES = 8 * 1024 * 1024;

export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Throws 'disk-full' when `dir` has less than `neededBytes` plus the reserve left. */
export function ensureRoom(dir: string, neededBytes: number): void {
  const free = freeBytes(dir);
  if (free < neededBytes + RESERVE_BYTES) {
    throw new AppFailure('disk-full', `The destination is full: ${megabytes(free)} free, the export needs about ${megabytes(neededBytes + RESERVE_BYTES)}.`, { freeBytes: free });
  }
}

export function isNoSpace(err: unknown): boolean {
  return Boolean(err && typeof err === 'object' && 'code' in err && (err.code === 'ENOSPC' || err.code === 'EDQUOT'));
}

export function diskFull(what: string): AppFailure {
  return new AppFailure('disk-full', `The destination is full: ${what} could not be written.`);
}
