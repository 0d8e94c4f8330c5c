/** The AIPIX simulator: VMS Client API, Integration API link endpoints, and the media behind the links. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext, SimService } from '../types.js';
import { sendJson } from './http.js';
import { LinkStore } from './links.js';
import type { AipixOptions } from './options.js';
import { token } from './routes-auth.js';
import { listCameras, showCamera, showCameras } from './routes-cameras.js';
import { archiveDownloadLink, archiveLink, integrationArchive, integrationPreview, integrationVideo, liveLink } from './routes-links.js';
import { media } from './routes-media.js';
import { ApiSessionStore } from './sessions.js';
import { authenticate, type AipixState } from './state.js';

export function createAipixService(ctx: SimContext, options: AipixOptions, baseUrl: string): SimService {
  const state: AipixState = {
    ctx,
    options,
    sessions: new ApiSessionStore(ctx.now, () => ({ maxSessions: options.maxSessions, ttlMs: options.tokenTtlMs })),
    links: new LinkStore(ctx.now),
    baseUrl,
    createdMs: ctx.media.historyStartMs,
    warned: new Set(),
  };
  // Admin "expire every session": API tokens and every media link die at once.
  const unsubscribe = ctx.onExpireSessions(() => {
    state.sessions.clear();
    state.links.clear();
  });

  const integration: Record<string, (s: AipixState, req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    preview: integrationPreview,
    video: integrationVideo,
    archive: integrationArchive,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://aipix');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';

    if (path === '/api/v1/token') {
      if (method !== 'POST') return methodNotAllowed(res, method);
      return token(state, req, res);
    }
    const integrationRoute = /^\/api\/v1\/cameras\/(preview|video|archive)$/.exec(path);
    if (integrationRoute) {
      if (method !== 'POST') return methodNotAllowed(res, method);
      return integration[integrationRoute[1]!]!(state, req, res);
    }
    if (path.startsWith('/api/')) {
      if (method !== 'GET') return methodNotAllowed(res, method);
      if (!authenticate(state, req, res)) return;
      if (path === '/api/v1/cameras') return listCameras(state, url, res);
      if (path === '/api/v1/cameras/shows') return showCameras(state, url, res);
      const cameraRoute = /^\/api\/v1\/cameras\/(\d+)(\/streams|\/streams\/archive|\/archive\/link)?$/.exec(path);
      if (cameraRoute) {
        const [, id, sub] = cameraRoute as unknown as [string, string, string | undefined];
        if (sub === undefined) return showCamera(state, id, res);
        if (sub === '/streams') return liveLink(state, id, url, res);
        if (sub === '/streams/archive') return archiveLink(state, id, url, res);
        return archiveDownloadLink(state, id, url, res);
      }
      return sendJson(res, 404, { message: 'Not Found' });
    }
    if (method === 'GET' && (await media(state, url, res))) return;
    sendJson(res, 404, { message: 'Not Found' });
  }

  return {
    handle,
    close() {
      unsubscribe();
      state.sessions.clear();
      state.links.clear();
    },
  };
}

function methodNotAllowed(res: ServerResponse, method: string): void {
  sendJson(res, 405, { message: `The ${method} method is not supported for this route.` });
}
