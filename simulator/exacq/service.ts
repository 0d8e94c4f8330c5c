/** The exacqVision Web Service simulator: one HTTP service routing /v1/*.web calls. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimNotFound, SimOffline, type SimContext, type SimService } from '../types.js';
import { ExportStore } from './exports.js';
import { readParams, sendJson, sendText } from './http.js';
import { LiveJpegCache } from './live-jpeg.js';
import type { ExacqOptions } from './options.js';
import { exportWeb } from './routes-export.js';
import { groups, ptz, status, thumbnail, tours, views } from './routes-layout.js';
import { playspeed, search, searchStatus, step, timestamp } from './routes-search.js';
import { config, login, logout } from './routes-session.js';
import { video } from './routes-video.js';
import { SearchStore } from './searches.js';
import { SessionStore } from './sessions.js';
import { loginPageHtml, type ExacqState } from './state.js';

export function createExacqService(ctx: SimContext, options: ExacqOptions): SimService {
  const state: ExacqState = {
    ctx,
    options,
    sessions: new SessionStore(ctx.now, () => options.sessionIdleMs),
    searches: new SearchStore(ctx.media),
    exports: new ExportStore(ctx.media, ctx.faults, ctx.now, ctx.log),
    jpegs: new LiveJpegCache(ctx.media, options.liveJpegFps),
    streams: new Set(),
  };

  const unsubscribeExpire = ctx.onExpireSessions(() => {
    state.sessions.clear();
    state.searches.clear();
  });
  const unsubscribeStatus = ctx.onCameraStatus((cameraIndex, online) => {
    if (online) return;
    // An offline camera stops sending: end its live streams and forget its last picture.
    state.jpegs.drop(cameraIndex);
    for (const stream of [...state.streams]) if (stream.cameraIndex === cameraIndex) stream.stop();
  });
  // The 15-minute export clean-up also runs without traffic (unref: never keeps the process up).
  const sweeper = setInterval(() => void state.exports.purge(options.exportIdleMs), 60_000);
  sweeper.unref();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await route(req, res);
    } catch (err) {
      // The media layer's "offline" and "not found" are answers, not server faults.
      if (!(err instanceof SimNotFound)) throw err;
      if (res.headersSent) return void res.destroy();
      if (err instanceof SimOffline) sendText(res, 503, 'Camera unavailable');
      else sendText(res, 404, 'Not Found');
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://exacq');
    const path = url.pathname;
    if (!path.startsWith('/v1/')) {
      // The web client lives outside /v1: a base URL missing /v1 gets HTML, as on a real server (§4.9).
      return sendText(res, 200, loginPageHtml, 'text/html; charset=utf-8');
    }
    const params = await readParams(req, url);
    const [, , endpoint, ...rest] = path.split('/');
    switch (endpoint) {
      case 'login.web':
        return login(state, params, res);
      case 'logout.web':
        return logout(state, params, res);
      case 'config.web':
        return config(state, params, res);
      case 'video.web': {
        if (rest.length === 0) return video(state, params, undefined, res);
        const [s, camera, container] = rest.map(decodeURIComponent);
        if (s === undefined || camera === undefined || container === undefined || rest.length !== 3) break;
        return video(state, params, { s, camera, container }, res);
      }
      case 'search.web':
        if (rest.length === 0) return search(state, params, res);
        if (rest.length === 1 && rest[0] === 'status') return searchStatus(state, params, res);
        break;
      case 'timestamp.web':
        if (rest.length === 0) return timestamp(state, params, res);
        break;
      case 'playspeed.web':
        if (rest.length <= 1) return playspeed(state, params, rest[0] === undefined ? undefined : decodeURIComponent(rest[0]), res);
        break;
      case 'step.web':
        if (rest.length === 1) return step(state, params, decodeURIComponent(rest[0]!), res);
        break;
      case 'export.web':
        return exportWeb(state, params, res);
      case 'views.web':
        return views(state, params, res);
      case 'tours.web':
        return tours(state, params, res);
      case 'groups.web':
        return groups(state, params, res);
      case 'status.web':
        return status(state, params, res);
      case 'ptz.web':
        return ptz(state, params, req.method, res);
      case 'thumbnail.web':
        return thumbnail(state, params, res);
    }
    sendJson(res, 404, { success: false, error: `no such endpoint ${path}` });
  }

  return {
    handle,
    async close() {
      clearInterval(sweeper);
      unsubscribeExpire();
      unsubscribeStatus();
      for (const stream of [...state.streams]) stream.stop();
      state.jpegs.close();
      await state.exports.close();
    },
  };
}
