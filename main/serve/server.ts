/**
 * Serve mode: the built renderer over HTTP and the contract over a WebSocket, on 127.0.0.1 by
 * default, guarded by a random per-launch token, a Host check and an Origin check (auth.ts).
 *
 * Refusals happen before any upgrade, as plain HTTP answers: 400 (a target that does not parse),
 * 421 (not our host), 403 (foreign origin), 401 (no token), 404 (no such socket). A browser
 * cannot read the status of a refused upgrade, so the page asks the same path over HTTP (which
 * answers 401, or 426 when the token is right) to tell "needs the token" from "unreachable".
 *
 * Nothing a client sends may end the process: every raw socket and every WebSocket has an
 * 'error' listener (a broken frame makes `ws` emit one, then close that socket), and static
 * file errors end only their response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { exportDownloadPattern } from '../../preload/contract/index.js';
import type { Services } from '../compose.js';
import type { Logger } from '../logging/logger.js';
import { allowedHosts, cookieValue, hostAllowed, interfaceHostNames, isWildcardHost, newLaunchId, newToken, originAllowed, pageCookieName, parseTarget, sameToken, tokenFromQuery } from './auth.js';
import { mediaPathPattern } from '../media/http-stream.js';
import { serveMediaSocket } from '../media/ws-stream.js';
import { playbackPathPattern } from '../playback/playback-service.js';
import { serveStillSocket, stillPathname } from '../playback/still-transport.js';
import { attachBridgeClient, maxMessageBytes } from './bridge.js';
import { serveStatic } from './static-files.js';
import { serveExportFile } from './export-download.js';

export interface ServeOptions {
  host: string;
  port: number;
  rendererDir: string;
  services: Services;
  log: Logger;
  /** Fixed token (tests); random per launch otherwise. */
  token?: string;
}

export interface ServeHandle {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

type Admission = { ok: true; url: URL } | { ok: false; status: number; text: string };

const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request' };

/** A refused upgrade: a whole HTTP answer written on the raw socket, then closed. */
function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const body = `${text}\n`;
  socket.end(`HTTP/1.1 ${status} ${reasons[status] ?? 'Refused'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`);
}

export async function startServeServer(options: ServeOptions): Promise<ServeHandle> {
  const { host, services, log } = options;
  const token = options.token ?? newToken();
  // The page cookie opens only the renderer's files (see auth.ts): its own key and a per-launch name.
  const pageKey = newToken();
  const cookie = pageCookieName(newLaunchId());
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  wss.on('error', (err) => log.warn('websocket server error', { error: err }));
  let port = options.port;

  /** Our own host:port values; on 0.0.0.0 / :: also every interface's address, read per request (DHCP, VPNs). */
  const ourHosts = (): Set<string> => allowedHosts(host, port, isWildcardHost(host) ? interfaceHostNames(networkInterfaces()) : []);

  const isSocketPath = (pathname: string): boolean => pathname === '/bridge' || mediaPathPattern.test(pathname) || playbackPathPattern.test(pathname) || pathname === stillPathname;

  /**
   * The checks every request and every upgrade pass, in order. The sockets' paths take only the
   * token (also over plain HTTP: that is how the page learns why an upgrade was refused).
   */
  const admit = (req: IncomingMessage): Admission => {
    const url = parseTarget(req.url);
    if (!url) return { ok: false, status: 400, text: 'The address does not parse.' };
    const socket = isSocketPath(url.pathname);
    const hosts = ourHosts();
    if (!hostAllowed(req.headers.host, hosts)) return { ok: false, status: 421, text: 'Tessera answers only on its own address.' };
    if (!originAllowed(req.headers.origin, hosts)) return { ok: false, status: 403, text: 'Cross-origin requests are refused.' };
    const authorised = sameToken(tokenFromQuery(url), token) || (!socket && sameToken(cookieValue(req.headers.cookie, cookie), pageKey));
    if (!authorised) return { ok: false, status: 401, text: 'Tessera needs the token printed when `tessera serve` started: open the full address it printed.' };
    return { ok: true, url };
  };
  const refuse = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${text}\n`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const admission = admit(req);
    if (!admission.ok) return refuse(res, admission.status, admission.text);
    const { url } = admission;
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET is served here.');
    if (isSocketPath(url.pathname)) return refuse(res, 426, 'This path is a WebSocket (the contract, or live video).');
    const exportId = exportDownloadPattern.exec(url.pathname)?.[1];
    if (exportId !== undefined) return serveExportFile(services.exports, exportId, req.method === 'HEAD', res, refuse);
    if (url.searchParams.has('token')) {
      // The page keeps loading after the token leaves the address bar (reloads, display URLs).
      res.setHeader('set-cookie', `${cookie}=${pageKey}; Path=/; HttpOnly; SameSite=Strict`);
    }
    serveStatic(options.rendererDir, url.pathname, res).catch((err: unknown) => {
      log.error('static file failed', { path: url.pathname, error: err });
      if (!res.headersSent) refuse(res, 500, 'Tessera could not read its own files.');
      else res.destroy();
    });
  });

  // Two kinds of WebSocket: the contract (/bridge) and live video, one per tile (media/ws-stream.ts).
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // First, before anything can fail: a reset while we answer must not become an uncaught error.
    socket.on('error', (err) => log.debug('upgrade socket error', { message: err.message }));
    const admission = admit(req);
    if (!admission.ok) return refuseUpgrade(socket, admission.status, admission.text);
    const { url } = admission;
    if (!isSocketPath(url.pathname)) return refuseUpgrade(socket, 404, 'There is no WebSocket on this path.');
    const media = mediaPathPattern.exec(url.pathname);
    const recorded = playbackPathPattern.exec(url.pathname);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A broken frame (unmasked, bad UTF-8, over maxPayload, bad opcode…) or a reset: `ws` emits
      // 'error' and closes this socket; without a listener the error would end the process.
      ws.on('error', (err) => log.debug('websocket closed on a protocol error', { path: url.pathname === '/bridge' ? 'bridge' : 'media', message: err.message }));
      if (media) serveMediaSocket(services.media, media[1]!, ws);
      else if (recorded) serveMediaSocket(services.playback, recorded[1]!, ws);
      else if (url.pathname === stillPathname) serveStillSocket(services.recordedStills, url, ws, log);
      else attachBridgeClient(ws, services, log, url.searchParams.get('display') ?? undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
