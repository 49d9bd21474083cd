import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createTestApp, writer, type TestApp } from '../test-support/test-app.ts';

const T = Date.UTC(2025, 2, 3, 12);
const MIN = 60_000;
let t: TestApp;
const get = (url: string, headers: Record<string, string> = admin) => t.app.inject({ method: 'GET', url, headers });

beforeAll(async () => {
  t = await createTestApp();
  await t.store.upsertItems([{ id: 'x', title: 'Runner', category: 'Shoes > Running', price: 50, attrs: { brand: 'Acme' } }, { id: 'h', title: 'Cap', category: 'Hats', price: 10 }]);
  let n = 0;
  const e = (userId: string, type: string, minutes: number, itemId = 'x', extra: Record<string, unknown> = {}) => ({ id: `a${++n}`, type, userId, itemId, ts: T + minutes * MIN, ...extra });
  await t.store.appendEvents([
    e('u1', 'view', 0), e('u1', 'add_to_cart', 5), e('u1', 'purchase', 10, 'x', { revenue: 50 }),
    e('u2', 'view', 0), e('u2', 'add_to_cart', 5),
    e('u3', 'view', 0, 'h'), e('u3', 'review', 20, 'h', { rating: 2, text: 'bad and boring' }),
    e('u1', 'view', 60 * 24 * 8), e('u2', 'view', 60 * 24 * 9),
  ]);
});
afterAll(async () => t.close());

describe('analytics routes', () => {
  it('computes a funnel with the admin key and refuses the write key', async () => {
    const r = await get('/v1/analytics/funnel?steps=view,add_to_cart,purchase&window=24h');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ steps: ['view', 'add_to_cart', 'purchase'], users: [3, 2, 1], windowMs: 86_400_000, sameItem: false });
    expect((await get('/v1/analytics/funnel?steps=view,purchase', {})).statusCode).toBe(401);
    expect((await get('/v1/analytics/funnel?steps=view,purchase', writer)).statusCode).toBe(403);
  });

  it('accepts step filters, same-item, exclusions and breakdowns in the query string', async () => {
    const f = await get(`/v1/analytics/funnel?steps=${encodeURIComponent('view[category=Shoes],add_to_cart')}&sameItem=true&exclude=${encodeURIComponent('purchase@1-2')}`);
    expect(f.json().users).toEqual([2, 2]);
    const b = await get('/v1/analytics/funnel?steps=view,add_to_cart&breakdown=category');
    expect(b.json().breakdown.groups.map((g: { value: string }) => g.value)).toEqual(['Shoes > Running', 'Hats']);
    const post = await t.app.inject({ method: 'POST', url: '/v1/analytics/funnel', headers: admin, payload: { steps: [{ type: 'view', attrs: { brand: 'Acme' } }, 'purchase'], window: '1h' } });
    expect(post.statusCode).toBe(200);
    expect(post.json().users).toEqual([2, 1]);
  });

  it('answers bad parameters with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/v1/analytics/funnel?steps=view,purchse', 'steps[1]'],
      ['/v1/analytics/funnel?steps=view,purchase&window=0h', 'window'],
      ['/v1/analytics/funnel?steps=view,purchase&window=-5m', 'window'],
      ['/v1/analytics/funnel?steps=', 'steps'],
      ['/v1/analytics/funnel?steps=view', 'steps'],
      ['/v1/analytics/funnel', 'steps'],
      ['/v1/analytics/funnel?steps=view,purchase&since=yesterday', 'since'],
      ['/v1/analytics/funnel?steps=view,purchase&breakdown=weather', 'breakdown'],
      ['/v1/analytics/retention?periods=0', 'periods'],
      ['/v1/analytics/retention?period=year', 'period'],
      ['/v1/analytics/retention?returnType=nope', 'returnType'],
      ['/v1/analytics/kpis?interval=hour', 'interval'],
      ['/v1/analytics/paths?anchor=view&depth=99', 'depth'],
    ];
    for (const [url, field] of cases) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.message, url).toContain(field);
    }
    const post = await t.app.inject({ method: 'POST', url: '/v1/analytics/funnel', headers: admin, payload: { steps: ['view', { type: 'purchase', colour: 'red' }] } });
    expect(post.statusCode).toBe(400);
    expect(post.json().error.message).toContain('steps[1]');
  });

  it('keeps filter values out of the SQL text', async () => {
    for (const evil of ["x' OR '1'='1", "Hats'); DELETE FROM events; --", '%']) {
      const r = await get(`/v1/analytics/funnel?steps=${encodeURIComponent(`view[category=${evil}]`)},purchase&segment=`);
      expect(r.statusCode).toBe(200);
      expect(r.json().users).toEqual([0, 0]);
      const p = await get(`/v1/analytics/funnel?steps=view,purchase&breakdown=prop&breakdownKey=${encodeURIComponent(evil)}`);
      expect(p.statusCode).toBe(400);
    }
    expect((await t.store.stats()).events).toBe(9);
  });

  it('lists drop-offs with their next paths', async () => {
    const r = await get('/v1/analytics/funnel/dropoffs?steps=view,add_to_cart,purchase&afterStep=2');
    expect(r.json()).toMatchObject({ afterStep: 2, total: 1, users: [{ userId: 'u2' }], paths: [{ path: ['view', '(end)'], users: 1 }] });
  });

  it('serves retention, KPIs, sessions, paths, segments, clusters, reviews and profiles', async () => {
    const ret = await get('/v1/analytics/retention?period=week&periods=2');
    expect(ret.statusCode).toBe(200);
    expect(ret.json().cohorts['2025-03-03']).toMatchObject({ size: 3, retention: [1, 0.666667, 0] });
    const k = await get('/v1/analytics/kpis?since=2025-03-03&until=2025-03-04');
    expect(k.json().current).toMatchObject({ users: 3, revenue: 50, orders: 1 });
    expect((await get('/v1/analytics/sessions')).json()).toMatchObject({ users: 3 });
    expect((await get('/v1/analytics/paths?anchor=view&depth=1')).json().nodes[0]).toMatchObject({ id: '0:view' });
    expect((await get('/v1/analytics/segments')).json()).toMatchObject({ buyers: 1, nonBuyers: 2 });
    expect((await get('/v1/analytics/segments/users?segment=champions')).json().users).toHaveLength(0);
    expect((await get('/v1/analytics/segments/users?segment=bogus')).statusCode).toBe(400);
    expect((await get('/v1/analytics/clusters?kMin=2&kMax=2')).json()).toMatchObject({ users: 3, k: 2 });
    expect((await get('/v1/analytics/reviews?by=category')).json().groups[0]).toMatchObject({ key: 'Hats', reviews: 1, avgRating: 2 });
    const p = await get('/v1/users/u1/profile');
    expect(p.json()).toMatchObject({ userId: 'u1', lifetimeValue: 50, favouriteBrands: [{ brand: 'Acme' }] });
    const missing = await get('/v1/users/nobody/profile');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });
});
