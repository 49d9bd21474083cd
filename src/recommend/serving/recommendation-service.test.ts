import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../core/time.ts';
import type { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { trainServedModel } from '../selection/train-model.ts';
import { RecommendationService } from './recommendation-service.ts';
import { ModelArtifacts, servedModelFromArtifact, servedModelToArtifact } from './served-model.ts';
import { openFixtureStore, T0 } from './test-fixtures.ts';

let store: DuckDbStore;
let service: RecommendationService;
const ids = (r: { items: { id: string }[] }) => r.items.map((x) => x.id);
const group = (r: { items: { id: string }[] }) => new Set(ids(r).map((id) => id[0]));

beforeAll(async () => {
  store = await openFixtureStore();
  await trainServedModel(store, { algo: 'itemknn', params: { neighbors: 20 } });
  service = await RecommendationService.open(store);
});
afterAll(async () => {
  await store.close();
});

describe('RecommendationService: personal recommendations', () => {
  it('recommends a known user items of their own group, unseen, with a "because you viewed" explanation', async () => {
    const r = await service.recommend({ userId: 'uA1', k: 4 });
    expect(r.strategy).toBe('personalized');
    expect(r.recId).toMatch(/^rec_/);
    expect(r.model?.algo).toBe('itemknn');
    expect(r.items.length).toBe(4);
    expect(group(r)).toEqual(new Set(['a']));
    const seen = new Set((await store.userEvents('uA1')).map((e) => e.itemId));
    for (const id of ids(r)) expect(seen.has(id)).toBe(false);
    const e = r.items[0]?.explanation;
    expect(e?.type).toBe('history');
    expect(e?.text).toMatch(/^because you (viewed|bought) "Kitchen thing \d"$/);
    expect(seen.has(e?.itemId)).toBe(true);
    const scores = r.items.map((x) => x.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('excludes purchases by default and viewed items unless asked, and explicit ids', async () => {
    // uA0 bought a0 and a1.
    const withViewed = await service.recommend({ userId: 'uA0', k: 20, excludeViewed: false });
    expect(ids(withViewed)).not.toContain('a0');
    expect(ids(withViewed)).not.toContain('a1');
    const viewed = (await store.userEvents('uA0')).filter((e) => e.type === 'view').map((e) => e.itemId as string);
    const notBought = viewed.filter((id) => id !== 'a0' && id !== 'a1');
    if (notBought.length > 0) expect(ids(withViewed)).toContain(notBought[0]);
    const withPurchases = await service.recommend({ userId: 'uA0', k: 20, excludeViewed: false, excludePurchased: false });
    expect(ids(withPurchases)).toContain('a0');
    const excluded = await service.recommend({ userId: 'uA0', k: 20, exclude: ['a2', 'a3'] });
    expect(ids(excluded)).not.toContain('a2');
    expect(ids(excluded)).not.toContain('a3');
  });

  it('applies filters: category prefix, price range, stock, attribute equals', async () => {
    const cat = await service.recommend({ userId: 'uA2', k: 10, filters: { category: 'Sports' } });
    expect(cat.items.length).toBeGreaterThan(0);
    for (const it of cat.items) expect(it.category).toBe('Sports > Running');
    expect(ids(cat)).not.toContain('b9'); // out of stock by default
    const withStock = await service.recommend({ userId: 'uA2', k: 20, filters: { category: 'Sports > Running', inStock: false } });
    expect(ids(withStock)).toContain('b9');
    const price = await service.recommend({ userId: 'uB3', k: 20, filters: { priceMin: 52, priceMax: 55 } });
    for (const it of price.items) expect(it.price).toBeGreaterThanOrEqual(52);
    for (const it of price.items) expect(it.price).toBeLessThanOrEqual(55);
    const red = await service.recommend({ userId: 'uB3', k: 20, filters: { attrs: { color: 'red' } } });
    expect(red.items.length).toBeGreaterThan(0);
    for (const id of ids(red)) expect(Number(id.slice(1)) % 2).toBe(0);
  });

  it('rejects a bad request naming the field', async () => {
    await expect(service.recommend({ userId: 'uA1', k: 0 })).rejects.toThrow(/request\.k/);
    await expect(service.recommend({ userId: 'uA1', filters: { priceMin: -1 } } as never)).rejects.toThrow(/filters\.priceMin/);
  });
});

describe('RecommendationService: rules and diversity', () => {
  it('boosts, buries and removes by rule (request rules)', async () => {
    const base = await service.recommend({ userId: 'uA4', k: 5, excludeViewed: false });
    expect(group(base)).toEqual(new Set(['a']));
    const boosted = await service.recommend({ userId: 'uA4', k: 5, excludeViewed: false, rules: [{ match: { category: 'Sports' }, factor: 100 }] });
    expect(boosted.items[0]?.category).toBe('Sports > Running');
    const top = ids(base)[0] as string;
    const buried = await service.recommend({ userId: 'uA4', k: 5, excludeViewed: false, rules: [{ match: { itemIds: [top] }, factor: 0.001 }] });
    expect(ids(buried)[0]).not.toBe(top);
    const removed = await service.recommend({ userId: 'uA4', k: 5, excludeViewed: false, rules: [{ match: { tag: 'sale' }, factor: 0 }] });
    for (const id of ids(removed)) expect(['a0', 'a1', 'a2']).not.toContain(id);
  });

  it('keeps server-wide rules in the store', async () => {
    await service.setRules([{ name: 'push running', match: { category: 'Sports > Running' }, factor: 50 }]);
    const again = await RecommendationService.open(store);
    expect(again.getRules()[0]?.name).toBe('push running');
    const r = await again.recommend({ userId: 'uA4', k: 3 });
    expect(r.items[0]?.category).toBe('Sports > Running');
    await service.setRules([]);
    await expect(service.setRules([{ match: {}, factor: -1 }])).rejects.toThrow(/rules\[0\]\.factor/);
  });

  it('applies segment-limited rules only to shoppers of those segments', async () => {
    const asked: string[] = [];
    const seg = await RecommendationService.open(store, {
      segmentOf: async (userId) => {
        asked.push(userId);
        return userId === 'uA4' ? 'champions' : 'no_purchase';
      },
    });
    const rule = { match: { category: 'Sports' }, factor: 100, segments: ['champions'] };
    const champion = await seg.recommend({ userId: 'uA4', k: 5, excludeViewed: false, rules: [rule] });
    expect(champion.items[0]?.category).toBe('Sports > Running');
    const other = await seg.recommend({ userId: 'uA5', k: 5, excludeViewed: false, rules: [rule] });
    expect(group(other)).toEqual(new Set(['a']));
    const anonymous = await seg.recommend({ k: 5, context: { recentItems: ['a1'] }, rules: [rule] });
    expect(anonymous.items.every((i) => i.category !== 'Sports > Running')).toBe(true);
    await seg.recommend({ userId: 'uA4', k: 5, rules: [rule] });
    expect(asked).toEqual(['uA4', 'uA5']); // remembered, and not asked without a segment rule or a user
    await expect(seg.recommend({ userId: 'uA4', rules: [{ ...rule, segments: [] }] })).rejects.toThrow(/rules\[0\]\.segments/);
  });

  it('diversifies with category caps and MMR', async () => {
    const capped = await service.recommend({ userId: 'uA5', k: 4, diversity: { method: 'category', maxPerCategory: 1 } , rules: [{ match: { category: 'Sports' }, factor: 0.5 }] });
    expect(new Set(capped.items.slice(0, 2).map((x) => x.category)).size).toBe(2);
    const mmr = await service.recommend({ userId: 'uA5', k: 6, diversity: { method: 'mmr', lambda: 0.3 } });
    const plain = await service.recommend({ userId: 'uA5', k: 6 });
    expect(mmr.items.length).toBe(6);
    expect(new Set(mmr.items.map((x) => x.category)).size).toBeGreaterThanOrEqual(new Set(plain.items.map((x) => x.category)).size);
  });
});

describe('RecommendationService: cold start and real time', () => {
  it('gives an unknown user trending items, per category when the context names one', async () => {
    const r = await service.recommend({ userId: 'stranger', k: 5 });
    expect(r.strategy).toBe('popular');
    expect(r.items.length).toBe(5);
    expect(r.items[0]?.explanation?.text).toMatch(/^popular in (Kitchen|Running)$/);
    const c = await service.recommend({ userId: 'stranger', k: 5, context: { category: 'Home > Kitchen' } });
    expect(c.strategy).toBe('popular_in_category');
    for (const it of c.items) expect(it.category).toBe('Home > Kitchen');
  });

  it("changes a user's next recommendations right after new events, without retraining", async () => {
    const before = await service.recommend({ userId: 'newcomer', k: 5 });
    expect(before.strategy).toBe('popular');
    await store.appendEvents([
      { id: 'rt-1', type: 'view', userId: 'newcomer', itemId: 'b2', ts: T0 + 61 * DAY_MS },
      { id: 'rt-2', type: 'view', userId: 'newcomer', itemId: 'b3', ts: T0 + 61 * DAY_MS + 1000 },
    ]);
    const after = await service.recommend({ userId: 'newcomer', k: 5 });
    expect(after.strategy).toBe('session');
    expect(group(after)).toEqual(new Set(['b']));
    expect(ids(after)).not.toContain('b2');
    expect(after.items[0]?.explanation?.text).toMatch(/^because you viewed "Running thing [23]"$/);

    // A known group-A user who starts browsing running items gets running items.
    const known = await service.recommend({ userId: 'uA7', k: 5 });
    expect(group(known)).toEqual(new Set(['a']));
    await store.appendEvents(['b4', 'b5', 'b6'].map((item, j) => ({ id: `rt-a7-${j}`, type: 'view', userId: 'uA7', itemId: item, ts: T0 + 62 * DAY_MS + j })));
    const shifted = await service.recommend({ userId: 'uA7', k: 5 });
    expect(ids(shifted).some((id) => id.startsWith('b'))).toBe(true);
  });

  it('sees new events through the in-memory feed (realtime tail) after a poll', async () => {
    const tailed = await RecommendationService.open(store, { realtime: 'tail' });
    const before = await tailed.recommend({ userId: 'uB8', k: 5 });
    expect(group(before)).toEqual(new Set(['b']));
    await store.appendEvents(['a6', 'a7', 'a8'].map((item, j) => ({ id: `tail-b8-${j}`, type: 'view', userId: 'uB8', itemId: item, ts: Date.now() + j })));
    expect(await tailed.pollRecent()).toBe(3);
    expect(await tailed.pollRecent()).toBe(0); // ids already read are not read twice
    const after = await tailed.recommend({ userId: 'uB8', k: 5 });
    expect(ids(after).some((id) => id.startsWith('a'))).toBe(true);
    for (const id of ['a6', 'a7', 'a8']) expect(ids(after)).not.toContain(id);
    // A stranger's first views count too.
    await store.appendEvents([{ id: 'tail-x-1', type: 'view', userId: 'tail-stranger', itemId: 'b5', ts: Date.now() }]);
    await tailed.pollRecent();
    const stranger = await tailed.recommend({ userId: 'tail-stranger', k: 3 });
    expect(stranger.strategy).toBe('session');
    expect(group(stranger)).toEqual(new Set(['b']));
  });

  it("uses an anonymous visitor's session events, from the store or from the feed", async () => {
    await store.appendEvents([{ id: 'anon-1', type: 'view', userId: 'anon-device-1', sessionId: 'sess-anon-1', itemId: 'b6', ts: Date.now() }]);
    const queried = await service.recommend({ k: 3, context: { sessionId: 'sess-anon-1' } });
    expect(queried.strategy).toBe('session');
    expect(group(queried)).toEqual(new Set(['b']));
    const tailed = await RecommendationService.open(store, { realtime: 'tail' });
    await store.appendEvents([{ id: 'anon-2', type: 'view', userId: 'anon-device-2', sessionId: 'sess-anon-2', itemId: 'a6', ts: Date.now() }]);
    await tailed.pollRecent();
    const fromFeed = await tailed.recommend({ k: 3, context: { sessionId: 'sess-anon-2' } });
    expect(fromFeed.strategy).toBe('session');
    expect(group(fromFeed)).toEqual(new Set(['a']));
  });

  it('uses recent items named by the request for an anonymous visitor', async () => {
    const r = await service.recommend({ k: 3, context: { recentItems: ['a4'] } });
    expect(r.strategy).toBe('session');
    expect(group(r)).toEqual(new Set(['a']));
    expect(ids(r)).not.toContain('a4');
  });
});

describe('RecommendationService: item lists', () => {
  it('lists similar items, bought-together items and trending per category', async () => {
    const sim = await service.similar('a3', { k: 4 });
    expect(sim.strategy).toBe('similar');
    expect(group(sim)).toEqual(new Set(['a']));
    expect(ids(sim)).not.toContain('a3');
    expect(sim.items[0]?.explanation?.text).toBe('similar to "Kitchen thing 3"');
    const bt = await service.boughtTogether('a0', { k: 3 });
    expect(bt.strategy).toBe('bought_together');
    expect(ids(bt)[0]).toBe('a1');
    expect(bt.items[0]?.explanation?.text).toBe('bought together with "Kitchen thing 0"');
    const tr = await service.trending({ k: 3, category: 'Sports' });
    for (const it of tr.items) expect(it.category).toBe('Sports > Running');
    await expect(service.similar('nope')).rejects.toThrow(/Item not found: nope/);
  });

  it('reaches an item nobody interacted with through content similarity', async () => {
    const sim = await service.similar('a-new', { k: 3 });
    expect(sim.items.length).toBe(3);
    for (const it of sim.items) expect(it.category).toBe('Home > Kitchen');
    expect(sim.items[0]?.explanation).toEqual({ type: 'content', text: 'similar to "Brand new kitchen thing"', itemId: 'a-new' });
    // …and the new item is reachable from its text neighbours too.
    const back = await service.similar('a3', { k: 30 });
    expect(ids(back)).toContain('a-new');
  });
});

describe('RecommendationService: models', () => {
  it('round-trips the served model through its artifact with identical scores', async () => {
    const saved = await store.loadArtifact(ModelArtifacts.served);
    expect(saved).toBeDefined();
    const m1 = servedModelFromArtifact(saved!);
    const m2 = servedModelFromArtifact(servedModelToArtifact(m1));
    const s1 = new Float64Array(m1.itemIds.length);
    const s2 = new Float64Array(m2.itemIds.length);
    m1.main.score(3, s1);
    m2.main.score(3, s2);
    expect(Array.from(s2)).toEqual(Array.from(s1));
    expect(m2.itemIds).toEqual(m1.itemIds);
  });

  it('hot-swaps a retrained model while requests are in flight', async () => {
    const before = service.modelInfo?.id;
    const inFlight = Array.from({ length: 20 }, (_, j) => service.recommend({ userId: `uB${j % 20}`, k: 3 }));
    const retrained = await trainServedModel(store, { algo: 'sar' }, { save: false });
    service.swap(retrained.model);
    const more = Array.from({ length: 20 }, (_, j) => service.recommend({ userId: `uB${j % 20}`, k: 3 }));
    const all = await Promise.all([...inFlight, ...more]);
    for (const r of all) {
      expect([before, retrained.model.info.id]).toContain(r.model?.id);
      expect(r.items.length).toBe(3);
    }
    expect(service.modelInfo?.algo).toBe('sar');
    expect(all.at(-1)?.model?.id).toBe(retrained.model.info.id);
  });

  it('reloads a model another process saved, and only then', async () => {
    const s = await RecommendationService.open(store);
    expect(await s.reloadIfChanged()).toBe(false);
    await new Promise((r) => setTimeout(r, 1100)); // artifact times have one-second resolution
    const other = await trainServedModel(store, { algo: 'pop' });
    expect(await s.reloadIfChanged()).toBe(true);
    expect(s.modelInfo?.id).toBe(other.model.info.id);
    expect(await s.reloadIfChanged()).toBe(false);
  });

  it('re-reads the catalogue only when it changed, and applies new stock at once', async () => {
    const s = await RecommendationService.open(store);
    expect(await s.refreshCatalogue()).toBe(false);
    const before = await s.trending({ k: 1, category: 'Home > Kitchen' });
    const top = before.items[0]?.id as string;
    const item = (await store.getItem(top))!;
    await store.upsertItems([{ ...item, inStock: false }]);
    expect(await s.refreshCatalogue()).toBe(true);
    const after = await s.trending({ k: 1, category: 'Home > Kitchen' });
    expect(after.items[0]?.id).not.toBe(top);
    await store.upsertItems([item]);
  });

  it('answers from a popularity fallback when no model was trained', async () => {
    const fresh = await openFixtureStore(5);
    try {
      const s = await RecommendationService.open(fresh);
      expect(s.modelInfo?.source).toBe('fallback');
      const r = await s.recommend({ userId: 'uA1', k: 3 });
      expect(r.strategy).toBe('popular');
      expect(r.items.length).toBe(3);
    } finally {
      await fresh.close();
    }
  });
});
