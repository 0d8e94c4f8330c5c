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
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    await use({ page, problems });
  },
});

export { expect };
