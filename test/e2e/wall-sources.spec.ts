/**
 * Where a wall's cameras and layouts come from, end to end in `tessera serve --demo --displays 2`:
 * a whole group dragged from the camera panel fills the layout; a layout kept on a site (the
 * Eagle Eye v1 demo's "Focus": panes of size 3, 2 and 1) opens through "Import from site…" with
 * its spans; saved, it is sent to the second display, whose own address shows it.
 *
 * Frugal on the 2 shared cores: the viewport is small (sub-streams or stills) and each wall is
 * left as soon as it has been checked.
 */
import type { Page } from '@playwright/test';
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { cutByLeaving, dragOnto, freshWall, wallOf } from './wall-helpers.js';

const v1Site = 'Demo · Eagle Eye v1';

test.use({ viewport: { width: 1000, height: 520 } });

const serve = useDemoServe(['--displays', '2']);

/** The groups under a site in the camera panel, each with the names of its cameras, in tree order. */
async function groupsOf(page: Page, site: string): Promise<{ name: string; rowId: string; cameras: string[] }[]> {
  return page.getByRole('tree', { name: 'Cameras' }).evaluate((tree, siteName) => {
    const rows = [...tree.querySelectorAll<HTMLElement>('[role=treeitem]')];
    const start = rows.findIndex((r) => r.getAttribute('aria-label') === siteName && r.getAttribute('aria-level') === '1');
    const groups: { name: string; rowId: string; cameras: string[] }[] = [];
    for (const row of rows.slice(start + 1)) {
      const level = row.getAttribute('aria-level');
      if (level === '1') break;
      if (level === '2') groups.push({ name: row.getAttribute('aria-label') ?? '', rowId: row.id, cameras: [] });
      else if (level === '3') groups.at(-1)?.cameras.push(row.getAttribute('aria-label') ?? '');
    }
    return groups;
  }, site);
}

/** The camera names on the wall's tiles, in tile order ("Empty tile N" for empty ones). */
async function tileNames(page: Page): Promise<string[]> {
  return wallOf(page).locator('section[role=region]').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('aria-label') ?? ''));
}

test('a dragged group fills the layout; a site\'s layout imports with its spans and goes to the second display', async ({ clean }) => {
  test.setTimeout(300_000);
  const { page, problems } = clean;
  await page.goto(serve.current.url);
  await expect(page.getByRole('tree', { name: 'Cameras' }).getByRole('treeitem', { name: v1Site, exact: true })).toBeVisible({ timeout: 90_000 });
  const wall = wallOf(page);
  await expect(wall).toHaveAccessibleName('Wall on Browser display 1');
  await freshWall(page);

  // A whole group onto the first tile: its cameras in tree order, the grid grown to hold them.
  await expect.poll(async () => (await groupsOf(page, v1Site)).some((g) => g.cameras.length >= 2), { timeout: 60_000 }).toBe(true);
  const group = (await groupsOf(page, v1Site)).filter((g) => g.cameras.length >= 2).sort((a, b) => a.cameras.length - b.cameras.length)[0]!;
  const groupRow = page.locator(`[id="${group.rowId}"]`);
  await dragOnto(page, groupRow, wall.getByRole('region', { name: 'Empty tile 1', exact: true }), () => expect(wall.getByRole('status').filter({ hasText: `${group.cameras.length} cameras placed.` })).toBeVisible());
  const placed = (await tileNames(page)).filter((name) => !name.startsWith('Empty tile'));
  expect(placed).toEqual(group.cameras);
  await expect(wall.getByTestId('unsaved')).toBeVisible();

  // Import from site: the Eagle Eye v1 demo's "Focus" layout, as an unsaved draft (after
  // discarding the group's unsaved wall).
  await wall.getByRole('button', { name: 'Import from site…' }).click();
  const importer = page.getByRole('dialog', { name: 'Import a layout from a site' });
  await importer.getByRole('combobox', { name: 'Site' }).selectOption({ label: v1Site });
  await importer.getByRole('button', { name: 'Open Focus', exact: true }).click();
  await page.getByRole('alertdialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Discard changes' }).click();
  await expect(wall.getByRole('status').filter({ hasText: 'Opened “Focus” from the site; Save keeps it.' })).toBeVisible();
  // Panes of size 3, 2, 1, 1, 1 packed as EEN's clients do on a 3-wide grid (camera_row_limit 3):
  // the 3×3 on top, the 2×2 below it with two 1×1 beside it, the last 1×1 and two empty tiles under.
  const tiles = wall.locator('section[role=region]');
  await expect(tiles).toHaveCount(7);
  const layout = await tiles.evaluateAll((all) => all.map((t) => ({ name: t.getAttribute('aria-label') ?? '', span: t.getAttribute('data-span') ?? '1×1' })));
  const withCamera = layout.filter((t) => !t.name.startsWith('Empty tile'));
  expect(withCamera.map((t) => t.span)).toEqual(['3×3', '2×2', '1×1', '1×1', '1×1']);
  const v1Cameras = new Set((await groupsOf(page, v1Site)).flatMap((g) => g.cameras));
  expect(withCamera.every((t) => v1Cameras.has(t.name))).toBe(true);
  const imported = await tileNames(page);
  await expect(wall.getByTestId('unsaved')).toBeVisible();

  // Sent to display 2: saved first (under a name), then that display shows it.
  await wall.getByRole('combobox', { name: 'Send to display' }).selectOption({ label: 'Browser display 2' });
  const saveAs = page.getByRole('dialog', { name: 'Save layout as' });
  await saveAs.getByRole('textbox', { name: 'Layout name' }).fill('Imported focus');
  await saveAs.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(wall.getByRole('status').filter({ hasText: '“Imported focus” sent to Browser display 2.' })).toBeVisible();
  await expect(wall.getByTestId('unsaved')).toHaveCount(0);

  const second = await page.context().newPage();
  const url = new URL(serve.current.url);
  url.searchParams.set('display', 'browser-2');
  await second.goto(url.toString());
  const wall2 = wallOf(second);
  await expect(wall2).toHaveAccessibleName('Wall on Browser display 2');
  await expect(wall2.getByRole('combobox', { name: 'Layout' }).locator('option:checked')).toHaveText('Imported focus', { timeout: 30_000 });
  await expect.poll(() => tileNames(second)).toEqual(imported);
  await second.close();

  // Leave the walls (their streams close) and check the page ran cleanly.
  await freshWall(page);
  expect(problems.filter((p) => !cutByLeaving.test(p))).toEqual([]);
});

test('the import dialog shows the layouts of the site chosen last, even when an earlier site answers late', async ({ clean }) => {
  const { page, problems } = clean;
  // The bridge passes through to the real main, except that the Eagle Eye v1 site's layouts
  // answer is held until the test lets it go.
  let held: { release: () => void } | undefined;
  const heldIds = new Set<number>();
  await page.routeWebSocket(/\/bridge/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { id?: number; channel?: string; input?: { siteId?: string } };
      if (request.channel === 'sites:layouts' && request.input?.siteId === 'demo-eagleeye-v1' && typeof request.id === 'number') heldIds.add(request.id);
      server.send(message);
    });
    server.onMessage((message) => {
      const id = String(message).startsWith('{"id"') ? (JSON.parse(String(message)) as { id: number }).id : undefined;
      if (id !== undefined && heldIds.has(id) && !held) held = { release: () => ws.send(message) };
      else ws.send(message);
    });
  });
  await page.goto(serve.current.url);
  const wall = wallOf(page);
  await expect(wall).toHaveAttribute('data-loaded', 'true', { timeout: 90_000 });
  await wall.getByRole('button', { name: 'Import from site…' }).click();
  const importer = page.getByRole('dialog', { name: 'Import a layout from a site' });
  const site = importer.getByRole('combobox', { name: 'Site' });
  // The dialog opens on the first site that keeps layouts (Eagle Eye v1), whose answer is held.
  await expect(site.locator('option:checked')).toHaveText(v1Site);
  await expect.poll(() => held !== undefined, { timeout: 30_000 }).toBe(true);
  await site.selectOption({ label: 'Demo · exacqVision' });
  const list = importer.getByRole('list', { name: 'Layouts on the site' });
  await expect(list).toBeVisible();
  const exacqLayouts = await list.textContent();
  // The late answer arrives; the page handles it and draws.
  held!.release();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await expect(list).toHaveText(exacqLayouts!);
  await expect(importer.getByRole('button', { name: 'Open Focus', exact: true })).toHaveCount(0);
  expect(problems).toEqual([]);
});
