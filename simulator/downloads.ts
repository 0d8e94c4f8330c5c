/**
 * How every simulated vendor sends a finished download (an export file, an MP4 clip), with the
 * download fault knobs applied in one place:
 *   faults.cutDownloads = f (0 < f < 1): the connection is destroyed after f of the body was sent,
 *     the way a proxy or a restarting server drops a transfer (Content-Length promised more);
 *   stalled (the vendor passes faults.stallExports where its export *is* the download, AIPIX):
 *     the first part is sent and then nothing, until the client gives up or the simulator stops.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FaultState } from './types.js';

/** Bytes of a stalled download sent before it stops: enough for a client to see it started. */
export const STALL_AFTER_BYTES = 64 * 1024;

/** Where a cut (fraction) or a stall ends the body, or null to send it whole. Pure. */
export function downloadLimit(size: number, cutFraction: number, stalled: boolean): number | null {
  if (size <= 1) return null;
  if (cutFraction > 0 && cutFraction < 1) return Math.min(size - 1, Math.max(1, Math.floor(size * cutFraction)));
  if (stalled) return Math.min(STALL_AFTER_BYTES, Math.floor(size / 2));
  return null;
}

export function sendDownload(
  res: ServerResponse,
  body: Buffer,
  headers: OutgoingHttpHeaders,
  faults: Pick<FaultState, 'cutDownloads'>,
  stalled = false,
): void {
  res.writeHead(200, { ...headers, 'content-length': String(body.length) });
  const limit = downloadLimit(body.length, faults.cutDownloads, stalled);
  if (limit === null) return void res.end(body);
  const cut = !stalled || (faults.cutDownloads > 0 && faults.cutDownloads < 1);
  // A cut destroys the socket once the part is flushed; a stall just stops writing.
  res.write(body.subarray(0, limit), () => {
    if (cut) res.destroy();
  });
}
