import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../core/schemas/index.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { computePaths } from './paths.ts';
import { computeUserProfile } from './profile.ts';
import { computeReviewInsight, sentimentOf } from './reviews.ts';

const T = Date.UTC(2025, 4, 10, 12);
const MIN = 60_000;
let seq = 0;
const ev = (userId: string, type: string, minutes: number, itemId: string | undefined, extra: Partial<StoredEvent> = {}): StoredEvent => ({
  id: `n${++seq}`, type, userId, ...(itemId ? { itemId } : {}), ts: T + minutes * MIN, ...extra,
});

describe('user profile, reviews and paths', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    await store.upsertItems([
      { id: 'i1', title: 'Runner', category: 'Shoes > Running', price: 10, attrs: { brand: 'Acme' } },
      { id: 'i2', title: 'Trail', category: 'Shoes > Running', price: 20, attrs: { brand: 'Acme' } },
      { id: 'i3', title: 'Cap', category: 'Hats', price: 100, attrs: { brand: 'Zed' } },
    ]);
    await store.upsertUsers([{ id: 'u', attrs: { country: 'DE' } }, { id: 'ghost', attrs: { country: 'FR' } }]);
    await store.appendEvents([
      ev('u', 'view', 0, 'i1', { sessionId: 's1' }), ev('u', 'view', 1, 'i2', { sessionId: 's1' }), ev('u', 'add_to_cart', 2, 'i2', { sessionId: 's1' }),
      ev('u', 'purchase', 3, 'i2', { sessionId: 's1', revenue: 20 }), ev('u', 'view', 4, 'i3', { sessionId: 's1' }),
      ev('v', 'purchase', -5000, 'i1', { revenue: 5 }), ev('w', 'purchase', -6000, 'i1', { revenue: 5 }),
      // paths: s2 = view B(i3), view A(i1), search; s3 = search, view A
      ev('p', 'view', 0, 'i3', { sessionId: 's2', props: { page: '/caps' } }), ev('p', 'view', 1, 'i1', { sessionId: 's2' }), ev('p', 'search', 2, undefined, { sessionId: 's2', query: 'caps' }),
      ev('q', 'search', 0, undefined, { sessionId: 's3', query: 'shoes' }), ev('q', 'view', 1, 'i1', { sessionId: 's3' }),
      // reviews
      ev('r1', 'review', 0, 'i1', { rating: 5, text: 'I love these shoes, excellent quality' }),
      ev('r2', 'review', 50 * 24 * 60, 'i1', { rating: 4, text: 'good' }),
      ev('r3', 'review', 0, 'i3', { rating: 1, text: 'terrible, awful fit' }),
    ]);
  });
  afterAll(async () => store.close());

  it('builds a user profile: segment, RFM, favourites, price band, recent items, LTV', async () => {
    const p = await computeUserProfile(store, 'u');
    expect(p).toMatchObject({
      userId: 'u', attrs: { country: 'DE' }, events: 5, orders: 1, lifetimeValue: 20,
      firstSeen: new Date(T).toISOString(), lastSeen: new Date(T + 4 * MIN).toISOString(),
      eventsByType: { view: 3, add_to_cart: 1, purchase: 1 },
      segment: 'potential_loyalists', segmentName: 'Potential loyalists',
      favouriteCategories: [{ category: 'Shoes > Running', score: 10 }, { category: 'Hats', score: 1 }],
      favouriteBrands: [{ brand: 'Acme', score: 10 }, { brand: 'Zed', score: 1 }],
      priceBand: { medianPrice: 20, band: 'mid' },
    });
    expect(p.rfm).toMatchObject({ r: 4, f: 1, m: 4, frequency: 1, monetary: 20 });
    expect(p.recentItems.map((r) => [r.itemId, r.lastType])).toEqual([['i3', 'view'], ['i2', 'purchase'], ['i1', 'view']]);
    expect(p.recentItems[0]?.title).toBe('Cap');
  });

  it('profiles a user with only attributes, and 404s an unknown one', async () => {
    const g = await computeUserProfile(store, 'ghost');
    expect(g).toMatchObject({ events: 0, segment: 'no_purchase', rfm: null, favouriteCategories: [] });
    await expect(computeUserProfile(store, 'nobody')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('scores sentiment with AFINN', () => {
    expect(sentimentOf('I love it, excellent').score).toBeGreaterThan(0);
    expect(sentimentOf('terrible, awful').score).toBeLessThan(0);
    expect(sentimentOf('the box').score).toBe(0);
  });

  it('summarises reviews per item and per category with distribution, sentiment and trend', async () => {
    const r = await computeReviewInsight(store);
    expect(r.overall).toMatchObject({ reviews: 3, avgRating: 3.3333, distribution: { '1': 1, '4': 1, '5': 1 } });
    expect(r.overall.sentiment).toMatchObject({ scored: 3, positive: 2, negative: 1, neutral: 0 });
    expect(r.groups[0]).toMatchObject({ key: 'i1', title: 'Runner', reviews: 2, avgRating: 4.5, distribution: { '4': 1, '5': 1 } });
    expect(r.groups[0]?.sentiment.positive).toBe(2);
    expect(r.groups[1]).toMatchObject({ key: 'i3', avgRating: 1 });
    expect(r.groups[1]?.sentiment.negative).toBe(1);
    expect(r.trend.map((t) => [t.start, t.reviews])).toEqual([['2025-05-01', 2], ['2025-06-01', 1]]);
    const byCat = await computeReviewInsight(store, { by: 'category', category: 'Shoes' });
    expect(byCat.groups.map((g) => [g.key, g.reviews])).toEqual([['Shoes > Running', 2]]);
  });

  it('gives Sankey-ready next and previous paths around an anchor', async () => {
    const next = await computePaths(store, { anchor: { type: 'view' }, depth: 2, sinceMs: T - MIN, untilMs: T + 10 * MIN });
    // Anchors: the first view of s1, s2, s3 (u's s1 and p's s2 and q's s3).
    expect(next.sessions).toBe(3);
    expect(next.nodes.filter((n) => n.step === 1).map((n) => [n.label, n.count])).toEqual([['view', 2]]);
    expect(next.links).toContainEqual({ source: '0:view', target: '1:view', value: 2 });
    expect(next.links).toContainEqual({ source: '1:view', target: '2:search', value: 1 });
    expect(next.ended).toEqual([1, 0]);
    const prev = await computePaths(store, { anchor: { type: 'view' }, direction: 'previous', depth: 1, sinceMs: T - MIN, untilMs: T + 10 * MIN });
    expect(prev.links).toEqual([{ source: '0:view', target: '-1:search', value: 1 }]);
    const cats = await computePaths(store, { anchor: { type: 'view', category: 'Hats' }, depth: 1, by: 'category', sinceMs: T - MIN, untilMs: T + 10 * MIN });
    expect(cats.links).toEqual([{ source: '0:Hats', target: '1:Shoes > Running', value: 1 }]);
    const pages = await computePaths(store, { anchor: { type: 'view', category: 'Hats' }, depth: 1, by: 'page', sinceMs: T - MIN, untilMs: T + 10 * MIN });
    expect(pages.links).toEqual([{ source: '0:/caps', target: '1:(view)', value: 1 }]);
    await expect(computePaths(store, { anchor: { type: 'view' }, depth: 9 })).rejects.toMatchObject({ message: expect.stringContaining('`depth`') });
  });
});
