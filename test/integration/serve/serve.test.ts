import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import pkg from '../../../package.json' with { type: 'json' };
import { SETTINGS_VERSION } from '../../../main/services/settings-service.js';
import { startServeProcess, tesseraBin, type ServeProcess } from '../../support/serve-process.js';

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServeProcess();
});
afterAll(async () => {
  await serve?.stop();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${serve.origin}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function bridgeSocket(query: string, headers: Record<string, string> = {}): WebSocket {
  return new WebSocket(`${serve.origin.replace('http', 'ws')}/bridge${query}`, { headers });
}

/** Rejects with the error the bridge fails to open with, e.g. "Unexpected server response: 401" (bounded wait). */
function refusal(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bridge was neither refused nor closed within 5 s')), 5000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, channel: string, input?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${channel} in 5 s`)), 5000);
    const onMessage = (raw: Buffer): void => {
      const message = JSON.parse(String(raw)) as { id?: number; result?: never };
      if (message.id === id) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(message.result!);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, input }));
  });
}

describe('tessera serve', () => {
  it('printed one JSON line with a loopback URL carrying the token', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(serve.url.endsWith(serve.token)).toBe(true);
  });

  it('refuses HTTP requests without the right token with 401', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/assets/whatever.js')).status).toBe(401);
  });

  it('serves the renderer with the token, sets a page cookie (not the token) that works for later file requests, and sends the CSP', async () => {
    const page = await get(`/?token=${serve.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^tessera_page_[0-9a-f]+=/);
    expect(cookie).not.toContain(serve.token);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)![1]!;
    expect((await get(`/${script}`, { cookie })).status).toBe(200);
  });

  it('refuses foreign origins, foreign hosts and paths outside the renderer', async () => {
    expect((await get(`/?token=${serve.token}`, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${serve.token}`, { host: 'evil.example' })).status).toBe(421);
    expect((await get(`/..%2f..%2fpackage.json?token=${serve.token}`)).status).toBe(404);
  });

  it('refuses a bridge WebSocket without the token with HTTP 401, before any upgrade', async () => {
    await expect(refusal(bridgeSocket(''))).rejects.toThrow(/Unexpected server response: 401/);
    await expect(refusal(bridgeSocket('?token=nope'))).rejects.toThrow(/Unexpected server response: 401/);
  });

  it('refuses a bridge WebSocket from a foreign origin', async () => {
    await expect(refusal(bridgeSocket(`?token=${serve.token}`, { origin: 'https://evil.example' }))).rejects.toThrow(/403/);
  });

  it('carries the contract over the bridge: app:info, validation, unknown channels and events', async () => {
    const ws = bridgeSocket(`?token=${serve.token}`, { origin: serve.origin });
    await opened(ws);
    const info = await call(ws, 1, 'app:info');
    expect(info).toMatchObject({ ok: true, value: { name: 'Tessera', version: pkg.version, shell: 'serve' } });
    expect((info.value as { displays: unknown[] }).displays).toHaveLength(1);
    expect(await call(ws, 2, 'app:shutdown')).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await call(ws, 3, 'settings:set', { theme: 'neon' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });

    const changed = new Promise<unknown>((resolve) => {
      ws.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { event?: string; payload?: unknown };
        if (message.event === 'settings:changed') resolve(message.payload);
      });
    });
    expect(await call(ws, 4, 'settings:set', { theme: 'light' })).toMatchObject({ ok: true, value: { theme: 'light' } });
    expect(await changed).toMatchObject({ theme: 'light' });

    // Window modes: one display at a time, each kept (no window's stale copy undoes another's).
    expect(await call(ws, 5, 'settings:set-window-mode', { displayId: 'browser-1', mode: 'kiosk' })).toMatchObject({ ok: true });
    const both = await call(ws, 6, 'settings:set-window-mode', { displayId: 'browser-2', mode: 'fullscreen' });
    expect(both).toMatchObject({ ok: true, value: { windowModes: { 'browser-1': 'kiosk', 'browser-2': 'fullscreen' } } });
    expect(await call(ws, 7, 'settings:set-window-mode', { displayId: 'browser-1', mode: 'maximised' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await call(ws, 8, 'settings:set-window-mode', { displayId: '', mode: 'kiosk' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    ws.close();
  });

  it('kept the settings in its own data folder, without secrets', async () => {
    const { readFileSync } = await import('node:fs');
    const saved = JSON.parse(readFileSync(`${serve.dataDir}/settings.json`, 'utf8')) as { version: number; data: { theme: string } };
    expect(saved.version).toBe(SETTINGS_VERSION);
    expect(saved.data.theme).toBe('light');
  });

  it('a second serve on the same port exits 1 with one plain sentence (not "unexpected failure")', async () => {
    const port = new URL(serve.url).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-serve-busy-'));
    const child = spawn(process.execPath, [tesseraBin, 'serve', '--port', port, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`serve on a busy port did not exit within 20 s; stderr: ${stderr}`));
      }, 20_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`tessera serve: port ${port} on 127.0.0.1 is already in use; choose another --port`);
    expect(stderr).not.toContain('unexpected failure');
  });
});
