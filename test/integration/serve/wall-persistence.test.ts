/**
 * Serve mode end to end without a browser: `tessera serve --displays 2` prints an address per
 * display, and a wall set up over the bridge survives a restart of the server; a corrupt wall
 * file is kept aside and reported on the next start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeSession } from '../../support/bridge-session.js';
import { startServeProcess, type ServeProcess } from '../../support/serve-process.js';

let running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});

async function serve(args: string[], dataDir?: string): Promise<ServeProcess & { displays: { id: string; label: string; url: string }[] }> {
  const started = await startServeProcess(args, dataDir);
  running.push(started);
  return started as ServeProcess & { displays: { id: string; label: string; url: string }[] };
}

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url} in 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

const twoByTwo = {
  id: 'lobby',
  name: 'Lobby',
  columns: 2,
  rows: 2,
  overlay: true,
  cells: [
    { x: 0, y: 0, w: 2, h: 1, cameraIds: ['demo/1'] },
    { x: 0, y: 1, w: 1, h: 1, cameraIds: ['demo/2', 'demo/3'], dwellMs: 5000 },
    { x: 1, y: 1, w: 1, h: 1, cameraIds: [] },
  ],
};

describe('serve mode: display addresses and the wall across restarts', () => {
  it('prints one address per display, each carrying the token, and each opens the app', async () => {
    const s = await serve(['--displays', '2']);
    expect(s.displays).toEqual([
      { id: 'browser-1', label: 'Browser display 1', url: `${s.origin}/?display=browser-1&token=${s.token}` },
      { id: 'browser-2', label: 'Browser display 2', url: `${s.origin}/?display=browser-2&token=${s.token}` },
    ]);
    for (const display of s.displays) expect(await status(display.url)).toBe(200);
    expect(await status(`${s.origin}/?display=browser-2`)).toBe(401);
  });

  it('keeps each display’s layout, tour position and maximised tile after the server restarts', async () => {
    const first = await serve(['--displays', '2']);
    const client = await BridgeSession.connect(first, 'browser-2');
    expect(await client.call('wall:save-layout', twoByTwo)).toMatchObject({ ok: true });
    expect(await client.call('wall:save-tour', { id: 'rounds', name: 'Rounds', steps: [{ layoutId: 'lobby', dwellMs: 10_000 }] })).toMatchObject({ ok: true });
    expect(await client.call('wall:set-display', { displayId: 'browser-2', layoutId: 'lobby', tour: { tourId: 'rounds', stepIndex: 0, running: false }, maximisedCell: 1 })).toMatchObject({ ok: true });
    const holed = { ...twoByTwo, id: 'holed', cells: twoByTwo.cells.slice(0, 2) };
    expect(await client.call('wall:save-layout', holed)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const before = (await client.call('wall:get')).value;
    client.close();
    await first.stop();

    const second = await serve(['--displays', '2'], first.dataDir);
    const again = await BridgeSession.connect(second, 'browser-2');
    const after = await again.call('wall:get');
    expect(after).toEqual({ ok: true, value: before });
    expect((after.value as { document: { displays: Record<string, unknown> } }).document.displays['browser-2']).toEqual({
      layoutId: 'lobby',
      tour: { tourId: 'rounds', stepIndex: 0, running: false },
      maximisedCell: 1,
    });
    again.close();
  });

  it('keeps a corrupt wall file aside, reports it, and starts with an empty wall', async () => {
    const first = await serve([]);
    const client = await BridgeSession.connect(first, 'browser-1');
    expect(await client.call('wall:save-layout', twoByTwo)).toMatchObject({ ok: true });
    client.close();
    await first.stop();
    const wallFile = `${first.dataDir}/wall.json`;
    const truncated = readFileSync(wallFile, 'utf8').slice(0, 40);
    writeFileSync(wallFile, truncated);

    const second = await serve([], first.dataDir);
    const again = await BridgeSession.connect(second, 'browser-1');
    const state = (await again.call('wall:get')).value as { document: unknown; loadProblem?: { movedTo: string; reason: string } };
    expect(state.document).toEqual({ layouts: [], tours: [], displays: {} });
    expect(state.loadProblem?.reason).toMatch(/not JSON/);
    expect(readFileSync(state.loadProblem!.movedTo, 'utf8')).toBe(truncated);
    again.close();
  });
});
