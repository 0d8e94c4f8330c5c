/** Temps of the atomic write left by a crashed run are removed at start; a live writer's never. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidAlive, removeOrphanTemps } from '../../../main/persistence/orphan-temps.js';
import { writeOrphanTemps } from '../../security/attacks/files.js';

/** The pid of a process that has already exited (it may be reused, hence the age rule too). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  expect(pidAlive(pid)).toBe(false);
  return pid;
}

describe('removeOrphanTemps', () => {
  it('removes temps whose writer is gone and keeps everything else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-temps-'));
    const orphans = writeOrphanTemps(dir, deadPid());
    const kept = ['wall.json', `wall.json.${process.pid}.tmp`, 'wall.corrupt-20261206T230000Z.json', 'notes.txt.123.tmp', 'sites.json.abc.tmp'];
    for (const name of kept) writeFileSync(join(dir, name), 'x');
    // Below the data folder is not ours to clean (caches keep their own temps).
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', orphans[0]!), 'x');

    const sweep = removeOrphanTemps(dir);

    expect(sweep.removed.sort()).toEqual([...orphans].sort());
    expect(readdirSync(dir).sort()).toEqual([...kept, 'cache'].sort());
    expect(readdirSync(join(dir, 'cache'))).toEqual([orphans[0]]);
  });

  it('removes a temp older than an hour even when its pid runs again (pids are reused)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-temps-'));
    const old = `settings.json.${process.ppid}.tmp`;
    const fresh = `sites.json.${process.ppid}.tmp`;
    writeFileSync(join(dir, old), 'x');
    writeFileSync(join(dir, fresh), 'x');
    const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(join(dir, old), twoHoursAgo, twoHoursAgo);

    expect(removeOrphanTemps(dir).removed).toEqual([old]);
    expect(readdirSync(dir)).toEqual([fresh]);
  });

  it('does nothing and throws nothing when the data folder does not exist yet', () => {
    expect(removeOrphanTemps(join(tmpdir(), 'tessera-no-such-folder', 'x'))).toEqual({ removed: [], failed: [] });
  });
});
