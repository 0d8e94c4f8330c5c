/**
 * Export… from a tile's menu, end to end through the contract: the dialog opens on the tile's
 * camera and the last 5 minutes, says that burning in is slower, and main's answer comes back
 * into it (a plain RTSP camera has no recordings: 'not-recorded', said in the dialog). The
 * Exports screen lists nothing yet. Then two exacqVision cameras of the layout exported at once:
 * progress on the Exports screen, a notice per job, both files in the incident's folder, and
 * both verify.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { verifyExport } from '../../main/export/export-runner.js';
import { toLocalInput } from '../../renderer/src/domain/export-range.js';
import { cameraRows, freshWall, rtspSite, wallOf } from './wall-helpers.js';

const serve = useDemoServe();
test.describe.configure({ mode: 'serial' });

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

test('two cameras of the layout exported at once: progress, a notice each, both files there and intact', async ({ clean }) => {
  test.setTimeout(240_000);
  const { page, problems } = clean;
  const exacq = 'Demo · exacqVision';
  await page.goto(serve.current.url);
  await expect(page.getByRole('tree', { name: 'Cameras' }).getByRole('treeitem', { name: exacq, exact: true })).toBeVisible({ timeout: 90_000 });
  await freshWall(page);
  const wall = wallOf(page);
  const names = ['Lobby', 'Parking South'];
  await expect.poll(async () => (await cameraRows(page, names, exacq)).size, { timeout: 60_000 }).toBe(2);
  const rows = await cameraRows(page, names, exacq);
  for (const name of names) {
    await page.locator(`[id="${rows.get(name)}"]`).dblclick();
    await expect(wall.getByRole('region', { name, exact: true })).toBeVisible();
  }
  await wall.getByRole('region', { name: 'Lobby', exact: true }).click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export evidence' });
  await expect(dialog.getByRole('checkbox', { name: 'Lobby' })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: 'Parking South' })).not.toBeChecked();
  await dialog.getByRole('checkbox', { name: 'Parking South' }).check();
  // 30 s that ended two minutes ago: recorded and finished on the server.
  const toMs = Math.floor(Date.now() / 1000) * 1000 - 120_000;
  await dialog.getByLabel('From', { exact: true }).fill(toLocalInput(toMs - 30_000));
  await dialog.getByLabel('To', { exact: true }).fill(toLocalInput(toMs));
  await dialog.getByLabel('Incident (the folder name)').fill('Dock theft');
  const folder = mkdtempSync(join(tmpdir(), 'tessera-e2e-export-'));
  await dialog.getByLabel('Save into folder').fill(folder);
  await dialog.getByRole('button', { name: 'Export' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Exports' }).click();
  const panel = page.getByRole('region', { name: 'Exports' });
  await expect(panel.getByRole('progressbar', { name: 'Progress of the Lobby export' })).toBeVisible();
  for (const name of names) await expect(panel.getByRole('listitem', { name: `${name}, Done` })).toBeVisible({ timeout: 180_000 });
  const notices = page.getByRole('status', { name: 'Export notices' });
  for (const name of names) await expect(notices).toContainText(`Export of ${name} is ready.`);
  const incident = join(folder, 'Dock theft');
  const mp4s = readdirSync(incident).filter((n) => n.endsWith('.mp4'));
  expect(mp4s.map((n) => n.split('_')[0]).sort()).toEqual(names);
  for (const name of mp4s) {
    expect(existsSync(join(incident, `${name}.manifest.json`))).toBe(true);
    expect(await verifyExport(join(incident, name))).toMatchObject({ ok: true });
  }
  expect(problems).toEqual([]);
});
