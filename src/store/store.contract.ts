import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../core/schemas/index.ts';
import type { Store } from './store.ts';

const T0 = Date.UTC(2025, 0, 1);

function ev(id: string, userId: string, itemId: string | undefined, type: string, minutes: number, extra: Partial<StoredEvent> = {}): StoredEvent {
  return { id, userId, type, ts: T0 + minutes * 60_000, ...(itemId === undefined ? {} : { itemId }), ...extra };
}

/**
 * The Store contract: every adapter (DuckDB, PostgreSQL) runs this suite against a fresh, empty store.
 * `open` must return a new empty store each time.
 */
export function runStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('applies migrations and reports the schema version', async () => {
      expect(await store.schemaVersion()).toBeGreaterThanOrEqual(1);
    });

    it('appends events idempotently by id, within and across batches', async () => {
      const first = await store.appendEvents([ev('a', 'u1', 'i1', 'view', 0), ev('b', 'u1', 'i2', 'view', 1), ev('a', 'u1', 'i1', 'view', 0)]);
      expect(first).toEqual({ inserted: 2, duplicates: 1 });
      const second = await store.appendEvents([ev('b', 'u1', 'i2', 'view', 1), ev('c', 'u2', 'i1', 'purchase', 2, { revenue: 9.5, quantity: 1 })]);
      expect(second).toEqual({ inserted: 1, duplicates: 1 });
      const stats = await store.stats();
      expect(stats.events).toBe(3);
      expect(stats.eventsByType).toEqual({ view: 2, purchase: 1 });
      expect(stats.users).toBe(2);
      expect(stats.firstEventAt).toBe('2025-01-01T00:00:00.000Z');
      expect(stats.lastEventAt).toBe('2025-01-01T00:02:00.000Z');
    });

    it('round-trips every event field', async () => {
      const full = ev('x', 'u9', 'i9', 'review', 5, {
        sessionId: 's1', quantity: 2, price: 3.5, revenue: 7, query: 'mug', rating: 4, text: 'Great mug', props: { device: 'mobile', n: 3, ok: true }, recId: 'r1',
      });
      await store.appendEvents([full, ev('y', 'u9', undefined, 'search', 6, { query: 'tea' })]);
      const events = await store.userEvents('u9');
      expect(events).toEqual([ev('y', 'u9', undefined, 'search', 6, { query: 'tea' }), full]);
    });

    it('upserts items and users, and reads them back', async () => {
      await store.upsertItems([
        { id: 'i1', title: 'Blue mug', category: 'Home > Kitchen > Mugs', price: 12.5, currency: 'USD', inStock: true, tags: ['blue'], attrs: { color: 'blue' }, createdAt: T0 },
        { id: 'i2', title: 'Teapot' },
      ]);
      await store.upsertItems([{ id: 'i2', title: 'Teapot, cast iron', price: 40 }]);
      expect(await store.getItem('i1')).toEqual({ id: 'i1', title: 'Blue mug', category: 'Home > Kitchen > Mugs', price: 12.5, currency: 'USD', inStock: true, tags: ['blue'], attrs: { color: 'blue' }, createdAt: T0 });
      expect(await store.getItem('i2')).toEqual({ id: 'i2', title: 'Teapot, cast iron', price: 40 });
      expect(await store.getItem('nope')).toBeUndefined();
      expect((await store.getItems(['i2', 'missing', 'i1'])).map((i) => i.id)).toEqual(['i2', 'i1']);
      const scanned: string[] = [];
      for await (const batch of store.scanItems(1)) scanned.push(...batch.map((i) => i.id));
      expect(scanned).toEqual(['i1', 'i2']);
      expect(await store.listItems({ text: 'TEAPOT' })).toEqual({ items: [{ id: 'i2', title: 'Teapot, cast iron', price: 40 }], total: 1 });
      expect((await store.listItems({ category: 'Home > Kitchen' })).items.map((i) => i.id)).toEqual(['i1']);
      expect((await store.listItems({ text: '%' })).total).toBe(0);
      expect((await store.listItems({ text: 't_a' })).total).toBe(0);
      expect(await store.listItems({ limit: 1, offset: 1 })).toMatchObject({ total: 2, items: [{ id: 'i2' }] });
      await store.upsertUsers([{ id: 'u1', attrs: { country: 'DE' } }]);
      expect(await store.getUser('u1')).toEqual({ id: 'u1', attrs: { country: 'DE' } });
      expect((await store.stats()).items).toBe(2);
      expect(await store.deleteItem('i2')).toBe(true);
      expect((await store.stats()).items).toBe(1);
    });

    it('deletes a user: their events and profile, nobody else’s', async () => {
      await store.appendEvents([ev('a', 'u1', 'i1', 'view', 0), ev('b', 'u1', 'i2', 'view', 1), ev('c', 'u2', 'i1', 'view', 2)]);
      await store.upsertUsers([{ id: 'u1' }]);
      expect(await store.deleteUser('u1')).toEqual({ events: 2, profile: true });
      expect(await store.userEvents('u1')).toEqual([]);
      expect(await store.getUser('u1')).toBeUndefined();
      expect((await store.stats()).events).toBe(1);
      expect(await store.deleteUser('ghost')).toEqual({ events: 0, profile: false });
    });

    it('streams interactions in time order, in batches, filtered by type and time', async () => {
      const events: StoredEvent[] = [];
      for (let i = 0; i < 25; i++) events.push(ev(`e${i}`, `u${i % 3}`, `i${i % 5}`, i % 2 ? 'view' : 'purchase', 25 - i, i === 4 ? { rating: 5 } : {}));
      events.push(ev('s', 'u1', undefined, 'search', 100, { query: 'x' }));
      await store.appendEvents(events);
      const batches = [];
      for await (const b of store.scanInteractions({ batchSize: 10 })) batches.push(b);
      expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
      const ts = batches.flatMap((b) => [...b.ts]);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
      expect(batches[0]?.itemIds[0]).toBe('i4');
      expect(batches[2]?.rating[0]).toBe(5);
      expect(Number.isNaN(batches[0]?.rating[0])).toBe(true);
      let purchases = 0;
      for await (const b of store.scanInteractions({ types: ['purchase'], sinceMs: T0 + 10 * 60_000 })) {
        purchases += b.length;
        expect(new Set(b.types)).toEqual(new Set(['purchase']));
      }
      expect(purchases).toBe(events.filter((e) => e.type === 'purchase' && e.ts >= T0 + 10 * 60_000).length);
    });

    it('saves, lists, loads and deletes artifacts byte for byte', async () => {
      const weights = new Float32Array([1.5, -2, 3.25]);
      await store.saveArtifact('model/ease', { manifest: { kind: 'ease', shape: [3] }, buffers: { w: new Uint8Array(weights.buffer), odd: new Uint8Array([1, 2, 3]) } });
      const loaded = await store.loadArtifact('model/ease');
      expect(loaded?.manifest).toEqual({ kind: 'ease', shape: [3] });
      expect([...new Float32Array((loaded?.buffers['w'] as Uint8Array).buffer)]).toEqual([1.5, -2, 3.25]);
      expect([...(loaded?.buffers['odd'] as Uint8Array)]).toEqual([1, 2, 3]);
      expect((await store.listArtifacts()).map((a) => a.name)).toEqual(['model/ease']);
      expect(await store.deleteArtifact('model/ease')).toBe(true);
      expect(await store.loadArtifact('model/ease')).toBeUndefined();
    });

    it('answers analytics queries with ? placeholders', async () => {
      await store.appendEvents([ev('a', 'u1', 'i1', 'view', 0), ev('b', 'u2', 'i1', 'view', 1), ev('c', 'u2', 'i2', 'purchase', 2)]);
      const rows = await store.query<{ item_id: string; n: number }>('SELECT item_id, count(*) AS n FROM events WHERE type = ? GROUP BY item_id ORDER BY item_id', ['view']);
      expect(rows).toEqual([{ item_id: 'i1', n: 2 }]);
    });
  });
}
