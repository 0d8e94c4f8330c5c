/**
 * Looking back end to end, on the demo site in Chromium: the timeline below the wall (slider,
 * keys, zoom, marks, Go to), and the "Done when" scenario — a 2×2 of one camera from each
 * of Eagle Eye v1, v3, exacqVision and AIPIX; the playhead dragged ten minutes back shows every
 * tile a recorded still whose burned-in timecode is within 1 s of T; released, all four play in
 * step (data-frame-time within 100 ms of each other and within 1 s of T+10 s after 10 s); 4×,
 * pause, one frame step is +100 ms exactly; Live brings live video back.
 */
import type { Locator, Page } from '@playwright/test';
import { BridgeSession } from '../support/bridge-session.js';
import { timecodeOfJpeg } from '../support/timecode.js';
import { useDemoServe } from './demo-serve.js';
import { expect, test } from './fixtures.js';
import { cameraIdsOf, coverageOf as coverageFrom, frameTimes, openWall, placeCameras, grabPlayhead, holdPlayheadAt, stillBytes, vendors, type Period } from './support/timeline-helpers.js';
import { cutByLeaving } from './wall-helpers.js';

const serve = useDemoServe();
test.use({ viewport: { width: 1280, height: 800 } });

/** Puts "Lobby" of each vendor's demo site on tiles 1–4 through Ctrl+K. */
const placeLobbies = (page: Page): Promise<Locator[]> => placeCameras(page, vendors.map((v) => `lobby ${v}`));

/** Each camera's recorded periods in [fromMs, toMs) from this spec's serve. */
const coverageOf = (cameraIds: readonly string[], fromMs: number, toMs: number): Promise<Period[][]> => coverageFrom(serve.current, cameraIds, fromMs, toMs);

test('the timeline: a slider named Timeline, its keys, zoom, in/out marks, Go to, UTC, and the ? overlay', async ({ clean }) => {
  test.setTimeout(240_000);
  const { page, problems } = clean;
  await openWall(page, serve.current);
  await placeLobbies(page);
  const timeline = page.getByTestId('timeline');
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await expect(slider).toHaveAttribute('aria-valuetext', /^Live, /);
  await expect(timeline).toHaveAttribute('data-mode', 'live');

  // Coverage rows: the focused camera's and every tile's: recorded time drawn, or why not in words.
  const focusedRow = timeline.getByTestId('timeline-focused-row');
  await expect(focusedRow.locator('.timeline__recorded').first().or(focusedRow.getByText(/recordings/))).toBeVisible({ timeout: 30_000 });
  await expect(timeline.getByTestId('timeline-union-row')).toBeVisible();

  // Zoom with + on the playhead; the window halves.
  const strip = timeline.locator('.timeline__strip');
  const span = Number(await strip.getAttribute('data-span-ms'));
  await slider.focus();
  await page.keyboard.press('+');
  await expect(strip).toHaveAttribute('data-span-ms', String(Math.round(span / 2)));
  await page.keyboard.press('-');
  await expect(strip).toHaveAttribute('data-span-ms', String(span));

  // U: times in UTC.
  await page.keyboard.press('u');
  await expect(slider).toHaveAttribute('aria-valuetext', / UTC$/);

  // I and O on the timeline set the marks; Export selection becomes possible; Escape clears them.
  const exportButton = timeline.getByRole('button', { name: 'Export selection…' });
  await expect(exportButton).toBeDisabled();
  await page.keyboard.press('i');
  await page.waitForTimeout(1100); // the out mark must be a later instant than the in mark while live
  await page.keyboard.press('o');
  await expect(exportButton).toBeEnabled();
  // Export selection… opens the export dialog for the selection.
  await exportButton.click();
  const exportDialog = page.getByRole('dialog', { name: 'Export evidence' });
  await expect(exportDialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(exportDialog).toBeHidden();
  await slider.focus();
  await page.keyboard.press('Escape');
  await expect(exportButton).toBeDisabled();

  // G opens "Go to date and time"; nonsense is refused in words.
  await page.keyboard.press('g');
  const goTo = page.getByRole('dialog', { name: 'Go to date and time' });
  await expect(goTo).toBeVisible();
  await goTo.getByRole('textbox').fill('yesterday-ish');
  await expect(goTo.getByRole('status')).toContainText('Type a date and time like');
  await expect(goTo.getByRole('button', { name: 'Go' })).toBeDisabled();
  await goTo.getByRole('button', { name: 'Cancel' }).click();

  // The ? overlay lists the timeline's keys.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  const table = help.getByRole('table', { name: 'Timeline' });
  await expect(table).toContainText('Back to live video');
  await expect(table).toContainText('One frame forward');
  await help.getByRole('button', { name: 'Close' }).click();
  expect(problems.filter((p) => !cutByLeaving.test(p))).toEqual([]);
});

test('drag ten minutes back: stills at T on every vendor, then all four play in step, 4×, pause, one frame, Live', async ({ clean }) => {
  test.setTimeout(300_000);
  const { page, problems } = clean;
  await openWall(page, serve.current);
  const tiles = await placeLobbies(page);
  for (const tile of tiles) await expect(tile).toHaveAttribute('data-picture', /still|video/, { timeout: 60_000 });

  // T: about ten minutes back, where every camera records for the next 30 s (the demo's
  // recordings have planned gaps; a tile in one is the next test's business).
  const slider = page.getByRole('slider', { name: 'Timeline' });
  const now = Date.now();
  const coverage = await coverageOf(await cameraIdsOf(tiles), now - 1_200_000, now - 60_000);
  const recordedByAll = (at: number): boolean => coverage.every((list) => list.some((p) => p.fromMs <= at - 5000 && at + 30_000 <= p.toMs));
  const candidates = Array.from({ length: 240 }, (_, i) => Math.round((now - 600_000) / 1000) * 1000 + (i % 2 ? 1 : -1) * Math.ceil(i / 2) * 2000);
  // Early in a minute: the next 45 s stay in one of the simulator's 1-minute recording chunks,
  // so a cold simulator encodes one chunk per camera for this test, not two.
  const T = candidates.find((t) => t % 60_000 <= 15_000 && recordedByAll(t));
  expect(T, 'a moment about ten minutes back that every camera recorded').toBeDefined();
  // Drag the playhead to T and hold it there.
  await grabPlayhead(page);
  const heldAt = await holdPlayheadAt(page, T!, 40);
  expect(Math.abs(heldAt - T!)).toBeLessThan(5000);
  // Each tile ends on the still nearest the playhead (older answers may show on the way).
  const scrubStart = Date.now();
  for (const [i, tile] of tiles.entries()) {
    await expect.poll(async () => Math.abs(Number(await tile.getAttribute('data-still-time')) - heldAt), { message: `${vendors[i]}: the still at the playhead`, timeout: 30_000 }).toBeLessThanOrEqual(1000);
    await expect(tile.getByTestId('tile-when')).toContainText('recorded');
  }
  console.log(`stills at the playhead on all tiles ${Date.now() - scrubStart} ms after the drag stopped`);
  for (const [i, tile] of tiles.entries()) {
    const code = await timecodeOfJpeg(await stillBytes(tile));
    expect(code, `${vendors[i]}: the still carries a timecode`).not.toBeNull();
    expect(Math.abs(code! - heldAt), `${vendors[i]}: still ${code} vs playhead ${heldAt}`).toBeLessThanOrEqual(1000);
  }

  // Release: all four play from there, in step.
  await page.mouse.up();
  await expect.poll(async () => (await frameTimes(tiles)).every((t) => t > 0), { timeout: 30_000 }).toBe(true);
  const startedAt = Date.now();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-mode', 'recorded');
  await page.waitForTimeout(Math.max(0, 10_000 - (Date.now() - startedAt)));
  const after10 = await frameTimes(tiles);
  const position = Number(await slider.getAttribute('aria-valuenow'));
  const spread = Math.max(...after10) - Math.min(...after10);
  console.log(`sync after 10 s: frame times ${after10.map((t) => t - heldAt).join(', ')} ms after T; spread ${spread} ms`);
  expect(spread).toBeLessThanOrEqual(100);
  for (const t of after10) expect(Math.abs(t - position)).toBeLessThanOrEqual(1000);
  for (const t of after10) expect(t - heldAt).toBeGreaterThan(5_000);

  // 4×: the group moves four seconds a second.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('4');
  const before4 = Number(await slider.getAttribute('aria-valuenow'));
  await page.waitForTimeout(2000);
  expect(Number(await slider.getAttribute('aria-valuenow')) - before4).toBeGreaterThan(6000);

  // Pause (Space, with focus on the timeline: the speed list keeps its own keys), then one frame forward: exactly +100 ms on every tile.
  await slider.focus();
  await page.keyboard.press(' ');
  await expect(slider).toHaveAttribute('aria-valuetext', /, paused$/);
  // Every tile settles on the frame that holds the paused position (a tile that was catching up
  // at 4× comes back to it), then one step moves each exactly one frame.
  const pausedAt = Number(await slider.getAttribute('aria-valuenow'));
  await expect.poll(async () => (await frameTimes(tiles)).every((t) => t - pausedAt <= 1 && t - pausedAt > -100), { message: 'every tile on the paused frame', timeout: 20_000 }).toBe(true);
  const paused = await frameTimes(tiles);
  await page.keyboard.press('.');
  await expect.poll(async () => (await frameTimes(tiles)).map((t, i) => t - paused[i]!), { timeout: 10_000 }).toEqual([100, 100, 100, 100]);
  // Stepping on, past what the tiles held when paused (exacqVision's server steps one frame
  // each time instead of a new search): every step exactly one more frame on every tile.
  const stepsTook: number[] = [];
  for (let k = 2; k <= 5; k++) {
    const t0 = Date.now();
    await page.keyboard.press('.');
    await expect.poll(async () => (await frameTimes(tiles)).map((t, i) => t - paused[i]!), { timeout: 10_000 }).toEqual([100, 100, 100, 100].map((d) => d * k));
    stepsTook.push(Date.now() - t0);
  }
  console.log(`frame steps 2–5 took ${stepsTook.join(', ')} ms`);

  // Live: recorded sessions close, live video comes back.
  await page.getByRole('button', { name: 'Live' }).click();
  for (const tile of tiles) {
    await expect(tile.getByTestId('tile-when')).toHaveText('live');
    await expect(tile).toHaveAttribute('data-picture', 'video', { timeout: 45_000 });
    await expect(tile).not.toHaveAttribute('data-frame-time');
  }
  expect(problems.filter((p) => !cutByLeaving.test(p))).toEqual([]);
});

interface GapChoice {
  /** Name of the Eagle Eye v1 camera for tile 1. */
  name: string;
  /** The gap on tile 1 (tile index 0), ms. */
  gap: { tile: number; fromMs: number; toMs: number };
  othersRecord: boolean;
}

/**
 * An Eagle Eye v1 demo camera with a gap of 10 s – 2 min in the last 50 minutes, preferably one
 * where the three other vendors' Lobby cameras record. The four Lobbies are camera 0 of their
 * sites and share its recording plan, which may hold no such gap for most of an hour.
 */
async function chooseGap(now: number): Promise<GapChoice | undefined> {
  const bridge = await BridgeSession.connect(serve.current);
  let cameras: { id: string; name: string; siteId: string }[] = [];
  try {
    await expect.poll(async () => (cameras = await bridge.value<typeof cameras>('cameras:list')).filter((c) => c.siteId === 'demo-eagleeye-v1').length, { timeout: 90_000 }).toBeGreaterThan(1);
  } finally {
    bridge.close();
  }
  const lobbies = ['demo-eagleeye-v3', 'demo-exacq', 'demo-aipix'].map((site) => cameras.find((c) => c.siteId === site && c.name === 'Lobby')!.id);
  const others = await coverageOf(lobbies, now - 3600_000, now - 60_000);
  const choices: GapChoice[] = [];
  for (const camera of cameras.filter((c) => c.siteId === 'demo-eagleeye-v1')) {
    const [list] = await coverageOf([camera.id], now - 3600_000, now - 60_000);
    for (const [k, p] of list!.slice(1).entries()) {
      const gap = { tile: 0, fromMs: list![k]!.toMs, toMs: p.fromMs };
      if (gap.toMs - gap.fromMs < 10_000 || gap.toMs - gap.fromMs > 120_000 || gap.fromMs <= now - 3000_000) continue;
      const othersRecord = others.every((other) => other.some((o) => o.fromMs <= gap.fromMs - 5000 && gap.toMs + 5000 <= o.toMs));
      choices.push({ name: camera.name, gap, othersRecord });
    }
  }
  return choices.find((c) => c.othersRecord) ?? choices[0];
}

// Passes from a cold simulator cache too (TESSERA_SIM_CACHE=$(mktemp -d)): the simulator sends a
// long Eagle Eye clip as soon as its first 1-minute chunk is encoded, not after the whole clip.
test('a tile in a planned gap says so, and joins the others when its recording starts', async ({ clean }) => {
  test.setTimeout(300_000);
  const { page, problems } = clean;
  await openWall(page, serve.current);
  // A gap of an Eagle Eye v1 camera in the last hour, from the coverage main gives; the others
  // are the Lobbies of the three other vendors.
  const choice = await chooseGap(Date.now());
  expect(choice, 'an Eagle Eye v1 demo camera has a gap of 10 s – 2 min in the last 50 minutes').toBeDefined();
  const { gap, othersRecord } = choice!;
  const tiles = await placeCameras(page, [`${choice!.name} eagle eye v1`, 'lobby eagle eye v3', 'lobby exacqvision', 'lobby aipix']);
  console.log(`gap on tile 1 (${choice!.name}): ${gap.toMs - gap.fromMs} ms${othersRecord ? ', the others record' : ', shared with other tiles'}`);

  // Go to 15 s before the gap ends (at least 5 s into it), at 1×: 4× would ask the simulator to
  // encode four cameras at four times real time, more than the 2-core machine does from a cold cache.
  const goToMs = Math.max(gap.fromMs + 5000, gap.toMs - 15_000);
  await page.keyboard.press('g');
  const goTo = page.getByRole('dialog', { name: 'Go to date and time' });
  await goTo.getByRole('textbox').fill(`-${Math.round((Date.now() - goToMs) / 1000)}s`);
  await goTo.getByRole('button', { name: 'Go' }).click();
  const inGap = tiles[gap.tile]!;
  const slider = page.getByRole('slider', { name: 'Timeline' });
  if (othersRecord) {
    // The others play; this tile says why it shows nothing, then joins when its recording starts.
    await expect(inGap.getByTestId('tile-recorded-status')).toContainText(/^No recording at \d\d:\d\d:\d\d; it starts again at /, { timeout: 30_000 });
    await expect(inGap.getByTestId('tile-recorded-status')).toHaveCount(0, { timeout: gap.toMs - goToMs + 45_000 });
  } else {
    // Every tile is in the gap: nothing to wait for, the playhead skips to where recording goes on.
    await expect.poll(async () => Number(await slider.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThanOrEqual(gap.toMs);
  }
  // From a cold simulator cache the first frames wait for a minute of each camera's 720p recording
  // to be encoded, one camera after another (10–20 s on the 2-core machine); warm, about a second.
  await expect.poll(async () => Number(await inGap.getAttribute('data-frame-time')), { timeout: 45_000 }).toBeGreaterThan(gap.toMs + 1000);
  // In step with the others: at once when the simulator's recordings exist; from a cold cache a
  // tile of another vendor may still be waiting for its next minute to be encoded (one 720p
  // encoder for the four cameras), so the group is given until that is done.
  const spread = async (): Promise<number> => {
    const times = await frameTimes(tiles);
    return Math.max(...times) - Math.min(...times);
  };
  await page.waitForTimeout(3000);
  await expect.poll(spread, { timeout: 60_000, message: 'every tile within 400 ms of the others' }).toBeLessThanOrEqual(400);
  await page.waitForTimeout(2000);
  const times = await frameTimes(tiles);
  expect(Math.max(...times) - Math.min(...times), `frame times ${times.map((t) => t - gap.toMs).join(', ')} ms after the gap`).toBeLessThanOrEqual(400);
  expect(problems.filter((p) => !cutByLeaving.test(p))).toEqual([]);
});
