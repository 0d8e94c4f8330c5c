// Sync spread through the real renderer: a layout of N tiles (cameras of every vendor's demo
// site) on display browser-1, "Go to…" (G, as README › Looking back says) a moment every camera
// recorded, then every tile's data-frame-time read at one instant in the page, every 250 ms over
// the last 2 s before each reading time (10 s; 5 min with --long). Also the group's
// seek-to-playing: Go → every tile shows a recorded frame.
import { camerasOf, showLayout } from '../live/tessera.js';
import { spread, summarize } from './report.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every camera of the demo sites with its recorded periods of the last hour. */
export async function demoCoverage(bridge, siteIds) {
  const toMs = Date.now() - 60_000;
  const out = [];
  for (const siteId of siteIds) {
    const cams = [];
    for (const cam of await camerasOf(bridge, siteId, 1, 90_000)) {
      const cov = await bridge.request('recordings:coverage', { cameraId: cam.id, fromMs: toMs - 3600_000, toMs }).catch(() => null);
      if (cov) cams.push({ id: cam.id, periods: cov.periods });
    }
    out.push(cams);
  }
  return out;
}

/**
 * A moment T (2 s steps back from 2 min ago) and n cameras, taken round-robin over the sites,
 * that all record from T − 5 s to T + windowMs + 5 s; null when there is none.
 */
export function pickMomentAndCameras(sites, n, windowMs, nowMs) {
  const records = (cam, t) => cam.periods.some((p) => p.fromMs <= t - 5000 && t + windowMs + 5000 <= p.toMs);
  for (let t = Math.floor((nowMs - 120_000 - windowMs) / 1000) * 1000; t > nowMs - 3_300_000; t -= 2000) {
    const lists = sites.map((cams) => cams.filter((c) => records(c, t)));
    const picked = [];
    for (let round = 0; picked.length < n && lists.some((l) => l.length > round); round += 1) {
      for (const l of lists) if (l[round] && picked.length < n) picked.push(l[round].id);
    }
    if (picked.length === n) return { atMs: t, cameraIds: picked };
  }
  return null;
}

const frameTimes = (page, ids) => page.evaluate((wanted) => wanted.map((id) => Number(document.querySelector(`section[data-camera-id="${CSS.escape(id)}"]`)?.getAttribute('data-frame-time') ?? Number.NaN)), ids);

export async function measureSync({ tiles, afterS, serve, bridge, browser, sites }) {
  const windowMs = Math.max(...afterS) * 1000 + 5000;
  const choice = pickMomentAndCameras(sites, tiles, windowMs, Date.now());
  if (!choice) return afterS.map((a) => ({ tiles, afterS: a, median: null, max: null, note: `not measured: no moment in the last hour where ${tiles} demo cameras all record for ${windowMs / 1000} s` }));
  await showLayout(bridge, choice.cameraIds, 'sub');
  const url = new URL(serve.url);
  url.searchParams.set('display', 'browser-1');
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(url.href);
    await page.waitForFunction((n) => document.querySelectorAll('section[data-camera-id]').length >= n, tiles, { timeout: 90_000 });
    // The wall is up: a renderer without the timeline (before issue 15's renderer part) has no slider.
    const slider = page.getByRole('slider', { name: 'Timeline' });
    if (!(await slider.waitFor({ timeout: 5000 }).then(() => true, () => false))) return afterS.map((a) => ({ tiles, afterS: a, median: null, max: null, note: 'not measured: this renderer has no timeline' }));
    await page.keyboard.press('g');
    const goTo = page.getByRole('dialog', { name: 'Go to date and time' });
    await goTo.getByRole('textbox').fill(`-${Math.round((Date.now() - choice.atMs) / 1000)}s`);
    const goAt = Date.now();
    await goTo.getByRole('button', { name: 'Go' }).click();
    const playingBy = Date.now() + 60_000;
    for (;;) {
      const times = await frameTimes(page, choice.cameraIds);
      if (times.every((t) => t > choice.atMs - 10_000)) break;
      if (Date.now() > playingBy) {
        const idle = choice.cameraIds.filter((_, i) => !(times[i] > choice.atMs - 10_000));
        return afterS.map((a) => ({ tiles, afterS: a, median: null, max: null, note: `not measured: ${idle.length} of ${tiles} tiles showed no recorded frame within 60 s of Go (${idle.join(', ')})` }));
      }
      await sleep(50);
    }
    const playingAt = Date.now();
    const out = [];
    for (const a of afterS) {
      await sleep(Math.max(0, playingAt + a * 1000 - 2000 - Date.now()));
      const spreads = [];
      let last = [];
      for (let k = 0; k < 9; k += 1) {
        last = await frameTimes(page, choice.cameraIds);
        spreads.push(spread(last));
        await sleep(250);
      }
      const s = summarize(spreads);
      out.push({ tiles, afterS: a, median: s.median, max: s.max, readings: s.n, groupSeekToPlayingMs: playingAt - goAt, atMs: choice.atMs,
        // The last reading per tile, ms after T: which tile is off when the spread is large.
        tilesAfterT: choice.cameraIds.map((id, i) => ({ cameraId: id, ms: last[i] - choice.atMs })) });
    }
    return out;
  } finally {
    await page.close();
  }
}
