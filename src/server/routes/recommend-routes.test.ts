import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { trainServedModel } from '../../recommend/selection/train-model.ts';
import { startRecommendations, type Recommendations } from '../../recommend/serving/start-serving.ts';
import { openFixtureStore } from '../../recommend/serving/test-fixtures.ts';
import type { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { buildApp } from '../app.ts';

const admin = { authorization: `Bearer ${'a'.repeat(20)}` };
const writer = { authorization: `Bearer ${'w'.repeat(20)}` };
let app: FastifyInstance;
let store: DuckDbStore;
let recs: Recommendations;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cw-recs-'));
  const config = loadConfig({ env: {}, flags: { dataDir, adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20) }, persistKeys: false });
  store = await openFixtureStore();
  await trainServedModel(store, { algo: 'itemknn' });
  recs = await startRecommendations(store, { trainOnStart: false, refreshMs: 0, logImpressions: true });
  app = await buildApp({ config, store, log: createLogger('silent'), recommendations: recs.service, training: recs.training }, { logRequests: false });
});
afterAll(async () => {
  await app.close();
  await recs.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('recommendation routes', () => {
  it('serves GET /v1/recommendations to the write key, with a recId and explanations', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/recommendations?userId=uA1&k=3', headers: writer });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.recId).toMatch(/^rec_/);
    expect(body.strategy).toBe('personalized');
    expect(body.items).toHaveLength(3);
    for (const it of body.items) expect(it.id).toMatch(/^a/);
    expect(body.items[0].explanation.text).toMatch(/^because you/);
    expect((await app.inject({ method: 'GET', url: '/v1/recommendations?userId=uA1' })).statusCode).toBe(401);
  });

  it("changes a shopper's next recommendations within a poll of sending events, without retraining", async () => {
    const before = await app.inject({ method: 'GET', url: '/v1/recommendations?userId=fresh-shopper&k=4', headers: writer });
    expect(before.json().strategy).toBe('popular');
    const sent = await app.inject({ method: 'POST', url: '/v1/events', headers: writer, payload: [{ type: 'view', userId: 'fresh-shopper', itemId: 'b3', ts: Date.now() }] });
    expect(sent.statusCode).toBe(200);
    await recs.service.pollRecent(); // what the server's 1-second poller does
    const after = (await app.inject({ method: 'GET', url: '/v1/recommendations?userId=fresh-shopper&k=4', headers: writer })).json();
    expect(after.strategy).toBe('session');
    for (const it of after.items) expect(it.id).toMatch(/^b/);
    expect(after.items[0].explanation.text).toBe('because you viewed "Running thing 3"');
  });

  it('stores each served list as an impression event carrying its recId', async () => {
    const r = (await app.inject({ method: 'GET', url: '/v1/recommendations?userId=uA3&k=3', headers: writer })).json();
    await recs.close(); // flushes the buffered impressions (the test server does not need its timers)
    const events = await store.userEvents('uA3', 5);
    const imp = events.find((e) => e.type === 'impression' && e.recId === r.recId);
    expect(imp?.id).toBe(r.recId);
    expect(imp?.props).toMatchObject({ surface: 'recommendations', strategy: 'personalized', items: r.items.map((x: { id: string }) => x.id).join(','), count: 3 });
    // A click attributed to that list is an ordinary event with the recId.
    const click = await app.inject({ method: 'POST', url: '/v1/events', headers: writer, payload: [{ type: 'click', userId: 'uA3', itemId: r.items[0].id, recId: r.recId, ts: Date.now() }] });
    expect(click.statusCode).toBe(200);
    // Impressions name no item: the next recommendations are unaffected by them.
    const again = (await app.inject({ method: 'GET', url: '/v1/recommendations?userId=uA3&k=3&excludeViewed=false', headers: writer })).json();
    expect(again.items.length).toBe(3);
  });

  it('reads filters and context from the query string', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/recommendations?userId=nobody&k=4&category=Sports&priceMax=53&exclude=b0', headers: writer });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.strategy).toBe('popular_in_category');
    expect(body.items.length).toBeGreaterThan(0);
    for (const it of body.items) {
      expect(it.category).toBe('Sports > Running');
      expect(it.price).toBeLessThanOrEqual(53);
      expect(it.id).not.toBe('b0');
    }
    const bad = await app.inject({ method: 'GET', url: '/v1/recommendations?userId=u&k=1000', headers: writer });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('k');
  });

  it('takes a context body on POST and names the bad field', async () => {
    const r = await app.inject({
      method: 'POST', url: '/v1/recommendations', headers: writer,
      payload: { k: 3, context: { recentItems: ['b2'] }, filters: { attrs: { color: 'red' } }, diversity: { method: 'mmr', lambda: 0.5 } },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().strategy).toBe('session');
    for (const it of r.json().items) expect(Number(it.id.slice(1)) % 2).toBe(0);
    const bad = await app.inject({ method: 'POST', url: '/v1/recommendations', headers: writer, payload: { k: 3, diversity: { method: 'random' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('request.diversity.method');
  });

  it('serves similar, bought-together and trending lists', async () => {
    const sim = await app.inject({ method: 'GET', url: '/v1/items/a2/similar?k=3', headers: writer });
    expect(sim.statusCode).toBe(200);
    expect(sim.json().items.every((x: { id: string }) => x.id.startsWith('a') && x.id !== 'a2')).toBe(true);
    const bt = await app.inject({ method: 'GET', url: '/v1/items/b0/bought-together?k=2', headers: writer });
    expect(bt.json().items[0].id).toBe('b1');
    const tr = await app.inject({ method: 'GET', url: '/v1/trending?category=Home&k=2', headers: writer });
    expect(tr.json().items).toHaveLength(2);
    expect(tr.json().items[0].explanation.text).toBe('popular in Home');
    const missing = await app.inject({ method: 'GET', url: '/v1/items/zzz/similar', headers: writer });
    expect(missing.statusCode).toBe(404);
  });

  it('keeps the model routes for the admin key (403 for the write key)', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/models', headers: writer })).statusCode).toBe(403);
    const train = await app.inject({ method: 'POST', url: '/v1/models/train', headers: writer, payload: { algo: 'pop' } });
    expect(train.statusCode).toBe(403);
    expect(train.json().error.code).toBe('FORBIDDEN');
    const models = await app.inject({ method: 'GET', url: '/v1/models', headers: admin });
    expect(models.statusCode).toBe(200);
    expect(models.json().served.algo).toBe('itemknn');
    expect(models.json().algorithms.map((a: { name: string }) => a.name)).toContain('ease');
    const rules = await app.inject({ method: 'PUT', url: '/v1/recommendations/rules', headers: admin, payload: { rules: [{ match: { tag: 'sale' }, factor: 2 }] } });
    expect(rules.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/recommendations/rules', headers: admin })).json().rules).toHaveLength(1);
    await app.inject({ method: 'PUT', url: '/v1/recommendations/rules', headers: admin, payload: { rules: [] } });
  });

  it('trains in the background, reports progress and hot-swaps the served model', async () => {
    const before = (await app.inject({ method: 'GET', url: '/v1/models', headers: admin })).json().served.id;
    const bad = await app.inject({ method: 'POST', url: '/v1/models/train', headers: admin, payload: { algo: 'nope' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('UNKNOWN_ALGORITHM');
    const started = await app.inject({ method: 'POST', url: '/v1/models/train', headers: admin, payload: { algo: 'auto', budget: '1m', algorithms: ['pop', 'sar'] } });
    expect(started.statusCode).toBe(202);
    const job = started.json();
    expect(job.status).toBe('running');
    expect(job.request.budgetMs).toBe(60_000);
    const busy = await app.inject({ method: 'POST', url: '/v1/models/train', headers: admin, payload: { algo: 'pop' } });
    expect(busy.statusCode).toBe(409);
    // Requests keep being answered while the job runs.
    expect((await app.inject({ method: 'GET', url: '/v1/recommendations?userId=uA1&k=2', headers: writer })).statusCode).toBe(200);
    await recs.training.wait(job.id);
    const done = (await app.inject({ method: 'GET', url: `/v1/models/jobs/${job.id}`, headers: admin })).json();
    expect(done.error ?? null).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.candidates.length).toBeGreaterThan(1);
    // SAR beats popularity; selection may then blend it with popularity (a hybrid led by SAR)
    expect(['sar', 'hybrid']).toContain(done.model.algo);
    const after = (await app.inject({ method: 'GET', url: '/v1/models', headers: admin })).json();
    expect(after.served.id).not.toBe(before);
    expect(after.served.id).toBe(done.model.id);
    const winner = after.leaderboard.winner;
    expect(winner.algo).toBe(done.model.algo);
    expect(winner.algo === 'sar' || String(winner.params.algos).startsWith('sar,')).toBe(true);
    const r = await app.inject({ method: 'GET', url: '/v1/recommendations?userId=uA1&k=2', headers: writer });
    expect(r.json().model.id).toBe(done.model.id);
    expect((await app.inject({ method: 'GET', url: '/v1/models/jobs/job_nope', headers: admin })).statusCode).toBe(404);
  });

  it('cancels a running job: nothing is saved and the served model stays', async () => {
    const served = recs.service.modelInfo?.id;
    const job = (await app.inject({ method: 'POST', url: '/v1/models/train', headers: admin, payload: { algo: 'auto', budget: '1m' } })).json();
    const cancelled = await app.inject({ method: 'DELETE', url: `/v1/models/jobs/${job.id}`, headers: admin });
    expect(cancelled.statusCode).toBe(200);
    const done = await recs.training.wait(job.id);
    expect(done.status).toBe('cancelled');
    expect(done.error?.code).toBe('ABORTED');
    expect(recs.service.modelInfo?.id).toBe(served);
    const saved = await store.loadArtifact('recommend/model');
    expect((saved?.manifest.info as { id: string }).id).toBe(served);
  });
});
