import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { startServer, type RunningServer } from '../../src/server/serve.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import type { Store } from '../../src/store/store.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const ADMIN = 'browser-admin-key-0123456789';
export const WRITE = 'browser-write-key-0123456789';

export interface Harness {
  server: RunningServer;
  store: Store;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** A real server (port 0, temp DuckDB file) and a real headless Chromium driven by Playwright. */
export async function startHarness(seed: (store: Store) => Promise<void>): Promise<Harness> {
  const { chromium } = await import('playwright-core');
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-browser-'));
  const config = loadConfig({ env: {}, flags: { dataDir, port: 0, host: '127.0.0.1', adminKey: ADMIN, writeKey: WRITE, logLevel: 'warn' }, persistKeys: false });
  const store = await DuckDbStore.open(join(dataDir, 'cartwise.duckdb'));
  await seed(store);
  const server = await startServer(config, store, createLogger('warn'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  return {
    server: { ...server, url: server.url.replace('localhost', '127.0.0.1') },
    store,
    browser,
    page,
    async close() {
      await browser.close();
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the dashboard with the admin key and waits for the first page. */
export async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url + '/');
  await page.fill('input[name=key]', ADMIN);
  await page.click('button[type=submit]');
  await page.waitForSelector('main[data-ready=true]');
}

/** Opens a dashboard page by its hash route and waits until it has rendered. */
export async function openPage(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => {
    location.hash = r;
  }, route);
  await page.waitForFunction((r) => {
    const main = document.querySelector('main');
    return main?.dataset['ready'] === 'true' && location.hash === r;
  }, route);
  await page.waitForTimeout(150);
}

/**
 * Where the browser tests save their screenshots: `docs/screenshots` (the README's images) when
 * `CARTWISE_UPDATE_SCREENSHOTS=1` (`npm run screenshots`), otherwise a temporary folder, so an ordinary test run
 * leaves the working tree unchanged.
 */
export const SCREENSHOTS = process.env['CARTWISE_UPDATE_SCREENSHOTS'] === '1' ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'cartwise-screenshots-'));
