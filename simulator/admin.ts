/**
 * Admin endpoint for fault knobs (127.0.0.1 only, like every simulator port):
 *   GET  /faults                      → current FaultState
 *   POST /faults  {latencyMs, ...}    → merge and return the new state (path knobs: "/prefix" or "" for off)
 *   POST /sessions/expire             → every API forgets every session now
 *   POST /cameras/{index}/offline     → camera goes offline (status, live, stills)
 *   POST /cameras/{index}/online      → and comes back
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathKnobProblem } from './faults.js';
import type { FaultState, SimContext, SimService } from './types.js';

const faultKeys: Record<keyof FaultState, 'number' | 'boolean' | 'string'> = {
  latencyMs: 'number',
  dropRate: 'number',
  errorRate: 'number',
  slowTranscodeFactor: 'number',
  stallExports: 'boolean',
  cutDownloads: 'number',
  webPageFor: 'string',
  truncateFor: 'string',
};

/** Knobs that are shares of something: 0..1. */
const fractions = new Set(['dropRate', 'errorRate', 'cutDownloads']);

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function createAdminService(ctx: SimContext, events: EventEmitter): SimService {
  return {
    async handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://admin').pathname;
      if (path === '/faults' && req.method === 'GET') return send(res, 200, ctx.faults);
      if (path === '/faults' && req.method === 'POST') {
        let body: unknown;
        try {
          body = await readJson(req);
        } catch {
          return send(res, 400, { error: 'body is not JSON' });
        }
        if (typeof body !== 'object' || body === null) return send(res, 400, { error: 'body must be an object' });
        for (const [key, value] of Object.entries(body)) {
          const type = faultKeys[key as keyof FaultState];
          if (!type) return send(res, 400, { error: `unknown fault knob ${key}` });
          if (typeof value !== type) return send(res, 400, { error: `${key} must be a ${type}` });
          if (fractions.has(key) && !((value as number) >= 0 && (value as number) <= 1)) return send(res, 400, { error: `${key} must be from 0 to 1` });
          const problem = type === 'string' ? pathKnobProblem(value as string) : undefined;
          if (problem) return send(res, 400, { error: `${key} ${problem}` });
        }
        Object.assign(ctx.faults, body);
        return send(res, 200, ctx.faults);
      }
      if (path === '/sessions/expire' && req.method === 'POST') {
        events.emit('expire');
        return send(res, 200, { expired: true });
      }
      const camera = /^\/cameras\/(\d+)\/(offline|online)$/.exec(path);
      if (camera && req.method === 'POST') {
        const index = Number(camera[1]);
        if (index >= ctx.media.cameras.length) return send(res, 404, { error: `no camera ${index}` });
        const online = camera[2] === 'online';
        ctx.media.setOnline(index, online);
        events.emit('camera', index, online);
        return send(res, 200, { camera: index, online });
      }
      send(res, 404, { error: `no admin route ${req.method} ${path}` });
    },
  };
}
