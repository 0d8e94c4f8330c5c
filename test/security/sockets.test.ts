/**
 * Serve mode's sockets under attack, against the real `tessera serve` process: broken frames on
 * raw TCP (with and without the token, on the bridge and on a media path), refusals that must
 * happen before any upgrade, and a bridge client that never reads. After each attack the server
 * must still answer app:info on a fresh bridge socket.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { waitUntil } from '../support/wait-until.js';
import { brokenFrameAttacks, closedWithin, openBridge, randomFrameFuzz, rawUpgrade, serverAnswers, slowReader, type ServeTarget, type SocketPath } from './attacks/sockets.js';

let serve: ServeProcess;
let target: ServeTarget;

beforeAll(async () => {
  serve = await startServeProcess();
  target = { url: serve.url, port: Number(new URL(serve.url).port), token: serve.token };
});
afterAll(async () => {
  await serve?.stop();
});

/** Resident memory of the server process, in MiB (Linux /proc). */
function serverRssMiB(): number {
  const status = readFileSync(`/proc/${serve.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function expectStillServing(after: string): Promise<void> {
  const answer = await serverAnswers(target).catch((err: Error) => {
    throw new Error(`no app:info answer after ${after} (${err.message}); server stderr: ${serve.stderr().slice(-1500)}`);
  });
  expect(answer.result, `app:info after ${after}`).toMatchObject({ ok: true, value: { name: 'Tessera' } });
}

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target.port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const paths: { name: string; via: SocketPath }[] = [
  { name: 'bridge with the token', via: { path: '/bridge', authorised: true } },
  { name: 'bridge without the token', via: { path: '/bridge', authorised: false } },
  { name: 'media path with the token', via: { path: '/media/stream/attack-1', authorised: true } },
  { name: 'media path without the token', via: { path: '/media/stream/attack-1', authorised: false } },
];

describe('broken WebSocket frames', () => {
  it.each(Object.keys(brokenFrameAttacks))('%s, on every socket with and without the token: the server keeps serving', async (name) => {
    for (const { name: where, via } of paths) {
      await brokenFrameAttacks[name]!(target, via);
      await expectStillServing(`${name} on the ${where}`);
    }
  });

  it('random bytes after an upgrade (seeded fuzz, 40 rounds per socket): the server keeps serving', async () => {
    for (const { name: where, via } of paths) {
      await randomFrameFuzz(target, via, 40, 13);
      await expectStillServing(`random bytes on the ${where}`);
    }
  });
});

describe('refusals before any upgrade', () => {
  it('refuses an upgrade without the right token with HTTP 401 (no WebSocket is ever opened)', async () => {
    for (const path of ['/bridge', '/media/stream/attack-1'] as const) {
      const refused = await rawUpgrade(target, { path, authorised: false });
      expect(refused.status, path).toBe(401);
      expect(await closedWithin(refused.socket, 2000)).toBe(true);
      refused.socket.destroy();
    }
    const wrong = await rawUpgrade({ ...target, token: 'wrong' }, { path: '/bridge', authorised: true });
    expect(wrong.status).toBe(401);
    wrong.socket.destroy();
  });

  it('refuses a foreign Host (421) and a foreign Origin (403), over HTTP and on upgrade', async () => {
    const withToken = `/?token=${target.token}`;
    expect((await get(withToken, { host: 'evil.example' })).status).toBe(421);
    expect((await get(withToken, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get('/')).status).toBe(401);
    const foreignHost = await rawUpgrade(target, { path: '/bridge', authorised: true }, { Host: 'evil.example' });
    expect(foreignHost.status).toBe(421);
    foreignHost.socket.destroy();
    const foreignOrigin = await rawUpgrade(target, { path: '/bridge', authorised: true }, { Origin: 'http://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    foreignOrigin.socket.destroy();
  });
});

describe('HTTP', () => {
  it('answers 400, not 500, to a path with malformed percent-encoding, with or without the token', async () => {
    expect((await get(`/%zz?token=${target.token}`)).status).toBe(400);
    expect((await get('/assets/%E0%A4%A?x=1')).status).toBe(400);
    await expectStillServing('malformed paths');
  });

  it('caches the renderer\'s assets privately (never in a shared cache)', async () => {
    const page = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port: target.port, path: `/?token=${target.token}` }, (res) => {
        let body = '';
        res.on('data', (d) => (body += String(d)));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page)![1]!;
    const asset = await get(`/${script}?token=${target.token}`);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/^private\b/);
  });

  it('the page cookie is named per launch, is not the token, and opens only the renderer\'s files, never a socket', async () => {
    const page = await get(`/?token=${target.token}`);
    const setCookie = String(page.headers['set-cookie']);
    const [name, value] = setCookie.split(';')[0]!.split('=') as [string, string];
    expect(name).toMatch(/^tessera_page_[0-9a-f]{12}$/);
    expect(setCookie).not.toContain(target.token);
    expect(setCookie).toMatch(/HttpOnly/);
    const cookie = `${name}=${value}`;
    expect((await get('/', { cookie })).status).toBe(200);
    // The sockets and their HTTP probes take only the token.
    expect((await get('/bridge', { cookie })).status).toBe(401);
    expect((await get(`/bridge?token=${target.token}`)).status).toBe(426);
    expect((await get('/media/stream/attack-1', { cookie })).status).toBe(401);
    const upgrade = await rawUpgrade(target, { path: '/bridge', authorised: false }, { Cookie: cookie });
    expect(upgrade.status).toBe(401);
    upgrade.socket.destroy();
  });
});

describe('a bridge client that never reads', () => {
  it('is closed by the server, memory stays bounded and another client still answers promptly', async () => {
    const rssBefore = serverRssMiB();
    let rssPeak = rssBefore;
    let otherAnswerMs = 0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, serverRssMiB());
    }, 100);
    try {
      const reader = slowReader(target, 'app:info', 300_000);
      // While the slow reader floods, a second client is served.
      otherAnswerMs = (await serverAnswers(target)).ms;
      const outcome = await reader;
      console.info(`[security] slow reader: ${outcome.requestsSent} requests sent, closed by the server: ${outcome.closedByServer}; server RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MiB; another client answered in ${otherAnswerMs} ms`);
      expect(outcome.closedByServer).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    expect(rssPeak - rssBefore).toBeLessThan(100);
    expect(otherAnswerMs).toBeLessThan(3000); // the old code stalled others for 20 s at 3.6 GB
    await expectStillServing('a slow reader');
    // Memory comes back: the buffered answers were released with the socket.
    await waitUntil('server RSS back within 50 MiB of where it started', 10_000, () => (serverRssMiB() - rssBefore < 50 ? true : undefined), 200);
  });

  it('a client that reads keeps its socket through a burst of requests', async () => {
    const ws = await openBridge(target);
    let answers = 0;
    ws.on('message', () => (answers += 1));
    for (let i = 1; i <= 2000; i++) ws.send(JSON.stringify({ id: i, channel: 'app:info' }));
    await waitUntil('2000 answers', 20_000, () => (answers >= 2000 ? true : undefined));
    expect(ws.readyState).toBe(ws.OPEN);
    ws.terminate();
  });
});
