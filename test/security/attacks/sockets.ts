/**
 * Attacks on serve mode's sockets, as a local process (or, with --host, the network) could make
 * them: hand-made HTTP upgrades on raw TCP followed by hand-made broken WebSocket frames, and a
 * bridge client that never reads. Each attack takes the running server ({ url, port, token }),
 * does one thing and returns when the server has dealt with it (or a bounded wait has passed);
 * whether the server survived is for the caller to check (see serverAnswers).
 *
 * Frame layout (RFC 6455 §5.2), the bytes these attacks break:
 *   byte 0   FIN · RSV1 · RSV2 · RSV3 · opcode(4)
 *   byte 1   MASK · length(7)   (126: 16-bit length follows, 127: 64-bit length follows)
 *   then     masking key (4 bytes, required from a client), then the masked payload
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { ServeTarget as BridgeTarget } from '../../support/bridge-session.js';

/** A running serve (support/bridge-session.ts) with its port, for raw TCP. */
export interface ServeTarget extends BridgeTarget {
  port: number;
}

/** Which socket to attack, and whether the upgrade carries the right token. */
export interface SocketPath {
  path: '/bridge' | `/media/stream/${string}`;
  authorised: boolean;
}

const bridge: SocketPath = { path: '/bridge', authorised: true };

export interface RawUpgrade {
  socket: Socket;
  /** HTTP status of the answer to the upgrade (101 when it was accepted). */
  status: number;
  /** The answer's status line and headers. */
  head: string;
}

/** Bounded wait for the peer to close the socket; resolves either way. */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.off('close', onClose);
      socket.off('end', onClose);
      resolve(closed);
    };
    const onClose = (): void => done(true);
    socket.once('close', onClose);
    socket.once('end', onClose);
  });
}

/** A hand-made WebSocket upgrade on raw TCP: request line, headers, nothing else. */
export function rawUpgrade(target: ServeTarget, via: SocketPath, headers: Record<string, string> = {}): Promise<RawUpgrade> {
  const query = via.authorised ? `?token=${encodeURIComponent(target.token)}` : '';
  const fields: Record<string, string> = {
    Host: `127.0.0.1:${target.port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers, // same spelling replaces a default (e.g. Host)
  };
  const lines = [`GET ${via.path}${query} HTTP/1.1`, ...Object.entries(fields).map(([name, value]) => `${name}: ${value}`)];
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error(`no answer to the upgrade of ${via.path} within 5 s`)), 5000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', fail);
      // Errors after the answer (a reset the attack provoked) are the attack's business.
      socket.on('error', () => undefined);
      const head = received.subarray(0, end).toString('latin1');
      resolve({ socket, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** A client frame: FIN set unless `fin` is false, masked as a client must (unless `masked` is false). */
export function frame(opcode: number, payload: Buffer, options: { fin?: boolean; masked?: boolean; rsv?: number } = {}): Buffer {
  const { fin = true, masked = true, rsv = 0 } = options;
  const first = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([first, maskBit | payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.from([first, maskBit | 126, 0, 0]);
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.from([first, maskBit | 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  return Buffer.concat([header, key, body]);
}

/** Upgrades, writes `bytes`, then waits (bounded) for the server to hang up before hanging up itself. */
async function sendAfterUpgrade(target: ServeTarget, via: SocketPath, bytes: Buffer, finish: 'end' | 'reset' | 'wait' = 'wait'): Promise<void> {
  const { socket } = await rawUpgrade(target, via);
  if (!socket.destroyed) socket.write(bytes);
  if (finish === 'end') socket.end();
  if (finish === 'reset') socket.resetAndDestroy();
  await closedWithin(socket, 2000);
  socket.destroy();
}

type Attack = (target: ServeTarget, via?: SocketPath) => Promise<void>;

/** One broken frame each: every way the frame parser can refuse its input. */
export const brokenFrameAttacks: Record<string, Attack> = {
  /** Clients must mask; raw `81 02 68 69` is an unmasked text frame "hi". */
  unmaskedFrame: (target, via = bridge) => sendAfterUpgrade(target, via, Buffer.from([0x81, 0x02, 0x68, 0x69])),
  invalidUtf8Text: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]))),
  /** Only the header: a 64-bit length of 2 GiB, far over the server's payload limit. */
  overPayloadLimit: (target, via = bridge) => {
    const header = Buffer.from([0x81, 0xff, 0, 0, 0, 0x80, 0, 0, 0, 0, 1, 2, 3, 4]);
    return sendAfterUpgrade(target, via, header);
  },
  /** A whole binary frame 64 KiB over 1 MiB. */
  overPayloadLimitWhole: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x2, Buffer.alloc(1024 * 1024 + 65536, 0x41))),
  reservedOpcode: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x3, Buffer.from('x'))),
  reservedControlOpcode: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0xb, Buffer.from('x'))),
  /** RSV1 means permessage-deflate, which was never negotiated. */
  reservedBits: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x1, Buffer.from('{}'), { rsv: 4 })),
  fragmentedPing: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x9, Buffer.from('p'), { fin: false })),
  /** Control frames carry at most 125 bytes. */
  oversizedPing: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x9, Buffer.alloc(200))),
  continuationWithoutStart: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x0, Buffer.from('orphan'))),
  /** A new text frame while a fragmented one is unfinished. */
  interleavedMessages: (target, via = bridge) => sendAfterUpgrade(target, via, Buffer.concat([frame(0x1, Buffer.from('{"id"'), { fin: false }), frame(0x1, Buffer.from('{}'))])),
  /** 1005 may never be sent; 1-byte close bodies are malformed. */
  invalidCloseCode: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x8, Buffer.from([0x03, 0xed]))),
  oneByteCloseBody: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x8, Buffer.from([0x03]))),
  invalidUtf8CloseReason: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x8, Buffer.from([0x03, 0xe8, 0xff, 0xfe]))),
  /** The header promises 100 bytes; 10 arrive, then the client half-closes. */
  truncatedFrame: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x1, Buffer.alloc(100, 0x20)).subarray(0, 16), 'end'),
  /** Half a frame, then a TCP reset. */
  resetMidFrame: (target, via = bridge) => sendAfterUpgrade(target, via, frame(0x1, Buffer.alloc(300, 0x20)).subarray(0, 40), 'reset'),
  /** A good request, then garbage in the same write. */
  goodThenGarbage: (target, via = bridge) => sendAfterUpgrade(target, via, Buffer.concat([frame(0x1, Buffer.from('{"id":1,"channel":"app:info"}')), Buffer.from([0x81, 0x05, 0, 0, 0])])),
};

/** Deterministic pseudo-random bytes (xorshift32), so a failing round can be replayed. */
export function seededBytes(seed: number, length: number): Buffer {
  let x = seed >>> 0 || 1;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** `rounds` upgrades, each followed by a random burst of 1–512 bytes (seeded). */
export async function randomFrameFuzz(target: ServeTarget, via: SocketPath = bridge, rounds = 40, seed = 13): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const bytes = seededBytes(seed + round, 1 + ((seed * 31 + round * 97) % 512));
    await sendAfterUpgrade(target, via, bytes, round % 3 === 0 ? 'reset' : round % 3 === 1 ? 'end' : 'wait');
  }
}

/** A bridge socket over `ws`, open (bounded wait). */
export function openBridge(target: ServeTarget, query = `?token=${encodeURIComponent(target.token)}`): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${target.port}/bridge${query}`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bridge did not open within 5 s')), 5000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** One request over a fresh bridge socket; its answer and how long it took. */
export async function serverAnswers(target: ServeTarget, channel = 'app:info', timeoutMs = 5000): Promise<{ result: { ok: boolean; value?: unknown }; ms: number }> {
  const started = Date.now();
  const ws = await openBridge(target);
  try {
    const result = await new Promise<{ ok: boolean; value?: unknown }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${channel} within ${timeoutMs} ms`)), timeoutMs);
      ws.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { id?: number; result?: { ok: boolean; value?: unknown } };
        if (message.id !== 1) return;
        clearTimeout(timer);
        resolve(message.result!);
      });
      ws.send(JSON.stringify({ id: 1, channel }));
    });
    return { result, ms: Date.now() - started };
  } finally {
    ws.terminate();
  }
}

export interface SlowReaderOutcome {
  /** Requests written before the server closed the socket (or the bound was reached). */
  requestsSent: number;
  /** Whether the server closed the socket before the bound. */
  closedByServer: boolean;
}

/**
 * A bridge client that sends requests and never reads an answer: the raw socket is paused, so
 * the answers fill the kernel's buffers and then the server's. Writes `maxRequests` at most, in
 * batches, waiting for our own write buffer to drain between them; stops when the server hangs up.
 */
export async function slowReader(target: ServeTarget, channel = 'app:info', maxRequests = 300_000): Promise<SlowReaderOutcome> {
  const { socket } = await rawUpgrade(target, bridge);
  socket.pause();
  let closedByServer = false;
  socket.once('close', () => (closedByServer = true));
  socket.once('end', () => (closedByServer = true));
  let sent = 0;
  const batch = 500;
  const requests = Array.from({ length: batch }, (_, i) => frame(0x1, Buffer.from(JSON.stringify({ id: i + 1, channel }))));
  while (sent < maxRequests && !closedByServer && !socket.destroyed) {
    const ok = socket.write(Buffer.concat(requests));
    sent += batch;
    if (!ok) {
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 5000);
        socket.once('drain', () => {
          clearTimeout(timer);
          resolve(true);
        });
        socket.once('close', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (!drained) break;
    } else await new Promise((resolve) => setImmediate(resolve));
  }
  // A closed socket may still hold unread answers in the kernel: read them so 'close' arrives.
  if (!closedByServer) closedByServer = await closedWithin(socket, 0);
  socket.destroy();
  return { requestsSent: sent, closedByServer };
}
