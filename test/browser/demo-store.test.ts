import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/core/schemas/index.ts';
import type { Store } from '../../src/store/store.ts';
import { CHROMIUM, HAS_CHROMIUM, SCREENSHOTS, startHarness, WRITE, type Harness } from './dashboard-harness.ts';

mkdirSync(SCREENSHOTS, { recursive: true });

if (!HAS_CHROMIUM) console.warn(`demo-store browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

interface Row {
  type: string;
  item_id: string | null;
  rec_id: string | null;
  quantity: number | null;
  props: string | null;
  session_id: string | null;
}

/** Polls the store until `done(rows)` holds for the user's events (the SDK flushes within about a second). */
async function eventsOf(store: Store, userId: string, done: (rows: Row[]) => boolean, timeoutMs = 15_000): Promise<Row[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await store.query<Row & Record<string, unknown>>('SELECT type, item_id, rec_id, quantity, CAST(props AS VARCHAR) AS props, session_id FROM events WHERE user_id = ? ORDER BY ts, id', [userId]);
    if (done(rows) || Date.now() > until) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const has = (rows: Row[], type: string, pred: (r: Row) => boolean = () => true) => rows.some((r) => r.type === type && pred(r));

async function seed(store: Store): Promise<void> {
  const items = [
    ['mug-blue', 'Blue Stoneware Mug', 'Home > Kitchen > Mugs', 12.99],
    ['mug-green', 'Green Stoneware Mug', 'Home > Kitchen > Mugs', 11.99],
    ['teapot', 'Cast Iron Teapot', 'Home > Kitchen > Teapots', 48],
    ['kettle', 'Electric Gooseneck Kettle', 'Home > Kitchen > Kettles', 69.99],
    ['tea-green', 'Sencha Green Tea 100 g', 'Grocery > Tea', 8.49],
    ['tea-black', 'Assam Black Tea 250 g', 'Grocery > Tea', 9.99],
    ['book-tea', 'The Book of Tea', 'Books > Non-fiction', 14.5],
    ['book-garden', 'A Quiet Garden', 'Books > Fiction', 10.99],
  ] as const;
  await store.upsertItems(items.map(([id, title, category, price]) => ({ id, title, category, price, currency: 'USD', inStock: true, description: `${title}, from the seeded test catalogue.` })));
  // other shoppers: views, carts and orders with co-purchases, so popularity and bought-together have signal
  const events: StoredEvent[] = [];
  const t0 = Date.now() - 5 * 86_400_000;
  let n = 0;
  for (let u = 0; u < 24; u++) {
    const a = items[u % items.length]![0];
    const b = items[(u + 1) % items.length]![0];
    const ts = t0 + u * 3_600_000;
    events.push({ id: `s${n++}`, type: 'view', userId: `shopper${u}`, itemId: a, ts });
    events.push({ id: `s${n++}`, type: 'view', userId: `shopper${u}`, itemId: b, ts: ts + 1000 });
    if (u % 2 === 0) {
      events.push({ id: `s${n++}`, type: 'purchase', userId: `shopper${u}`, itemId: a, ts: ts + 2000, quantity: 1, price: 10, revenue: 10, props: { orderId: `o${u}` } });
      events.push({ id: `s${n++}`, type: 'purchase', userId: `shopper${u}`, itemId: b, ts: ts + 2000, quantity: 1, price: 10, revenue: 10, props: { orderId: `o${u}` } });
    }
  }
  await store.appendEvents(events);
}

/** Waits for a widget rendered for the (consenting) shopper, not the anonymous one shown before consent. */
async function renderedCarousel(page: Page, kind: string): Promise<{ recId: string; items: string[] }> {
  const section = page.locator(`[data-cartwise="${kind}"][data-cartwise-state="rendered"]:not([data-cartwise-anonymous]) section[data-cartwise-rec-id]`);
  await section.waitFor({ timeout: 15_000 });
  const recId = (await section.getAttribute('data-cartwise-rec-id'))!;
  const items = await section.locator('li.cw-card').evaluateAll((els) => els.map((el) => el.getAttribute('data-item-id')!));
  return { recId, items };
}

describe.skipIf(!HAS_CHROMIUM)('demo storefront in a real browser', () => {
  let h: Harness;
  const eventPosts: string[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    h = await startHarness(seed);
    h.page.on('request', (req) => {
      if (req.url().includes('/v1/events')) eventPosts.push(req.url());
    });
    h.page.on('console', (msg) => {
      if (msg.type() === 'warning' || msg.type() === 'error') warnings.push(msg.text());
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends nothing before consent; after it, tracks browsing, cart, checkout and recommendation clicks', async () => {
    const { page, store } = h;
    await page.goto(`${h.server.url}/demo-store`);
    await page.locator('#consent').waitFor();
    expect(await page.locator('.card').count()).toBeGreaterThan(4);
    await page.waitForTimeout(1500);
    expect(eventPosts).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cw_') && k !== 'cw_demo_cart'))).toEqual([]);

    await page.click('#consent .yes');
    const anon = await page.evaluate(() => window.cartwise.userId!);
    expect(anon).toMatch(/^anon-/);

    // the recommendation carousel renders cards with a recId; impressions carry it
    const home = await renderedCarousel(page, 'recommendations');
    expect(home.items.length).toBeGreaterThan(0);
    expect(home.recId).not.toBe('');
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-store.png'), fullPage: false });

    // a click on a carousel card is tracked and survives the navigation it causes (exit flush / stored queue)
    const clicked = home.items[0]!;
    await Promise.all([page.waitForURL(`**/demo-store/product/${encodeURIComponent(clicked)}`), page.click(`[data-cartwise="recommendations"] li[data-item-id="${clicked}"] a`)]);

    // product page: view, add two to the cart, similar items widget
    await page.fill('#qty', '2');
    await page.click(`section.product button[data-add="${clicked}"]`);
    expect(await page.textContent('#cart-count')).toBe('2');
    const similar = await renderedCarousel(page, 'similar');
    expect(similar.items).not.toContain(clicked);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-store-product.png'), fullPage: true });

    // search, then add a result and check out
    await page.fill('form.search input', 'tea');
    await Promise.all([page.waitForURL('**/demo-store?q=tea'), page.press('form.search input', 'Enter')]);
    const resultIds = await page.locator('.grid .card').evaluateAll((els) => els.map((el) => el.getAttribute('data-item-id')));
    expect(resultIds.length).toBeGreaterThanOrEqual(2);
    const second = resultIds.find((id) => id !== clicked)!;
    await page.click(`.card[data-item-id="${second}"] button[data-add]`);
    await page.click('#cart-open');
    expect(await page.locator('#cart-lines .line').count()).toBe(2);
    await page.click('#checkout');
    const done = await page.textContent('#order-done');
    const orderId = /Order (\S+)/.exec(done ?? '')?.[1];
    expect(orderId).toMatch(/^o-/);

    const rows = await eventsOf(store, anon, (r) => r.filter((e) => e.type === 'purchase').length === 2 && has(r, 'click') && has(r, 'search'));
    expect(has(rows, 'page_view')).toBe(true);
    expect(has(rows, 'impression', (r) => r.rec_id === home.recId)).toBe(true);
    expect(has(rows, 'click', (r) => r.rec_id === home.recId && r.item_id === clicked)).toBe(true);
    // the recId follows the clicked item through the session: view, cart and purchase are attributed to it
    expect(has(rows, 'view', (r) => r.item_id === clicked && r.rec_id === home.recId)).toBe(true);
    expect(has(rows, 'add_to_cart', (r) => r.item_id === clicked && Number(r.quantity) === 2 && r.rec_id === home.recId)).toBe(true);
    expect(has(rows, 'purchase', (r) => r.item_id === clicked && r.rec_id === home.recId)).toBe(true);
    expect(has(rows, 'purchase', (r) => r.item_id === second && r.rec_id === null)).toBe(true);
    expect(has(rows, 'add_to_cart', (r) => r.item_id === second)).toBe(true);
    expect(has(rows, 'search', (r) => JSON.parse(r.props ?? '{}').resultCount === resultIds.length)).toBe(true);
    const purchases = rows.filter((r) => r.type === 'purchase');
    expect(purchases.map((r) => r.item_id).sort()).toEqual([clicked, second].sort());
    for (const p of purchases) expect(JSON.parse(p.props ?? '{}').orderId).toBe(orderId);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(1);
    // every event stored once, although the exit flush may have sent some twice
    const stats = await store.query<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT id) AS d FROM events WHERE user_id = ?', [anon]);
    expect(Number(stats[0]!.n)).toBe(Number(stats[0]!.d));
  });

  it('identify links the anonymous shopper to a known id', async () => {
    const { page, store } = h;
    const anon = await page.evaluate(() => window.cartwise.userId!);
    await page.click('#cart-close');
    await page.fill('#who input', 'alice');
    await page.click('#who form button');
    await page.locator('#who .out:not([hidden])').waitFor();
    await page.click('.card button[data-add]');
    const rows = await eventsOf(store, 'alice', (r) => has(r, 'identify') && has(r, 'add_to_cart'));
    const identify = rows.find((r) => r.type === 'identify');
    expect(JSON.parse(identify?.props ?? '{}').anonymousId).toBe(anon);
    expect(has(rows, 'add_to_cart')).toBe(true);
  });

  it('reports no console warnings or errors', () => {
    expect(warnings).toEqual([]);
  });

  it('on another origin: initialises from the script tag, renders a widget over CORS, and a beacon delivers events at page exit', async () => {
    const { page, store } = h;
    const api = h.server.url;
    // another origin: a second tiny server on another port serves the shop page (page.route would make it a
    // non-loopback page, which Chromium's local-network-access rules forbid from calling 127.0.0.1)
    const html = `<!doctype html><html><head><title>Other shop</title><link rel="icon" href="data:,"></head><body>
<div data-cartwise="similar" data-item="mug-blue" data-k="3" data-link="/p/{id}"></div>
<script src="${api}/cartwise.js" data-write-key="${WRITE}"></script>
<script>cartwise.track.productView('teapot');</script></body></html>`;
    const shopServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => shopServer.listen(0, '127.0.0.1', resolve));
    const shop = `http://127.0.0.1:${(shopServer.address() as AddressInfo).port}`;
    expect(new URL(shop).origin).not.toBe(new URL(api).origin);

    try {
      await page.goto(`${shop}/shop-test`);
      await page.waitForSelector('[data-cartwise="similar"][data-cartwise-state]:not([data-cartwise-state="loading"])', { state: 'attached' });
      expect(await page.getAttribute('[data-cartwise="similar"]', 'data-cartwise-state'), warnings.join('\n')).toBe('rendered');
      const widget = await renderedCarousel(page, 'similar');
      expect(widget.items.length).toBeGreaterThan(0);
      expect(await page.getAttribute('li.cw-card a', 'href')).toMatch(/^\/p\//);
      const userId = await page.evaluate(() => {
        // record the beacons (an unloading page's beacon is invisible to Playwright's network events)
        const send = navigator.sendBeacon.bind(navigator);
        navigator.sendBeacon = (url, body) => {
          localStorage.setItem('test_beacons', `${localStorage.getItem('test_beacons') ?? ''} ${String(url)}`);
          return send(url, body);
        };
        window.cartwise.track.addToCart('teapot', 3, 48);
        return window.cartwise.userId!;
      });
      await page.goto('about:blank'); // before the 1 s flush: only the page-exit beacon can deliver it
      const rows = await eventsOf(store, userId, (r) => has(r, 'add_to_cart') && has(r, 'view'));
      expect(has(rows, 'add_to_cart', (r) => r.item_id === 'teapot' && Number(r.quantity) === 3)).toBe(true);
      expect(has(rows, 'view', (r) => r.item_id === 'teapot')).toBe(true);
      await page.goto(`${shop}/shop-test`);
      expect(await page.evaluate(() => localStorage.getItem('test_beacons'))).toContain(`${api}/v1/events/beacon?key=${WRITE}`);
    } finally {
      shopServer.close();
    }
  });
});
