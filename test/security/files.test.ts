/**
 * Hostile stored files against the real built `tessera serve`: for each attack of
 * attacks/files.ts, a data folder holding a bad sites.json, settings.json and wall.json at once.
 * The server must start, answer app:info with one load problem per file (what was wrong, where
 * the original was kept), keep the original aside, keep the good entries, and leave no prototype
 * polluted; orphan temps of a dead writer are gone after start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AppInfo, Settings, SiteState, WallState } from '../../preload/contract/index.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { canStageUnreadable, fileAttacks, storedFiles, writeOrphanTemps, type FileAttack } from './attacks/files.js';

let running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** One bridge client; `call` resolves with the result of one request (bounded, 5 s). */
async function bridge(s: ServeProcess): Promise<{ call(channel: string, input?: unknown): Promise<Answer>; close(): void }> {
  const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/bridge?token=${s.token}&display=browser-1`, { headers: { origin: s.origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  return {
    call(channel, input) {
      const id = next++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${channel} in 5 s`)), 5000);
        const onMessage = (raw: Buffer): void => {
          const message = JSON.parse(String(raw)) as { id?: number; result?: Answer };
          if (message.id !== id) return;
          clearTimeout(timer);
          ws.off('message', onMessage);
          resolve(message.result!);
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, channel, input }));
      });
    },
    close: () => ws.close(),
  };
}

async function value<T>(answer: Promise<Answer>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** The attacks by name, each with its versions for every file it applies to. */
const byName = new Map<string, FileAttack[]>();
for (const file of storedFiles) for (const attack of fileAttacks(file)) byName.set(attack.name, [...(byName.get(attack.name) ?? []), attack]);

describe('serve mode over hostile stored files', () => {
  it.for([...byName])('%s: starts, reports each file, keeps it aside and the good part', async ([, attacks], { skip }) => {
    if (attacks.some((a) => a.needsPermissions) && !canStageUnreadable) skip('root reads any file whatever its mode (emulated in test/unit/persistence/hostile-files.test.ts)');
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    for (const attack of attacks) attack.write(join(dataDir, attack.file));

    const s = await startServeProcess([], dataDir);
    running.push(s);
    const client = await bridge(s);
    const info = await value<AppInfo>(client.call('app:info'));

    expect(info.loadProblems.map((p) => p.file).sort()).toEqual(attacks.map((a) => a.file).sort());
    for (const attack of attacks) {
      const problem = info.loadProblems.find((p) => p.file === attack.file)!;
      expect(problem.problems.join('; ')).toMatch(attack.reason);
      expect(problem.keptAs?.startsWith(join(dataDir, attack.file.replace('.json', '.corrupt-')))).toBe(true);
      expect(existsSync(problem.keptAs!)).toBe(true);
      const survives = attack.survives;
      if (survives?.sites) expect((await value<SiteState[]>(client.call('sites:list'))).map((site) => site.name)).toEqual(survives.sites);
      if (survives?.settings) expect(await value<Settings>(client.call('settings:get'))).toMatchObject(survives.settings);
      if (survives?.layouts) expect((await value<WallState>(client.call('wall:get'))).document.layouts.map((l) => l.id)).toEqual(survives.layouts);
    }
    // No prototype was polluted: a strict request still passes, and the change is saved.
    expect(await client.call('settings:set', { theme: 'dark' })).toMatchObject({ ok: true, value: { theme: 'dark' } });
    expect(await client.call('wall:set-display', { displayId: 'browser-1', layoutId: null })).toMatchObject({ ok: true });
    client.close();
  });

  it('removes temp files a dead writer left, and keeps a live writer’s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-temps-'));
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const orphans = writeOrphanTemps(dataDir, dead);
    const live = `wall.json.${process.pid}.tmp`;
    writeFileSync(join(dataDir, live), '{');

    const s = await startServeProcess([], dataDir);
    running.push(s);
    const client = await bridge(s);
    expect(await value<AppInfo>(client.call('app:info'))).toMatchObject({ loadProblems: [] });
    client.close();

    const left = readdirSync(dataDir);
    for (const orphan of orphans) expect(left).not.toContain(orphan);
    expect(readFileSync(join(dataDir, live), 'utf8')).toBe('{');
  });
});
