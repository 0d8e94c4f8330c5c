/**
 * The loaders over every hostile file of test/security/attacks/files.ts, in a temp folder: none
 * throws, each keeps the original aside byte for byte, reports what was wrong, keeps the good
 * entries and fields (written back as the new file), and pollutes no prototype.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LoadProblem } from '../../../preload/contract/index.js';
import { JsonFile } from '../../../main/persistence/json-file.js';
import { readText } from '../../../main/persistence/read-document.js';
import { SettingsService } from '../../../main/services/settings-service.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { WallService } from '../../../main/wall/wall-service.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { canStageUnreadable, envelope, fileAttacks, goodData, storedFiles, type StoredFile, type Survivors } from '../../security/attacks/files.js';

interface Loaded {
  problem: LoadProblem | undefined;
  survivors: Required<Survivors>;
}

/** Loads `file` from `dir` with the loader Tessera uses for it. */
function load(file: StoredFile, dir: string): Loaded {
  const path = join(dir, file);
  const none = { sites: [] as string[], settings: {}, layouts: [] as string[] };
  switch (file) {
    case 'sites.json': {
      const { value, problem } = new SiteRepository(path).load();
      return { problem, survivors: { ...none, sites: value.map((s) => s.name) } };
    }
    case 'settings.json': {
      const service = new SettingsService(path, memoryLogger());
      return { problem: service.loadProblem, survivors: { ...none, settings: service.get() } };
    }
    case 'wall.json': {
      const wall = new WallService(path, memoryLogger());
      return { problem: wall.loadProblem, survivors: { ...none, layouts: wall.state().document.layouts.map((l) => l.id) } };
    }
  }
}

describe.each(storedFiles)('loading a hostile %s', (file) => {
  it.for(fileAttacks(file).map((a) => [a.name, a] as const))('%s: kept aside, reported, the good part kept', ([, attack], { skip }) => {
    if (attack.needsPermissions && !canStageUnreadable) skip('root reads any file whatever its mode (emulated below)');
    const dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const path = join(dir, file);
    attack.write(path);
    const original = statSync(path).isFile() && !attack.needsPermissions ? readFileSync(path) : undefined;

    const { problem, survivors } = load(file, dir);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problem?.file).toBe(file);
    expect(problem?.problems.join('; ')).toMatch(attack.reason);
    expect(problem?.keptAs).toMatch(new RegExp(`^${dir}/${basename(file, '.json')}\\.corrupt-\\d{8}T\\d{6}Z\\.json$`));
    expect(existsSync(problem!.keptAs!)).toBe(true);
    if (original) expect(readFileSync(problem!.keptAs!).equals(original)).toBe(true);
    if (attack.survives?.sites) expect(survivors.sites).toEqual(attack.survives.sites);
    if (attack.survives?.layouts) expect(survivors.layouts).toEqual(attack.survives.layouts);
    if (attack.survives?.settings) expect(survivors.settings).toMatchObject(attack.survives.settings);
    // What was kept is the new file, so the next start has it, and reports nothing.
    expect(existsSync(path)).toBe(attack.survives !== undefined);
    const again = load(file, dir);
    expect(again.problem).toBeUndefined();
    expect(again.survivors).toEqual(survivors);
  });
});

describe('JsonFile on files it cannot use', () => {
  const schema = z.object({ name: z.string() });

  it('reports a file it may not read (permission denied emulated: root reads any file) and keeps it aside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const path = join(dir, 'doc.json');
    writeFileSync(path, envelope('sites.json', { name: 'x' }));
    const denied = Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    const file = new JsonFile(path, schema, 1, () => ({ name: 'default' }), {}, {
      readText: (p, max) =>
        readText(p, max, () => {
          throw denied;
        }),
    });
    const { value, problem } = file.load();
    expect(value).toEqual({ name: 'default' });
    expect(problem?.problems).toEqual(['Tessera is not allowed to read it (permission denied)']);
    expect(readdirSync(dir)).toEqual([basename(problem!.keptAs!)]);
  });

  it('never overwrites a bad file it could not move aside, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const path = join(dir, 'doc.json');
    writeFileSync(path, 'not json');
    // A clock that gives no valid time: no aside name can be made (root cannot be refused a rename
    // on a writable folder, so this stands in for a read-only data folder).
    const file = new JsonFile(path, schema, 1, () => ({ name: 'default' }), {}, { now: () => Number.NaN });
    const { problem } = file.load();
    expect(problem?.keptAs).toBeUndefined();
    expect(problem?.problems.join('; ')).toMatch(/could not be moved aside .*changes are not saved/);
    expect(() => file.save({ name: 'new' })).toThrow(/does not overwrite it/);
    expect(readFileSync(path, 'utf8')).toBe('not json');
  });

  it('keeps its good data (sanity: the table starts from files that load cleanly)', () => {
    for (const file of storedFiles) {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
      writeFileSync(join(dir, file), envelope(file, goodData[file]));
      expect(load(file, dir).problem).toBeUndefined();
    }
  });
});
