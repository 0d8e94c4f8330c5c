/** Small HTTP helpers shared by the three Eagle Eye v3 hosts. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail } from './errors.js';
import { parseTimestamp } from './timestamps.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Bodies are small (forms, export requests): cap them so a bad client cannot fill memory. */
export async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw fail.wrong('body', 'is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

/**
 * Query parameters with EEN's conventions: arrays are comma-joined (`style: form, explode: false`),
 * and every parameter an endpoint does not read is, on request, an "Unexpected argument".
 */
export class Query {
  private readonly read = new Set<string>();

  constructor(readonly params: URLSearchParams) {}

  has(name: string): boolean {
    this.read.add(name);
    return this.params.has(name);
  }

  string(name: string): string | undefined {
    this.read.add(name);
    const all = this.params.getAll(name);
    if (all.length > 1) throw fail.wrong(name, 'must be given once');
    return all[0];
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw fail.missing([name]);
    return value;
  }

  /** Comma-joined list; an empty value is an error, as EEN documents for `sort=`. */
  list(name: string): string[] | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const items = value.split(',').map((s) => s.trim());
    if (items.some((s) => s === '')) throw fail.wrong(name, 'must not contain empty values');
    return items;
  }

  enumList<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const items = this.list(name);
    if (!items) return undefined;
    for (const item of items) if (!allowed.includes(item as T)) throw fail.wrong(name, `has an unknown value "${item}"`);
    return items as T[];
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) throw fail.wrong(name, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw fail.wrong(name, 'must be an integer');
    const n = Number(value);
    if (n < min || n > max) throw fail.wrong(name, `must be between ${min} and ${max}`);
    return n;
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw fail.wrong(name, 'must be true or false');
    return value === 'true';
  }

  timestamp(name: string, options: { allowZulu: boolean; spaceAsPlus: boolean }): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = parseTimestamp(value, options);
    if (!parsed.ok) {
      if (parsed.reason === 'zulu') throw fail.wrong(name, 'must use a numeric UTC offset (+00:00), not Z');
      throw fail.wrong(name, 'must be an ISO 8601 timestamp like 2022-08-08T07:57:37.000+00:00');
    }
    return parsed.ms;
  }

  /** Throws for the first parameter nobody asked for. Call after all reads. */
  rejectUnread(): void {
    for (const name of this.params.keys()) if (!this.read.has(name)) throw fail.unexpected(name);
  }

  /** The parameters that shape a result set (for page-token binding), sorted, without paging ones. */
  fingerprint(exclude: readonly string[] = ['pageToken', 'pageSize']): string {
    return [...this.params.entries()]
      .filter(([k]) => !exclude.includes(k))
      .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  }
}
