/**
 * Writes docs/wall-3x3.png, the README's picture of a 3×3 wall with live demo cameras. Not a
 * test of behaviour (wall.spec.ts is): it runs only with TESSERA_SCREENSHOT=1, after
 * `npm run build`:  TESSERA_SCREENSHOT=1 npx playwright test test/e2e/wall-screenshot.spec.ts
 */
import { fileURLToPath } from 'node:url';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { expect, test } from './fixtures.js';
import { cameraRows, freshWall, wallOf } from './wall-helpers.js';

const output = fileURLToPath(new URL('../../docs/wall-3x3.png', import.meta.url));
// The exacqVision demo site's cameras offer a sub-stream, which 3×3 tiles of this size take.
const site = 'Demo · exacqVision';
const nine = ['Lobby', 'Parking North', 'Parking South', 'Loading Dock', 'Main Entrance', 'Server Room', 'Reception', 'Warehouse Aisle', 'Staff Corridor'];

test.skip(!process.env.TESSERA_SCREENSHOT, 'writes docs/wall-3x3.png only when TESSERA_SCREENSHOT is set');
test.use({ viewport: { width: 1280, height: 720 } });

let serve: ServeProcess | undefined;
test.beforeAll(async () => {
  test.setTimeout(300_000);
  serve = await startServeProcess(['--demo'], undefined, 240_000);
});
test.afterAll(async () => {
  await serve?.stop();
});

test('a 3×3 wall of live demo cameras', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(serve!.url);
  await expect(page.getByRole('tree', { name: 'Cameras' }).getByRole('treeitem', { name: site, exact: true })).toBeVisible({ timeout: 90_000 });
  await freshWall(page);
  const wall = wallOf(page);
  await wall.getByRole('button', { name: '3×3', exact: true }).click();
  await expect.poll(async () => (await cameraRows(page, nine, site)).size, { timeout: 60_000 }).toBe(nine.length);
  const rows = await cameraRows(page, nine, site);
  for (const name of nine) await page.locator(`[id="${rows.get(name)}"]`).dblclick();
  for (const name of nine) await expect(wall.getByRole('region', { name, exact: true })).toHaveAttribute('data-picture', 'video', { timeout: 90_000 });
  // Every picture has moved on from its first frame.
  await expect.poll(() => wall.locator('video').evaluateAll((videos) => videos.filter((v) => (v as HTMLVideoElement).currentTime > 2).length), { timeout: 60_000 }).toBe(nine.length);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: output });
});
