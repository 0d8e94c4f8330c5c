/**
 * Helpers of the timeline's e2e specs (timeline.spec.ts, timeline-reverse.spec.ts,
 * timeline-bad-input.spec.ts): cameras placed through Ctrl+K, main's coverage through the
 * bridge, every tile's data-frame-time read at one instant, a jump with "Go to…", the strip's x
 * of a time (to drag the playhead there), a tile's recorded still as JPEG bytes, and the demo
 * simulator's fault knobs.
 */
import { Buffer } from 'node:buffer';
import type { Locator, Page } from '@playwright/test';
import { BridgeSession } from '../../support/bridge-session.js';
import type { ServeProcess } from '../../support/serve-process.js';
import { expect } from '../fixtures.js';
import { freshWall, wallOf } from '../wall-helpers.js';

export type Period = { fromMs: number; toMs: number };

/** One camera of each recording vendor: the search's words → the tile's accessible name. */
export const vendors = ['eagle eye v1', 'eagle eye v3', 'exacqvision', 'aipix'] as const;

/** The demo wall, empty, once every demo site's cameras are listed (the last, AIPIX, among them). */
export async function openWall(page: Page, serve: ServeProcess): Promise<void> {
  await page.goto(serve.url);
  await expect(page.getByRole('tree', { name: 'Cameras' }).getByRole('treeitem', { name: 'Demo · AIPIX', exact: true })).toBeVisible({ timeout: 90_000 });
  await freshWall(page);
}

/** Puts the camera each search finds (exactly one) on tiles 1, 2, … through Ctrl+K. */
export async function placeCameras(page: Page, searches: readonly string[]): Promise<Locator[]> {
  const wall = wallOf(page);
  const tiles: Locator[] = [];
  for (const [i, words] of searches.entries()) {
    const cell = wall.locator(`section[data-cell-index="${i}"]`);
    // Once more if the camera did not land on the tile (keyboard input lost on a busy machine: seen once in CI).
    for (let attempt = 1; ; attempt += 1) {
      await wall.getByRole('region', { name: `Empty tile ${i + 1}`, exact: true }).focus();
      await page.keyboard.press('Control+k');
      const search = page.getByRole('dialog', { name: 'Find a camera' });
      await search.getByRole('combobox', { name: 'Camera name' }).fill(words);
      await expect(search.getByRole('option')).toHaveCount(1);
      await page.keyboard.press('Enter');
      await expect(search).toBeHidden();
      const landed = await expect(cell).not.toHaveAttribute('aria-label', `Empty tile ${i + 1}`, { timeout: 5000 }).then(() => true, () => false);
      if (landed) break;
      if (attempt === 2) throw new Error(`${words} did not land on tile ${i + 1} in two tries`);
      console.warn(`${words} did not land on tile ${i + 1}; trying once more`);
    }
    tiles.push(cell);
  }
  return tiles;
}

export const cameraIdsOf = (tiles: readonly Locator[]): Promise<string[]> => Promise.all(tiles.map(async (t) => (await t.getAttribute('data-camera-id'))!));

/** Each camera's recorded periods in [fromMs, toMs), as main's recordings:coverage gives them. */
export async function coverageOf(serve: ServeProcess, cameraIds: readonly string[], fromMs: number, toMs: number): Promise<Period[][]> {
  const bridge = await BridgeSession.connect(serve);
  try {
    const out: Period[][] = [];
    for (const cameraId of cameraIds) {
      const answer = await bridge.call('recordings:coverage', { cameraId, fromMs: Math.round(fromMs), toMs: Math.round(toMs) });
      expect(answer.ok, JSON.stringify(answer.error)).toBe(true);
      out.push((answer.value as { periods: Period[] }).periods);
    }
    return out;
  } finally {
    bridge.close();
  }
}

/** Every tile's data-frame-time (epoch ms of the frame on screen), read at one instant in the page. */
export async function frameTimes(tiles: readonly Locator[]): Promise<number[]> {
  const ids = await cameraIdsOf(tiles);
  return tiles[0]!.page().evaluate((wanted) => wanted.map((id) => Number(document.querySelector(`section[data-camera-id="${CSS.escape(id)}"]`)?.getAttribute('data-frame-time'))), ids);
}

/** A moment near `aroundMs` (whole seconds) that every camera recorded from `beforeMs` before it to `afterMs` after it. */
export function recordedByAll(coverage: readonly Period[][], aroundMs: number, beforeMs: number, afterMs: number): number | undefined {
  const covered = (at: number): boolean => coverage.every((list) => list.some((p) => p.fromMs <= at - beforeMs && at + afterMs <= p.toMs));
  const base = Math.round(aroundMs / 1000) * 1000;
  return Array.from({ length: 240 }, (_, i) => base + (i % 2 ? 1 : -1) * Math.ceil(i / 2) * 2000).find(covered);
}

/** Presses the mouse on the timeline's playhead (then holdPlayheadAt drags it; mouse.up lets go). */
export async function grabPlayhead(page: Page): Promise<void> {
  const handle = (await page.getByRole('slider', { name: 'Timeline' }).boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
}

/** Drags the grabbed playhead to atMs (past it by `overshootPx`, then back) and holds it; answers where it is (a pixel is seconds at this zoom). */
export async function holdPlayheadAt(page: Page, atMs: number, overshootPx = 20): Promise<number> {
  const target = await xOfTime(page, atMs);
  await page.mouse.move(target.x + overshootPx, target.y, { steps: 3 });
  await page.mouse.move(target.x, target.y, { steps: 2 });
  return Number(await page.getByRole('slider', { name: 'Timeline' }).getAttribute('aria-valuenow'));
}

/** "Go to…" `atMs` (typed as seconds before now, which needs no time zone). */
export async function goTo(page: Page, atMs: number): Promise<void> {
  await page.getByTestId('timeline').getByRole('button', { name: 'Go to…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Go to date and time' });
  await dialog.getByRole('textbox').fill(`-${Math.round((Date.now() - atMs) / 1000)}s`);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await expect(dialog).toBeHidden();
}

/** The strip's x (page px) of wall time atMs, from the strip's own window. */
export async function xOfTime(page: Page, atMs: number): Promise<{ x: number; y: number }> {
  const strip = page.getByTestId('timeline').locator('.timeline__strip');
  const box = (await strip.boundingBox())!;
  const startMs = Number(await strip.getAttribute('data-start-ms'));
  const spanMs = Number(await strip.getAttribute('data-span-ms'));
  return { x: box.x + ((atMs - startMs) / spanMs) * box.width, y: box.y + box.height / 2 };
}

/** A tile's recorded still as JPEG bytes, drawn from the <img> (the page's CSP keeps fetch off blob: URLs). */
export async function stillBytes(tile: Locator): Promise<Buffer> {
  const dataUrl = await tile.getByRole('img', { name: /^Recorded picture of / }).evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext('2d')!.drawImage(img, 0, 0);
    return canvas.toDataURL('image/jpeg', 0.95);
  });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/** Sets fault knobs of the demo's simulator (`POST <admin>/faults`, simulator/README.md). */
export async function setFaults(serve: ServeProcess, knobs: Record<string, string | number | boolean>): Promise<void> {
  if (!serve.demoAdminUrl) throw new Error('this serve runs no demo simulator (start it with --demo)');
  const res = await fetch(`${serve.demoAdminUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
  expect(res.status, await res.text()).toBe(200);
}
