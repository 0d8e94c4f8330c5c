import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonFile } from '../../../main/persistence/json-file.js';

const schema = z.object({ name: z.string(), tiles: z.number().int() });
type Doc = z.infer<typeof schema>;
const fallback = (): Doc => ({ name: 'default', tiles: 4 });

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-json-'));
  return { dir, path: join(dir, 'doc.json') };
}

describe('JsonFile', () => {
  it('returns the fallback when there is no file, and round-trips a save', () => {
    const { path } = fresh();
    const file = new JsonFile(path, schema, 2, fallback);
    expect(file.load()).toEqual({ value: fallback() });
    file.save({ name: 'wall', tiles: 9 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 2, data: { name: 'wall', tiles: 9 } });
    expect(new JsonFile(path, schema, 2, fallback).load()).toEqual({ value: { name: 'wall', tiles: 9 } });
  });

  it('migrates older versions step by step', () => {
    const { path } = fresh();
    writeFileSync(path, JSON.stringify({ version: 0, data: { title: 'old' } }));
    const file = new JsonFile(path, schema, 2, fallback, {
      0: (d) => ({ name: (d as { title: string }).title }),
      1: (d) => ({ ...(d as object), tiles: 1 }),
    });
    expect(file.load()).toEqual({ value: { name: 'old', tiles: 1 } });
  });

  it.each([
    ['not JSON', '{"version": 1, "data": {', /not JSON/],
    ['no envelope', '{"name":"x","tiles":1}', /missing version/],
    ['invalid content', '{"version":1,"data":{"name":5,"tiles":1}}', /invalid content: name: /],
    ['newer version', '{"version":9,"data":{}}', /newer Tessera/],
    ['missing migration', '{"version":0,"data":{}}', /no migration from version 0/],
  ])('moves a corrupt file aside (%s) and reports why', (_label, text, reason) => {
    const { dir, path } = fresh();
    writeFileSync(path, text);
    const outcome = new JsonFile(path, schema, 1, fallback, {}, { now: () => Date.UTC(2026, 11, 6, 23, 0, 0, 123) }).load();
    expect(outcome.value).toEqual(fallback());
    expect(outcome.problem?.problems.join('; ')).toMatch(reason);
    expect(outcome.problem?.keptAs).toBe(join(dir, 'doc.corrupt-20261206T230000Z.json'));
    expect(readFileSync(outcome.problem!.keptAs!, 'utf8')).toBe(text);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses to save an invalid document and leaves the old file and no temp file behind', () => {
    const { dir, path } = fresh();
    const file = new JsonFile(path, schema, 1, fallback);
    file.save({ name: 'good', tiles: 1 });
    expect(() => file.save({ name: 'bad', tiles: 1.5 })).toThrow();
    expect(file.load().value).toEqual({ name: 'good', tiles: 1 });
    expect(readdirSync(dir)).toEqual(['doc.json']);
  });

  it('removes its temp file when the final rename fails', () => {
    const { dir, path } = fresh();
    // A non-empty directory where the file should go: the write succeeds, the rename cannot.
    mkdirSync(join(path, 'occupied'), { recursive: true });
    expect(() => new JsonFile(path, schema, 1, fallback).save({ name: 'x', tiles: 1 })).toThrow();
    expect(readdirSync(dir)).toEqual(['doc.json']);
    expect(readdirSync(path)).toEqual(['occupied']);
  });

  it('runs a migration table in order and saves the current version afterwards', () => {
    const { path } = fresh();
    writeFileSync(path, JSON.stringify({ version: 0, data: { title: 'v0', panes: [1, 2, 3] } }));
    const calls: number[] = [];
    const migrations = {
      0: (d: unknown) => (calls.push(0), { name: (d as { title: string }).title, count: (d as { panes: unknown[] }).panes.length }),
      1: (d: unknown) => (calls.push(1), { name: (d as { name: string }).name, tiles: (d as { count: number }).count }),
    };
    const file = new JsonFile(path, schema, 2, fallback, migrations);
    expect(file.load()).toEqual({ value: { name: 'v0', tiles: 3 } });
    expect(calls).toEqual([0, 1]);
    file.save(file.load().value);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 2, data: { name: 'v0', tiles: 3 } });
  });

  it('moves a file aside when a migration throws, with the migration\'s reason', () => {
    const { path } = fresh();
    writeFileSync(path, JSON.stringify({ version: 0, data: null }));
    const outcome = new JsonFile(path, schema, 1, fallback, { 0: () => { throw new Error('v0 file has no panes'); } }).load();
    expect(outcome.problem?.problems).toEqual(['v0 file has no panes']);
    expect(existsSync(path)).toBe(false);
  });
});
