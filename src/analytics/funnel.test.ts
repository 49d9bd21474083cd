import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../core/schemas/index.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { parseEventFilter, splitTopLevel } from './filters.ts';
import { attemptsSql, computeFunnel, funnelDropOffPaths, funnelDropOffs, type FunnelOptions, type FunnelUserKey } from './funnel.ts';
import type { Sql } from './sql.ts';

const T0 = Date.UTC(2025, 2, 3, 12, 0, 0);
const MIN = 60_000;
let seq = 0;
function ev(userId: string, type: string, minutes: number, itemId = 'x', extra: Partial<StoredEvent> = {}): StoredEvent {
  return { id: `e${++seq}`, type, userId, itemId, ts: T0 + minutes * MIN, ...extra };
}

const steps = [{ type: 'view' }, { type: 'add_to_cart' }, { type: 'purchase' }];
const window60: FunnelOptions = { steps, windowMs: 60 * MIN };

describe('funnel (hand-computed cases)', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    await store.upsertItems([
      { id: 'x', title: 'X', category: 'Shoes > Running', price: 50, attrs: { brand: 'Acme' } },
      { id: 'A', title: 'A', category: 'Hats', price: 10 },
      { id: 'B', title: 'B', category: 'Shoes', price: 80, attrs: { brand: 'Other' } },
    ]);
    await store.appendEvents([
      // u1: first attempt reaches cart but buys after its window; the second attempt (view@50) completes.
      ev('u1', 'view', 0), ev('u1', 'add_to_cart', 30), ev('u1', 'view', 50), ev('u1', 'add_to_cart', 55), ev('u1', 'purchase', 70),
      // u2: cart exactly at the window edge (inclusive) and a purchase in the same millisecond as the cart.
      ev('u2', 'view', 0), ev('u2', 'add_to_cart', 60), ev('u2', 'purchase', 60),
      // u3: cart one minute past the window.
      ev('u3', 'view', 0), ev('u3', 'add_to_cart', 61), ev('u3', 'purchase', 62),
      // u4: cart before the only view.
      ev('u4', 'add_to_cart', 0), ev('u4', 'view', 5), ev('u4', 'search', 6, undefined, { query: 'socks' }), ev('u4', 'purchase', 10),
      // u5: view and cart at the same timestamp count in step order; the purchase came earlier.
      ev('u5', 'purchase', 5), ev('u5', 'view', 10), ev('u5', 'add_to_cart', 10),
      // u6: never views.
      ev('u6', 'purchase', 0),
      // u7: views A, then carts and buys B (converts, but not on the same item).
      ev('u7', 'view', 0, 'A', { props: { device: 'mobile' } }), ev('u7', 'add_to_cart', 5, 'B'), ev('u7', 'purchase', 6, 'B'),
    ]);
  });
  afterAll(async () => store.close());

  it('counts the furthest step over all attempts, with an inclusive window and same-timestamp ties', async () => {
    const r = await computeFunnel(store, window60);
    expect(r.users).toEqual([6, 4, 3]);
    expect(r.stepConversion).toEqual([0.666667, 0.75]);
    expect(r.overallConversion).toBe(0.5);
    expect(r.dropOff).toEqual([2, 1]);
    expect(r.steps).toEqual(['view', 'add_to_cart', 'purchase']);
  });

  it('applies the same-item rule', async () => {
    const r = await computeFunnel(store, { ...window60, sameItem: true });
    expect(r.users).toEqual([6, 3, 2]);
  });

  it('shrinks the window: at 59 minutes u2 stops at step 1', async () => {
    const r = await computeFunnel(store, { ...window60, windowMs: 59 * MIN });
    expect(r.users).toEqual([6, 3, 2]);
  });

  it('times steps on each user’s earliest best attempt (median and p90 in ms)', async () => {
    const r = await computeFunnel(store, window60);
    // step 1→2 over u1 (attempt @50: 5 min), u2 (60), u5 (0), u7 (5); step 2→3 over u1 (15), u2 (0), u7 (1).
    expect(r.timing[0]).toMatchObject({ fromStep: 1, toStep: 2, users: 4, medianMs: 5 * MIN });
    expect(r.timing[0]?.p90Ms).toBe(Math.round(5 * MIN + 0.7 * 55 * MIN));
    expect(r.timing[1]).toMatchObject({ users: 3, medianMs: 1 * MIN });
  });

  it('filters steps by item category, attribute, event property and price', async () => {
    expect((await computeFunnel(store, { ...window60, steps: [{ type: 'view', category: 'Shoes' }, ...steps.slice(1)] })).users).toEqual([5, 3, 2]);
    expect((await computeFunnel(store, { ...window60, steps: [{ type: 'view', category: 'Hats' }, ...steps.slice(1)] })).users).toEqual([1, 1, 1]);
    expect((await computeFunnel(store, { ...window60, steps: [{ type: 'view' }, { type: 'add_to_cart', attrs: { brand: 'Other' } }, { type: 'purchase' }] })).users).toEqual([6, 1, 1]);
    expect((await computeFunnel(store, { ...window60, steps: [{ type: 'view', props: { device: 'mobile' } }, ...steps.slice(1)] })).users).toEqual([1, 1, 1]);
    expect((await computeFunnel(store, { ...window60, steps: [{ type: 'view', minPrice: 20, maxPrice: 60 }, ...steps.slice(1)] })).users).toEqual([5, 3, 2]);
  });

  it('treats filter values as data, never as SQL', async () => {
    for (const category of ["x' OR 1=1 --", "Shoes%", "'; DROP TABLE events; --"]) {
      const r = await computeFunnel(store, { ...window60, steps: [{ type: 'view', category }, ...steps.slice(1)] });
      expect(r.users).toEqual([0, 0, 0]);
    }
    expect((await store.stats()).events).toBeGreaterThan(0);
  });

  it('lists who dropped off after a step and what they did next', async () => {
    const after1 = await funnelDropOffs(store, window60, 1);
    expect(after1.total).toBe(2);
    expect(after1.users.map((u) => u.userId)).toEqual(['u3', 'u4']);
    expect(after1.users[1]?.reachedAt).toBe(T0 + 5 * MIN);
    const paged = await funnelDropOffs(store, window60, 1, { limit: 1, offset: 1 });
    expect(paged.users.map((u) => u.userId)).toEqual(['u4']);
    const after2 = await funnelDropOffs(store, window60, 2);
    expect(after2.users.map((u) => u.userId)).toEqual(['u5']);
    const paths = await funnelDropOffPaths(store, window60, 1, { depth: 3 });
    expect(paths.paths).toEqual([
      { path: ['add_to_cart', 'purchase', '(end)'], users: 1 },
      { path: ['search', 'purchase', '(end)'], users: 1 },
    ]);
  });

  it('breaks down by category of the step-1 item and by event property', async () => {
    const r = await computeFunnel(store, { ...window60, breakdown: { by: 'category' } });
    expect(r.users).toEqual([6, 4, 3]);
    expect(r.breakdown?.groups).toEqual([
      { value: 'Shoes > Running', users: [5, 3, 2], overallConversion: 0.4 },
      { value: 'Hats', users: [1, 1, 1], overallConversion: 1 },
    ]);
    const p = await computeFunnel(store, { ...window60, breakdown: { by: 'prop', key: 'device' } });
    expect(p.breakdown?.groups.map((g) => [g.value, g.users[0]])).toEqual([['(none)', 5], ['mobile', 1]]);
  });

  it('rejects bad definitions with errors naming the field', async () => {
    await expect(computeFunnel(store, { ...window60, steps: [] })).rejects.toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('`steps`') });
    await expect(computeFunnel(store, { ...window60, windowMs: 0 })).rejects.toMatchObject({ message: expect.stringContaining('`window`') });
    await expect(computeFunnel(store, { ...window60, steps: [{ type: 'view' }, { type: 'purchse' }] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('`steps[1]`'),
    });
    await expect(computeFunnel(store, { ...window60, exclusions: [{ filter: { type: 'search' }, fromStep: 2, toStep: 2 }] })).rejects.toMatchObject({
      message: expect.stringContaining('`exclusions[0]`'),
    });
    await expect(computeFunnel(store, { ...window60, breakdown: { by: 'weather' as 'prop' } })).rejects.toMatchObject({ message: expect.stringContaining('`breakdown`') });
    await expect(computeFunnel(store, { ...window60, segment: 'vips' })).rejects.toMatchObject({ message: expect.stringContaining('unknown segment') });
  });
});

describe('funnel exclusion steps', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    await store.appendEvents([
      // u8 removes something between view and cart: excluded.
      ev('u8', 'view', 0), ev('u8', 'remove_from_cart', 10), ev('u8', 'add_to_cart', 20), ev('u8', 'purchase', 30),
      // u9 removes after the cart: not between steps 1 and 2.
      ev('u9', 'view', 0), ev('u9', 'add_to_cart', 10), ev('u9', 'remove_from_cart', 15), ev('u9', 'purchase', 20),
      // u10 never carts but removes inside the window: the attempt is discarded.
      ev('u10', 'view', 0), ev('u10', 'remove_from_cart', 10),
      // u11: the first attempt is excluded, a later clean one still counts.
      ev('u11', 'view', 0), ev('u11', 'remove_from_cart', 5), ev('u11', 'view', 200), ev('u11', 'add_to_cart', 210),
    ]);
  });
  afterAll(async () => store.close());

  it('discards attempts with an exclusion event between the two steps', async () => {
    expect((await computeFunnel(store, window60)).users).toEqual([4, 3, 2]);
    const r = await computeFunnel(store, { ...window60, exclusions: [{ filter: { type: 'remove_from_cart' }, fromStep: 1, toStep: 2 }] });
    expect(r.users).toEqual([2, 2, 1]);
    const late = await computeFunnel(store, { ...window60, exclusions: [{ filter: { type: 'remove_from_cart' }, fromStep: 2, toStep: 3 }] });
    expect(late.users).toEqual([3, 2, 1]);
  });
});

describe('step syntax', () => {
  it('parses types with filters, splitting only on top-level commas', () => {
    expect(splitTopLevel('view[category=Sports > Running,attr.brand=Acme],add_to_cart,purchase')).toEqual([
      'view[category=Sports > Running,attr.brand=Acme]',
      'add_to_cart',
      'purchase',
    ]);
    expect(parseEventFilter('view[category=Sports > Running,attr.brand=Acme,prop.device=mobile,minPrice=10]', 'steps[0]')).toEqual({
      type: 'view',
      category: 'Sports > Running',
      attrs: { brand: 'Acme' },
      props: { device: 'mobile' },
      minPrice: 10,
    });
    expect(() => parseEventFilter('view[colour=red]', 'steps[0]')).toThrow(/steps\[0\].*unknown filter/);
    expect(() => parseEventFilter('View', 'steps[1]')).toThrow(/steps\[1\]/);
    expect(() => parseEventFilter("view[attr.x'y=1]", 'steps[0]')).toThrow(/steps\[0\]\.attrs/);
  });
});

describe('funnel user keys (DuckDB)', () => {
  it('gives the same attempts by hash as by id, and fails loudly when a link matches another user', async () => {
    const store = await DuckDbStore.open(':memory:');
    await store.appendEvents([
      ev('k1', 'view', 0), ev('k2', 'add_to_cart', 5), ev('k1', 'add_to_cart', 10), ev('k2', 'view', 1), ev('k2', 'purchase', 20),
      ev('k1', 'purchase', 30, 'A'), ev('k2', 'view', 40, 'A'), ev('k2', 'add_to_cart', 41, 'A'), ev('k1', 'search', 2, undefined, { query: 'q' }),
    ]);
    const attempts = async (q: Sql) => store.query(`${q.text} SELECT u, t0, t1, t2, lvl FROM lv ORDER BY u, t0`, q.params);
    for (const sameItem of [false, true]) {
      const q = (userKey: FunnelUserKey) => attemptsSql(store, { ...window60, sameItem }, userKey);
      expect(q('hash').text).toMatch(/hash\(e\.user_id/);
      expect(await attempts(q('hash'))).toEqual(await attempts(q('id')));
      // Every user (and item) with one hash: the view of k1 at minute 0 would find k2's cart at minute 5.
      const colliding = q('hash');
      const text = colliding.text.replace(/hash\(e\.user_id(, e\.item_id)?\)/, 'CAST(1 AS UBIGINT)');
      await expect(attempts({ ...colliding, text })).rejects.toThrow(/user key collision/);
    }
    expect((await computeFunnel(store, window60)).users).toEqual([2, 2, 2]);
    await store.close();
  });
});
