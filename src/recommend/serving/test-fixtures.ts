/**
 * A small seeded store for serving and selection tests: a checkerboard of two shopper groups — group A views and
 * buys Kitchen items `a0…a9`, group B Running items `b0…b9` — so the right recommendations are obvious; `a0` and
 * `a1` are bought together in the same session; `b9` is out of stock; `a-new` is a Kitchen item nobody touched,
 * tagged `ceramic` like `a0…a4`.
 */
import type { Item, StoredEvent } from '../../core/schemas/index.ts';
import { createRng } from '../../core/random.ts';
import { DAY_MS } from '../../core/time.ts';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';

export const T0 = Date.UTC(2025, 0, 1);

/** The fixture's catalogue. */
export function fixtureItems(): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < 10; i++) {
    items.push({ id: `a${i}`, title: `Kitchen thing ${i}`, category: 'Home > Kitchen', price: 10 + i, inStock: true, tags: [...(i < 3 ? ['sale'] : []), ...(i < 5 ? ['ceramic'] : [])], attrs: { color: i % 2 === 0 ? 'red' : 'blue' } });
    items.push({ id: `b${i}`, title: `Running thing ${i}`, category: 'Sports > Running', price: 50 + i, inStock: i !== 9, attrs: { color: i % 2 === 0 ? 'red' : 'blue' } });
  }
  items.push({ id: 'a-new', title: 'Brand new kitchen thing', category: 'Home > Kitchen', price: 15, inStock: true, tags: ['ceramic'] });
  return items;
}

/**
 * The fixture's events: `usersPerGroup` users per group, each viewing `viewsPerUser` random items of their group over
 * 60 days, with a purchase of their group's first two items (same session) for every third user.
 */
export function fixtureEvents(usersPerGroup = 20, viewsPerUser = 6, seed = 7): StoredEvent[] {
  const rng = createRng(seed);
  const events: StoredEvent[] = [];
  let n = 0;
  for (const g of ['a', 'b']) {
    for (let u = 0; u < usersPerGroup; u++) {
      const user = `u${g.toUpperCase()}${u}`;
      for (let v = 0; v < viewsPerUser; v++) {
        // Popularity skew inside the group: low indices more often.
        const item = `${g}${Math.min(9, Math.floor(rng.next() * rng.next() * 10))}`;
        events.push({ id: `e${n++}`, type: 'view', userId: user, itemId: item, ts: T0 + Math.floor(rng.next() * 60 * DAY_MS) });
      }
      if (u % 3 === 0) {
        const ts = T0 + Math.floor(rng.next() * 60 * DAY_MS);
        events.push({ id: `e${n++}`, type: 'purchase', userId: user, sessionId: `s-${user}`, itemId: `${g}0`, ts, quantity: 1 });
        events.push({ id: `e${n++}`, type: 'purchase', userId: user, sessionId: `s-${user}`, itemId: `${g}1`, ts: ts + 1000, quantity: 1 });
      }
    }
  }
  return events;
}

/** An in-memory DuckDB store holding the fixture. */
export async function openFixtureStore(usersPerGroup = 20): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  await store.upsertItems(fixtureItems());
  await store.appendEvents(fixtureEvents(usersPerGroup));
  return store;
}
