import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../store.contract.ts';
import { toDollarParams } from '../rows.ts';
import { PostgresStore, parsePostgresUrl, redactUrl } from './postgres-store.ts';
import { DEFAULT_TEST_PG_URL, dropSchemas, openTestStore, postgresUnavailable, withTestSchema } from './testing.ts';

const PG_URL = process.env['CARTWISE_TEST_PG_URL'] ?? DEFAULT_TEST_PG_URL;
const why = await postgresUnavailable(PG_URL);
if (why) console.warn(`PostgreSQL store tests skipped: ${why}`);
const schemas: string[] = [];
afterAll(async () => {
  if (!why) await dropSchemas(PG_URL, schemas);
});

describe('PostgreSQL URL and placeholder helpers', () => {
  it('takes ?schema= out of the URL, keeps other parameters, rejects non-identifiers naming the key', () => {
    expect(parsePostgresUrl('postgres://u:p@h:5432/db?schema=shop_1&sslmode=disable')).toEqual({ connectionString: 'postgres://u:p@h:5432/db?sslmode=disable', schema: 'shop_1' });
    expect(parsePostgresUrl('postgresql://h/db').schema).toBeUndefined();
    expect(() => parsePostgresUrl('postgres://h/db?schema=a;drop')).toThrow(/`store`.*schema=a;drop is not a plain identifier/);
    expect(redactUrl('postgres://me:secret@h/db')).toBe('postgres://me:***@h/db');
  });

  it('numbers ? placeholders but not question marks in literals, identifiers or comments', () => {
    expect(toDollarParams(`SELECT '?' AS "a?", x FROM t WHERE a = ? AND b IN (?, ?) -- why?\nAND c = ?`))
      .toBe(`SELECT '?' AS "a?", x FROM t WHERE a = $1 AND b IN ($2, $3) -- why?\nAND c = $4`);
  });
});

if (why) {
  describe.skip('Store contract: PostgreSQL (server unreachable)', () => {
    it.skip(why, () => undefined);
  });
} else {
  runStoreContract('PostgreSQL', () => openTestStore(PG_URL, schemas));
}

describe.skipIf(why !== undefined)('PostgresStore', () => {
  it('keeps data across close and reopen, migrates once, and isolates schemas', async () => {
    const t = withTestSchema(PG_URL);
    schemas.push(t.schema);
    const a = await PostgresStore.open(t.url);
    await a.appendEvents([{ id: 'e1', type: 'view', userId: 'u', itemId: 'i', ts: Date.UTC(2025, 0, 1, 12, 30, 0, 123) }]);
    await a.close();
    const [b, c] = await Promise.all([PostgresStore.open(t.url), PostgresStore.open(t.url)]);
    expect((await b.stats()).events).toBe(1);
    expect((await b.userEvents('u'))[0]?.ts).toBe(Date.UTC(2025, 0, 1, 12, 30, 0, 123));
    expect(await b.schemaVersion()).toBe(1);
    expect(await b.query('SELECT count(*) AS n FROM schema_migrations')).toEqual([{ n: 1 }]);
    await c.close();
    const other = await openTestStore(PG_URL, schemas);
    expect((await other.stats()).events).toBe(0);
    await other.close();
    await b.close();
  });

  it('keeps a mixed-case ?schema= name as written, on every pooled connection', async () => {
    const t = withTestSchema(PG_URL, 'Cw_Mixed');
    schemas.push(t.schema);
    const store = await PostgresStore.open(t.url);
    try {
      await store.upsertItems([{ id: 'a', title: 'A' }]);
      const rows = await Promise.all(Array.from({ length: 6 }, () => store.query(`SELECT current_schema() AS s, (SELECT count(*) FROM items) AS n`)));
      expect(rows.flat()).toEqual(Array.from({ length: 6 }, () => ({ s: t.schema, n: 1 })));
    } finally {
      await store.close();
    }
  });

  it('returns plain JS values from query(): numbers for counts, sums and averages, Dates in UTC, parsed JSON', async () => {
    const store = await openTestStore(PG_URL, schemas);
    try {
      await store.appendEvents([
        { id: 'a', type: 'purchase', userId: 'u1', itemId: 'i1', ts: Date.UTC(2025, 2, 1), revenue: 10.25, quantity: 2, props: { device: 'mobile' } },
        { id: 'b', type: 'purchase', userId: 'u2', itemId: 'i1', ts: Date.UTC(2025, 2, 2), revenue: 5, quantity: 1 },
      ]);
      const [row] = await store.query(`SELECT count(*) AS n, sum(quantity::int) AS q, avg(quantity::int) AS avg_q, sum(revenue) AS rev,
        min(ts) AS first, max(props ->> 'device') AS device, max(CAST(extract(epoch FROM ts) * 1000 AS BIGINT)) AS last_ms FROM events WHERE ts >= ?`, [new Date(Date.UTC(2025, 0, 1))]);
      expect(row).toEqual({ n: 2, q: 3, avg_q: 1.5, rev: 15.25, first: new Date(Date.UTC(2025, 2, 1)), device: 'mobile', last_ms: Date.UTC(2025, 2, 2) });
      await expect(store.query('SELECT nope FROM events')).rejects.toThrow(/The store failed: .*nope/);
    } finally {
      await store.close();
    }
  });

  it('appends large batches in chunks, idempotently, and streams them back in (ts, id) order', async () => {
    const store = await openTestStore(PG_URL, schemas);
    try {
      const t0 = Date.UTC(2025, 0, 1);
      const events = Array.from({ length: 23_456 }, (_, i) => ({ id: `e${i}`, type: 'view', userId: `u${i % 97}`, itemId: `i${i % 31}`, ts: t0 + (i % 1000) * 1000 }));
      expect(await store.appendEvents(events)).toEqual({ inserted: 23_456, duplicates: 0 });
      expect(await store.appendEvents(events.slice(0, 12_000))).toEqual({ inserted: 0, duplicates: 12_000 });
      // Planner statistics follow the bulk load without autovacuum (the planner knows the new row count).
      expect(await store.query(`SELECT reltuples AS n FROM pg_class WHERE oid = 'events'::regclass`)).toEqual([{ n: 23_456 }]);
      // Sessions run in UTC with JIT off.
      expect(await store.query(`SELECT current_setting('TimeZone') AS tz, current_setting('jit') AS jit`)).toEqual([{ tz: 'UTC', jit: 'off' }]);
      let n = 0;
      let last = -Infinity;
      for await (const b of store.scanInteractions({ batchSize: 7000 })) {
        for (let i = 0; i < b.length; i++) {
          expect(b.ts[i]).toBeGreaterThanOrEqual(last);
          last = b.ts[i] as number;
        }
        n += b.length;
      }
      expect(n).toBe(23_456);
      // A consumer that stops early returns the pooled client: the store still answers afterwards.
      for await (const b of store.scanInteractions({ batchSize: 10 })) {
        expect(b.length).toBe(10);
        break;
      }
      expect((await store.stats()).events).toBe(23_456);
    } finally {
      await store.close();
    }
  });

  it('fails with a clear error, password hidden, when the server cannot be reached', async () => {
    await expect(PostgresStore.open('postgres://me:secret@127.0.0.1:1/db?connect_timeout=2')).rejects.toThrow(/The store failed: PostgreSQL at postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/db/);
  });
});
