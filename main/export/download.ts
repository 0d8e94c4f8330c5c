/**
 * Downloads a server export to a work file: `<file>.partial` while it comes, renamed to `<file>`
 * when whole, so a file without the suffix is always complete (a restarted job re-uses it). A
 * broken download resumes with `Range:` where the server allows it. A server that stops sending
 * for `stallMs` is reported as stalled (the runner retries); a full disk is 'disk-full'.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppFailure } from '../../preload/contract/index.js';
import { diskFull, ensureRoom, isNoSpace } from './disk-space.js';

export interface DownloadOptions {
  url: string;
  headers: Record<string, string>;
  resumable: boolean;
  signal: AbortSignal;
  /** No byte for this long: stalled. */
  stallMs: number;
  onBytes(total: number, expected: number | undefined): void;
  site: string;
}

/** Free space is checked each time this much more was written. */
const CHECK_EVERY_BYTES = 1024 * 1024;

export async function download(target: string, o: DownloadOptions): Promise<number> {
  if (existsSync(target)) return fstatSize(target);
  const partial = `${target}.partial`;
  // A retry may get another server job at another address, whose bytes need not match what we
  // hold: a partial is continued only for the address it came from (kept as a hash: an address
  // may carry a token, and nothing secret is written in clear).
  const source = `${partial}.source`;
  const sourceHash = createHash('sha256').update(o.url).digest('hex');
  const sameSource = existsSync(source) && readFileSync(source, 'utf8') === sourceHash;
  let offset = o.resumable && sameSource && existsSync(partial) ? fstatSize(partial) : 0;
  const stall = new AbortController();
  const signal = AbortSignal.any([o.signal, stall.signal]);
  let stallTimer = setTimeout(() => stall.abort(), o.stallMs);
  const alive = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => stall.abort(), o.stallMs);
  };
  let fd: number | undefined;
  try {
    const response = await fetch(o.url, { headers: { ...o.headers, ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) }, signal, redirect: 'error' });
    if (response.status === 200) offset = 0; // the server ignored Range: start over
    else if (!(response.status === 206 && offset > 0)) {
      if (response.status === 416) rmSync(partial, { force: true }); // what we hold does not fit: the retry starts over
      throw new AppFailure(response.status === 401 || response.status === 403 ? 'unauthorized' : 'bad-response', `${o.site} refused the export download (HTTP ${response.status}).`, { status: response.status });
    }
    const length = Number(response.headers.get('content-length'));
    const expected = Number.isFinite(length) && length > 0 ? offset + length : undefined;
    if (expected !== undefined) ensureRoom(dirname(target), expected - offset);
    fd = openSync(partial, offset > 0 ? 'a' : 'w', 0o600);
    writeFileSync(source, sourceHash);
    let total = offset;
    let sinceCheck = 0;
    if (!response.body) throw new AppFailure('bad-response', `${o.site} sent an empty export.`);
    for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
      alive();
      const bytes = chunk as Uint8Array;
      try {
        writeSync(fd, bytes);
      } catch (err) {
        throw isNoSpace(err) ? diskFull('the downloaded recording') : err;
      }
      total += bytes.byteLength;
      sinceCheck += bytes.byteLength;
      if (sinceCheck >= CHECK_EVERY_BYTES) {
        sinceCheck = 0;
        ensureRoom(dirname(target), 0);
      }
      o.onBytes(total, expected);
    }
    if (expected !== undefined && total < expected) throw new AppFailure('bad-response', `${o.site} ended the export download early (${total} of ${expected} bytes).`);
    closeSync(fd);
    fd = undefined;
    renameSync(partial, target);
    rmSync(source, { force: true });
    return total;
  } catch (err) {
    if (stall.signal.aborted && !o.signal.aborted) throw new AppFailure('timeout', `${o.site} stopped sending the export (nothing for ${Math.round(o.stallMs / 1000)} s).`, { stalled: true });
    if (!o.resumable) {
      rmSync(partial, { force: true });
      rmSync(source, { force: true });
    }
    if (err instanceof AppFailure || o.signal.aborted) throw err;
    if (isNoSpace(err)) throw diskFull('the downloaded recording');
    throw new AppFailure('unreachable', `${o.site}: the export download failed (${err instanceof Error ? err.message : String(err)}).`);
  } finally {
    clearTimeout(stallTimer);
    if (fd !== undefined) closeSync(fd);
  }
}

function fstatSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
