/**
 * Request parsing and answers shaped like the v1 service. Quirks kept on purpose:
 * - query pairs may be separated by `;` as well as `&` (`?c=…;t=now;a=pre;A=…`, seed 001);
 * - the session id `A` is looked up in the query string, then POST form data, then any other
 *   body (PUT, JSON), then the `auth_key` cookie — the first place that has one wins, even when
 *   its value is stale (seed 001 "order of precedence");
 * - bodies may be form-encoded or JSON (official samples send both).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 1 << 20;

export interface EenRequest {
  method: string;
  path: string;
  query: Map<string, string>;
  /** Form fields of a POST with a form-encoded body. */
  form: Map<string, string>;
  /** Top-level fields of any other body (JSON, or a form-encoded PUT/DELETE). */
  body: Map<string, string>;
  /** The parsed JSON body (undefined when none or not JSON). */
  json: unknown;
  /** True when a body was sent as JSON but did not parse. */
  badJson: boolean;
  cookies: Map<string, string>;
  raw: IncomingMessage;
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** `a=1&b=2;c=3` → map; the first occurrence of a key wins, like the service's argument parser. */
export function parsePairs(text: string, separators: RegExp = /[&;]/): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(separators)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    if (key && !out.has(key)) out.set(key, part.slice(eq + 1).trim());
  }
  return out;
}

function stringFields(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string') out.set(key, field);
    else if (typeof field === 'number' || typeof field === 'boolean') out.set(key, String(field));
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function parseRequest(req: IncomingMessage): Promise<EenRequest> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = parsePairs(q < 0 ? '' : url.slice(q + 1));
  const method = (req.method ?? 'GET').toUpperCase();
  const cookies = parseCookies(req.headers.cookie);
  const parsed: EenRequest = { method, path, query, form: new Map(), body: new Map(), json: undefined, badJson: false, cookies, raw: req };
  if (method === 'GET' || method === 'HEAD') return parsed;

  const bytes = await readBody(req);
  const text = bytes.toString('utf8');
  if (!text.trim()) return parsed;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const looksJson = type.includes('json') || (!type.includes('form') && /^\s*[[{]/.test(text));
  if (looksJson) {
    try {
      parsed.json = JSON.parse(text);
      parsed.body = stringFields(parsed.json);
    } catch {
      parsed.badJson = true;
    }
  } else if (method === 'POST') {
    parsed.form = parsePairs(text, /&/);
  } else {
    parsed.body = parsePairs(text, /&/);
  }
  return parsed;
}

/** First of `names` found in the query string, then the form, then the body (aliases go last). */
export function param(req: EenRequest, ...names: string[]): string | undefined {
  for (const source of [req.query, req.form, req.body]) {
    for (const name of names) {
      const value = source.get(name);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** The session id by the documented precedence, or undefined when no source carries one. */
export function sessionKeyOf(req: EenRequest): string | undefined {
  return req.query.get('A') ?? req.form.get('A') ?? req.body.get('A') ?? req.cookies.get('auth_key');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Error answers carry a short reason in plain text; clients only look at the status code. */
export function sendStatus(res: ServerResponse, status: number, reason = '', headers: Record<string, string | string[]> = {}): void {
  if (status === 204 || reason === '') {
    res.writeHead(status, { 'content-length': 0, ...headers });
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(reason), ...headers });
  res.end(reason);
}

export function cookie(name: string, value: string): string {
  return `${name}=${value}; Path=/; HttpOnly`;
}
