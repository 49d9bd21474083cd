import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { computeItemStats } from './item-stats.ts';

const T = Date.UTC(2025, 0, 1);
let store: DuckDbStore;
beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.upsertItems([{ id: 'a', title: 'A' }, { id: 'quiet', title: 'Never seen' }]);
  await store.appendEvents([
    { id: '1', type: 'view', userId: 'u1', itemId: 'a', ts: T },
    { id: '2', type: 'view', userId: 'u1', itemId: 'a', ts: T + 1 },
    { id: '3', type: 'view', userId: 'u2', itemId: 'a', ts: T + 2 },
    { id: '4', type: 'add_to_cart', userId: 'u1', itemId: 'a', ts: T + 3 },
    { id: '5', type: 'purchase', userId: 'u1', itemId: 'a', ts: T + 4, price: 10, quantity: 2 },
    { id: '6', type: 'purchase', userId: 'u3', itemId: 'a', ts: T + 5, revenue: 7 },
    { id: '7', type: 'view', userId: 'u1', itemId: 'b', ts: T + 6 },
  ]);
});
afterAll(() => store.close());

describe('computeItemStats', () => {
  it('counts views, carts, purchases, buyers and revenue of one item', async () => {
    expect(await computeItemStats(store, 'a')).toEqual({
      itemId: 'a', views: 3, viewers: 2, addToCarts: 1, purchases: 2, buyers: 2, viewToPurchase: 1, revenue: 27, reviews: 0,
    });
  });

  it('gives zeros for a catalogued item without events and NOT_FOUND for an unknown one', async () => {
    expect(await computeItemStats(store, 'quiet')).toMatchObject({ views: 0, viewToPurchase: null, revenue: 0 });
    await expect(computeItemStats(store, 'nope')).rejects.toThrow(/Item not found/);
  });
});
