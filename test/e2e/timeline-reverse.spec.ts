/**
 * Reverse play on the wall, on the demo site in Chromium: an exacqVision tile (the server plays
 * backwards) and an Eagle Eye v1 tile (Tessera steps keyframes back) looking ten minutes back
 * play at −2×: both tiles' frame times (data-frame-time) and the timeline's value fall. Also the
 * exacqVision site's own time as a zone choice (U), and the shuttle keys in the ? overlay.
 */
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { cameraIdsOf, coverageOf, frameTimes, goTo, placeCameras, recordedByAll } from './support/timeline-helpers.js';
import { cutByLeaving, freshWall } from './wall-helpers.js';

const serve = useDemoServe();
test.use({ viewport: { width: 1280, height: 800 } });

test('−2×: an exacqVision and an Eagle Eye tile play backwards, their frame times and the timeline falling', async ({ clean }) => {
  test.setTimeout(300_000);
  const { page, problems } = clean;
  await page.goto(serve.current.url);
  await expect(page.getByRole('tree', { name: 'Cameras' }).getByRole('treeitem', { name: 'Demo · exacqVision', exact: true })).toBeVisible({ timeout: 90_000 });
  await freshWall(page);
  const tiles = await placeCameras(page, ['lobby exacqvision', 'lobby eagle eye v1']);
  const speed = page.getByRole('combobox', { name: 'Speed' });
  const slider = page.getByRole('slider', { name: 'Timeline' });

  // U with the exacqVision tile focused: this computer → UTC → the site's own time (the demo's
  // exacq server says UTC−4) → this computer. Then the Eagle Eye tile's site reports none.
  await tiles[0]!.focus();
  await page.keyboard.press('u');
  await expect(slider).toHaveAttribute('aria-valuetext', / UTC$/);
  await page.keyboard.press('u');
  await expect(slider).toHaveAttribute('aria-valuetext', / Site time \(UTC−04:00\)$/);
  await expect(page.getByRole('combobox', { name: 'Times in' })).toHaveValue('site');
  await tiles[1]!.focus();
  await expect(page.getByRole('combobox', { name: 'Times in' })).toHaveValue('operator');
  await expect(page.getByRole('combobox', { name: 'Times in' }).locator('option[value="site"]')).toHaveCount(0);

  // The ? overlay lists the shuttle keys.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help.getByRole('table', { name: 'Timeline' })).toContainText('Play backwards');
  await help.getByRole('button', { name: 'Close' }).click();

  // Live: no session says yet whether it can reverse, so no reverse speed is offered.
  await expect(speed.locator('option[value="-2"]')).toHaveCount(0);

  // About ten minutes back, where both cameras recorded the 40 s before (it plays back into them).
  const now = Date.now();
  const T = recordedByAll(await coverageOf(serve.current, await cameraIdsOf(tiles), now - 1_200_000, now - 60_000), now - 600_000, 40_000, 5_000);
  expect(T, 'a moment about ten minutes back both cameras recorded').toBeDefined();
  await goTo(page, T!);
  await expect.poll(async () => (await frameTimes(tiles)).every((t) => t > 0), { timeout: 90_000 }).toBe(true);

  // Both sessions are open: reverse is offered now.
  await expect(speed.locator('option[value="-2"]')).toHaveCount(1);
  await speed.selectOption('-2');
  await expect(slider).toHaveAttribute('aria-valuetext', /, −2×$/);
  const value = async (): Promise<number> => Number(await slider.getAttribute('aria-valuenow'));
  // Each tile's first picture going back (a server's reverse stream starts anew).
  const turned = await value();
  await expect.poll(async () => (await frameTimes(tiles)).every((t) => t < turned), { timeout: 30_000 }).toBe(true);

  const first = { frames: await frameTimes(tiles), value: await value(), at: Date.now() };
  await expect.poll(async () => (await frameTimes(tiles)).map((t, i) => t < first.frames[i]! - 2000), { timeout: 30_000 }).toEqual([true, true]);
  const second = { frames: await frameTimes(tiles), value: await value(), at: Date.now() };
  // Each tile keeps going back (not one jump and a stop): a later picture again, on each tile.
  // Eagle Eye steps a keyframe stretch every ~2.5 s at −2× (more on a cold simulator), so this waits for it.
  await expect.poll(async () => (await frameTimes(tiles)).map((t, k) => t < second.frames[k]!), { message: 'both tiles go further back', timeout: 30_000 }).toEqual([true, true]);
  const realMs = second.at - first.at;
  console.log(`reverse at −2× over ${realMs} ms: timeline ${second.value - first.value} ms, frames ${second.frames.map((t, i) => t - first.frames[i]!).join(', ')} ms (exacq, Eagle Eye v1); spread ${Math.abs(second.frames[0]! - second.frames[1]!)} ms`);
  // The timeline runs back at about twice real time.
  expect(second.value - first.value).toBeLessThan(-1.5 * realMs);
  expect(second.value - first.value).toBeGreaterThan(-2.5 * realMs - 1000);
  // And no tile fell out: both still show their pictures, neither says it failed.
  for (const tile of tiles) await expect(tile.getByTestId('tile-recorded-status')).toHaveCount(0);
  expect(problems.filter((p) => !cutByLeaving.test(p))).toEqual([]);
});
