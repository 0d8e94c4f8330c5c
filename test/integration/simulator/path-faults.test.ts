/**
 * The path fault knobs in front of a simulated API (simulator/faults.ts), over real HTTP: with a
 * small stand-in service, `webPageFor` answers a maintenance page for the paths under it,
 * `truncateFor` cuts the JSON answers under it in half (a complete answer of broken JSON), and
 * neither touches other paths or answers that are not JSON; on the simulator, the admin port
 * takes them as strings ("/prefix" or "" for off), refuses anything else, and is never faulted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cutJson, defaultFaults, maintenancePage, pathCovered, pathKnobProblem, withFaults } from '../../../simulator/faults.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { FaultState, SimService, SiteDescription } from '../../../simulator/types.js';
import { startTestSimulator } from '../../support/simulator.js';
import { postForm } from './exacq-helpers.js';

const list = { cameras: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `Camera ${i}` })) };
const listText = JSON.stringify(list);

/** Answers like the vendors' sendJson (writeHead + end), with setHeader + write + end, or a streamed picture. */
const service: SimService = {
  handle(req, res) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.endsWith('/implicit.json')) {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/vnd.api+json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(listText));
      res.write(listText.slice(0, 10));
      res.end(listText.slice(10));
      return;
    }
    if (path.endsWith('.jpg')) {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 6 });
      res.write(Buffer.from([0xff, 0xd8, 1]));
      res.end(Buffer.from([2, 0xff, 0xd9]));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(listText) });
    res.end(listText);
  },
};

const faults: FaultState = { ...defaultFaults };
let server: Server;
let base: string;

beforeAll(async () => {
  const faulted = withFaults(service, faults);
  server = createServer((req, res) => void faulted.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => Object.assign(faults, defaultFaults));

async function get(path: string): Promise<{ status: number; type: string; length: string | null; body: Buffer }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', length: res.headers.get('content-length'), body: Buffer.from(await res.arrayBuffer()) };
}

describe('path fault knobs', () => {
  it('accept "" (off) or a path starting with "/", and say why not otherwise', () => {
    expect(pathKnobProblem('')).toBeUndefined();
    expect(pathKnobProblem('/api/v3.0/media/recordedImage.jpeg')).toBeUndefined();
    expect(pathKnobProblem('api/v1')).toBe('must be a path starting with "/", or "" for off');
    expect(pathKnobProblem('/a b')).toMatch(/without spaces/);
    expect(pathKnobProblem('/a?b=1')).toMatch(/"\?"/);
    expect(pathKnobProblem(`/${'a'.repeat(500)}`)).toMatch(/at most 500/);
    expect(pathCovered('', '/anything')).toBe(false);
    expect(pathCovered('/v1/search.web', '/v1/search.web')).toBe(true);
    expect(pathCovered('/v1/search.web', '/v1/search.web/status')).toBe(true);
    expect(pathCovered('/v1/search.web', '/v1/login.web')).toBe(false);
    expect(cutJson(Buffer.from('[1,2,3,4]')).toString()).toBe('[1,2');
  });

  it('webPageFor: the paths under it get 200 text/html with a maintenance page; the others their answer', async () => {
    faults.webPageFor = '/api/media';
    const page = await get('/api/media/recordedImage.jpg?at=1');
    expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', length: String(Buffer.byteLength(maintenancePage)) });
    expect(page.body.toString()).toContain('<title>Maintenance</title>');
    const other = await get('/api/cameras');
    expect(JSON.parse(other.body.toString())).toEqual(list);
    faults.webPageFor = '';
    expect((await get('/api/media/recordedImage.jpg')).type).toBe('image/jpeg');
  });

  it('truncateFor: a JSON answer under it arrives whole but cut in half, with a Content-Length of the cut', async () => {
    faults.truncateFor = '/api/cameras';
    for (const path of ['/api/cameras', '/api/cameras/implicit.json']) {
      const cut = await get(path);
      expect(cut.status).toBe(200);
      expect(cut.length).toBe(String(cut.body.length));
      expect(cut.body.toString()).toBe(listText.slice(0, Math.floor(listText.length / 2)));
      expect(() => JSON.parse(cut.body.toString())).toThrow();
    }
    // Not under it, or not JSON: untouched.
    expect(JSON.parse((await get('/api/other')).body.toString())).toEqual(list);
    faults.truncateFor = '/api';
    const picture = await get('/api/cameras/0.jpg');
    expect([...picture.body]).toEqual([0xff, 0xd8, 1, 2, 0xff, 0xd9]);
    expect(picture.length).toBe('6');
    faults.truncateFor = '';
    expect(JSON.parse((await get('/api/cameras')).body.toString())).toEqual(list);
  });
});

describe('path fault knobs on the simulator', () => {
  let sim: SimulatorHandle;
  let site: SiteDescription;

  beforeAll(async () => {
    sim = await startTestSimulator([exacqModule], { rtsp: false });
    site = sim.sites.exacq as SiteDescription;
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const admin = async (body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${sim.adminUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** A refused sign-in: the same JSON every time (a granted one carries a new session id). */
  const login = (): Promise<Response> => postForm(`${site.url}/v1/login.web`, { u: site.username, p: 'wrong', s: '0', responseVersion: '2' });

  it('the admin port takes "/prefix" or "" and refuses other values in words', async () => {
    expect(await admin({ webPageFor: 'v1/search.web' })).toEqual({ status: 400, body: { error: 'webPageFor must be a path starting with "/", or "" for off' } });
    expect(await admin({ truncateFor: 1 })).toEqual({ status: 400, body: { error: 'truncateFor must be a string' } });
    expect(await admin({ truncateFor: '/v1/x y' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^truncateFor must be a path without spaces/) } });
    const set = await admin({ webPageFor: '/v1/search.web', truncateFor: '/v1/login.web' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ webPageFor: '/v1/search.web', truncateFor: '/v1/login.web' });
    expect(await (await fetch(`${sim.adminUrl}/faults`)).json()).toMatchObject({ webPageFor: '/v1/search.web', truncateFor: '/v1/login.web' });
    expect((await admin({ webPageFor: '', truncateFor: '' })).body).toMatchObject({ webPageFor: '', truncateFor: '' });
  });

  it('cuts and replaces only the paths asked for; the admin port answers through "/" as well', async () => {
    const whole = await (await login()).text();
    expect(JSON.parse(whole)).toEqual({ success: false });
    try {
      await admin({ truncateFor: '/v1/login.web' });
      const cut = await login();
      const text = await cut.text();
      expect(text).toBe(whole.slice(0, Math.floor(whole.length / 2)));
      expect(cut.headers.get('content-length')).toBe(String(text.length));
      await admin({ truncateFor: '', webPageFor: '/v1/search.web' });
      expect(JSON.parse(await (await login()).text())).toEqual({ success: false });
      const page = await fetch(`${site.url}/v1/search.web?output=json`);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('Down for maintenance');
      // Every path of every API: the admin port still answers its JSON.
      expect((await admin({ webPageFor: '/', truncateFor: '/' })).status).toBe(200);
      expect(await (await fetch(`${site.url}/v1/login.web`)).text()).toContain('Maintenance');
      expect(await (await fetch(`${sim.adminUrl}/faults`)).json()).toMatchObject({ webPageFor: '/', truncateFor: '/' });
    } finally {
      await admin({ webPageFor: '', truncateFor: '' });
    }
  });
});
