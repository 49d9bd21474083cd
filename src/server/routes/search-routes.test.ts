import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createTestApp, writer, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
const get = (url: string, headers: Record<string, string> = writer) => t.app.inject({ method: 'GET', url, headers });

beforeAll(async () => {
  t = await createTestApp();
  await t.store.upsertItems([
    { id: 'd1', title: 'DEWALT 20-Volt Cordless Drill', category: 'Tools > Drills', price: 99, attrs: { brand: 'DEWALT', color: 'Yellow' } },
    { id: 'd2', title: 'Makita 18-Volt Cordless Drill', category: 'Tools > Drills', price: 129, attrs: { brand: 'Makita', color: 'Blue' } },
    { id: 's1', title: 'Bamboo Rollup Shade 96 in. W', category: 'Home > Shades', price: 45, attrs: { brand: 'Hampton Bay', color: 'Natural' } },
    { id: 'c1', title: '不锈钢水槽', category: 'Kitchen > Sinks', price: 80 },
  ]);
});
afterAll(async () => t.close());

describe('search routes', () => {
  it('searches with the write key: typos, units, price constraints, facets, searchId', async () => {
    const r = await get('/v1/search?q=' + encodeURIComponent('cordles dril under 100'));
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.searchId).toMatch(/^s_/);
    expect(body.hits.map((h: { id: string }) => h.id)).toEqual(['d1']);
    expect(body.didYouMean).toBe('cordless drill');
    expect(body.filters).toEqual([{ field: 'price', max: 100 }]);
    expect(body.facets.brand).toEqual([{ value: 'DEWALT', count: 1 }]);
    expect((await get('/v1/search?q=' + encodeURIComponent('bamboo shade 96"'))).json().hits[0].id).toBe('s1');
    expect((await get('/v1/search?q=' + encodeURIComponent('水槽'))).json().hits[0].id).toBe('c1');
    expect((await get('/v1/search?q=drill', {})).statusCode).toBe(401);
  });

  it('applies filters, sort and pages from the query string', async () => {
    const r = await get('/v1/search?q=drill&filters=' + encodeURIComponent('brand:Makita|DEWALT;price:0..200') + '&sort=price_desc&page=1&pageSize=1');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ total: 2, page: 1, pageSize: 1, hits: [{ id: 'd2' }] });
  });

  it('answers bad input with clear 400s', async () => {
    const empty = await get('/v1/search?q=');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/`q`: must not be empty/);
    const long = await get('/v1/search?q=' + 'a'.repeat(10_000));
    expect(long.statusCode).toBe(400);
    expect(JSON.stringify(long.json())).toMatch(/512/);
    const unknown = await get('/v1/search?q=drill&filters=flavour:mint');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/unknown filter field "flavour"/);
    expect((await get('/v1/search?q=drill&sort=cheapest')).statusCode).toBe(400);
    expect((await get('/v1/search?q=drill&pageSize=1000')).statusCode).toBe(400);
    expect((await get('/v1/autocomplete?q=')).statusCode).toBe(400);
  });

  it('lets an admin manage synonym rules that searches use at once and that survive a restart', async () => {
    const put = (payload: unknown, headers: Record<string, string> = admin) => t.app.inject({ method: 'PUT', url: '/v1/search/synonyms', headers, payload: payload as object });
    expect((await get('/v1/search?q=driver')).json().recovery).toBe('trending'); // no match: the fallback answers
    expect((await put({ rules: ['driver => drill'] }, writer)).statusCode).toBe(403);
    expect((await put({ rules: ['driver => drill'] }, {})).statusCode).toBe(401);
    const bad = await put({ rules: ['blind, shade', 'driver'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues).toEqual([{ path: 'rules.1', message: expect.stringMatching(/"driver" needs two or more different words/) }]);
    const notList = await put({ rules: 'driver => drill' });
    expect(notList.statusCode).toBe(400);
    expect(notList.json().error.message).toMatch(/`rules`: .*expected array/);
    const ok = await put({ rules: ['driver => drill', 'blind, shade'] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ rules: 2, words: 3 });
    const r = (await get('/v1/search?q=driver')).json();
    expect(r.recovery).toBeUndefined();
    expect(r.hits.map((h: { id: string }) => h.id).sort()).toEqual(['d1', 'd2']);
    expect(r.understood).toContain('driver also matches drill (synonym rule)');
    expect((await get('/v1/search/synonyms', admin)).json()).toMatchObject({ rules: ['driver => drill', 'blind, shade'] });
    expect((await get('/v1/search/synonyms')).statusCode).toBe(403);
    // A fresh service (a restart, or another replica) reads the saved rules from the store.
    const { SearchService } = await import('../../search/search-service.ts');
    const restarted = new SearchService(t.store, { syncIntervalMs: -1 });
    expect((await restarted.search({ q: 'blind' })).hits.map((h) => h.id)).toEqual(['s1']);
    expect((await put({ rules: [] })).json()).toEqual({ rules: 0, words: 0 });
    expect((await get('/v1/search?q=driver')).json().recovery).toBe('trending');
  });

  it('reports top queries, click-through and queries that found nothing (admin only)', async () => {
    const { searchServiceOf } = await import('./search-routes.ts');
    const a = (await get('/v1/search?q=cordless%20drill&userId=shopper1')).json();
    await get('/v1/search?q=cordless%20drill&userId=shopper2');
    await get('/v1/search?q=zzqxwv&userId=shopper1'); // nothing matches: trending items answer it
    await t.app.inject({ method: 'POST', url: '/v1/events', headers: writer, payload: { events: [{ type: 'click', userId: 'shopper1', itemId: 'd1', recId: a.searchId, ts: Date.now() }] } });
    await searchServiceOf(t.ctx).flush();
    const r = await get('/v1/search/queries?days=7&limit=5', admin);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.top.find((q: { query: string }) => q.query === 'cordless drill')).toMatchObject({ searches: 2, users: 2, clicked: 1, clickThrough: 0.5, noMatch: 0 });
    expect(body.noMatch.find((q: { query: string }) => q.query === 'zzqxwv')).toMatchObject({ searches: 1, noMatch: 1 });
    expect(body).toMatchObject({ days: 7, truncated: false });
    expect((await get('/v1/search/queries')).statusCode).toBe(403);
    expect((await get('/v1/search/queries?days=0', admin)).statusCode).toBe(400);
  });

  it('autocompletes words and items', async () => {
    const r = await get('/v1/autocomplete?q=cordl');
    expect(r.statusCode).toBe(200);
    expect(r.json().words).toContain('cordless');
    expect(r.json().items.map((i: { id: string }) => i.id).sort()).toEqual(['d1', 'd2']);
  });

  it('sees catalogue changes without a restart', async () => {
    await t.store.upsertItems([{ id: 'h1', title: 'Oscillating Sprinkler', category: 'Garden', price: 30 }]);
    await new Promise((r) => setTimeout(r, 1100)); // the sync interval
    expect((await get('/v1/search?q=sprinkler')).json().hits.map((h: { id: string }) => h.id)).toEqual(['h1']);
    await t.store.deleteItem('h1');
    await new Promise((r) => setTimeout(r, 1100));
    const gone = (await get('/v1/search?q=sprinkler')).json();
    expect(gone.hits.map((h: { id: string }) => h.id)).not.toContain('h1');
    expect(gone.recovery, JSON.stringify(gone)).toBe('trending');
  });

  it('records searches with a userId and learns from clicks carrying recId', async () => {
    const first = (await get('/v1/search?q=cordless+drill&userId=u1')).json();
    const order = first.hits.map((h: { id: string }) => h.id);
    const lower = order[order.length - 1];
    const events = [];
    for (let i = 0; i < 5; i++) {
      const s = (await get('/v1/search?q=cordless+drill&userId=u' + (i + 2))).json();
      events.push({ type: 'click', userId: 'u' + (i + 2), itemId: lower, ts: Date.now(), recId: s.searchId });
    }
    const posted = await t.app.inject({ method: 'POST', url: '/v1/events', headers: writer, payload: events });
    expect(posted.statusCode).toBe(200);
    const rebuilt = await t.app.inject({ method: 'POST', url: '/v1/search/rebuild', headers: admin });
    expect(rebuilt.json().indexed).toBe(4);
    const after = (await get('/v1/search?q=cordless+drill')).json();
    expect(after.hits[0].id).toBe(lower);
  });

  it('serves the search playground page', async () => {
    const r = await get('/search/playground', {});
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toContain('/v1/search?');
    expect(r.body).toContain('/v1/autocomplete?q=');
  });
  it('personalises with the recommendation engine when a userId is given', async () => {
    await t.store.upsertItems([
      { id: 'k1', title: 'Blue enamel kettle', category: 'Kitchen > Kettles', price: 30 },
      { id: 'k2', title: 'Blue enamel kettle', category: 'Kitchen > Kettles', price: 30 },
    ]);
    const order = async (url: string) => (await get(url)).json().hits.map((h: { id: string }) => h.id);
    let plain: string[] = [];
    for (let tries = 0; tries < 40 && !(plain.includes('k1') && plain.includes('k2')); tries++) {
      await new Promise((r) => setTimeout(r, 100)); // the service re-reads the catalogue at most once a second
      plain = await order('/v1/search?q=kettle');
    }
    expect([...plain].sort()).toEqual(['k1', 'k2']);
    const favourite = plain[1] === 'k1' ? 'k1' : 'k2';
    const calls: unknown[] = [];
    t.ctx.recommendations = {
      async recommend(req: unknown) {
        calls.push(req);
        return { recId: 'r', strategy: 'personalized', model: null, items: [{ id: favourite, score: 2 }, { id: 'd1', score: 1 }] };
      },
    } as unknown as NonNullable<typeof t.ctx.recommendations>;
    try {
      expect((await order('/v1/search?q=kettle&userId=fan'))[0]).toBe(favourite);
      expect(calls).toEqual([{ userId: 'fan', k: 100 }]); // the recommendation API's largest k
      expect((await order('/v1/search?q=kettle'))[0]).toBe(plain[0]);
    } finally {
      delete t.ctx.recommendations;
    }
    // A failing recommendation engine never fails the search: it answers without the personal term.
    t.ctx.recommendations = {
      async recommend() {
        throw new Error('model store unreachable');
      },
    } as unknown as NonNullable<typeof t.ctx.recommendations>;
    try {
      const r = await get('/v1/search?q=kettle&userId=another-fan'); // not "fan": their lookup is still cached
      expect(r.statusCode).toBe(200);
      expect(r.json().hits.map((h: { id: string }) => h.id).sort()).toEqual(['k1', 'k2']);
    } finally {
      delete t.ctx.recommendations;
    }
  });

});
