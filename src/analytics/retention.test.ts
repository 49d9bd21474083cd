import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../core/schemas/index.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { computeRetention, periodStart } from './retention.ts';

const DAY = 86_400_000;
const D0 = Date.UTC(2025, 0, 6, 10); // a Monday
let seq = 0;
const ev = (userId: string, type: string, day: number, extra: Partial<StoredEvent> = {}): StoredEvent => ({
  id: `r${++seq}`, type, userId, itemId: 'i', ts: D0 + day * DAY, ...extra,
});

describe('retention (hand-computed cases)', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    await store.upsertUsers([{ id: 'a', attrs: { country: 'DE' } }, { id: 'b', attrs: { country: 'FR' } }]);
    await store.appendEvents([
      ev('a', 'view', 0), ev('a', 'view', 1), ev('a', 'purchase', 3, { revenue: 30 }),
      ev('b', 'view', 0), ev('b', 'view', 2), ev('b', 'purchase', 0, { revenue: 10 }),
      ev('c', 'view', 1),
      ev('d', 'view', 8), ev('d', 'purchase', 15, { revenue: 5 }),
    ]);
  });
  afterAll(async () => store.close());

  it('computes bounded daily retention, cohort sizes and revenue per cohort user', async () => {
    const r = await computeRetention(store, { period: 'day', periods: 3 });
    expect(Object.keys(r.cohorts)).toEqual(['2025-01-06', '2025-01-07', '2025-01-14']);
    expect(r.cohorts['2025-01-06']).toEqual({ start: '2025-01-06', size: 2, retention: [1, 0.5, 0.5, 0.5], revenuePerUser: [5, 5, 5, 20] });
    expect(r.cohorts['2025-01-07']).toEqual({ start: '2025-01-07', size: 1, retention: [1, 0, 0, 0], revenuePerUser: [0, 0, 0, 0] });
    // Average over cohorts that can observe period n (the last event is on day 15).
    expect(r.average.users).toEqual([4, 4, 4, 4]);
    expect(r.average.retention).toEqual([1, 0.25, 0.25, 0.25]);
  });

  it('computes unbounded (n or later) retention', async () => {
    const r = await computeRetention(store, { period: 'day', periods: 3, mode: 'unbounded' });
    expect(r.cohorts['2025-01-06']?.retention).toEqual([1, 1, 1, 0.5]);
    expect(r.cohorts['2025-01-14']?.retention).toEqual([1, 1, 1, 1]);
  });

  it('uses cohort and return event types, and ISO weeks starting Monday', async () => {
    const r = await computeRetention(store, { period: 'week', periods: 2, cohortEvent: { type: 'view' }, returnEvent: { type: 'purchase' } });
    expect(r.cohorts).toEqual({
      '2025-01-06': { start: '2025-01-06', size: 3, retention: [1, 0, 0], revenuePerUser: [13.333333, 13.333333, 13.333333] },
      '2025-01-13': { start: '2025-01-13', size: 1, retention: [1, 1, 0], revenuePerUser: [0, 5, 5] },
    });
    const m = await computeRetention(store, { period: 'month', periods: 1 });
    expect(Object.keys(m.cohorts)).toEqual(['2025-01-01']);
  });

  it('breaks down by a user attribute and filters by segment', async () => {
    const r = await computeRetention(store, { period: 'day', periods: 2, breakdown: { by: 'user_attr', key: 'country' } });
    expect(r.breakdown?.groups.map((g) => [g.value, g.size, g.retention[2]])).toEqual([
      ['(none)', 2, 0],
      ['DE', 1, 0],
      ['FR', 1, 1],
    ]);
    const buyers = await computeRetention(store, { period: 'day', periods: 1, segment: 'no_purchase' });
    expect(Object.values(buyers.cohorts).map((c) => c.size)).toEqual([1]);
  });

  it('rejects bad parameters naming the field', async () => {
    await expect(computeRetention(store, { period: 'year' as 'day', periods: 3 })).rejects.toMatchObject({ message: expect.stringContaining('`period`') });
    await expect(computeRetention(store, { period: 'day', periods: 0 })).rejects.toMatchObject({ message: expect.stringContaining('`periods`') });
    await expect(computeRetention(store, { period: 'day', periods: 2, returnEvent: { type: 'nope' } })).rejects.toMatchObject({ message: expect.stringContaining('`returnType`') });
  });

  it('names period starts', () => {
    expect(periodStart('week', Math.floor((Math.floor(D0 / DAY) + 3) / 7))).toBe('2025-01-06');
    expect(periodStart('month', (2025 - 1970) * 12 + 11)).toBe('2025-12-01');
  });
});
