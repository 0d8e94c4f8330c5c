/**
 * Export… from a tile's menu, end to end through the contract: the dialog opens on the tile's
 * camera and the last 5 minutes, says that burning in is slower, and main's answer comes back
 * into it (a plain RTSP camera has no recordings: 'not-recorded', said in the dialog). The
 * Exports screen lists nothing yet. (Exporting recorded video comes with the vendors' server
 * exports; the queue itself is tested in test/integration/export.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { freshWall, rtspSite, wallOf } from './wall-helpers.js';

const serve = useDemoServe();

test('the tile menu opens the export dialog on the last 5 minutes; a plain RTSP camera is refused in words', async ({ clean }) => {
  test.setTimeout(180_000);
  const { page, problems } = clean;
  await page.goto(serve.current.url);
  const tree = page.getByRole('tree', { name: 'Cameras' });
  await expect(tree.getByRole('treeitem', { name: rtspSite, exact: true })).toBeVisible({ timeout: 90_000 });
  await freshWall(page);
  const wall = wallOf(page);
  const site = tree.getByRole('treeitem', { name: rtspSite, exact: true });
  const lobby = site.locator('xpath=following::*[@role="treeitem"][@aria-label="Lobby"]').first();
  await lobby.dblclick();
  const tile = wall.getByRole('region', { name: 'Lobby', exact: true });
  await expect(tile).toBeVisible();
  await tile.click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: 'Export…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Export evidence' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('checkbox', { name: 'Lobby' })).toBeChecked();
  const from = await dialog.getByLabel('From', { exact: true }).inputValue();
  const to = await dialog.getByLabel('To', { exact: true }).inputValue();
  expect(new Date(to).getTime() - new Date(from).getTime()).toBe(5 * 60_000);
  await expect(dialog.getByRole('checkbox', { name: 'Burn the camera name and time into the picture' })).toHaveAccessibleDescription(/Slower: the video is re-encoded/);
  await dialog.getByLabel('Save into folder').fill(mkdtempSync(join(tmpdir(), 'tessera-e2e-export-')));
  await dialog.getByRole('button', { name: 'Export' }).click();
  await expect(dialog.getByRole('alert')).toContainText('this camera has no recordings in Tessera');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Exports' }).click();
  await expect(page.getByRole('region', { name: 'Exports' })).toContainText('No exports yet');
  expect(problems).toEqual([]);
});
