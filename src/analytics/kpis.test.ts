import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../core/schemas/index.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { computeKpis } from './kpis.ts';
import { sessionSummary } from './sessions.ts';

const D0 = Date.UTC(2025, 2, 3);
const H = 3_600_000;
const MIN = 60_000;
let seq = 0;
const ev = (userId: string, type: string, at: number, itemId: string, extra: Partial<StoredEvent> = {}): StoredEvent => ({ id: `k${++seq}`, type, userId, itemId, ts: at, ...extra });

describe('KPIs and sessions (hand-computed cases)', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    await store.upsertItems([{ id: 'i1', title: 'Runner', category: 'Shoes' }, { id: 'i2', title: 'Cap', category: 'Hats' }]);
    const day0 = D0 + 9 * H;
    const day1 = D0 + 24 * H + 10 * H;
    await store.appendEvents([
      // previous period (day -1)
      ev('u1', 'view', D0 - 12 * H, 'i1', { sessionId: 'p1' }), ev('u1', 'purchase', D0 - 12 * H + MIN, 'i1', { sessionId: 'p1', revenue: 10 }),
      // current period
      ev('u1', 'view', day0, 'i1', { sessionId: 's1' }), ev('u1', 'add_to_cart', day0 + MIN, 'i1', { sessionId: 's1' }),
      ev('u1', 'purchase', day0 + 2 * MIN, 'i1', { sessionId: 's1', price: 10, quantity: 2 }),
      ev('u2', 'view', day0, 'i1', { sessionId: 's2' }), ev('u2', 'add_to_cart', day0 + MIN, 'i2', { sessionId: 's2' }),
      ev('u2', 'view', day1, 'i2', { sessionId: 's3' }),
      // u3 has no session id: 10:00 and 10:10 share a session, 11:00 (50 min later) starts another.
      ev('u3', 'view', day1, 'i2'), ev('u3', 'view', day1 + 10 * MIN, 'i1'), ev('u3', 'view', day1 + 60 * MIN, 'i1'),
    ]);
  });
  afterAll(async () => store.close());

  it('sessionises by client session id, else by a 30-minute gap', async () => {
    const s = await sessionSummary(store, { sinceMs: D0 });
    expect(s).toMatchObject({ sessions: 5, users: 3, bounceRate: 0.4 });
    expect(s.avgEventsPerSession).toBeCloseTo(9 / 5, 9);
    expect((await sessionSummary(store, { sinceMs: D0, gapMs: 60 * MIN })).sessions).toBe(4);
  });

  it('computes totals, previous-period comparison and a daily series', async () => {
    const k = await computeKpis(store, { sinceMs: D0, untilMs: D0 + 2 * 24 * H });
    expect(k.range).toEqual({ since: '2025-03-03T00:00:00.000Z', until: '2025-03-05T00:00:00.000Z' });
    expect(k.previousRange.since).toBe('2025-03-01T00:00:00.000Z');
    expect(k.current).toEqual({ users: 3, sessions: 5, conversionRate: 0.2, revenue: 20, orders: 1, averageOrderValue: 20, cartAbandonmentRate: 0.5 });
    expect(k.previous).toEqual({ users: 1, sessions: 1, conversionRate: 1, revenue: 10, orders: 1, averageOrderValue: 10, cartAbandonmentRate: null });
    expect(k.change).toMatchObject({ users: 2, sessions: 4, revenue: 1, conversionRate: -0.8, cartAbandonmentRate: null });
    expect(k.series.map((s) => [s.start, s.sessions, s.users, s.revenue])).toEqual([
      ['2025-03-03', 2, 2, 20],
      ['2025-03-04', 3, 2, 0],
    ]);
  });

  it('ranks top items and categories with the previous period beside them', async () => {
    const k = await computeKpis(store, { sinceMs: D0, untilMs: D0 + 2 * 24 * H });
    expect(k.topItems[0]).toEqual({
      key: 'i1', title: 'Runner', views: 4, addToCarts: 1, purchases: 1, revenue: 20, viewToPurchase: 0.25,
      previous: { views: 1, addToCarts: 0, purchases: 1, revenue: 10, viewToPurchase: 1 },
    });
    expect(k.topItems.map((r) => r.key)).toEqual(['i1', 'i2']);
    const byCart = await computeKpis(store, { sinceMs: D0, untilMs: D0 + 2 * 24 * H, sortBy: 'add_to_cart', top: 1 });
    expect(byCart.topCategories).toHaveLength(1);
    expect(byCart.topCategories[0]).toMatchObject({ key: 'Hats', addToCarts: 1 });
    const defaults = await computeKpis(store, {});
    expect(defaults.range.until).toBe('2025-03-05T00:00:00.000Z');
  });

  it('rejects bad parameters naming the field', async () => {
    await expect(computeKpis(store, { interval: 'year' as 'day' })).rejects.toMatchObject({ message: expect.stringContaining('`interval`') });
    await expect(computeKpis(store, { sinceMs: D0, untilMs: D0 })).rejects.toMatchObject({ message: expect.stringContaining('`since`') });
    await expect(computeKpis(store, { sortBy: 'x' as 'views' })).rejects.toMatchObject({ message: expect.stringContaining('`sort`') });
  });
});
