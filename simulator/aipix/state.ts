/** What the AIPIX route handlers share. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../types.js';
import { sendUnauthenticated, sendValidation } from './http.js';
import type { LinkGrant, LinkStore } from './links.js';
import type { AipixOptions } from './options.js';
import type { ApiSession, ApiSessionStore } from './sessions.js';

export interface AipixState {
  ctx: SimContext;
  options: AipixOptions;
  sessions: ApiSessionStore;
  links: LinkStore;
  /** Absolute base of this port, for the URLs handed out. */
  baseUrl: string;
  /** created_at of every camera: when the simulator's history begins. */
  createdMs: number;
  /** Sessions already warned about missing X-Client/X-UUID (warn once, not per request). */
  warned: Set<string>;
}

/**
 * Client-API authentication: a valid bearer token, plus X-Client and X-UUID (§5.1). Missing
 * headers are logged once per session, or refused when options.requireClientHeaders is set.
 * Answers the request and returns undefined when it must not proceed.
 */
export function authenticate(state: AipixState, req: IncomingMessage, res: ServerResponse): ApiSession | undefined {
  const session = state.sessions.authenticate(req.headers.authorization);
  if (!session) {
    sendUnauthenticated(res);
    return undefined;
  }
  const missing = ['x-client', 'x-uuid'].filter((name) => !req.headers[name]);
  if (missing.length) {
    if (state.options.requireClientHeaders) {
      sendValidation(res, Object.fromEntries(missing.map((name) => [name, [`The ${name} header is required.`]])));
      return undefined;
    }
    if (!state.warned.has(session.id)) {
      state.warned.add(session.id);
      state.ctx.log(`aipix: requests without ${missing.join(' and ')} (real servers expect both)`);
    }
  }
  return session;
}

const mediaFile: Record<LinkGrant['kind'], string> = {
  'live-hls': 'index.m3u8',
  'live-preview-mp4': 'preview.mp4',
  'live-preview-jpg': 'preview.jpg',
  'archive-hls': 'index.m3u8',
  'archive-mp4': 'video.mp4',
  'archive-preview-mp4': 'preview.mp4',
  'archive-preview-jpg': 'preview.jpg',
  rtsp: '',
};

/** The URL of a grant: /live|/archive/{stream uuid}/{file}?token=… on this port; RTSP on the RTSP server. */
export function grantUrl(state: AipixState, grant: LinkGrant): string {
  if (grant.kind === 'rtsp') {
    const base = state.ctx.media.rtspUrl(grant.cameraIndex, grant.profile) ?? '';
    return `${base}${base.includes('?') ? '&' : '?'}token=${grant.token}`;
  }
  const area = grant.kind.startsWith('archive') ? 'archive' : 'live';
  return `${state.baseUrl}/${area}/${grant.streamUuid}/${mediaFile[grant.kind]}?token=${grant.token}`;
}
