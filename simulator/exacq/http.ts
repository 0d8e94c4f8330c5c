/** Small HTTP helpers for the exacqVision simulator (kept local so the module has no siblings to coordinate with). */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request body limit: login and PTZ forms are tiny; anything bigger is a client bug. */
const maxBodyBytes = 64 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Query and form parameters merged (exacq accepts `s` in either place, and repeats `s`/`camera`).
 * Form values come after query values, so `all('s')` lists both.
 */
export class Params {
  private readonly entries: [string, string][];
  constructor(...sources: URLSearchParams[]) {
    this.entries = sources.flatMap((source) => [...source.entries()]);
  }
  get(name: string): string | undefined {
    return this.entries.find(([key]) => key === name)?.[1];
  }
  all(name: string): string[] {
    return this.entries.filter(([key]) => key === name).map(([, value]) => value);
  }
  has(name: string): boolean {
    return this.entries.some(([key]) => key === name);
  }
  /** exacq booleans arrive as 1/0 or true/false. */
  flag(name: string): boolean {
    const value = this.get(name);
    return value === '1' || value === 'true';
  }
  int(name: string): number | undefined {
    const value = this.get(name);
    if (value === undefined || !/^[-+]?\d+$/.test(value)) return undefined;
    return Number(value);
  }
}

export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    return new Params(url.searchParams, new URLSearchParams(await readBody(req)));
  }
  if (req.method === 'POST') await readBody(req); // drain
  return new Params(url.searchParams);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

export function sendJpeg(res: ServerResponse, jpeg: Buffer, download?: string, extra: Record<string, string> = {}): void {
  const headers: Record<string, string | number> = { 'content-type': 'image/jpeg', 'content-length': jpeg.length, ...extra };
  if (download) headers['content-disposition'] = contentDisposition(download);
  res.writeHead(200, headers);
  res.end(jpeg);
}

export function contentDisposition(filename: string): string {
  const safe = filename.replace(/["\\\r\n]/g, '_');
  return `attachment; filename="${safe}"`;
}

/** Resolves after ms, or at once when the client has gone (so paced answers don't pile up timers). */
export function waitOrClose(res: ServerResponse, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done(): void {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
}

/**
 * Resolves when res can take more bytes (drain) or the client has gone (close), removing both
 * listeners: racing two `events.once` leaves the loser's listeners behind, one pair per wait, and a
 * long flow-controlled stream piles them up (MaxListenersExceededWarning on the response).
 */
export function drainOrClose(res: Pick<ServerResponse, 'once' | 'off'>): Promise<void> {
  return new Promise((resolve) => {
    res.once('drain', done);
    res.once('close', done);
    function done(): void {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    }
  });
}
