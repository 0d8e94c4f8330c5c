/**
 * Bad input while looking back, end to end on the demo site in Chromium, on a 2×2 of one camera
 * per recording vendor (Eagle Eye v1, v3, exacqVision, AIPIX): mid-scrub, Eagle Eye v3 answering
 * a maintenance page for its recorded pictures while exacqVision's recording search comes back
 * cut in half (the demo simulator's fault knobs, simulator/README.md); a time before the
 * recordings begin; the future. Each tile says what is wrong in words over no stale picture, none
 * is left "Opening the recording…", the others show their stills at the playhead (burned-in
 * timecode), clearing the knobs brings the tiles back on the next scrub, the timeline stays
 * usable, and Live brings live video back. Also a layout naming a camera its site no longer has.
 */
import type { Locator } from '@playwright/test';
import { BridgeSession } from '../support/bridge-session.js';
import { timecodeOfJpeg } from '../support/timecode.js';
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { cameraIdsOf, coverageOf, frameTimes, openWall, placeCameras, recordedByAll, setFaults, grabPlayhead, holdPlayheadAt, stillBytes, vendors } from './support/timeline-helpers.js';
import { cutByLeaving, wallOf } from './wall-helpers.js';

const serve = useDemoServe();
test.use({ viewport: { width: 1280, height: 800 } });

/** What a tile says over its picture while it looks back (gap, failure, opening), or ''. */
const words = async (tile: Locator): Promise<string> => ((await tile.getByTestId('tile-recorded-status').count()) ? ((await tile.getByTestId('tile-recorded-status').textContent()) ?? '') : '');

/** Every tile back on live video (the recorded sessions closed). */
async function expectLive(tiles: readonly Locator[]): Promise<void> {
  for (const tile of tiles) {
    await expect(tile.getByTestId('tile-when')).toHaveText('live');
    await expect(tile.getByTestId('tile-recorded-status')).toHaveCount(0);
    await expect(tile).toHaveAttribute('data-picture', /still|video/, { timeout: 45_000 });
  }
}

test.afterEach(async () => {
  await setFaults(serve.current, { webPageFor: '', truncateFor: '' });
});

test('before the recordings begin, the future, and a vendor answering web pages or a cut list mid-scrub: words on the tile, the others go on', async ({ clean }) => {
  test.setTimeout(180_000);
  const { page, problems } = clean;
  await openWall(page, serve.current);
  const tiles = await placeCameras(page, vendors.map((v) => `lobby ${v}`));
  for (const tile of tiles) await expect(tile).toHaveAttribute('data-picture', /still|video/, { timeout: 60_000 });
  const slider = page.getByRole('slider', { name: 'Timeline' });
  const grab = (): Promise<void> => grabPlayhead(page);
  const holdAt = (atMs: number): Promise<number> => holdPlayheadAt(page, atMs);
  const ids = await cameraIdsOf(tiles);
  const now = Date.now();
  const coverage = await coverageOf(serve.current, ids, now - 4 * 3600_000, now - 60_000);
  const firstRecorded = Math.min(...coverage.map((list) => list[0]?.fromMs ?? Infinity));
  expect(firstRecorded, 'the demo keeps hours of recordings, not more').toBeGreaterThan(now - 4 * 3600_000);

  const strip = page.getByTestId('timeline').locator('.timeline__strip');

  // (a) Mid-scrub: hold the playhead where every camera recorded, about ten minutes back, early in
  // a minute, so the three positions below stay in one of the simulator's 1-minute chunks (a cold
  // simulator encodes one per camera for this test, 5–10 s each; first, while it encodes nothing else).
  const minute = Math.round((now - 600_000) / 60_000) * 60_000 + 5000;
  const T = Array.from({ length: 40 }, (_, i) => minute + (i % 2 ? 1 : -1) * Math.ceil(i / 2) * 60_000).find((t) => recordedByAll(coverage, t, 5000, 50_000) === t);
  expect(T, 'a moment about ten minutes back that every camera recorded for 50 s').toBeDefined();
  const stillNear = async (tile: Locator, atMs: number, vendor: string): Promise<void> => {
    await expect.poll(async () => Math.abs(Number(await tile.getAttribute('data-still-time')) - atMs), { message: `${vendor}: the still at the playhead`, timeout: 30_000 }).toBeLessThanOrEqual(1000);
    const code = await timecodeOfJpeg(await stillBytes(tile));
    expect(code, `${vendor}: the still carries a timecode`).not.toBeNull();
    expect(Math.abs(code! - atMs), `${vendor}: still ${code} vs playhead ${atMs}`).toBeLessThanOrEqual(1000);
  };
  // On the 1-hour strip 20 s apart are several pixels.
  await grab();
  const first = await holdAt(T!);
  for (const [i, tile] of tiles.entries()) await stillNear(tile, first, vendors[i]!);

  // Eagle Eye v3's recorded pictures come back as a maintenance page, exacqVision's recording search cut in half.
  await setFaults(serve.current, { webPageFor: '/api/v3.0/media/recordedImage.jpeg', truncateFor: '/v1/search.web' });
  const second = await holdAt(T! + 20_000);
  await expect(tiles[1]!.getByTestId('tile-recorded-status')).toHaveText(/^Failed: Demo · Eagle Eye v3: expected the recorded picture of camera \w+ as a JPEG but got a web page\.$/, { timeout: 20_000 });
  await expect(tiles[2]!.getByTestId('tile-recorded-status')).toHaveText('Failed: Demo · exacqVision: expected the recording search answer but got malformed or truncated JSON.', { timeout: 20_000 });
  // Neither keeps the picture of the moment before under its words, nor that moment's time.
  for (const tile of [tiles[1]!, tiles[2]!]) {
    await expect(tile).not.toHaveAttribute('data-still-time');
    await expect(tile.getByTestId('tile-when')).toHaveText('recorded');
  }
  // The other two show their stills at the playhead.
  await stillNear(tiles[0]!, second, vendors[0]);
  await stillNear(tiles[3]!, second, vendors[3]);
  for (const tile of [tiles[0]!, tiles[3]!]) expect(await words(tile)).toBe('');

  // Knobs cleared: the next scrub brings both back.
  await setFaults(serve.current, { webPageFor: '', truncateFor: '' });
  const third = await holdAt(T! + 40_000);
  for (const [i, tile] of tiles.entries()) await stillNear(tile, third, vendors[i]!);
  for (const tile of tiles) await expect(tile.getByTestId('tile-recorded-status')).toHaveCount(0);
  await page.mouse.up();
  await page.getByRole('button', { name: 'Live' }).click();
  await expectLive(tiles);

  // (b) Before the recordings begin: the strip zoomed out to 4 h, the playhead held half an hour
  // before the first recording. Each tile says there is none, and from when there is.
  await slider.focus();
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await expect(strip).toHaveAttribute('data-span-ms', String(4 * 3600_000));
  await grab();
  const before = await holdAt(firstRecorded - 1800_000);
  expect(before).toBeLessThan(firstRecorded - 600_000);
  for (const tile of tiles) await expect(tile.getByTestId('tile-recorded-status')).toHaveText(/^No recording at \d\d:\d\d:\d\d; it starts again at \d\d:\d\d:\d\d$/, { timeout: 20_000 });
  // Released there: nothing to wait for, so the playhead skips to where the recordings begin and
  // every tile plays from there (a cold simulator first encodes that minute of each camera).
  await page.mouse.up();
  await expect.poll(async () => Number(await slider.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThanOrEqual(firstRecorded - 1000);
  await expect.poll(async () => (await frameTimes(tiles)).every((t) => t >= firstRecorded - 5000), { message: 'every tile plays from where the recordings begin', timeout: 90_000 }).toBe(true);
  for (const tile of tiles) expect(await words(tile)).toBe('');

  // (c) The future: Go to refuses it in words. The playhead dragged past the end of the strip
  // stops at now; let go there, the wall is live again (nothing is recorded there yet to play).
  await page.keyboard.press('g');
  const dialog = page.getByRole('dialog', { name: 'Go to date and time' });
  await dialog.getByRole('textbox').fill(`${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)} 12:00`);
  await expect(dialog.getByRole('status')).toHaveText('That is in the future: nothing is recorded there yet.');
  await expect(dialog.getByRole('button', { name: 'Go' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await grab();
  const box = (await strip.boundingBox())!;
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
  const atNow = Number(await slider.getAttribute('aria-valuenow'));
  expect(Date.now() - atNow, 'the playhead stops at now').toBeGreaterThanOrEqual(0);
  expect(Date.now() - atNow).toBeLessThan(5000);
  await page.mouse.up();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-mode', 'live');
  await expectLive(tiles);

  expect(problems.filter((p) => !cutByLeaving.test(p))).toEqual([]);
});

test('a layout naming a camera its site no longer has: the tile says so live and while looking back; the other tile goes on', async ({ clean }) => {
  test.setTimeout(120_000);
  const { page, problems } = clean;
  await openWall(page, serve.current);
  const gone = 'demo-eagleeye-v1/no-such-camera';
  const bridge = await BridgeSession.connect(serve.current);
  try {
    const cameras = await bridge.value<{ id: string; siteId: string; name: string }[]>('cameras:list');
    const lobby = cameras.find((c) => c.siteId === 'demo-exacq' && c.name === 'Lobby');
    expect(lobby, 'the demo exacqVision Lobby').toBeDefined();
    const cell = (x: number, cameraId: string) => ({ x, y: 0, w: 1, h: 1, cameraIds: [cameraId] });
    await bridge.value('wall:save-layout', { id: 'gone-camera', name: 'Gone camera', columns: 2, rows: 1, overlay: true, cells: [cell(0, gone), cell(1, lobby!.id)] });
    const { displays } = await bridge.value<{ displays: { id: string; primary: boolean }[] }>('app:info');
    await bridge.value('wall:set-display', { displayId: displays.find((d) => d.primary)?.id ?? displays[0]!.id, layoutId: 'gone-camera' });
  } finally {
    bridge.close();
  }
  const wall = wallOf(page);
  // A camera no site lists shows its id as its name.
  const missing = wall.getByRole('region', { name: gone, exact: true });
  const other = wall.getByRole('region', { name: 'Lobby', exact: true });
  const noSuchCamera = `There is no camera "${gone}" on any site Tessera knows.`;
  await expect(missing.getByTestId('tile-status')).toContainText(`Failed: ${noSuchCamera}`, { timeout: 30_000 });
  const noSuchRecorded = /^Failed: There is no camera "demo-eagleeye-v1\/no-such-camera"( on any site Tessera knows)?\.$/;
  await expect(other).toHaveAttribute('data-picture', /still|video/, { timeout: 60_000 });

  // Scrubbing: the tile says the same; the other shows its still at the playhead.
  const now = Date.now();
  const [periods] = await coverageOf(serve.current, [(await other.getAttribute('data-camera-id'))!], now - 1_200_000, now - 60_000);
  const T = recordedByAll([periods!], now - 600_000, 5000, 5000);
  expect(T, 'a moment about ten minutes back the Lobby recorded').toBeDefined();
  await grabPlayhead(page);
  const heldAt = await holdPlayheadAt(page, T!);
  await expect(missing.getByTestId('tile-recorded-status')).toHaveText(noSuchRecorded, { timeout: 20_000 });
  await expect.poll(async () => Math.abs(Number(await other.getAttribute('data-still-time')) - heldAt), { timeout: 30_000 }).toBeLessThanOrEqual(1000);
  // Released: the other plays; this one still says why, with no "Opening the recording…" left.
  await page.mouse.up();
  await expect.poll(async () => Number(await other.getAttribute('data-frame-time')), { timeout: 45_000 }).toBeGreaterThan(0);
  await expect(missing.getByTestId('tile-recorded-status')).toHaveText(noSuchRecorded);
  await page.getByRole('button', { name: 'Live' }).click();
  await expect(other).toHaveAttribute('data-picture', 'video', { timeout: 45_000 });
  await expect(missing.getByTestId('tile-status')).toContainText(`Failed: ${noSuchCamera}`);
  expect(problems.filter((p) => !cutByLeaving.test(p))).toEqual([]);
});
