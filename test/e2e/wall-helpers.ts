/**
 * Shared steps of the wall's end-to-end tests: find demo cameras in the camera panel, the streams
 * the page opened and closed, a tile's video progress, drags.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The demo's RTSP cameras play most steadily (no audio, see live-video.spec.ts). */
export const rtspSite = 'Demo · RTSP cameras';

export function wallOf(page: Page): Locator {
  return page.getByRole('main', { name: /^Wall on / });
}

/** The tree rows of `site`'s cameras, by name (the same names exist on every demo site): name → row element id. */
export async function cameraRows(page: Page, names: readonly string[], site = rtspSite): Promise<Map<string, string>> {
  const ids = await page.getByRole('tree', { name: 'Cameras' }).evaluate(
    (tree, wanted) => {
      const rows = [...tree.querySelectorAll<HTMLElement>('[role=treeitem]')];
      const start = rows.findIndex((r) => r.getAttribute('aria-label') === wanted.site && r.getAttribute('aria-level') === '1');
      const out: [string, string][] = [];
      for (const row of rows.slice(start + 1)) {
        if (row.getAttribute('aria-level') === '1') break;
        const name = row.getAttribute('aria-label') ?? '';
        if (wanted.names.includes(name)) out.push([name, row.id]);
      }
      return out;
    },
    { site, names: [...names] },
  );
  return new Map(ids);
}

/** The streams the page opened (per camera, in order) and closed itself, over the bridge. */
export interface StreamLog {
  /** Camera id → the stream ids main answered to its media:open requests, oldest first. */
  opened: Map<string, string[]>;
  /** Stream ids of the page's media:close requests. */
  closed: Set<string>;
}

export function streamLog(page: Page): StreamLog {
  const log: StreamLog = { opened: new Map(), closed: new Set() };
  page.on('websocket', (ws) => {
    // Request ids are per socket: media:open id → camera id, until main answers.
    const asked = new Map<number, string>();
    ws.on('framesent', (frame) => {
      if (typeof frame.payload !== 'string') return;
      const message = JSON.parse(frame.payload) as { id?: number; channel?: string; input?: { streamId?: string; cameraId?: string } };
      if (message.channel === 'media:close' && message.input?.streamId) log.closed.add(message.input.streamId);
      if (message.channel === 'media:open' && typeof message.id === 'number' && message.input?.cameraId) asked.set(message.id, message.input.cameraId);
    });
    ws.on('framereceived', (frame) => {
      if (typeof frame.payload !== 'string' || !frame.payload.startsWith('{"id"')) return;
      const answer = JSON.parse(frame.payload) as { id: number; result?: { ok: boolean; value?: { streamId?: string } } };
      const cameraId = asked.get(answer.id);
      asked.delete(answer.id);
      const streamId = answer.result?.ok ? answer.result.value?.streamId : undefined;
      if (cameraId && streamId) log.opened.set(cameraId, [...(log.opened.get(cameraId) ?? []), streamId]);
    });
  });
  return log;
}

export async function videoProgress(tile: Locator): Promise<{ currentTime: number; frames: number }> {
  return tile.locator('video').evaluate((v: HTMLVideoElement) => ({ currentTime: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames }));
}

/**
 * Waits (bounded) until every tile plays: the <video> shown, media time and decoded frames
 * advancing over a 2 s window. A stream that just started may still be jumping to its live edge,
 * so the window is taken again until it advances or the time is up.
 */
export async function expectPlaying(page: Page, tiles: readonly Locator[], timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const [i, tile] of tiles.entries()) {
    let last = '';
    for (;;) {
      const picture = await tile.getAttribute('data-picture');
      if (picture === 'video') {
        const then = await videoProgress(tile);
        await page.waitForTimeout(2000);
        const now = await videoProgress(tile);
        if (now.currentTime - then.currentTime > 1 && now.frames - then.frames > 20) break;
        last = `media time +${(now.currentTime - then.currentTime).toFixed(2)} s, ${now.frames - then.frames} frames in 2 s`;
      } else {
        last = `picture ${picture}, status "${(await tile.getByTestId('tile-status').allTextContents()).join(' ')}"`;
        await page.waitForTimeout(500);
      }
      if (Date.now() > deadline) throw new Error(`tile ${i + 1} (${await tile.getAttribute('aria-label')}) does not play: ${last}`);
    }
  }
}

/**
 * Page problems that leaving a wall, a reload or a server restart cause by design: open streams
 * and the bridge are cut (their sockets reconnect). Anything else a wall test sees is a fault.
 */
export const cutByLeaving = /^(request failed: http:\/\/[^/]+\/media\/stream\/[0-9a-f-]+(\?token=[^ ]+)? net::ERR_(ABORTED|INCOMPLETE_CHUNKED_ENCODING)|console error: Failed to load resource: (the server responded with a status of (404 \(Not Found\)|410 \(Gone\))|net::ERR_INCOMPLETE_CHUNKED_ENCODING)|console error: WebSocket .*)$/;

/**
 * What a page logs while its server is down (a restart): a bridge or stream socket that cannot
 * connect asks the same path over HTTP whether the token is still good (renderer/src/bridge), and
 * that request fails while nothing listens.
 */
export const serverDown = /^(request failed: http:\/\/[^/]+\/(bridge|media\/stream\/[0-9a-f-]+)\?token=[^ ]+ net::ERR_CONNECTION_REFUSED|console error: Failed to load resource: net::ERR_CONNECTION_REFUSED)$/;

/** Leaves whatever the display shows for a blank "Untitled" 2×2, discarding unsaved changes. */
export async function freshWall(page: Page): Promise<void> {
  const wall = wallOf(page);
  await expect(wall).toHaveAttribute('data-loaded', 'true');
  const unsaved = await wall.getByTestId('unsaved').isVisible();
  await wall.getByRole('button', { name: 'New layout' }).click();
  if (unsaved) await page.getByRole('alertdialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Discard changes' }).click();
  await wall.getByRole('region', { name: 'Empty tile 4' }).waitFor();
}

/**
 * Drags `source` onto `target` with the mouse (Playwright's dragTo: real input, Chromium's own
 * drag and drop), then runs `landed`, the check that the drop did what it should.
 *
 * The page's drag events are logged. A drop the page received and mishandled fails at once. A
 * drag the page never received a drop for is input that did not take (Playwright synthesises the
 * drag from mouse events and can lose one on a busy machine): it is tried once more, with a
 * warning, and fails the second time. Failures say what the page saw (rows and tiles by their
 * accessible names), so a red run explains itself.
 */
export async function dragOnto(page: Page, source: Locator, target: Locator, landed: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const seen = await dragAndWatch(page, source, target);
    try {
      await landed();
      return;
    } catch (err) {
      const log = await seen();
      const dropped = log.events.some((e) => e.startsWith('drop '));
      const story = `source box ${log.from} (now ${log.sourceNow}), target box ${log.to}\n  the page saw: ${log.events.join('; ') || 'no pointer or drag events'}`;
      if (!dropped && attempt === 1) {
        console.warn(`dragOnto: the page received no drop; dragging again. ${story}`);
        continue;
      }
      const alerts = await page.getByRole('alert').allTextContents();
      throw new Error(`the drop did not land (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}\n  ${story}${alerts.length ? `\n  alerts: ${alerts.join(' | ')}` : ''}`, { cause: err });
    }
  }
}

type Box = { x: number; y: number; width: number; height: number } | null;
const showBox = (b: Box): string => (b ? `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}` : 'none');

/** One drag with the page's pointer and drag events recorded; the returned function reads them. */
async function dragAndWatch(page: Page, source: Locator, target: Locator): Promise<() => Promise<{ events: string[]; from: string; to: string; sourceNow: string }>> {
  await page.evaluate(() => {
    const w = window as unknown as { tesseraDragLog?: string[] };
    if (!w.tesseraDragLog) {
      const log: string[] = [];
      for (const type of ['pointerdown', 'dragstart', 'dragenter', 'drop', 'dragend']) {
        document.addEventListener(
          type,
          (event) => {
            const at = (event.target as Element | null)?.closest?.('[aria-label]');
            const { clientX, clientY } = event as MouseEvent;
            log.push(`${type} at ${Math.round(clientX)},${Math.round(clientY)} on ${at?.getAttribute('aria-label') ?? (event.target as Element | null)?.nodeName ?? '?'}`);
          },
          true,
        );
      }
      w.tesseraDragLog = log;
    }
    w.tesseraDragLog.length = 0;
  });
  await source.scrollIntoViewIfNeeded();
  const from = showBox(await source.boundingBox());
  const to = showBox(await target.boundingBox());
  await source.dragTo(target);
  return async () => ({
    events: await page.evaluate(() => [...((window as unknown as { tesseraDragLog?: string[] }).tesseraDragLog ?? [])]),
    from,
    to,
    sourceNow: showBox(await source.boundingBox({ timeout: 1000 }).catch(() => null)),
  });
}
