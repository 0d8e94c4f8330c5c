/**
 * Live video end to end: `tessera serve --demo` (the simulator's sites, real RTSP cameras through
 * main's ffmpeg pipeline), the real renderer in Chromium. Cameras placed from the camera panel
 * go onto the wall's empty tiles as CameraTiles: the latest still first, then the <video>, which must
 * really play (time advancing, frames decoded); the reason in words whenever a tile is not
 * playing; the info overlay toggles and names the codec; no console errors, no failed requests.
 *
 * The cameras are RTSP demo cameras without audio (even simulator indices). The simulator's looped
 * cameras with audio currently deliver their frames in bursts (nine frames 12 ms apart every
 * ~360 ms), which Chromium shows as ~70 % dropped frames; that is reported to the simulator, and
 * it is not what this test is about.
 */
import type { Page } from '@playwright/test';
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { cameraRows as siteCameraRows, expectPlaying, freshWall, streamLog, wallOf } from './wall-helpers.js';

const site = 'Demo · RTSP cameras';
/** Lobby is live-encoded (GOP 1 s), Parking South is a loop with a 4 s GOP, Main Entrance a loop with 1 s. */
const cameraNames = ['Lobby', 'Parking South', 'Main Entrance'];

const serve = useDemoServe();

/** The tree rows of the RTSP site's cameras, by name. */
function cameraRows(page: Page, names: readonly string[] = cameraNames): Promise<Map<string, string>> {
  return siteCameraRows(page, names, site);
}

interface Snapshot {
  atMs: number;
  tile: string;
  picture: string;
  status: string;
}

/** Records every state of every live tile (picture shown, status words) from now on. */
async function recordTiles(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: Snapshot[] = [];
    (window as unknown as { __tiles: Snapshot[] }).__tiles = log;
    const t0 = performance.now();
    const snap = (): void => {
      for (const tile of document.querySelectorAll<HTMLElement>('main[aria-label^="Wall on"] section[data-camera-id]')) {
        const entry = { atMs: Math.round(performance.now() - t0), tile: tile.getAttribute('aria-label') ?? '', picture: tile.dataset.picture ?? '', status: tile.querySelector('[data-testid=tile-status]')?.textContent?.trim() ?? '' };
        const last = log.findLast((e) => e.tile === entry.tile);
        if (!last || last.picture !== entry.picture || last.status !== entry.status) log.push(entry);
      }
    };
    new MutationObserver(snap).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true, attributeFilter: ['data-picture', 'data-status'] });
  });
}

test('placed cameras play live on the wall: still first, then video, with reasons and stream info', async ({ clean }) => {
  test.setTimeout(180_000);
  const { page, problems } = clean;
  const streams = streamLog(page);
  await page.goto(serve.current.url);
  await freshWall(page);

  // The camera panel lists the demo's RTSP cameras; their thumbnails are the tiles' first pictures.
  const tree = page.getByRole('tree', { name: 'Cameras' });
  await expect(tree.getByRole('treeitem', { name: site, exact: true })).toBeVisible({ timeout: 90_000 });
  await expect.poll(async () => (await cameraRows(page)).size, { timeout: 60_000 }).toBe(cameraNames.length);
  const rows = await cameraRows(page);
  for (const name of cameraNames) {
    const row = page.locator(`[id="${rows.get(name)}"]`);
    await row.scrollIntoViewIfNeeded();
    await expect(row).toHaveAccessibleDescription(/^Online/, { timeout: 60_000 });
    await expect(row.locator('img')).toHaveAttribute('src', /^data:image\/jpeg;base64,/, { timeout: 45_000 });
  }

  await recordTiles(page);
  // Double-click places a camera on the wall's first empty tile.
  for (const name of cameraNames) await page.locator(`[id="${rows.get(name)}"]`).dblclick();
  const live = wallOf(page);
  const cameraTiles = live.locator('section[data-camera-id]');
  await expect(cameraTiles).toHaveCount(cameraNames.length);
  for (const [i, name] of cameraNames.entries()) await expect(live.getByRole('region', { name, exact: true })).toHaveAttribute('data-cell-index', String(i));

  // Every tile reaches live video, and the video really plays.
  for (const name of cameraNames) {
    const tile = live.getByRole('region', { name, exact: true });
    await expect(tile).toHaveAttribute('data-picture', 'video', { timeout: 30_000 });
    await expect(tile.getByTestId('tile-status')).toHaveCount(0);
  }
  // (A new stream may still be jumping to its live edge: expectPlaying gives it a few windows.)
  await expectPlaying(page, cameraNames.map((name) => live.getByRole('region', { name, exact: true })));

  // Each tile showed a still before its video, and whenever it showed no video it said why.
  const log = await page.evaluate(() => (window as unknown as { __tiles: Snapshot[] }).__tiles);
  for (const name of cameraNames) {
    const states = log.filter((e) => e.tile === name);
    const firstStill = states.findIndex((e) => e.picture === 'still');
    const firstVideo = states.findIndex((e) => e.picture === 'video');
    expect(firstStill, `${name}: ${JSON.stringify(states)}`).toBeGreaterThanOrEqual(0);
    expect(firstStill, `${name}: still before video`).toBeLessThan(firstVideo);
    for (const state of states.filter((e) => e.picture !== 'video')) expect(state.status, `${name} at ${state.atMs} ms`).toMatch(/^(Starting|Connecting|Retrying|Failed|Preview)/);
  }

  // The info overlay: a named toggle, the stream's facts, the codec among them.
  const first = live.getByRole('region', { name: cameraNames[0]!, exact: true });
  await first.getByRole('button', { name: 'Show stream info' }).click();
  const info = first.getByRole('group', { name: `Stream info of ${cameraNames[0]}` });
  await expect(info).toBeVisible();
  await expect(info.locator('[data-field="Codec"]')).toHaveText(/^avc1\.[0-9a-f]{6}$/);
  await expect(info.locator('[data-field="Decode path"]')).toHaveText('camera stream copied, decoded by the browser');
  await expect(info.locator('[data-field="Latency"]')).toHaveText(/^\d+ ms from arrival to screen$/);
  await first.getByRole('button', { name: 'Hide stream info' }).click();
  await expect(info).toBeHidden();

  // Keyboard: the tile is a tab stop; I toggles the same overlay.
  await first.focus();
  await expect(first).toBeFocused();
  await page.keyboard.press('i');
  await expect(info).toBeVisible();

  // The measured numbers, for the record (time to first frame from media:open, arrival → screen).
  const measured: string[] = [];
  for (const name of cameraNames) {
    const tile = live.getByRole('region', { name, exact: true });
    if ((await tile.getByRole('button', { name: 'Show stream info' }).count()) > 0) await tile.getByRole('button', { name: 'Show stream info' }).click();
    // For the record only: a tile the policy just moved to previews shows fewer fields.
    const field = (f: string) => tile.locator(`[data-field="${f}"]`).textContent({ timeout: 1000 }).catch(() => 'n/a');
    measured.push(`${name}: first frame ${await field('First frame')}; latency ${await field('Latency')}; buffer ${await field('Buffer ahead')}; ${await field('Frames')}; GOP ${await field('GOP')}`);
  }
  test.info().annotations.push({ type: 'measured', description: measured.join('\n') });
  console.log(measured.join('\n'));

  // Enter maximises a tile: the others leave the screen and their streams are closed, the
  // maximised one keeps its own; Escape brings the grid back. (Streams are followed by id: a
  // stall restart or a policy step may close and open others at any time.)
  const streamOf = async (name: string): Promise<string | undefined> => streams.opened.get((await live.getByRole('region', { name, exact: true }).getAttribute('data-camera-id')) ?? '')?.at(-1);
  // Wait (bounded) for a moment when every tile's latest stream is open: one may be restarting.
  let atEnter: (string | undefined)[] = [];
  await expect
    .poll(async () => {
      atEnter = await Promise.all(cameraNames.map(streamOf));
      return atEnter.every((id) => id !== undefined && !streams.closed.has(id));
    }, { timeout: 30_000 })
    .toBe(true);
  await first.focus();
  await page.keyboard.press('Enter');
  await expect(live.getByRole('region')).toHaveCount(1);
  await expect.poll(() => atEnter.slice(1).filter((id) => !streams.closed.has(id!)).length).toBe(0);
  expect(streams.closed.has(atEnter[0]!)).toBe(false);
  await page.keyboard.press('Escape');
  await expect(cameraTiles).toHaveCount(cameraNames.length);
  for (const name of cameraNames) await expect(live.getByRole('region', { name, exact: true })).toHaveAttribute('data-picture', 'video', { timeout: 30_000 });
  expect(problems).toEqual([]);
});

test('beyond the main-stream budget, a camera without a sub-stream gets JPEG previews at about one a second', async ({ clean }) => {
  test.setTimeout(180_000);
  const { page, problems } = clean;
  // Plain RTSP cameras offer only a main stream, and the policy allows 4 main streams: of five
  // such tiles, one cannot step down to a sub-stream, so it gets the JPEG player.
  const five = [...cameraNames, 'Reception', 'Server Room'];
  await page.goto(serve.current.url);
  await expect(page.getByRole('tree', { name: 'Cameras' }).getByRole('treeitem', { name: site, exact: true })).toBeVisible({ timeout: 90_000 });
  await freshWall(page);
  await expect.poll(async () => (await cameraRows(page, five)).size, { timeout: 60_000 }).toBe(five.length);
  const rows = await cameraRows(page, five);
  // Five cameras on a 2×2: the fifth grows the wall to 3×3.
  for (const name of five) await page.locator(`[id="${rows.get(name)}"]`).dblclick();
  const live = wallOf(page);
  await expect(live.locator('section[data-camera-id]')).toHaveCount(five.length);
  await expect(live.getByRole('button', { name: '3×3', exact: true })).toHaveAttribute('aria-pressed', 'true');

  await expect(live.locator('section[data-picture="video"]')).toHaveCount(4, { timeout: 45_000 });
  const preview = live.locator('section[data-mode="jpeg"]');
  await expect(preview).toHaveCount(1);
  // (After a demotion, see below, the preview tile is the demoted one and says so.)
  await expect(preview.getByTestId('tile-status')).toHaveText(/^Preview, 1 picture\/s · (main-stream budget full \(4\) and the camera has no sub-stream|fell behind \(.+\); previews for now)$/);
  // The previews keep coming: the picture changes within seconds (an RTSP still is an ffmpeg grab
  // in main). Read through whichever tile is the preview one: Server Room's source delivers
  // bunched frames (see the top), and once the policy demotes it for dropping them, it becomes
  // the preview tile and the freed main stream goes to the other: still 4 video, 1 preview.
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const src = await live.locator('section[data-mode="jpeg"] img').getAttribute('src', { timeout: 1000 }).catch(() => null);
        if (src?.startsWith('data:image/jpeg;base64,')) seen.add(src);
        return seen.size;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(2);
  await expect(live.locator('section[data-mode="jpeg"]')).toHaveCount(1);
  await expect(live.locator('section[data-mode="video"]')).toHaveCount(4);
  expect(problems).toEqual([]);
});
