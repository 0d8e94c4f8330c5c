/**
 * The renderer is served to app windows from tessera://app/…, out of out/renderer only, with
 * the CSP header on every answer. A privileged standard scheme gives the app a real origin
 * (needed for MSE, storage and the sender check) without file:// and its ambient access.
 */
import { net, protocol } from 'electron';
import { normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mediaPathPattern, mediaResponse, type MediaAttachSource } from '../media/http-stream.js';
import type { Logger } from '../logging/logger.js';
import { playbackPathPattern } from '../playback/playback-service.js';
import type { RecordedStills } from '../playback/recorded-stills.js';
import { stillPathname, stillResponse } from '../playback/still-transport.js';
import { appScheme, contentSecurityPolicy } from './security-policy.js';

/** Must run before app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/** What the scheme serves besides the renderer's files (the same paths as serve mode). */
export interface AppSchemeMedia {
  /** Live video: media/stream/<id>. */
  media: MediaAttachSource;
  /** Recorded video: media/playback/<id>. */
  playback: MediaAttachSource;
  /** Recorded stills: media/still?camera=&at=&width=. */
  recordedStills: RecordedStills;
  log: Logger;
}

export function serveAppScheme({ media, playback, recordedStills, log }: AppSchemeMedia): void {
  const root = fileURLToPath(new URL('../renderer/', import.meta.url));
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    const { pathname } = url;
    const stream = mediaPathPattern.exec(pathname);
    if (stream) {
      if (request.method !== 'GET') return new Response('Streams are read with GET.', { status: 405 });
      return mediaResponse(media, stream[1]!, request.signal);
    }
    const recorded = playbackPathPattern.exec(pathname);
    if (recorded) {
      if (request.method !== 'GET') return new Response('Streams are read with GET.', { status: 405 });
      return mediaResponse(playback, recorded[1]!, request.signal);
    }
    if (pathname === stillPathname) {
      if (request.method !== 'GET') return new Response('Stills are read with GET.', { status: 405 });
      return stillResponse(recordedStills, url, request.signal, log);
    }
    const file = normalize(`${root}${decodeURIComponent(pathname)}`);
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', contentSecurityPolicy);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
