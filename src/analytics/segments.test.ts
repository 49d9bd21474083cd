import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/random.ts';
import type { StoredEvent } from '../core/schemas/index.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { computeClusters, describe as describeCentroid } from './clusters.ts';
import { computeFunnel } from './funnel.ts';
import { kMeans, kMeansBySilhouette, silhouette } from './kmeans.ts';
import { rfmSummary, rfmUsers } from './rfm.ts';

const DAY = 86_400_000;
const D0 = Date.UTC(2025, 0, 1);
let seq = 0;

/** Buyer with `orders` orders of 100 each, the last on `lastDay`. */
function buyer(userId: string, lastDay: number, orders: number): StoredEvent[] {
  return Array.from({ length: orders }, (_, j) => ({ id: `s${++seq}`, type: 'purchase', userId, itemId: 'i', ts: D0 + lastDay * DAY - j * 3 * 3_600_000, revenue: 100 }));
}

describe('RFM scores and named segments', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    await store.appendEvents([
      ...buyer('A', 100, 5), ...buyer('B', 90, 4), ...buyer('C', 50, 3), ...buyer('D', 10, 2), ...buyer('E', 1, 1),
      { id: 'v1', type: 'view', userId: 'F', itemId: 'i', ts: D0 + 100 * DAY },
      { id: 'v2', type: 'view', userId: 'A', itemId: 'i', ts: D0 + 100 * DAY - 1000 },
      { id: 'v3', type: 'add_to_cart', userId: 'A', itemId: 'i', ts: D0 + 100 * DAY - 500 },
    ]);
  });
  afterAll(async () => store.close());

  it('scores quintiles by rank and maps R × FM to segments', async () => {
    const users = await rfmUsers(store);
    expect(users.map((u) => [u.userId, u.r, u.f, u.m, u.segment])).toEqual([
      ['A', 5, 5, 5, 'champions'],
      ['B', 4, 4, 4, 'loyal'],
      ['C', 3, 3, 3, 'need_attention'],
      ['D', 2, 2, 2, 'hibernating'],
      ['E', 1, 1, 1, 'lost'],
    ]);
    expect(users[1]).toMatchObject({ recencyDays: 10, frequency: 4, monetary: 400 });
    expect((await rfmUsers(store, { segment: 'lost' })).map((u) => u.userId)).toEqual(['E']);
  });

  it('summarises segment sizes and revenue shares', async () => {
    const s = await rfmSummary(store);
    expect(s).toMatchObject({ buyers: 5, nonBuyers: 1, revenue: 1500, asOf: D0 + 100 * DAY });
    expect(s.segments[0]).toMatchObject({ segment: 'champions', name: 'Champions', users: 1, revenue: 500, revenueShare: 1 / 3 });
    expect(s.scoreCounts.r).toEqual([1, 1, 1, 1, 1]);
  });

  it('serves segments as funnel filters', async () => {
    const steps = [{ type: 'view' }, { type: 'add_to_cart' }];
    expect((await computeFunnel(store, { steps, windowMs: DAY })).users).toEqual([2, 1]);
    expect((await computeFunnel(store, { steps, windowMs: DAY, segment: 'champions' })).users).toEqual([1, 1]);
    expect((await computeFunnel(store, { steps, windowMs: DAY, segment: 'no_purchase' })).users).toEqual([1, 0]);
    const b = await computeFunnel(store, { steps, windowMs: DAY, breakdown: { by: 'segment' } });
    expect(b.breakdown?.groups.map((g) => [g.value, g.users])).toEqual([
      ['champions', [1, 1]],
      ['no_purchase', [1, 0]],
    ]);
  });
});

/** Three separated Gaussian blobs in 2-D, 60 points each. */
function blobs(): { data: Float64Array; n: number; truth: Int32Array } {
  const rng = createRng(7);
  const centres = [[0, 0], [10, 0], [0, 10]];
  const n = 180;
  const data = new Float64Array(n * 2);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    truth[i] = c;
    data[i * 2] = (centres[c]?.[0] ?? 0) + rng.normal() * 0.5;
    data[i * 2 + 1] = (centres[c]?.[1] ?? 0) + rng.normal() * 0.5;
  }
  return { data, n, truth };
}

describe('k-means', () => {
  it('recovers separated blobs and picks k = 3 by silhouette', () => {
    const { data, n, truth } = blobs();
    const r = kMeansBySilhouette(data, n, 2, createRng(1), { kMin: 2, kMax: 6 });
    expect(r.k).toBe(3);
    expect(r.scores.find((s) => s.k === 3)?.silhouette).toBeGreaterThan(0.8);
    // Same partition as the truth, up to label names.
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const t = truth[i] as number;
      if (!map.has(t)) map.set(t, r.labels[i] as number);
      expect(r.labels[i]).toBe(map.get(t));
    }
    expect(new Set(map.values()).size).toBe(3);
  });

  it('is deterministic for a seed and reports a sensible silhouette', () => {
    const { data, n } = blobs();
    const a = kMeans(data, n, 2, { k: 3 }, createRng(5));
    const b = kMeans(data, n, 2, { k: 3 }, createRng(5));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(a.inertia).toBeCloseTo(b.inertia, 12);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    expect(silhouette(data, 2, a.labels, 3, all)).toBeGreaterThan(0.8);
    expect(silhouette(data, 2, new Int32Array(n), 1, all)).toBe(0);
  });

  it('describes centroids in words', () => {
    const text = describeCentroid(['recency_days', 'orders', 'mobile', 'category:Shoes'], [-1.2, 2, 0.1, 0.9], { recency_days: 2, orders: 6, mobile: 0.3, 'category:Shoes': 0.6 });
    expect(text).toBe('Frequent buyers (6.0 orders), recently active (2.0 days), favour Shoes');
  });
});

describe('behaviour clusters from the store', () => {
  it('separates heavy buyers from one-visit browsers', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      await store.upsertItems([{ id: 'cheap', title: 'c', category: 'Socks', price: 3 }, { id: 'lux', title: 'l', category: 'Watches', price: 900 }]);
      const events: StoredEvent[] = [];
      for (let u = 0; u < 40; u++) {
        if (u % 2 === 0) {
          for (let j = 0; j < 8; j++) events.push({ id: `c${++seq}`, type: 'purchase', userId: `h${u}`, itemId: 'lux', ts: D0 + j * DAY + u * 1000, revenue: 900, props: { device: 'desktop' } });
        } else {
          events.push({ id: `c${++seq}`, type: 'view', userId: `b${u}`, itemId: 'cheap', ts: D0 + u * 1000, props: { device: 'mobile' } });
        }
      }
      await store.appendEvents(events);
      const r = await computeClusters(store, { kMin: 2, kMax: 4, seed: 3 });
      expect(r.users).toBe(40);
      expect(r.k).toBe(2);
      expect(r.clusters.map((c) => c.size)).toEqual([20, 20]);
      const heavy = r.clusters.find((c) => c.revenueShare === 1);
      expect(heavy?.centroid['orders']).toBe(8);
      expect(heavy?.description).toMatch(/buyers|spend|premium/);
      expect(r.features).toContain('category:Watches');
    } finally {
      await store.close();
    }
  });
});
