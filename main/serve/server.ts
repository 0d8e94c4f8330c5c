/**
 * Serve mode: the built renderer over HTTP and the contract over a WebSocket, on 127.0.0.1 by
 * default, guarded by a random per-launch token (401 for HTTP, close code 4401 for WebSockets),
 * a Host check and an Origin check.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Services } from '../compose.js';
import type { Logger } from '../logging/logger.js';
import { cookieName, hostAllowed, newToken, originAllowed, sameToken, tokenFromRequest } from './auth.js';
import { mediaPathPattern } from '../media/http-stream.js';
import { serveMediaSocket } from '../media/ws-stream.js';
import { attachBridgeClient, maxMessageBytes } from './bridge.js';
import { serveStatic } from './static-files.js';

export const UNAUTHORIZED_CLOSE_CODE = 4401;

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

export async function startServeServer(options: ServeOptions): Promise<ServeHandle> {
  const { host, services, log } = options;
  const token = options.token ?? newToken();
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  let port = options.port;

  const refuse = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${text}\n`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://serve.invalid');
    if (!hostAllowed(req.headers.host, host, port)) return refuse(res, 421, 'Tessera answers only on its own address.');
    if (!originAllowed(req.headers.origin, host, port)) return refuse(res, 403, 'Cross-origin requests are refused.');
    const given = tokenFromRequest(url, req.headers.cookie, port);
    if (!sameToken(given, token)) {
      return refuse(res, 401, 'Tessera needs the token printed when `tessera serve` started: open the full address it printed.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET is served here.');
    if (url.searchParams.has('token')) {
      // The page keeps working after the token leaves the address bar (reloads, display URLs).
      res.setHeader('set-cookie', `${cookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    }
    if (mediaPathPattern.test(url.pathname)) return refuse(res, 426, 'Live video is read over a WebSocket on this path.');
    serveStatic(options.rendererDir, url.pathname, res).catch((err: unknown) => {
      log.error('static file failed', { path: url.pathname, error: err });
      if (!res.headersSent) refuse(res, 500, 'Tessera could not read its own files.');
      else res.destroy();
    });
  });

  // Two kinds of WebSocket: the contract (/bridge) and live video, one per tile (media/ws-stream.ts).
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://serve.invalid');
    const media = mediaPathPattern.exec(url.pathname);
    if ((url.pathname !== '/bridge' && !media) || !hostAllowed(req.headers.host, host, port) || !originAllowed(req.headers.origin, host, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const authorised = sameToken(tokenFromRequest(url, req.headers.cookie, port), token);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!authorised) {
        // Browsers cannot read an HTTP status of a refused upgrade; a close code they can.
        ws.close(UNAUTHORIZED_CLOSE_CODE, 'unauthorized');
        return;
      }
      if (media) serveMediaSocket(services.media, media[1]!, ws);
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
