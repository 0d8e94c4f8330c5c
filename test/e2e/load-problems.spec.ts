/**
 * A sites.json with one entry Tessera cannot use: the app starts with the other sites and says
 * so in a banner (what was wrong, where the file was kept); the operator can dismiss it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envelope, site } from '../security/attacks/files.js';
import { startServeProcess } from '../support/serve-process.js';
import { expect, test } from './fixtures.js';

test('a sites.json with an address that is not a URL: the banner names the entry, the kept file and the sites kept', async ({ clean }) => {
  const { page, problems } = clean;
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-e2e-load-'));
  writeFileSync(join(dataDir, 'sites.json'), envelope('sites.json', [site(1), site(2, 'not a url'), site(3), site(4)]));
  const serve = await startServeProcess([], dataDir);
  try {
    await page.goto(serve.url);
    const banner = page.getByRole('alert', { name: 'Files that could not be read' });
    await expect(banner).toContainText('sites.json could not be read (entry 2: address “not a url” is not a URL).');
    await expect(banner).toContainText(`The file was kept as ${join(dataDir, 'sites.corrupt-')}`);
    await expect(banner).toContainText('Tessera started with the other 3 sites.');
    await page.getByRole('button', { name: 'Dismiss the notice about sites.json' }).click();
    await expect(banner).toBeHidden();
    expect(problems).toEqual([]);
  } finally {
    await serve.stop();
  }
});
