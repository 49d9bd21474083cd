import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, openPage, signIn, startHarness, type Harness } from './dashboard-harness.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const T0 = Date.UTC(2025, 2, 3);

describe.skipIf(!HAS_CHROMIUM)('dashboard in a real browser', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(async (store) => {
      await store.upsertItems([
        { id: 'mug-1', title: 'Blue stoneware mug', category: 'Home > Kitchen > Mugs', price: 12.5, currency: 'USD', inStock: true, tags: ['mug', 'blue'], attrs: { color: 'blue' } },
        { id: 'pot-1', title: 'Cast iron teapot', category: 'Home > Kitchen > Teapots', price: 48, inStock: false },
      ]);
      const events = [];
      for (let u = 0; u < 30; u++) {
        events.push({ id: `v${u}`, type: 'view', userId: `u${u}`, itemId: u % 2 ? 'mug-1' : 'pot-1', ts: T0 + u * 3_600_000 });
        if (u % 3 === 0) events.push({ id: `c${u}`, type: 'add_to_cart', userId: `u${u}`, itemId: 'mug-1', ts: T0 + u * 3_600_000 + 60_000 });
        if (u % 6 === 0) events.push({ id: `p${u}`, type: 'purchase', userId: `u${u}`, itemId: 'mug-1', ts: T0 + u * 3_600_000 + 120_000, quantity: 1, price: 12.5, revenue: 12.5 });
      }
      await store.appendEvents(events);
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a wrong key and signs in with the admin key', async () => {
    await h.page.goto(h.server.url + '/');
    await h.page.fill('input[name=key]', 'wrong-key');
    await h.page.click('button[type=submit]');
    await h.page.waitForSelector('[role=alert]');
    expect(await h.page.textContent('[role=alert]')).toContain('not accepted');
    await signIn(h.page, h.server.url);
    expect(await h.page.locator('nav.side a').count()).toBeGreaterThanOrEqual(8);
  });

  it('shows on the Data page the same numbers as GET /v1/stats', async () => {
    await openPage(h.page, '#/data');
    const stats = await h.store.stats();
    const tileValue = async (id: string) => (await h.page.textContent(`[data-testid=${id}] [data-value]`))?.replace(/,/g, '');
    expect(Number(await tileValue('stat-events'))).toBe(stats.events);
    expect(Number(await tileValue('stat-users'))).toBe(stats.users);
    expect(Number(await tileValue('stat-items'))).toBe(stats.items);
    const rows = await h.page.$$eval('[data-testid=events-by-type] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(Object.fromEntries(rows.map((r) => [r[0], Number(String(r[1]).replace(/,/g, ''))]))).toEqual(stats.eventsByType);
    await h.page.screenshot({ path: join(SCREENSHOTS, 'data.png'), fullPage: true });
  });

  it('sorts a table when a header is clicked', async () => {
    await h.page.click('[data-testid=events-by-type] th:nth-child(2)');
    const first = await h.page.$$eval('[data-testid=events-by-type] tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent?.replace(/,/g, ''))));
    expect(first).toEqual([...first].sort((a, b) => b - a));
    await h.page.click('[data-testid=events-by-type] th:nth-child(2)');
    const second = await h.page.$$eval('[data-testid=events-by-type] tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent?.replace(/,/g, ''))));
    expect(second).toEqual([...second].sort((a, b) => a - b));
  });

  it('lists and opens catalogue items', async () => {
    await openPage(h.page, '#/catalogue');
    expect(await h.page.textContent('[data-testid=items-total]')).toBe('2 items');
    await h.page.click('text=mug-1');
    await h.page.waitForSelector('[data-testid=item-title]');
    expect(await h.page.textContent('[data-testid=item-title]')).toBe('Blue stoneware mug');
    await h.page.screenshot({ path: join(SCREENSHOTS, 'catalogue-item.png'), fullPage: true });
  });
});
