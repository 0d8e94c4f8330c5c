import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { freshWall } from './wall-helpers.js';
const serve = useDemoServe();
test.use({ viewport: { width: 1280, height: 800 } });
test('shot', async ({ page }) => {
  test.setTimeout(200_000);
  await page.goto(serve.current.url);
  await expect(page.getByRole('tree', { name: 'Cameras' }).getByRole('treeitem', { name: 'Demo · AIPIX', exact: true })).toBeVisible({ timeout: 90_000 });
  await freshWall(page);
  for (const [i, v] of ['eagle eye v1', 'eagle eye v3'].entries()) {
    await page.getByRole('region', { name: `Empty tile ${i + 1}`, exact: true }).focus();
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Camera name' }).fill(`lobby ${v}`);
    await page.keyboard.press('Enter');
  }
  await page.waitForTimeout(6000);
  await page.screenshot({ path: '/tmp/tl-live.png' });
  const slider = page.getByRole('slider', { name: 'Timeline' });
  const box = (await slider.boundingBox())!;
  await page.mouse.move(box.x + 6, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x - 200, box.y + 20, { steps: 5 });
  await page.waitForTimeout(3000);
  await page.screenshot({ path: '/tmp/tl-scrub.png' });
  await page.mouse.up();
  await page.waitForTimeout(5000);
  await page.screenshot({ path: '/tmp/tl-release.png' });
});
