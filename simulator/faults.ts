/** Fault knobs applied in front of every simulated API (the admin port is never faulted). */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FaultState, SimService } from './types.js';

export const defaultFaults: FaultState = {
  latencyMs: 0,
  dropRate: 0,
  errorRate: 0,
  slowTranscodeFactor: 1,
  stallExports: false,
  cutDownloads: 0,
  webPageFor: '',
  truncateFor: '',
};

/** What a reverse proxy in maintenance (or a captive portal) answers where the API should. */
export const maintenancePage =
  '<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1><p>This service is being updated and will be back shortly.</p></body></html>\n';

/** Why a path knob's value cannot be used (undefined: it can): "" is off, else a path starting with "/". */
export function pathKnobProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (!value.startsWith('/')) return 'must be a path starting with "/", or "" for off';
  if (value.length > 500 || /[\s?#]/.test(value)) return 'must be a path without spaces, "?" or "#", at most 500 characters';
  return undefined;
}

/** Whether a path knob covers a request path (an empty knob covers nothing). */
export function pathCovered(prefix: string, path: string): boolean {
  return prefix !== '' && path.startsWith(prefix);
}

/** The part of a JSON body a cutting proxy hands on: the first half, so it never parses. */
export function cutJson(body: Buffer): Buffer {
  return body.subarray(0, Math.floor(body.length / 2));
}

export function withFaults(service: SimService, faults: FaultState, random: () => number = Math.random): SimService {
  return {
    ...service,
    async handle(req, res) {
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      if (faults.dropRate > 0 && random() < faults.dropRate) {
        req.socket.destroy();
        return;
      }
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        res.writeHead(random() < 0.5 ? 500 : 503, { 'content-type': 'text/plain' });
        res.end('simulated server error');
        return;
      }
      const path = new URL(req.url ?? '/', 'http://simulator').pathname;
      if (pathCovered(faults.webPageFor, path)) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(maintenancePage) });
        res.end(maintenancePage);
        return;
      }
      if (pathCovered(faults.truncateFor, path)) cutJsonAnswer(res);
      await service.handle(req, res);
    },
  };
}

function headerValue(headers: OutgoingHttpHeaders, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(headers[key]);
}

const isJson = (type: string | undefined): boolean => /^application\/([\w.+-]*\+)?json\b/i.test(type ?? '');

/**
 * Makes a JSON answer of `res` arrive cut: its head and body are held until the handler ends
 * it, then the first half goes out with a Content-Length of that half (a complete answer of
 * broken JSON, not a dropped connection). Any other answer passes untouched. The handlers write
 * `writeHead(status, headers)` then `end(body)`; headers set with setHeader are read as well.
 */
function cutJsonAnswer(res: ServerResponse): void {
  const patched = res as unknown as Record<'writeHead' | 'write' | 'end', (...args: unknown[]) => unknown>;
  const original = { writeHead: res.writeHead.bind(res), write: res.write.bind(res), end: res.end.bind(res) } as unknown as typeof patched;
  let held: { status: number; headers: OutgoingHttpHeaders } | null = null;
  let decided = false;
  const chunks: Buffer[] = [];
  const restore = (): void => {
    for (const name of ['writeHead', 'write', 'end']) Reflect.deleteProperty(res, name);
  };
  /** Decides once, from the head: hold a JSON answer, pass anything else through. */
  const decide = (status: number, headers: OutgoingHttpHeaders): boolean => {
    decided = true;
    if (!isJson(headerValue(headers, 'content-type') ?? (res.getHeader('content-type') as string | undefined))) {
      restore();
      return false;
    }
    held = { status, headers };
    return true;
  };
  const collect = (chunk: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  };
  patched.writeHead = (status: unknown, ...rest: unknown[]) => {
    const headers = (rest.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r)) ?? {}) as OutgoingHttpHeaders;
    if (!decide(status as number, headers)) return original.writeHead(status, ...rest);
    return res;
  };
  patched.write = (chunk: unknown, ...rest: unknown[]) => {
    if (!decided && !decide(res.statusCode, {})) return original.write(chunk, ...rest);
    if (!held) return original.write(chunk, ...rest);
    collect(chunk);
    return true;
  };
  patched.end = (chunk?: unknown, ...rest: unknown[]) => {
    if (!decided && !decide(res.statusCode, {})) return original.end(chunk, ...rest);
    if (!held) return original.end(chunk, ...rest);
    collect(chunk);
    const { status, headers } = held as { status: number; headers: OutgoingHttpHeaders };
    restore();
    const body = cutJson(Buffer.concat(chunks));
    const kept = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
    res.removeHeader('content-length');
    res.writeHead(status, { ...kept, 'content-length': body.length });
    return res.end(body);
  };
}
