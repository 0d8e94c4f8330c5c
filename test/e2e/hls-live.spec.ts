/**
 * Live HLS end to end: the demo's AIPIX cameras (MPEG-TS segments with ADTS AAC, read by main's
 * ffmpeg at real time) on the wall in Chromium. They used to "fall behind" within ~10 s (~70 % of
 * frames dropped, demoted to JPEG previews) while the same cameras over RTSP played clean: the
 * demuxer handed over whole segments, the player jumped to the edge and starved, and Chromium's
 * audio clock ran on through each underflow and dropped the late frames. Later, in one run in
 * four, a tile's media time started again mid-window: ffmpeg's HLS demuxer waited longer at each
 * segment boundary (up to 1.9 s), the player ran dry and the policy demoted the tile to its
 * sub-stream; Tessera now follows the playlist itself (main/media/hls-follower.ts).
 */
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { cameraRows, freshWall, wallOf } from './wall-helpers.js';

const site = 'Demo · AIPIX';
/**
 * Loops (no live encoder in the simulator for these): Parking South (4 s GOP, video only) and
 * Loading Dock (1 s GOP, with AAC audio: Chromium's clock is then the audio's).
 */
const cameraNames = ['Parking South', 'Loading Dock'];

const serve = useDemoServe();
// One retry: with the data problem fixed, the remaining failures (3 of 24 runs, all while other
// work held the 2 cores at a load average of 3–5) were the stream policy rightly stepping a tile
// that fell behind down to its sub-stream, which is what an overloaded wall should do.
test.describe.configure({ retries: 1 });

test('AIPIX live HLS tiles keep playing video for 20 s with under 5 % of frames dropped', async ({ clean }) => {
  test.setTimeout(180_000);
  const { page, problems } = clean;
  await page.goto(serve.current.url);
  await freshWall(page);
  const tree = page.getByRole('tree', { name: 'Cameras' });
  await expect(tree.getByRole('treeitem', { name: site, exact: true })).toBeVisible({ timeout: 90_000 });
  await expect.poll(async () => (await cameraRows(page, cameraNames, site)).size, { timeout: 60_000 }).toBe(cameraNames.length);
  const rows = await cameraRows(page, cameraNames, site);
  for (const name of cameraNames) await page.locator(`[id="${rows.get(name)}"]`).dblclick();
  const live = wallOf(page);
  const tiles = cameraNames.map((name) => live.getByRole('region', { name, exact: true }));
  for (const tile of tiles) await expect(tile).toHaveAttribute('data-picture', 'video', { timeout: 45_000 });

  // Past the start-up (first jump to the edge), then 20 s of playing.
  await page.waitForTimeout(5_000);
  const quality = () =>
    Promise.all(
      tiles.map((t) =>
        t.locator('video').evaluate((v: HTMLVideoElement) => {
          const q = v.getVideoPlaybackQuality();
          return { t: v.currentTime, totalVideoFrames: q.totalVideoFrames, droppedVideoFrames: q.droppedVideoFrames };
        }),
      ),
    );
  const before = await quality();
  await page.waitForTimeout(20_000);
  const after = await quality();

  const measured: string[] = [];
  for (const [i, name] of cameraNames.entries()) {
    const tile = tiles[i]!;
    const decoded = after[i]!.totalVideoFrames - before[i]!.totalVideoFrames;
    const dropped = after[i]!.droppedVideoFrames - before[i]!.droppedVideoFrames;
    await tile.getByRole('button', { name: 'Show stream info' }).click();
    // For the record only (the assertions follow): a tile moved to previews shows fewer fields.
    const field = (f: string) => tile.locator(`[data-field="${f}"]`).textContent({ timeout: 1000 }).catch(() => 'n/a');
    console.log(`${name}: ${decoded} decoded, ${dropped} dropped; buffer ${await field('Buffer ahead')}`);
    measured.push(`${name}: ${decoded} decoded, ${dropped} dropped in 20 s; media time +${(after[i]!.t - before[i]!.t).toFixed(1)} s; buffer ${await field('Buffer ahead')}; latency ${await field('Latency')}`);
    await expect(tile, `${name} still plays video`).toHaveAttribute('data-picture', 'video');
    await expect(tile.locator('[data-field="Delivery"]')).toHaveText('HLS segments, read at real time');
    expect(after[i]!.t - before[i]!.t, `${name}: media time advances with the clock`).toBeGreaterThan(18);
    expect(decoded, `${name}: frames decoded`).toBeGreaterThan(400);
    expect(dropped / decoded, `${name}: share of frames dropped`).toBeLessThan(0.05);
  }
  test.info().annotations.push({ type: 'measured', description: measured.join('\n') });
  console.log(measured.join('\n'));
  expect(problems).toEqual([]);
});
