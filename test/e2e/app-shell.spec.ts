import pkg from '../../package.json' with { type: 'json' };
import { expect, test } from './fixtures.js';

test('opens the app through serve mode, calls app:info over the real bridge and shows the empty wall', async ({ serve, clean }) => {
  const { page, problems } = clean;
  const bridgeFrames: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (frame) => bridgeFrames.push(String(frame.payload))));

  await page.goto(serve.url);
  await expect(page.getByTestId('app-version')).toHaveText(`v${pkg.version} · serve · Browser display 1`);
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Connected');
  for (const n of [1, 2, 3, 4]) await expect(page.getByRole('region', { name: `Empty tile ${n}` })).toBeVisible();
  expect(bridgeFrames.some((frame) => JSON.parse(frame).channel === 'app:info')).toBe(true);
  // The token has left the address bar but the session goes on (this tab keeps it in sessionStorage).
  expect(page.url()).not.toContain('token=');
  await page.reload();
  await expect(page.getByTestId('app-version')).toContainText(pkg.version);
  expect(problems).toEqual([]);
});

test('a page opened without the token is refused', async ({ serve, page }) => {
  const response = await page.goto(serve.url.replace(/\?token=.*/, ''));
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('needs the token');
});

test('a new tab at the address without the token loads the page (cookie) but says the token is missing: the sockets take only the token', async ({ serve, page, context }) => {
  await page.goto(serve.url);
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Connected');
  // A reload keeps the token (this tab's sessionStorage) and the connection.
  await page.reload();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Connected');
  const other = await context.newPage();
  const response = await other.goto(new URL(serve.url).origin + '/');
  expect(response?.status()).toBe(200);
  await expect(other.getByRole('status', { name: 'Connection' })).toHaveText(/no valid token/);
  await other.close();
});
