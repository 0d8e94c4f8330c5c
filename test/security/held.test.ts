/**
 * The probes that held when serve mode was attacked (issue 13), kept here so they stay held:
 * path traversal in every spelling, the page's security headers, unknown channels, malformed and
 * hostile JSON on the bridge, oversized strings, and writes that a SIGKILL cannot leave half done.
 * Against the real `tessera serve` process; after each probe the server must still answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BridgeSession } from '../support/bridge-session.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { waitUntil } from '../support/wait-until.js';
import { serverAnswers } from './attacks/sockets.js';

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServeProcess();
});
afterAll(async () => {
  await serve?.stop();
});

const target = () => ({ url: serve.url, port: Number(new URL(serve.url).port), token: serve.token });

/** A raw GET: the path is sent as written (no URL normalisation by the client). */
function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target().port, path, headers: { host: `127.0.0.1:${target().port}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to GET ${path} in 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

async function expectStillServing(after: string): Promise<void> {
  const answer = await serverAnswers(target());
  expect(answer.result, `app:info after ${after}`).toMatchObject({ ok: true, value: { name: 'Tessera' } });
}

describe('files outside the renderer stay out of reach', () => {
  it.each([
    '/../package.json',
    '/..%2fpackage.json',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/package.json',
    '/assets/..%5c..%5cpackage.json',
    '//etc/passwd',
    '/.%2e/.%2e/package.json',
    '/%252e%252e%252fpackage.json',
    '/index.html%00.js',
  ])('%s is not served', async (path) => {
    const sep = path.includes('?') ? '&' : '?';
    const answer = await get(`${path}${sep}token=${serve.token}`);
    // Refused, or (for a path that names nothing) the renderer's own page, as for any unknown path.
    if (answer.status === 200) expect(answer.body).toContain('<div id="app">');
    else expect([400, 404]).toContain(answer.status);
    expect(answer.body).not.toContain('"name": "tessera"');
    expect(answer.body).not.toContain('root:');
  });
});

describe('the page', () => {
  it('carries its security headers: CSP without inline scripts, no sniffing, no referrer, no framing, private caching', async () => {
    const page = await get(`/?token=${serve.token}`);
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-inline' 'unsafe-eval'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(String(page.headers['cache-control'])).not.toContain('public');
  });
});

describe('the bridge', () => {
  it('answers an unknown channel with unknown-channel, and a string near the message limit with bad-request', async () => {
    const session = await BridgeSession.connect(serve);
    try {
      expect(await session.call('app:shutdown')).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
      expect(await session.call('settings:set', { theme: 'x'.repeat(900_000) })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    } finally {
      session.close();
    }
    await expectStillServing('an unknown channel and an oversized string');
  });

  it.each([
    ['not JSON', 'this is not json', 1007],
    ['JSON without an id', '{"channel":"app:info"}', 1007],
    ['an array nested 400 000 deep', `${'['.repeat(400_000)}${']'.repeat(400_000)}`, 1007],
  ])('closes a socket that sends %s, and only that socket', async (_name, text, code) => {
    const origin = new URL(serve.url).origin;
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/bridge?token=${encodeURIComponent(serve.token)}`, { headers: { origin } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    ws.send(text);
    expect(await waitUntil('the server to close the socket', 5000, async () => Promise.race([closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]))).toBe(code);
    await expectStillServing(_name);
  });
});

describe('stored files', () => {
  it('a SIGKILL during a burst of saves leaves a whole settings.json, never a torn one', async () => {
    const victim = await startServeProcess();
    const session = await BridgeSession.connect(victim);
    // Saves in flight (each one an atomic write) when the process is killed.
    const themes = ['dark', 'light'] as const;
    const file = join(victim.dataDir, 'settings.json');
    for (let i = 0; i < 200; i += 1) void session.call('settings:set', { theme: themes[i % 2] }).catch(() => undefined);
    await waitUntil('the first save', 5000, () => (existsSync(file) ? true : undefined));
    victim.child.kill('SIGKILL');
    await waitUntil('the killed server to exit', 5000, () => (victim.child.exitCode !== null || victim.child.signalCode !== null ? true : undefined));
    session.close();
    const text = readFileSync(file, 'utf8');
    const document = JSON.parse(text) as { version: number; data: { theme: string } };
    expect(themes).toContain(document.data.theme);
    await victim.stop();
  });
});
