/**
 * Serves the built renderer: only files inside its folder, with types, CSP and no sniffing.
 * Assets are cached `private`: only the browser that was let in keeps them, never a shared proxy.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from '../windows/security-policy.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function serveStatic(rootDir: string, pathname: string, res: ServerResponse): Promise<void> {
  // Every route that is not a file is the single-page app (display URLs such as /?display=2).
  let relative: string;
  try {
    relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed address');
    return;
  }
  const full = normalize(join(rootDir, relative));
  if (!full.startsWith(rootDir.endsWith(sep) ? rootDir : rootDir + sep)) {
    res.writeHead(404).end();
    return;
  }
  let file = full;
  let info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    if (extname(relative)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    file = join(rootDir, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('The renderer is not built: run `npm run build`.');
      return;
    }
  }
  const isHtml = extname(file) === '.html';
  res.writeHead(200, {
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': isHtml ? 'no-store' : 'private, max-age=3600',
    ...(isHtml ? { 'content-security-policy': contentSecurityPolicy, 'x-frame-options': 'DENY' } : {}),
  });
  // pipeline, not pipe: a read error (the file vanished) or a client gone mid-file destroys this
  // response only; an unhandled read-stream 'error' would end the process.
  await pipeline(createReadStream(file), res).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err; // the client left: nothing to say
  });
}
