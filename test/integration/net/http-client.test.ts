// The shared VMS HTTP client against hand-written misbehaving servers: every bad answer gives a
// specific error that names the site and never the secret in the request.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient } from '../../../main/net/http-client.js';
import { failure } from '../../support/adapter-harness.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let other: Server;
let base: string;
let otherBase: string;

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const handler = routes.get(new URL(req.url!, 'http://x').pathname);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  other = createServer((_req, res) => res.end('{"stolen":true}'));
  base = await listen(server);
  otherBase = await listen(other);
  routes.set('/ok', (req, res) => res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'auth_key=k1; Path=/' }).end(JSON.stringify({ cookie: req.headers.cookie ?? null, n: 1 })));
  routes.set('/malformed', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"n": 1, "cameras": [1, 2'));
  routes.set('/empty', (_req, res) => res.writeHead(200).end());
  routes.set('/wrong-type', (_req, res) => res.writeHead(200).end('{"n": "one"}'));
  routes.set('/html', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>Please log in</body></html>'));
  routes.set('/huge', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < 64) {
        sent += 1;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  routes.set('/slow', () => undefined); // never answers
  routes.set('/endless', (req, res) => {
    // A stream without end: a head, then a chunk every 20 ms until the client hangs up.
    res.writeHead(200, { 'content-type': 'video/h264' });
    res.write('HEAD\r\n\r\n');
    const timer = setInterval(() => res.write(Buffer.alloc(1000)), 20);
    req.socket.on('close', () => clearInterval(timer));
  });
  routes.set('/redirect-same', (_req, res) => res.writeHead(302, { location: '/ok' }).end());
  routes.set('/redirect-away', (_req, res) => res.writeHead(302, { location: `${otherBase}/steal` }).end());
  routes.set('/reset', (req) => req.socket.destroy());
});

afterAll(() => {
  server.close();
  other.close();
});

const client = (opts: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) => new HttpClient({ baseUrl: base, siteName: 'Head office', timeoutMs: 2000, ...opts });
const schema = z.object({ n: z.number() });

describe('HttpClient', () => {
  it('keeps cookies for the site host and parses JSON against a schema', async () => {
    const http = client();
    await http.request({ path: '/ok' });
    const second = await http.request({ path: '/ok' });
    expect(JSON.parse(second.body.toString())).toEqual({ cookie: 'auth_key=k1', n: 1 });
    expect(http.parseJson(second, schema, 'the device list')).toEqual({ n: 1 });
  });

  it.each([
    ['/malformed', /Head office: expected the device list but got malformed or truncated JSON/],
    ['/empty', /but got an empty answer/],
    ['/wrong-type', /not in the expected shape \(n: /],
    ['/html', /but got a web page \(HTTP 200\)/],
  ])('gives a specific bad-response for %s', async (path, message) => {
    const http = client();
    const err = await failure(http.request({ path }).then((res) => http.parseJson(res, schema, 'the device list')));
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(message);
  });

  it('refuses answers over the size cap', async () => {
    const err = await failure(client({ maxBytes: 1024 * 1024 }).request({ path: '/huge' }));
    expect(err.error).toMatchObject({ code: 'bad-response' });
    expect(err.error.message).toMatch(/too large/);
  });

  it('reads an endless answer only until readUntil says enough, then hangs up', async () => {
    const response = await client({ timeoutMs: 5000 }).request({ path: '/endless', readUntil: (bytes) => bytes.includes('\r\n\r\n') });
    expect(response.body.subarray(0, 8).toString()).toBe('HEAD\r\n\r\n');
    expect(response.body.length).toBeLessThan(100_000);
  });

  it('times out a server that never answers', async () => {
    const err = await failure(client({ timeoutMs: 300 }).request({ path: '/slow', query: { A: 'c000~secret' } }));
    expect(err.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(err.error.message).toBe(`Head office: ${new URL(base).host} did not answer within 0.3 s.`);
  });

  it("the caller's abort rejects with its reason (not a timeout), also while the body is read", async () => {
    const controller = new AbortController();
    const pending = client({ timeoutMs: 10_000 }).request({ path: '/slow', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('export cancelled')), 50);
    await expect(pending).rejects.toThrow('export cancelled');
    const reading = new AbortController();
    // Aborted when the headers are in, before the body is read.
    const abortOnHeaders = (): boolean => {
      reading.abort(new Error('export cancelled'));
      return false;
    };
    await expect(client({ timeoutMs: 10_000 }).request({ path: '/huge', maxBytes: 1e9, signal: reading.signal, skipBody: abortOnHeaders })).rejects.toThrow('export cancelled');
  });

  it('skipBody leaves a body unread: the answer comes back empty with its status and headers', async () => {
    const response = await client().request({ path: '/huge', maxBytes: 1000, skipBody: (status, headers) => status === 200 && headers.get('content-type') === 'application/json' });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
  });

  it('follows a redirect on the same host but refuses one to another host', async () => {
    const same = await client().request({ path: '/redirect-same' });
    expect(same.status).toBe(200);
    const err = await failure(client().request({ path: '/redirect-away' }));
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(/redirected to another host/);
  });

  it('names an unreachable host and a reset connection without leaking the query', async () => {
    const probe = createServer();
    const port = await listen(probe).then((url) => new URL(url).port);
    await new Promise((resolve) => probe.close(resolve));
    const closed = new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, siteName: 'Depot', timeoutMs: 2000 });
    const refused = await failure(closed.request({ path: '/g/aaa/authenticate', query: { password: 'hunter2' } }));
    expect(refused.error).toMatchObject({ code: 'unreachable', message: `Depot: could not reach 127.0.0.1:${port} (connection refused).` });
    const reset = await failure(client().request({ path: '/reset' }));
    expect(reset.error.code).toBe('unreachable');
    expect(JSON.stringify(reset.error)).not.toContain('hunter2');
  });

  it('refuses an absolute URL on a host the site does not own', async () => {
    expect(() => client().url(`${otherBase}/x`)).toThrow(/unexpected host/);
  });

  it('reports an untrusted certificate as a TLS error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const http = new HttpClient({ baseUrl: `https://127.0.0.1:${(tls.address() as AddressInfo).port}`, siteName: 'Branch', timeoutMs: 3000 });
      const err = await failure(http.request({ path: '/' }));
      expect(err.error.code).toBe('tls');
      expect(err.error.message).toMatch(/^Branch: the certificate of 127\.0\.0\.1:\d+ was not accepted \(DEPTH_ZERO_SELF_SIGNED_CERT\)\.$/);
    } finally {
      tls.close();
    }
  });
});
