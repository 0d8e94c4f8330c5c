/**
 * Hostile stored files, as reusable data: each attack writes a bad sites.json, settings.json or
 * wall.json into a data folder and says what a safe loader must report and keep. Used by the unit
 * tests of the loaders (test/unit/persistence/hostile-files.test.ts) and by the serve-mode suite
 * (test/security/files.test.ts), which starts the real `tessera serve` over each.
 */
import { chmodSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type StoredFile = 'sites.json' | 'settings.json' | 'wall.json';
export const storedFiles: StoredFile[] = ['sites.json', 'settings.json', 'wall.json'];

/** The current document versions (main/sites, main/services, main/wall). */
const versions: Record<StoredFile, number> = { 'sites.json': 1, 'settings.json': 2, 'wall.json': 1 };

export function envelope(file: StoredFile, data: unknown): string {
  return JSON.stringify({ version: versions[file], data });
}

export function site(n: number, url = `http://127.0.0.1:${9000 + n}/`): Record<string, unknown> {
  return { id: `site-${n}`, name: `Site ${n}`, kind: 'eagleeye-v1', url, username: 'operator' };
}

export function layout(id: string): Record<string, unknown> {
  const cells = [0, 1, 2, 3].map((i) => ({ x: i % 2, y: Math.floor(i / 2), w: 1, h: 1, cameraIds: [] }));
  return { id, name: `Layout ${id}`, columns: 2, rows: 2, cells, overlay: true };
}

/** Good documents: four sites, non-default settings, a wall of two layouts. */
export const goodData: Record<StoredFile, unknown> = {
  'sites.json': [1, 2, 3, 4].map((n) => site(n)),
  'settings.json': { displays: 'primary', windowModes: { '1': 'kiosk' }, defaultWindowMode: 'fullscreen', tileOverlay: false, theme: 'light', tourIdleResumeSeconds: 45 },
  'wall.json': { layouts: [layout('lobby'), layout('yard')], tours: [], displays: {} },
};

/** What a load must keep of a file whose bad part is only one entry or field. */
export interface Survivors {
  /** Names of the sites still listed. */
  sites?: string[];
  /** Settings fields that keep the file's value. */
  settings?: Record<string, unknown>;
  /** Ids of the layouts still on the wall. */
  layouts?: string[];
}

export interface FileAttack {
  name: string;
  file: StoredFile;
  /** Puts the hostile thing at `path` (a file, or a folder where the file belongs). */
  write(path: string): void;
  /** The load problem's lines, joined with "; ", must match this. */
  reason: RegExp;
  survives?: Survivors;
  /** Holds only when the process cannot read a file whose mode forbids it (not root). */
  needsPermissions?: boolean;
}

/** Over the size limit without using the disk: a sparse file whose first bytes are a good start. */
const HUGE_BYTES = 16 * 1024 * 1024 + 1;

function text(contents: string): (path: string) => void {
  return (path) => writeFileSync(path, contents);
}

function badEntry(file: StoredFile): { data: unknown; reason: RegExp; survives: Survivors } {
  switch (file) {
    case 'sites.json':
      return { data: [site(1), { ...site(2), url: 5 }, site(3), site(4)], reason: /entry 2: url: .*expected string/, survives: { sites: ['Site 1', 'Site 3', 'Site 4'] } };
    case 'settings.json':
      return { data: { ...(goodData['settings.json'] as object), theme: 7 }, reason: /theme: /, survives: { settings: { displays: 'primary', tourIdleResumeSeconds: 45 } } };
    case 'wall.json':
      return { data: { layouts: [layout('lobby'), 'yard'], tours: [], displays: {} }, reason: /layouts entry 2: /, survives: { layouts: ['lobby'] } };
  }
}

function prototypeKey(file: StoredFile): { contents: string; survives: Survivors } {
  // Written as text: JSON.stringify of an object literal cannot produce an own "__proto__" key.
  const proto = '"__proto__": { "polluted": true }';
  switch (file) {
    case 'sites.json': {
      const [one, , three, four] = (goodData['sites.json'] as object[]).map((s) => JSON.stringify(s));
      const two = JSON.stringify(site(2)).replace(/^\{/, `{${proto},`);
      return { contents: `{"version":1,"data":[${one},${two},${three},${four}]}`, survives: { sites: ['Site 1', 'Site 3', 'Site 4'] } };
    }
    case 'settings.json':
      return {
        contents: envelope(file, goodData[file]).replace('"windowModes":{', `"windowModes":{${proto},`),
        survives: { settings: { windowModes: { '1': 'kiosk' }, theme: 'light' } },
      };
    case 'wall.json':
      return { contents: envelope(file, goodData[file]).replace('"displays":{', `"displays":{${proto}`), survives: { layouts: ['lobby', 'yard'] } };
  }
}

/** Every attack on one stored file. */
export function fileAttacks(file: StoredFile): FileAttack[] {
  const good = envelope(file, goodData[file]);
  const entry = badEntry(file);
  const proto = prototypeKey(file);
  const attacks: FileAttack[] = [
    { name: 'an empty file', file, write: text(''), reason: /the file is empty/ },
    { name: 'truncated JSON', file, write: text(good.slice(0, Math.floor(good.length / 2))), reason: /not JSON/ },
    { name: 'JSON that is not a Tessera document', file, write: text(JSON.stringify(goodData[file])), reason: /not a Tessera document/ },
    {
      name: 'a file over the size limit',
      file,
      write: (path) => {
        writeFileSync(path, good.slice(0, -1));
        truncateSync(path, HUGE_BYTES);
      },
      reason: /more than the 16 MB Tessera reads/,
    },
    { name: 'nesting 100 000 levels deep', file, write: text(`{"version":${versions[file]},"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), reason: /nested more than 32 levels deep/ },
    { name: 'a __proto__ key', file, write: text(proto.contents), reason: /the key “__proto__” is not allowed/, survives: proto.survives },
    { name: 'an entry of the wrong type', file, write: text(envelope(file, entry.data)), reason: entry.reason, survives: entry.survives },
    { name: 'a folder where the file belongs', file, write: (path) => mkdirSync(join(path, 'inside'), { recursive: true }), reason: /it is a folder, not a file/ },
    {
      name: 'a file Tessera may not read',
      file,
      write: (path) => {
        writeFileSync(path, good);
        chmodSync(path, 0o000);
      },
      reason: /not allowed to read it \(permission denied\)/,
      needsPermissions: true,
    },
  ];
  if (file === 'sites.json') {
    attacks.push({
      name: 'a site address that is not a URL',
      file,
      write: text(envelope(file, [site(1), site(2, 'not a url'), site(3), site(4)])),
      reason: /^entry 2: address “not a url” is not a URL$/,
      survives: { sites: ['Site 1', 'Site 3', 'Site 4'] },
    });
    attacks.push({
      name: 'a site address with a password that is not a URL',
      file,
      write: text(envelope(file, [site(1), site(2, 'http://admin:secret@ho st/'), site(3), site(4)])),
      // The password never reaches the reason (the UI and the log show it).
      reason: /^entry 2: address “http:\/\/…@ho st\/” is not a URL$/,
      survives: { sites: ['Site 1', 'Site 3', 'Site 4'] },
    });
  }
  return attacks;
}

/** Root reads any file whatever its mode, so the permission attack cannot be staged as root. */
export const canStageUnreadable = typeof process.getuid !== 'function' || process.getuid() !== 0;

/** Orphans of the atomic write (`<name>.json.<pid>.tmp`) with a pid that no longer runs. */
export function writeOrphanTemps(dir: string, deadPid: number): string[] {
  const names = storedFiles.map((file) => `${file}.${deadPid}.tmp`);
  for (const name of names) writeFileSync(join(dir, name), '{"version":1,"data":');
  return names;
}
