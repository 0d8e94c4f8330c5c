/** HTTP helpers for the AIPIX simulator: JSON bodies and Laravel-style error envelopes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const maxBodyBytes = 256 * 1024;

export class BadJson extends Error {}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new BadJson('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadJson('body is not JSON');
  }
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

/** 422 in the documented shape: {"message": …, "errors": {"field": ["reason"]}}. */
export function sendValidation(res: ServerResponse, errors: Record<string, string[]>, status = 422): void {
  const first = Object.values(errors)[0]?.[0] ?? 'The given data was invalid.';
  sendJson(res, status, { message: first, errors });
}

export function sendUnauthenticated(res: ServerResponse): void {
  sendJson(res, 401, { message: 'Unauthenticated.' });
}

/** Laravel-style array query keys: `ids[]=1&ids[]=2` (also `ids=1,2` and repeated `ids=`). */
export function queryList(query: URLSearchParams, name: string): string[] {
  const values = [...query.getAll(`${name}[]`), ...query.getAll(name)];
  return values.flatMap((value) => value.split(',')).filter((value) => value !== '');
}
