// AIPIX camera lists however the server pages them (issue 17): a server written here holds 30
// cameras, caps per_page at 25 whatever Tessera asks (100), and answers in one of Laravel's
// shapes — the API resource (meta/links), the paginator itself (top-level current_page,
// last_page, next_page_url, per_page, total), simplePaginate (no last_page, no total) or bare
// data. Every shape lists all 30. A server whose count and list disagree is named on the site
// (SiteService → site card) and on the CLI's stderr.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import { AipixAdapter } from '../../../main/vms/aipix/adapter.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { memoryLogger } from '../../support/memory-logger.js';

type Shape = 'resource' | 'paginator' | 'simple' | 'bare' | 'short-count';
const cameraCount = 30;
const cap = 25;
let shape: Shape = 'resource';
const asked: { page: number; perPage: number }[] = [];
let server: Server;
let base: string;
let scratch: string;

const camera = (id: number) => ({ id, name: `Cam ${id}`, status: 'active', streams: [{ id: id * 10 + 1, type: 'high', width: 1920, height: 1080 }] });

/** One page of the 30 cameras in the current shape, at most `cap` per page. */
function pageBody(page: number, askedPerPage: number): unknown {
  const perPage = Math.min(askedPerPage, cap);
  const last = Math.ceil(cameraCount / perPage);
  const data = Array.from({ length: cameraCount }, (_, i) => camera(i + 1)).slice((page - 1) * perPage, page * perPage);
  const next = page < last ? `${base}/api/v1/cameras?page=${page + 1}` : null;
  switch (shape) {
    case 'resource':
      return { data, links: { first: `${base}/api/v1/cameras?page=1`, next }, meta: { current_page: page, last_page: last, per_page: perPage, total: cameraCount } };
    case 'paginator':
      return { current_page: page, data, first_page_url: `${base}/api/v1/cameras?page=1`, from: (page - 1) * perPage + 1, last_page: last, next_page_url: next, path: `${base}/api/v1/cameras`, per_page: perPage, prev_page_url: null, to: page * perPage, total: cameraCount };
    case 'simple':
      return { current_page: page, data, next_page_url: next, per_page: String(perPage) };
    case 'bare':
      return { data };
    case 'short-count':
      // A server that reports 30 but says its first page is the last: 5 cameras go missing.
      return { data: page === 1 ? data : [], meta: { current_page: page, last_page: 1, total: cameraCount } };
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-aipix-pages-'));
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const json = (body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/v1/token') return json({ access_token: 'Bearer 1|pagingtoken' });
    if (url.pathname !== '/api/v1/cameras') return void res.writeHead(404).end();
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 25);
    asked.push({ page, perPage });
    json(pageBody(page, perPage));
  });
  base = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
});

afterAll(async () => {
  server?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function listed(): Promise<{ ids: string[]; note: string | undefined }> {
  const http = new HttpClient({ baseUrl: base, siteName: 'Paged AIPIX', timeoutMs: 5000 });
  const adapter = new AipixAdapter({ site: { id: 'paged', name: 'Paged AIPIX', kind: 'aipix', url: base, username: 'u' }, http, log: memoryLogger(), now: Date.now });
  await adapter.signIn({ username: 'u', password: 'p' });
  try {
    const cameras = await adapter.listCameras();
    return { ids: cameras.map((c) => c.id), note: adapter.cameraListNote() };
  } finally {
    await adapter.dispose();
  }
}

const all = Array.from({ length: cameraCount }, (_, i) => String(i + 1));

describe('AIPIX camera pages', () => {
  it.each<[Shape, number]>([
    ['resource', 2],
    ['paginator', 2],
    ['simple', 2],
    // No paging information: page 2 (5 cameras) is short, so it is the last.
    ['bare', 2],
  ])('lists all 30 cameras from a server that caps per_page at 25 and pages in the %s shape', async (which, pages) => {
    shape = which;
    asked.length = 0;
    const { ids, note } = await listed();
    expect(ids).toEqual(all);
    expect(note).toBeUndefined();
    expect(asked).toEqual(Array.from({ length: pages }, (_, i) => ({ page: i + 1, perPage: 100 })));
  });

  it('names the shortfall when the server reports more cameras than it lists: adapter, site card state, CLI stderr', async () => {
    shape = 'short-count';
    const { ids, note } = await listed();
    expect(ids).toHaveLength(25);
    expect(note).toBe('Paged AIPIX: the server reports 30 cameras but listed only 25; 5 cannot be shown.');

    const service = new SiteService({ repository: new SiteRepository(join(scratch, 'sites.json')), credentials: sessionOnlyStore(), log: memoryLogger(), refreshMs: 0, httpTimeoutMs: 5000 });
    try {
      const state = await service.addTransient({ id: 'paged', name: 'Paged AIPIX', kind: 'aipix', url: base, username: 'u' }, 'p');
      expect(state).toMatchObject({ status: 'signed-in', cameraCount: 25, cameraListWarning: note });
    } finally {
      await service.dispose();
    }

    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    stdin.end('p\n');
    let out = '';
    let err = '';
    stdout.on('data', (d) => (out += String(d)));
    stderr.on('data', (d) => (err += String(d)));
    const io = { stdout, stderr, stdin, env: {}, stopSignal: new Promise<void>(() => undefined) };
    expect(await runCli(['cameras', '--kind', 'aipix', '--url', base, '--user', 'u', '--password-stdin', '--json', '--data-dir', scratch], io)).toBe(0);
    expect(JSON.parse(out)).toHaveLength(25);
    expect(err).toBe(`tessera cameras: ${new URL(base).host}: the server reports 30 cameras but listed only 25; 5 cannot be shown.\n`);
  });
});
