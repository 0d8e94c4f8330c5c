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
import type { AppInfo, Settings, SiteState, WallState } from '../../preload/contract/index.js';
import { BridgeSession } from '../support/bridge-session.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { canStageUnreadable, fileAttacks, storedFiles, writeOrphanTemps, type FileAttack } from './attacks/files.js';

let running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});

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
    const client = await BridgeSession.connect(s, 'browser-1');
    const info = await client.value<AppInfo>('app:info');

    expect(info.loadProblems.map((p) => p.file).sort()).toEqual(attacks.map((a) => a.file).sort());
    for (const attack of attacks) {
      const problem = info.loadProblems.find((p) => p.file === attack.file)!;
      expect(problem.problems.join('; ')).toMatch(attack.reason);
      expect(problem.keptAs?.startsWith(join(dataDir, attack.file.replace('.json', '.corrupt-')))).toBe(true);
      expect(existsSync(problem.keptAs!)).toBe(true);
      const survives = attack.survives;
      if (survives?.sites) expect((await client.value<SiteState[]>('sites:list')).map((site) => site.name)).toEqual(survives.sites);
      if (survives?.settings) expect(await client.value<Settings>('settings:get')).toMatchObject(survives.settings);
      if (survives?.layouts) expect((await client.value<WallState>('wall:get')).document.layouts.map((l) => l.id)).toEqual(survives.layouts);
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
    const client = await BridgeSession.connect(s, 'browser-1');
    expect(await client.value<AppInfo>('app:info')).toMatchObject({ loadProblems: [] });
    client.close();

    const left = readdirSync(dataDir);
    for (const orphan of orphans) expect(left).not.toContain(orphan);
    expect(readFileSync(join(dataDir, live), 'utf8')).toBe('{');
  });
});
