/**
 * WebSocket poll: `GET /api/v2/Device/{account_id}/Events` upgraded, authenticated by the
 * `auth_key` cookie or `?A=`. The 101 answer sets `ee-ws-poll-ses`. The client sends the
 * subscription JSON after open (the same body as POST /poll); the server answers with frames
 * `{"status_code":200,"message":"OK","data":{"<esn>":{…}}}` (`data`, not `cameras`) carrying the
 * current values first and then only changes. Problems are per-message codes, the handshake
 * still succeeds: 400 Invalid resource, 401 Access denied, 412 Auth lost (session ended while
 * the socket was open; the server then closes it).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseCookies, parsePairs } from './http.js';
import { parseSubscription } from './poll.js';
import type { PollSession } from './poll-hub.js';
import type { EenServices } from './services.js';

const PATH_RE = /^\/api\/v2\/Device\/([^/?]+)\/Events$/;
/** How long a quiet socket waits before re-checking its session (status changes and ticks wake it sooner). */
const MAX_QUIET_MS = 30_000;

interface Connection {
  ws: WebSocket;
  authKey: string | undefined;
  poll: PollSession | null;
  abort: AbortController;
}

function frame(status: number, message: string, data?: unknown): string {
  return JSON.stringify(data === undefined ? { status_code: status, message } : { status_code: status, message, data });
}

export class WsPoll {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  /** Poll-session cookie for the 101 answer, per upgrading request. */
  private readonly pendingCookies = new WeakMap<IncomingMessage, string>();

  constructor(private readonly svc: EenServices) {
    this.wss.on('headers', (headers, req) => {
      const id = this.pendingCookies.get(req);
      if (id) headers.push(`Set-Cookie: ee-ws-poll-ses=${id}; Path=/; HttpOnly`);
    });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const match = PATH_RE.exec(path);
    if (!match) return refuse(socket, 404, 'Not Found');
    const authKey = parsePairs(q < 0 ? '' : url.slice(q + 1)).get('A') ?? parseCookies(req.headers.cookie).get('auth_key');
    const session = this.svc.sessions.lookup(authKey);
    if (!session && this.svc.options.wsUnauthenticated === 'reject') return refuse(socket, 401, 'Unauthorized');
    this.pendingCookies.set(req, randomBytes(9).toString('base64url'));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = { ws, authKey: session?.key, poll: null, abort: new AbortController() };
      this.connections.add(conn);
      ws.on('close', () => {
        conn.abort.abort();
        this.connections.delete(conn);
      });
      ws.on('error', () => ws.terminate());
      if (!session || match[1] !== this.svc.options.accountId) {
        ws.send(frame(401, 'Access denied'));
        ws.close(1008, 'Access denied');
        return;
      }
      ws.on('message', (data) => this.onMessage(conn, data.toString()));
    });
  }

  /** Sessions ended (logout, admin expiry, or all when key is undefined): tell their sockets and close them. */
  authLost(authKey?: string): void {
    for (const conn of this.connections) {
      if (authKey !== undefined && conn.authKey !== authKey) continue;
      this.loseAuth(conn);
    }
  }

  close(): void {
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
    this.wss.close();
  }

  private onMessage(conn: Connection, text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      conn.ws.send(frame(400, 'Invalid resource'));
      return;
    }
    const parsed = parseSubscription(json, 'ws', this.svc.polls.isKnown);
    if (parsed.malformed) {
      conn.ws.send(frame(400, 'Invalid resource'));
      return;
    }
    for (const problem of parsed.problems) conn.ws.send(frame(problem.status, problem.message, { [problem.esn]: {} }));
    const first = conn.poll === null;
    // A later message replaces the subscription.
    conn.poll = this.svc.polls.detached(conn.authKey!, parsed.subscription);
    const snapshot = this.svc.polls.snapshot(conn.poll);
    if (Object.keys(snapshot).length > 0) conn.ws.send(frame(200, 'OK', snapshot));
    if (first) void this.pushLoop(conn);
  }

  private async pushLoop(conn: Connection): Promise<void> {
    const { sessions, polls, world } = this.svc;
    while (!conn.abort.signal.aborted) {
      await polls.waitForChange(conn.abort.signal, world.now() + MAX_QUIET_MS);
      if (conn.abort.signal.aborted || !conn.poll) return;
      if (!conn.authKey || !sessions.isValid(conn.authKey)) return this.loseAuth(conn);
      // An open event socket is activity: it keeps its session alive.
      sessions.lookup(conn.authKey);
      const changes = polls.collect(conn.poll, false);
      if (Object.keys(changes).length > 0) conn.ws.send(frame(200, 'OK', changes));
    }
  }

  private loseAuth(conn: Connection): void {
    conn.abort.abort();
    if (conn.ws.readyState === conn.ws.OPEN) {
      conn.ws.send(frame(412, 'Auth lost'));
      conn.ws.close(1000, 'Auth lost');
    }
    this.connections.delete(conn);
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
