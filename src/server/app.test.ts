import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createTestApp, writer, type TestApp } from './test-support/test-app.ts';

const ts = Date.UTC(2025, 0, 1);
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('auth', () => {
  it('answers /healthz without a key', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', schemaVersion: 1 });
  });

  it('rejects a missing or unknown key with 401 and the error shape', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }]) {
      const r = await t.app.inject({ method: 'GET', url: '/v1/stats', headers });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('UNAUTHORIZED');
      expect(typeof r.json().error.message).toBe('string');
    }
  });

  it('lets the write key send events but nothing admin (403)', async () => {
    const ok = await t.app.inject({ method: 'POST', url: '/v1/events', headers: writer, payload: [{ type: 'view', userId: 'u', itemId: 'i', ts }] });
    expect(ok.statusCode).toBe(200);
    const items = await t.app.inject({ method: 'PUT', url: '/v1/items', headers: writer, payload: [{ id: 'i', title: 'x' }] });
    expect(items.statusCode).toBe(403);
    expect(items.json().error.code).toBe('FORBIDDEN');
    expect((await t.app.inject({ method: 'GET', url: '/v1/stats', headers: writer })).statusCode).toBe(403);
  });
});

describe('POST /v1/events', () => {
  it('stores a valid batch, accepts {events: [...]}, and ignores repeated ids', async () => {
    const batch = [
      { id: 'e-1', type: 'view', userId: 'u1', itemId: 'i1', ts },
      { id: 'e-2', type: 'purchase', userId: 'u1', itemId: 'i1', ts: '2025-01-01T00:05:00Z', revenue: 20, quantity: 1 },
    ];
    const first = await t.app.inject({ method: 'POST', url: '/v1/events', headers: admin, payload: { events: batch } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: [], ids: ['e-1', 'e-2'] });
    const again = await t.app.inject({ method: 'POST', url: '/v1/events', headers: admin, payload: batch });
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    const events = await t.store.userEvents('u1');
    expect(events.map((e) => e.id).sort()).toEqual(['e-1', 'e-2']);
  });

  it('reports bad events by index and field and stores the valid ones (207)', async () => {
    const r = await t.app.inject({
      method: 'POST', url: '/v1/events', headers: admin,
      payload: [{ id: 'ok-1', type: 'view', userId: 'u2', itemId: 'i1', ts }, { type: 'view', itemId: 'i1', ts }, { type: 'view', userId: 'u2', itemId: 'i1', ts: 'soon' }],
    });
    expect(r.statusCode).toBe(207);
    const body = r.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((x: { index: number }) => x.index)).toEqual([1, 2]);
    expect(body.rejected[0].errors[0].path).toBe('events[1].userId');
    expect(body.rejected[1].errors[0].path).toBe('events[2].ts');
    expect((await t.store.userEvents('u2')).map((e) => e.id)).toEqual(['ok-1']);
  });

  it('keeps recent rejections for the dashboard, newest first', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/v1/ingest/rejections', headers: admin });
    expect(r.json().totalSinceStart).toBeGreaterThanOrEqual(2);
    expect(r.json().recent[0]).toMatchObject({ source: 'POST /v1/events', index: 2, issues: [{ path: 'events[2].ts' }] });
    expect(r.json().recent[0].preview).toContain('soon');
  });

  it('answers 400 naming the field when every event is bad', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/events', headers: admin, payload: [{ type: 'view', itemId: 'i1', ts }] });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
    expect(r.json().error.message).toContain('events[0].userId');
    expect(r.json().error.details.rejected[0].index).toBe(0);
  });

  it('refuses a batch of 1,001 events naming the limit', async () => {
    const payload = Array.from({ length: 1001 }, (_, i) => ({ type: 'view', userId: 'u', itemId: `i${i}`, ts }));
    const r = await t.app.inject({ method: 'POST', url: '/v1/events', headers: admin, payload });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('BATCH_TOO_LARGE');
    expect(r.json().error.message).toContain('1000');
  });

  it('refuses a body over 1 MiB and malformed JSON with the error shape', async () => {
    const big = JSON.stringify([{ type: 'view', userId: 'u', itemId: 'i', ts, text: 'x'.repeat(1_100_000) }]);
    const r = await t.app.inject({ method: 'POST', url: '/v1/events', headers: { ...admin, 'content-type': 'application/json' }, payload: big });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('BODY_TOO_LARGE');
    expect(r.json().error.message).toBe('The request body exceeds the limit of 1,048,576 bytes'); // names the limit (maxBodyBytes)
    const bad = await t.app.inject({ method: 'POST', url: '/v1/events', headers: { ...admin, 'content-type': 'application/json' }, payload: '[{"type":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_JSON');
    const notArray = await t.app.inject({ method: 'POST', url: '/v1/events', headers: admin, payload: { type: 'view' } });
    expect(notArray.statusCode).toBe(400);
    expect(notArray.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers CORS preflight and sets CORS headers for write-key routes only', async () => {
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/v1/events', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('authorization');
    const post = await t.app.inject({ method: 'POST', url: '/v1/events', headers: { ...writer, origin: 'https://shop.example' }, payload: [{ type: 'view', userId: 'u', itemId: 'i', ts }] });
    expect(post.headers['access-control-allow-origin']).toBe('*');
    const adminRoute = await t.app.inject({ method: 'GET', url: '/v1/stats', headers: { ...admin, origin: 'https://shop.example' } });
    expect(adminRoute.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('catalogue, users and stats', () => {
  it('upserts items, reads one back, 404s a missing one', async () => {
    const put = await t.app.inject({ method: 'PUT', url: '/v1/items', headers: admin, payload: { items: [{ id: 'sku-1', title: 'Blue mug', category: 'Home > Kitchen', price: 12.5, tags: ['mug'] }] } });
    expect(put.json()).toEqual({ upserted: 1 });
    const get = await t.app.inject({ method: 'GET', url: '/v1/items/sku-1', headers: admin });
    expect(get.json()).toEqual({ id: 'sku-1', title: 'Blue mug', category: 'Home > Kitchen', price: 12.5, tags: ['mug'] });
    const missing = await t.app.inject({ method: 'GET', url: '/v1/items/nope', headers: admin });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('lists items with paging and text/category filters', async () => {
    await t.app.inject({ method: 'PUT', url: '/v1/items', headers: admin, payload: [{ id: 'sku-9', title: 'Red kettle', category: 'Home > Kitchen > Kettles' }] });
    const r = await t.app.inject({ method: 'GET', url: '/v1/items?q=kettle&limit=5', headers: admin });
    expect(r.json()).toEqual({ total: 1, items: [{ id: 'sku-9', title: 'Red kettle', category: 'Home > Kitchen > Kettles' }] });
    const bad = await t.app.inject({ method: 'GET', url: '/v1/items?limit=0', headers: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('limit');
  });

  it('rejects a catalogue batch with any bad item, listing every problem, and applies nothing', async () => {
    const r = await t.app.inject({ method: 'PUT', url: '/v1/items', headers: admin, payload: [{ id: 'sku-2', title: 'Fine' }, { id: 'sku-3', price: -1 }] });
    expect(r.statusCode).toBe(400);
    const paths = r.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['items[1].title', 'items[1].price']));
    expect((await t.app.inject({ method: 'GET', url: '/v1/items/sku-2', headers: admin })).statusCode).toBe(404);
  });

  it('upserts and deletes users with their events', async () => {
    await t.app.inject({ method: 'PUT', url: '/v1/users', headers: admin, payload: [{ id: 'gone', attrs: { country: 'FR' } }] });
    await t.app.inject({ method: 'POST', url: '/v1/events', headers: admin, payload: [{ type: 'view', userId: 'gone', itemId: 'i1', ts }] });
    const timeline = await t.app.inject({ method: 'GET', url: '/v1/users/gone/events?limit=5', headers: admin });
    expect(timeline.json()).toMatchObject({ userId: 'gone', events: [{ type: 'view', itemId: 'i1', ts }] });
    const del = await t.app.inject({ method: 'DELETE', url: '/v1/users/gone', headers: admin });
    expect(del.json()).toEqual({ userId: 'gone', deletedEvents: 1, deletedProfile: true });
    expect(await t.store.userEvents('gone')).toEqual([]);
  });

  it('reports stats that match the store', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/v1/stats', headers: admin });
    expect(r.json()).toEqual(await t.store.stats());
    expect(r.json().eventsByType.view).toBeGreaterThan(0);
  });
});

describe('documentation', () => {
  it('serves an OpenAPI document listing every route with its access', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/events'].post['x-access']).toBe('write');
    expect(doc.paths['/v1/items'].put['x-access']).toBe('admin');
    expect(doc.paths['/v1/items/{id}'].get.parameters[0].name).toBe('id');
    expect(doc.paths['/v1/events'].post.requestBody.content['application/json'].schema).toBeTruthy();
  });

  it('serves the docs page and the home page as HTML without a key', async () => {
    for (const url of ['/docs', '/']) {
      const r = await t.app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
    }
  });

  it('answers unknown routes with ROUTE_NOT_FOUND', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/v1/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});
