/**
 * The VMS simulator stays out of the app's start path: in the built main bundle (out/main, made by
 * `npm run build`) no chunk that the entries import statically holds simulator code, and the
 * simulator is one chunk of its own that only main/demo's import() reaches, holding nothing of main/.
 * The source maps say which sources each chunk holds.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const outMain = join(root, 'out', 'main');
const simulatorDir = join(root, 'simulator') + '/';

const staticImport = /^(?:import|export)\b[^;]*?["'](\.\/[^"']+)["']/gm;
const dynamicImport = /\bimport\(\s*["'](\.\/[^"']+)["']\s*\)/g;

function code(chunk: string): string {
  return readFileSync(join(outMain, chunk), 'utf8');
}

/** Repository paths of the sources bundled into a chunk. */
function sources(chunk: string): string[] {
  const map = JSON.parse(readFileSync(join(outMain, `${chunk}.map`), 'utf8')) as { sources: string[] };
  return map.sources.map((source) => resolve(outMain, source));
}

/** Every chunk loaded when `entry` is loaded: its static imports, transitively. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (chunk: string): void => {
    if (seen.has(chunk)) return;
    seen.add(chunk);
    for (const match of code(chunk).matchAll(staticImport)) visit(match[1]!.slice(2));
  };
  visit(entry);
  return seen;
}

describe('the simulator in the built bundle', () => {
  it('is in no chunk that the CLI or the desktop entry loads at start', () => {
    for (const entry of ['cli.js', 'electron.js']) {
      const loaded = [...staticGraph(entry)];
      expect(loaded.length).toBeGreaterThan(1);
      for (const chunk of loaded) expect(sources(chunk).filter((s) => s.startsWith(simulatorDir)), `${entry} → ${chunk}`).toEqual([]);
    }
  });

  it('is one chunk of its own, reached only by import() from main/demo, holding nothing of main/', () => {
    const chunks = readdirSync(outMain).filter((f) => f.endsWith('.js'));
    const holders = chunks.filter((chunk) => sources(chunk).some((s) => s.startsWith(simulatorDir)));
    expect(holders).toHaveLength(1);
    const simulator = holders[0]!;
    expect(simulator).toMatch(/^simulator-[\w-]+\.js$/);
    expect(sources(simulator).filter((s) => !s.startsWith(simulatorDir) && !s.includes('/node_modules/'))).toEqual([]);
    expect([...code(simulator).matchAll(staticImport)].map((m) => m[1])).toEqual([]);

    const loaders = chunks.filter((chunk) => [...code(chunk).matchAll(dynamicImport)].some((m) => m[1] === `./${simulator}`));
    expect(loaders).toHaveLength(1);
    expect(sources(loaders[0]!)).toContain(join(root, 'main', 'demo', 'simulator.ts'));
    // Its RTSP relay script sits beside it (new URL('./rtsp-server.py', import.meta.url)).
    expect(existsSync(join(outMain, 'rtsp-server.py'))).toBe(true);
  });
});
