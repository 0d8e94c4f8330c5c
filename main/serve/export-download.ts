/**
 * Serve mode's "reveal": a finished export's MP4 downloaded from /exports/<id> (behind the token
 * or the page cookie, like every path). Only files the queue finished are served, by job id,
 * never a path from the request.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ServerResponse } from 'node:http';
import { AppFailure } from '../../preload/contract/index.js';
import type { ExportManager } from '../export/export-manager.js';

export function serveExportFile(exports: ExportManager, id: string, headOnly: boolean, res: ServerResponse, refuse: (res: ServerResponse, status: number, text: string) => void): void {
  let file: string;
  try {
    file = exports.finishedFile(id);
  } catch (err) {
    return refuse(res, 404, err instanceof AppFailure ? err.message : 'There is no such export.');
  }
  const size = statSync(file).size;
  // The name is Tessera's own (camera + times, file-name-safe); RFC 5987 keeps non-ASCII intact.
  const name = basename(file);
  res.writeHead(200, {
    'content-type': 'video/mp4',
    'content-length': String(size),
    'content-disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (headOnly) return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
