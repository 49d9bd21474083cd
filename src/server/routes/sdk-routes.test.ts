import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, admin, createTestApp, WRITE_KEY, writer, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await t.store.upsertItems([
    { id: 'm1', title: 'Blue Ceramic Mug', category: 'Home > Kitchen > Mugs', price: 12.99, description: 'Holds 350 ml.' },
    { id: 'm2', title: 'Green Ceramic Mug', category: 'Home > Kitchen > Mugs', price: 11.49 },
    { id: 'k1', title: 'Chef Knife <script>alert(1)</script>', category: 'Home > Kitchen > Knives', price: 39.99, inStock: false },
    { id: 'b1', title: 'The Quiet Garden', category: 'Books > Fiction', price: 9.49 },
  ]);
  await t.store.appendEvents([{ id: 'seed-1', type: 'view', userId: 'u', itemId: 'b1', ts: Date.now() - 1000 }]);
});
afterAll(async () => {
  await t.close();
});

describe('GET /cartwise.js', () => {
  it('serves the SDK as one browser script that defines window.cartwise', async () => {
    const res = await t.app.inject({ url: '/cartwise.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).not.toMatch(/\brequire\(|from ['"]node:|\bimport\s*\(/);
    // run it against a minimal window: it must define the API and not throw
    const listeners: string[] = [];
    const window: Record<string, unknown> = {
      addEventListener: (name: string) => listeners.push(name),
      localStorage: undefined,
      location: { href: 'https://shop.test/', origin: 'https://shop.test', pathname: '/', search: '' },
    };
    const document = { currentScript: null, addEventListener: (name: string) => listeners.push(name), readyState: 'complete' };
    runInNewContext(res.body, { window, document, navigator: {}, crypto: globalThis.crypto, console, URL, setTimeout, clearTimeout });
    const cw = window['cartwise'] as { init: unknown; push: unknown; track: Record<string, unknown>; identify: unknown; consent: unknown; mountWidgets: unknown };
    expect(typeof cw.init).toBe('function');
    expect(typeof cw.push).toBe('function');
    expect(Object.keys(cw.track).sort()).toEqual(['addToCart', 'event', 'pageView', 'productView', 'purchase', 'recommendationClick', 'removeFromCart', 'review', 'search']);
  });

  it('replays commands queued before it loaded and sends them with the write key', async () => {
    const res = await t.app.inject({ url: '/cartwise.js' });
    const sent: { url: string; init: { headers: Record<string, string>; body: string } }[] = [];
    const window: Record<string, unknown> = {
      cartwise: [['init', { endpoint: 'https://cw.test', writeKey: WRITE_KEY, autoMountWidgets: false }], ['track.productView', 'm1']],
      addEventListener: () => undefined,
      location: { href: 'https://shop.test/p/m1', origin: 'https://shop.test', pathname: '/p/m1', search: '' },
      fetch: async (url: string, init: { headers: Record<string, string>; body: string }) => {
        sent.push({ url, init });
        return { status: 200, text: async () => '{"accepted":1,"rejected":[]}' };
      },
      setTimeout,
      clearTimeout,
    };
    const document = { currentScript: null, addEventListener: () => undefined, readyState: 'complete' };
    runInNewContext(res.body, { window, document, navigator: {}, crypto: globalThis.crypto, console, URL, URLSearchParams });
    await (window['cartwise'] as { flush(): Promise<void> }).flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://cw.test/v1/events');
    expect(sent[0]!.init.headers['authorization']).toBe(`Bearer ${WRITE_KEY}`);
    const body = JSON.parse(sent[0]!.init.body) as { events: { type: string; itemId: string; userId: string }[] };
    expect(body.events.map((e) => [e.type, e.itemId])).toEqual([['view', 'm1']]);
    expect(body.events[0]!.userId).toMatch(/^anon-[0-9a-f-]{36}$/);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await t.app.inject({ url: '/cartwise.js' });
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await t.app.inject({ url: '/cartwise.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('POST /v1/events/beacon and the query-string key', () => {
  const beacon = (query: string, events: unknown[]) =>
    t.app.inject({ method: 'POST', url: `/v1/events/beacon${query}`, headers: { 'content-type': 'text/plain;charset=UTF-8' }, payload: JSON.stringify({ events }) });

  it('stores a text/plain beacon authorised by ?key=<write key>, idempotently', async () => {
    const events = [{ id: 'bc-1', type: 'view', userId: 'shopper', itemId: 'm1', ts: Date.now() }];
    const res = await beacon(`?key=${WRITE_KEY}`, events);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await beacon(`?key=${WRITE_KEY}`, events)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const stored = await t.store.userEvents('shopper');
    expect(stored.map((e) => e.id)).toEqual(['bc-1']);
  });

  it('reports invalid events by index like POST /v1/events, and bad JSON clearly', async () => {
    const res = await beacon(`?key=${WRITE_KEY}`, [{ id: 'bc-2', type: 'view', userId: 'shopper', ts: Date.now() }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/itemId is required for view events/);
    const bad = await t.app.inject({ method: 'POST', url: `/v1/events/beacon?key=${WRITE_KEY}`, headers: { 'content-type': 'text/plain' }, payload: '{"events": [' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_JSON');
  });

  it('never accepts the admin key from the URL, nor a query key on admin routes', async () => {
    expect((await beacon(`?key=${ADMIN_KEY}`, [])).statusCode).toBe(401);
    expect((await beacon('?key=nope', [])).statusCode).toBe(401);
    expect((await beacon('', [])).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/v1/stats?key=${ADMIN_KEY}` })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/v1/stats?key=${WRITE_KEY}` })).statusCode).toBe(403);
    // a header wins over the query string
    expect((await t.app.inject({ url: `/v1/stats?key=${WRITE_KEY}`, headers: admin })).statusCode).toBe(200);
    const wrongHeader = await t.app.inject({ method: 'POST', url: `/v1/events?key=${WRITE_KEY}`, headers: { authorization: 'Bearer wrong-key-000000000' }, payload: [] });
    expect(wrongHeader.statusCode).toBe(401);
  });

  it('also works for the JSON route with the header (the SDK default)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/events', headers: writer, payload: { events: [{ id: 'js-1', type: 'add_to_cart', userId: 'shopper', itemId: 'm2', quantity: 1, ts: Date.now() }] } });
    expect(res.statusCode).toBe(200);
  });
});

describe('GET /demo-store', () => {
  it('renders the catalogue by department with the write key (never the admin key) and the SDK', async () => {
    const res = await t.app.inject({ url: '/demo-store' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain('<script src="/cartwise.js"></script>');
    expect(html).toContain(`"writeKey":"${WRITE_KEY}"`);
    expect(html).not.toContain(ADMIN_KEY);
    expect(html).toContain('data-cartwise="recommendations"');
    for (const dept of ['Books', 'Home']) expect(html).toContain(`>${dept}<span class="n">`);
    // the most-viewed item comes first under "Popular right now"
    const popular = html.slice(html.indexOf('Popular right now'));
    expect(popular.indexOf('data-item-id="b1"')).toBeLessThan(popular.indexOf('data-item-id="m1"'));
    // titles are escaped
    expect(html).toContain('Chef Knife &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<button class="add" disabled>Out of stock</button>');
  });

  it('lists a category with sub-category chips, and 404s an unknown one', async () => {
    const res = await t.app.inject({ url: '/demo-store?category=' + encodeURIComponent('Home > Kitchen') });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('3 products');
    expect(res.body).toContain('Mugs (2)');
    expect(res.body).toContain('Knives (1)');
    expect(res.body).not.toContain('data-item-id="b1"');
    const missing = await t.app.inject({ url: '/demo-store?category=Garden' });
    expect(missing.statusCode).toBe(404);
  });

  it('searches titles by every word and hands the result ids to the SDK', async () => {
    const res = await t.app.inject({ url: '/demo-store?q=ceramic+BLUE' });
    expect(res.body).toContain('1 product<');
    expect(res.body).toContain('"page":"search","query":"ceramic BLUE","resultIds":["m1"]');
    const none = await t.app.inject({ url: '/demo-store?q=' + encodeURIComponent('100%') });
    expect(none.body).toContain('No products match.');
  });

  it('renders a product page with the similar and bought-together widgets', async () => {
    const res = await t.app.inject({ url: '/demo-store/product/m1' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Blue Ceramic Mug</h1>');
    expect(res.body).toContain('Holds 350 ml.');
    expect(res.body).toContain('data-cartwise="similar" data-item="m1"');
    expect(res.body).toContain('data-cartwise="bought-together" data-item="m1"');
    expect(res.body).toContain('"page":"product","itemId":"m1"');
    expect((await t.app.inject({ url: '/demo-store/product/zzz' })).statusCode).toBe(404);
  });

  it('explains how to fill an empty catalogue', async () => {
    const empty = await createTestApp();
    try {
      const res = await empty.app.inject({ url: '/demo-store' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('The catalogue is empty');
      expect(res.body).toContain('cartwise demo');
    } finally {
      await empty.close();
    }
  });
});
