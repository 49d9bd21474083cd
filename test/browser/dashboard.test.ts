import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoStore } from '../../src/ingest/demo/load-demo-store.ts';
import { ADMIN, HAS_CHROMIUM, openPage, SCREENSHOTS, signIn, startHarness, WRITE, type Harness } from './dashboard-harness.ts';

const END = Date.UTC(2025, 5, 1);

async function apiGet(h: Harness, path: string): Promise<any> {
  const r = await fetch(h.server.url + path, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(r.status, path).toBe(200);
  return r.json();
}

const num = (s: string | null | undefined) => Number(String(s).replace(/[,%$]/g, ''));
async function tileText(page: Page, id: string): Promise<string | null> {
  return page.textContent(`[data-testid=${id}] [data-value]`);
}
async function columnTexts(page: Page, testid: string, col: number): Promise<string[]> {
  return page.$$eval(`[data-testid=${testid}] tbody tr td:nth-child(${col})`, (tds) => tds.map((td) => td.textContent ?? ''));
}
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!HAS_CHROMIUM)('dashboard in a real browser (demo store)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(async (store) => {
      await loadDemoStore(store, { seed: 7, items: 300, users: 1500, days: 60, endMs: END });
    });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a wrong key, then signs in with the admin key', async () => {
    await h.page.goto(h.server.url + '/');
    await h.page.fill('input[name=key]', 'wrong-key');
    await h.page.click('button[type=submit]');
    await h.page.waitForSelector('[role=alert]');
    expect(await h.page.textContent('[role=alert]')).toContain('not accepted');
    await signIn(h.page, h.server.url);
    expect(await h.page.locator('nav.side a[data-nav]').count()).toBe(9);
  });

  it('Overview: KPI tiles equal GET /v1/analytics/kpis', async () => {
    await openPage(h.page, '#/overview');
    const k = await apiGet(h, '/v1/analytics/kpis?interval=day&top=10');
    expect(num(await tileText(h.page, 'kpi-users'))).toBe(k.current.users);
    expect(num(await tileText(h.page, 'kpi-orders'))).toBe(k.current.orders);
    expect(num(await tileText(h.page, 'kpi-revenue'))).toBeCloseTo(k.current.revenue, 2);
    expect(num(await tileText(h.page, 'kpi-conversionRate'))).toBeCloseTo(k.current.conversionRate * 100, 1);
    const topViews = (await columnTexts(h.page, 'top-items', 2)).map(num);
    expect(topViews).toEqual(k.topItems.map((i: { views: number }) => i.views));
    await shot(h.page, 'overview');
  });

  it('Funnels: a funnel built in the UI shows the API numbers, drop-offs and paths', async () => {
    await openPage(h.page, '#/funnels');
    await h.page.fill('input[name=steps]', 'view,add_to_cart,purchase');
    await h.page.fill('input[name=window]', '2d');
    await h.page.selectOption('select[name=breakdown]', 'first_touch');
    await h.page.click('[data-testid=funnel-form] button[type=submit]');
    await h.page.waitForSelector('[data-testid=funnel-breakdown]');
    await h.page.waitForSelector('[data-testid=dropoff-users] tbody tr');
    const f = await apiGet(h, '/v1/analytics/funnel?steps=view,add_to_cart,purchase&window=2d&breakdown=first_touch');
    expect((await columnTexts(h.page, 'funnel-steps', 3)).map(num)).toEqual(f.users);
    expect(num(await tileText(h.page, 'funnel-overall'))).toBeCloseTo(f.overallConversion * 100, 2);
    expect((await columnTexts(h.page, 'funnel-breakdown', 1)).sort()).toEqual(f.breakdown.groups.map((g: { value: string }) => g.value).sort());
    const d = await apiGet(h, '/v1/analytics/funnel/dropoffs?steps=view,add_to_cart,purchase&window=2d&afterStep=1&limit=50');
    expect(await h.page.textContent('[data-testid=dropoff-total]')).toContain(d.total.toLocaleString('en-US'));
    await shot(h.page, 'funnels');
  });

  it('Retention: one heatmap row per cohort of the API', async () => {
    await openPage(h.page, '#/retention');
    const r = await apiGet(h, '/v1/analytics/retention?period=week&periods=8&mode=bounded');
    expect((await columnTexts(h.page, 'retention-heatmap', 1))).toEqual(Object.keys(r.cohorts));
    expect((await columnTexts(h.page, 'retention-heatmap', 2)).map(num)).toEqual(Object.values(r.cohorts).map((c: any) => c.size));
    await shot(h.page, 'retention');
  });

  it('Segments: RFM sizes and clusters equal the API', async () => {
    await openPage(h.page, '#/segments');
    const s = await apiGet(h, '/v1/analytics/segments');
    expect((await columnTexts(h.page, 'rfm-segments', 2)).map(num)).toEqual(s.segments.map((x: { users: number }) => x.users));
    expect(await h.page.locator('[data-testid=clusters] tbody tr').count()).toBeGreaterThanOrEqual(2);
    await shot(h.page, 'segments');
  });

  it('Users: profile, timeline and recommendations; a new event changes them', async () => {
    const top = await apiGet(h, '/v1/analytics/segments/users?limit=1');
    const userId = top.users[0].userId as string;
    await openPage(h.page, `#/users/${encodeURIComponent(userId)}`);
    await h.page.waitForSelector('[data-testid=user-recs] tbody tr');
    const p = await apiGet(h, `/v1/users/${encodeURIComponent(userId)}/profile`);
    expect(num(await tileText(h.page, 'user-orders'))).toBe(p.orders);
    expect(num(await tileText(h.page, 'user-ltv'))).toBeCloseTo(p.lifetimeValue, 2);
    expect(await h.page.locator('[data-testid=timeline] tbody tr').count()).toBe(Math.min(50, p.events));
    const before = await h.page.textContent('[data-testid=rec-id]');
    await h.page.fill('input[name=itemId]', 'demo:7:i5');
    await h.page.click('text=Record and refresh');
    await h.page.waitForFunction((b) => document.querySelector('[data-testid=rec-id]')?.textContent !== b, before);
    const events = await apiGet(h, `/v1/users/${encodeURIComponent(userId)}/events?limit=1`);
    expect(events.events[0]).toMatchObject({ type: 'view', itemId: 'demo:7:i5' });
    await shot(h.page, 'users');
  });

  it('Catalogue: item page with its stats, similar items and reviews', async () => {
    const k = await apiGet(h, '/v1/analytics/kpis?top=1&sort=purchases');
    const itemId = k.topItems[0].key as string;
    await openPage(h.page, `#/catalogue/${encodeURIComponent(itemId)}`);
    await h.page.waitForSelector('[data-testid=item-views]');
    const st = await apiGet(h, `/v1/analytics/items/${encodeURIComponent(itemId)}/stats`);
    expect(num(await tileText(h.page, 'item-views'))).toBe(st.views);
    expect(num(await tileText(h.page, 'item-purchases'))).toBe(st.purchases);
    await shot(h.page, 'catalogue-item');
  });

  it('Search: results, facets and a searchId', async () => {
    await openPage(h.page, '#/search');
    const item = (await apiGet(h, '/v1/items?limit=1')).items[0];
    const word = String(item.title).split(/\s+/)[1] ?? String(item.title);
    await h.page.fill('input[name=q]', word);
    await h.page.click('form button[type=submit]');
    await h.page.waitForSelector('[data-testid=search-summary]');
    const r = await apiGet(h, `/v1/search?q=${encodeURIComponent(word)}&pageSize=20`);
    expect(await h.page.textContent('[data-testid=search-summary]')).toContain(`${r.total.toLocaleString('en-US')} results`);
    expect(await h.page.locator('[data-testid=search-hits] tbody tr').count()).toBe(Math.max(1, r.hits.length));
    expect(await h.page.textContent('main')).not.toMatch(/null|undefined/); // absent parts leave no trace
    await shot(h.page, 'search');
  });

  it('Search: an admin saves synonym rules that the next search uses', async () => {
    await openPage(h.page, '#/search');
    const item = (await apiGet(h, '/v1/items?limit=1')).items[0];
    const word = String(item.title).split(/\s+/)[1] ?? String(item.title);
    await h.page.fill('[data-testid=synonym-rules]', `gizmoqq => ${word.toLowerCase()}\nnot a rule`);
    await h.page.click('text=Save synonyms');
    await h.page.waitForSelector('[data-testid=synonym-status] [role=alert]');
    expect(await h.page.textContent('[data-testid=synonym-status]')).toMatch(/rules\.1 "not a rule" needs two or more different words/);
    expect((await apiGet(h, '/v1/search/synonyms')).rules).toEqual([]);
    await h.page.fill('[data-testid=synonym-rules]', `gizmoqq => ${word.toLowerCase()}`);
    await h.page.click('text=Save synonyms');
    await h.page.waitForFunction(() => /Saved 1 rule/.test(document.querySelector('[data-testid=synonym-status]')?.textContent ?? ''));
    expect((await apiGet(h, '/v1/search/synonyms')).rules).toEqual([`gizmoqq => ${word.toLowerCase()}`]);
    await h.page.fill('input[name=q]', 'gizmoqq');
    await h.page.click('form button[type=submit]');
    await h.page.waitForSelector('[data-testid=search-summary]');
    const r = await apiGet(h, '/v1/search?q=gizmoqq&pageSize=20');
    expect(r.recovery).toBeUndefined();
    expect(r.total).toBeGreaterThan(0);
    expect(await h.page.textContent('main')).toContain(`gizmoqq also matches ${word.toLowerCase()} (synonym rule)`);
  });

  it('Search: the query report equals the API, and a query that found nothing starts a synonym rule', async () => {
    // A shopper's search (recorded because it carries a userId) that matches nothing.
    const miss = await fetch(`${h.server.url}/v1/search?q=zzqxyplonk&userId=browser-shopper`, { headers: { authorization: `Bearer ${WRITE}` } });
    expect(miss.status, await miss.clone().text()).toBe(200);
    await openPage(h.page, '#/overview'); // leave the search page so that it renders afresh
    await openPage(h.page, '#/search');
    await h.page.waitForSelector('[data-testid=query-summary]');
    const r = await apiGet(h, '/v1/search/queries?days=30&limit=15');
    expect(await h.page.textContent('[data-testid=query-summary]')).toContain(`${r.searches.toLocaleString('en-US')} searches`);
    expect(await columnTexts(h.page, 'top-queries', 1)).toEqual(r.top.map((q: { query: string }) => q.query));
    expect(await columnTexts(h.page, 'no-match-queries', 1)).toEqual(r.noMatch.map((q: { query: string }) => q.query));
    expect(r.noMatch.map((q: { query: string }) => q.query)).toContain('zzqxyplonk');
    await h.page.locator('[data-testid=no-match-queries] tr', { hasText: 'zzqxyplonk' }).locator('button').click();
    expect(await h.page.inputValue('[data-testid=synonym-rules]')).toMatch(/zzqxyplonk => $/);
  });

  it('Models: the served model and a retrain button that starts a job', async () => {
    await openPage(h.page, '#/models');
    const m = await apiGet(h, '/v1/models');
    expect(await h.page.textContent('[data-testid=served-model]')).toContain(m.served.algo);
    await h.page.click('[data-testid=retrain]');
    await h.page.waitForFunction(() => /job_/.test(document.querySelector('[data-testid=train-status]')?.textContent ?? ''));
    await shot(h.page, 'models');
  });

  it('Data: the same numbers as GET /v1/stats, sortable tables', async () => {
    await openPage(h.page, '#/data');
    const stats = await apiGet(h, '/v1/stats');
    expect(num(await tileText(h.page, 'stat-events'))).toBe(stats.events);
    expect(num(await tileText(h.page, 'stat-users'))).toBe(stats.users);
    expect(num(await tileText(h.page, 'stat-items'))).toBe(stats.items);
    await h.page.click('[data-testid=events-by-type] th:nth-child(2)');
    const desc = (await columnTexts(h.page, 'events-by-type', 2)).map(num);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await h.page.click('[data-testid=events-by-type] th:nth-child(2)');
    const asc = (await columnTexts(h.page, 'events-by-type', 2)).map(num);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await shot(h.page, 'data');
  });
});
