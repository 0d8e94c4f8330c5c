/**
 * Playwright fixtures: a fresh `tessera serve` per test file, and a page that records console
 * errors and failed requests so every test can assert the app ran cleanly.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';

export interface CleanPage {
  page: Page;
  problems: string[];
}

export const test = base.extend<{ clean: CleanPage }, { serve: ServeProcess }>({
  serve: [
    async ({}, use) => {
      const serve = await startServeProcess();
      await use(serve);
      await serve.stop();
    },
    { scope: 'worker' },
  ],
  clean: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText ?? '';
      // Chromium fetches the favicon by itself once a page has loaded; a test that reloads or
      // navigates at that moment aborts it. The app did not ask for it, so it is no fault.
      if (faviconAborted(request.url(), error)) return;
      problems.push(`request failed: ${request.url()} ${error}`);
    });
    await use({ page, problems });
  },
});

function faviconAborted(url: string, error: string): boolean {
  return new URL(url).pathname === '/favicon.svg' && error === 'net::ERR_ABORTED';
}

export { expect };
