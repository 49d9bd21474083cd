import pg from 'pg';
import { CartwiseError } from '../../core/errors.ts';
import type { Item, StoredEvent, User } from '../../core/schemas/index.ts';
import { decodeArtifact, encodeArtifact } from '../artifact-codec.ts';
import { emptyBatch, eventFromRow, itemFromRow, statsFromRows, toDollarParams, trimBatch, userFromRow } from '../rows.ts';
import type { AppendResult, Artifact, ArtifactInfo, InteractionBatch, InteractionScanOptions, ListItemsOptions, Store, StoreStats } from '../store.ts';
import { postgresMigrations } from './migrations.ts';

/** PostgreSQL type oids whose default parsing we replace so rows come back as the DuckDB adapter's do. */
const OID = { int8: 20, numeric: 1700, timestamp: 1114, timestamptz: 1184, date: 1082, int8Array: 1016, numericArray: 1231 } as const;

/** `TIMESTAMP` (without time zone) text, always UTC in this store, as a Date. */
function parseUtcTimestamp(text: string): Date {
  if (text === 'infinity' || text === '-infinity') return new Date(text === 'infinity' ? 8.64e15 : -8.64e15);
  return new Date(`${text.replace(' ', 'T')}Z`);
}

function numberOrNull(v: string | null): number | null {
  return v === null ? null : Number(v);
}

/**
 * Per-pool type parsers (never the process-global ones, so another `pg` user in the same process is unaffected):
 * int8 and numeric become numbers (counts and sums, as the DuckDB adapter returns them), timestamps become
 * Dates read as UTC whatever the server's or the process's time zone.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    switch (oid) {
      case OID.int8:
      case OID.numeric:
        return Number;
      case OID.timestamp:
        return parseUtcTimestamp;
      case OID.int8Array:
      case OID.numericArray: {
        const parseArray = pg.types.getTypeParser(oid as number, 'text') as (value: string) => (string | null)[];
        return (value: string) => parseArray(value).map((v) => numberOrNull(v === null ? null : String(v)));
      }
      default:
        return pg.types.getTypeParser(oid, 'text');
    }
  },
};

type AnalyzedTable = 'events' | 'items' | 'users';

/** Schema names a `?schema=` parameter may carry: plain identifiers, so they can be spliced quoted. */
const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Rows per INSERT statement: each statement binds one array per column (`unnest`), so size is not bounded by parameters. */
const WRITE_CHUNK = 10_000;

/** Hides the password of a connection URL for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** A parsed `postgres://` URL: the connection string `pg` understands plus the schema Cartwise uses. */
export interface PostgresTarget {
  connectionString: string;
  /** The schema holding Cartwise's tables; undefined keeps the server's `search_path` (normally `public`). */
  schema: string | undefined;
}

/**
 * Splits a store URL into what `pg` connects with and the Cartwise schema: `?schema=NAME` (a plain identifier)
 * selects a schema, created if missing, and is removed from the URL; other parameters (`sslmode`, …) pass
 * through to `pg`. Throws `CONFIG_INVALID` naming the parameter when the schema name is not an identifier.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CartwiseError('CONFIG_INVALID', { key: 'store', reason: `\`${redactUrl(url)}\` is not a valid URL` });
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_RE.test(schema)) {
    throw new CartwiseError('CONFIG_INVALID', { key: 'store', reason: `?schema=${schema} is not a plain identifier (letters, digits, _; at most 63)` });
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

function failed(err: unknown, what?: string): CartwiseError {
  if (err instanceof CartwiseError) return err;
  const message = (err as Error).message;
  return new CartwiseError('STORE_FAILED', { reason: what ? `${what}: ${message}` : message });
}


const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** SQL expression: a TIMESTAMP (UTC) from epoch milliseconds, exact for integer milliseconds. */
const fromMs = (e: string): string => `(TIMESTAMP '1970-01-01 00:00:00' + (${e}) * INTERVAL '1 millisecond')`;
/** SQL expression: epoch milliseconds (float8) of a TIMESTAMP. */
const toMs = (e: string): string => `(extract(epoch FROM ${e}) * 1000)::float8`;

/**
 * The scale-out store: PostgreSQL 12+ through a `pg` pool. Tables live in the URL's `?schema=` (created if
 * missing) or the server's default `search_path`. Every write commits before it returns (durable at the
 * server's `synchronous_commit`); appends are idempotent with `ON CONFLICT (id) DO NOTHING`, upserts replace the
 * whole row like the DuckDB store's `INSERT OR REPLACE`. Sessions run with `TimeZone=UTC`.
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;

  /** Rows written per table since this process last analyzed it, and the row count the planner knew then. */
  private readonly growth: Record<AnalyzedTable, { pending: number; known: number }> = {
    events: { pending: 0, known: 0 },
    items: { pending: 0, known: 0 },
    users: { pending: 0, known: 0 },
  };
  private analyzing = false;

  private constructor(
    private readonly pool: pg.Pool,
    /** The schema holding the tables, or undefined for the default search_path. */
    readonly schema: string | undefined,
  ) {}

  /**
   * Connects to `url` (`postgres://user:pass@host:port/db?schema=NAME`), creates the schema if asked, applies
   * pending migrations under an advisory lock (so replicas starting together migrate once) and returns the store.
   * Throws `STORE_FAILED` with the password hidden when the server cannot be reached.
   */
  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresStore> {
    const target = parsePostgresUrl(url);
    // JIT compiling the analytics queries (many expressions, costed high) takes seconds and saves milliseconds.
    const settings = ['-c TimeZone=UTC', '-c jit=off'];
    // Quoted so a mixed-case schema name is kept as written (the name is a checked identifier: no quotes inside).
    if (target.schema !== undefined) settings.push(`-c search_path="${target.schema}"`);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: options.poolSize ?? 10,
      options: settings.join(' '),
      types: typeParsers,
      application_name: 'cartwise',
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, target.schema);
    try {
      await store.migrate();
      await store.readPlannerRowCounts();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw failed(err, `PostgreSQL at ${redactUrl(url)}`);
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    const lockKey = `cartwise:migrate:${this.schema ?? ''}`;
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      try {
        if (this.schema !== undefined) {
          await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
          // Re-set the same path so this session sees the schema it just created.
          await client.query(`SELECT set_config('search_path', $1, false)`, [`"${this.schema}"`]);
        }
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT,
          applied_at TIMESTAMP DEFAULT (now() AT TIME ZONE 'UTC'))`);
        const { rows } = await client.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
        const current = rows[0]?.v ?? 0;
        for (const m of postgresMigrations) {
          if (m.version <= current) continue;
          await client.query('BEGIN');
          try {
            await client.query(m.sql);
            await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw new CartwiseError('STORE_FAILED', { reason: `migration ${m.version} (${m.name}) failed: ${(err as Error).message}` });
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  private async readPlannerRowCounts(): Promise<void> {
    const rows = await this.rows(`SELECT c.relname AS name, c.reltuples AS n FROM pg_class c
      WHERE c.oid IN ('events'::regclass, 'items'::regclass, 'users'::regclass)`);
    for (const r of rows) {
      const g = this.growth[r['name'] as AnalyzedTable];
      if (g) g.known = Math.max(0, Number(r['n']));
    }
  }

  /**
   * Keeps planner statistics fresh without relying on autovacuum (often off or slow to react after a bulk
   * import): once a table has grown by half (and at least 1,000 rows) since it was last analyzed from here, it
   * is analyzed before the write returns — a handful of times over a bulk load of any size. Stale statistics after a bulk load make PostgreSQL pick nested loops
   * that turn second-long analytics into minutes.
   */
  private async noteWrites(table: AnalyzedTable, rows: number): Promise<void> {
    const g = this.growth[table];
    g.pending += rows;
    if (this.analyzing || g.pending < 1000 || g.pending < 0.5 * g.known) return;
    this.analyzing = true;
    try {
      await this.pool.query(`ANALYZE ${table}`);
      g.known += g.pending;
      g.pending = 0;
    } catch {
      // Statistics are an optimisation: a failed ANALYZE (e.g. lacking privileges) must not fail the write.
    } finally {
      this.analyzing = false;
    }
  }

  /** Runs `fn` in one transaction on one client: commits on success, rolls back and rethrows on failure. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw failed(err);
      }
    } finally {
      client.release();
    }
  }

  private async rows(text: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    try {
      return (await this.pool.query(text, params as unknown[])).rows as Record<string, unknown>[];
    } catch (err) {
      throw failed(err);
    }
  }

  async schemaVersion(): Promise<number> {
    const [row] = await this.rows('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(row?.['v'] ?? 0);
  }

  async appendEvents(events: readonly StoredEvent[]): Promise<AppendResult> {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    const seen = new Set<string>();
    const unique: StoredEvent[] = [];
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      unique.push(e);
    }
    const inserted = await this.transaction(async (client) => {
      let n = 0;
      for (let start = 0; start < unique.length; start += WRITE_CHUNK) {
        const chunk = unique.slice(start, start + WRITE_CHUNK);
        const r = await client.query(
          `INSERT INTO events (id, type, user_id, session_id, item_id, ts, quantity, price, revenue, query, rating, text, props, rec_id)
           SELECT id, type, user_id, session_id, item_id, ${fromMs('ts_ms')}, quantity, price, revenue, query, rating, text, props::jsonb, rec_id
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
                       $10::text[], $11::float8[], $12::text[], $13::text[], $14::text[])
             AS t(id, type, user_id, session_id, item_id, ts_ms, quantity, price, revenue, query, rating, text, props, rec_id)
           ON CONFLICT (id) DO NOTHING`,
          [
            chunk.map((e) => e.id),
            chunk.map((e) => e.type),
            chunk.map((e) => e.userId),
            chunk.map((e) => orNull(e.sessionId)),
            chunk.map((e) => orNull(e.itemId)),
            chunk.map((e) => e.ts),
            chunk.map((e) => orNull(e.quantity)),
            chunk.map((e) => orNull(e.price)),
            chunk.map((e) => orNull(e.revenue)),
            chunk.map((e) => orNull(e.query)),
            chunk.map((e) => orNull(e.rating)),
            chunk.map((e) => orNull(e.text)),
            chunk.map((e) => json(e.props)),
            chunk.map((e) => orNull(e.recId)),
          ],
        );
        n += r.rowCount ?? 0;
      }
      return n;
    });
    await this.noteWrites('events', inserted);
    return { inserted, duplicates: events.length - inserted };
  }

  async upsertItems(items: readonly Item[]): Promise<number> {
    if (items.length === 0) return 0;
    // Last one wins within a batch, as with the DuckDB store; ON CONFLICT DO UPDATE may not touch a row twice.
    const unique = [...new Map(items.map((i) => [i.id, i])).values()];
    await this.transaction(async (client) => {
      for (let start = 0; start < unique.length; start += WRITE_CHUNK) {
        const chunk = unique.slice(start, start + WRITE_CHUNK);
        await client.query(
          `INSERT INTO items (id, title, description, category, price, currency, in_stock, tags, attrs, created_at, updated_at)
           SELECT id, title, description, category, price, currency, in_stock, tags::jsonb, attrs::jsonb,
                  CASE WHEN created_ms IS NULL THEN NULL ELSE ${fromMs('created_ms')} END, now() AT TIME ZONE 'UTC'
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::boolean[], $8::text[], $9::text[], $10::float8[])
             AS t(id, title, description, category, price, currency, in_stock, tags, attrs, created_ms)
           ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description, category = EXCLUDED.category,
             price = EXCLUDED.price, currency = EXCLUDED.currency, in_stock = EXCLUDED.in_stock, tags = EXCLUDED.tags,
             attrs = EXCLUDED.attrs, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
          [
            chunk.map((i) => i.id),
            chunk.map((i) => i.title),
            chunk.map((i) => orNull(i.description)),
            chunk.map((i) => orNull(i.category)),
            chunk.map((i) => orNull(i.price)),
            chunk.map((i) => orNull(i.currency)),
            chunk.map((i) => orNull(i.inStock)),
            chunk.map((i) => json(i.tags)),
            chunk.map((i) => json(i.attrs)),
            chunk.map((i) => orNull(i.createdAt)),
          ],
        );
      }
    });
    await this.noteWrites('items', unique.length);
    return unique.length;
  }

  async upsertUsers(users: readonly User[]): Promise<number> {
    if (users.length === 0) return 0;
    const unique = [...new Map(users.map((u) => [u.id, u])).values()];
    await this.transaction(async (client) => {
      for (let start = 0; start < unique.length; start += WRITE_CHUNK) {
        const chunk = unique.slice(start, start + WRITE_CHUNK);
        await client.query(
          `INSERT INTO users (id, attrs, updated_at)
           SELECT id, attrs::jsonb, now() AT TIME ZONE 'UTC' FROM unnest($1::text[], $2::text[]) AS t(id, attrs)
           ON CONFLICT (id) DO UPDATE SET attrs = EXCLUDED.attrs, updated_at = EXCLUDED.updated_at`,
          [chunk.map((u) => u.id), chunk.map((u) => json(u.attrs))],
        );
      }
    });
    await this.noteWrites('users', unique.length);
    return unique.length;
  }

  async getItem(id: string): Promise<Item | undefined> {
    const [row] = await this.rows('SELECT * FROM items WHERE id = $1', [id]);
    return row ? itemFromRow(row) : undefined;
  }

  async getItems(ids: readonly string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows('SELECT * FROM items WHERE id = ANY($1::text[])', [ids.map(String)]);
    const byId = new Map(rows.map((r) => [String(r['id']), itemFromRow(r)]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as Item] : []));
  }

  async deleteItem(id: string): Promise<boolean> {
    try {
      return ((await this.pool.query('DELETE FROM items WHERE id = $1', [id])).rowCount ?? 0) > 0;
    } catch (err) {
      throw failed(err);
    }
  }

  async getUser(id: string): Promise<User | undefined> {
    const [row] = await this.rows('SELECT * FROM users WHERE id = $1', [id]);
    return row ? userFromRow(row) : undefined;
  }

  async listItems(options: ListItemsOptions = {}): Promise<{ items: Item[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.text) {
      params.push(`%${options.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(lower(id) LIKE $${params.length} OR lower(title) LIKE $${params.length})`);
    }
    if (options.category) {
      params.push(options.category);
      where.push(`starts_with(coalesce(category, ''), $${params.length})`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.max(0, Math.min(options.limit ?? 50, 1000));
    const offset = Math.max(0, options.offset ?? 0);
    const [count] = await this.rows(`SELECT count(*) AS n FROM items ${clause}`, params);
    const rows = await this.rows(`SELECT * FROM items ${clause} ORDER BY id LIMIT ${limit} OFFSET ${offset}`, params);
    return { items: rows.map(itemFromRow), total: Number(count?.['n'] ?? 0) };
  }

  async *scanItems(batchSize = 5000): AsyncIterable<Item[]> {
    let after: string | null = null;
    for (;;) {
      const rows: Record<string, unknown>[] = after === null
        ? await this.rows('SELECT * FROM items ORDER BY id LIMIT $1', [batchSize])
        : await this.rows('SELECT * FROM items WHERE id > $1 ORDER BY id LIMIT $2', [after, batchSize]);
      if (rows.length === 0) return;
      yield rows.map(itemFromRow);
      after = String(rows[rows.length - 1]?.['id']);
      if (rows.length < batchSize) return;
    }
  }

  async userEvents(userId: string, limit = 100): Promise<StoredEvent[]> {
    const rows = await this.rows(`SELECT *, ${toMs('ts')} AS ts_ms FROM events WHERE user_id = $1 ORDER BY ts DESC, id DESC LIMIT $2`, [userId, limit]);
    return rows.map(eventFromRow);
  }

  deleteUser(userId: string): Promise<{ events: number; profile: boolean }> {
    return this.transaction(async (client) => {
      const events = (await client.query('DELETE FROM events WHERE user_id = $1', [userId])).rowCount ?? 0;
      const profile = ((await client.query('DELETE FROM users WHERE id = $1', [userId])).rowCount ?? 0) > 0;
      return { events, profile };
    });
  }

  /**
   * Streams with a server-side cursor (`DECLARE … NO SCROLL CURSOR`) inside a read-only transaction on a
   * dedicated pooled client: one consistent snapshot, one sort, rows fetched in pages; the client goes back to
   * the pool when the scan ends or the consumer stops early.
   */
  async *scanInteractions(options: InteractionScanOptions = {}): AsyncIterable<InteractionBatch> {
    const where = ['item_id IS NOT NULL'];
    const params: unknown[] = [];
    if (options.types && options.types.length > 0) {
      params.push(options.types.map(String));
      where.push(`type = ANY($${params.length}::text[])`);
    }
    if (options.sinceMs !== undefined) {
      params.push(options.sinceMs);
      where.push(`ts >= ${fromMs(`$${params.length}::float8`)}`);
    }
    if (options.untilMs !== undefined) {
      params.push(options.untilMs);
      where.push(`ts < ${fromMs(`$${params.length}::float8`)}`);
    }
    const batchSize = Math.max(1, options.batchSize ?? 100_000);
    const fetchSize = Math.min(batchSize, 20_000);
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw failed(err);
    }
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      await client.query(
        `DECLARE cw_scan NO SCROLL CURSOR FOR
         SELECT user_id, item_id, type, ${toMs('ts')} AS ts_ms, rating, quantity, session_id
         FROM events WHERE ${where.join(' AND ')} ORDER BY ts, id`,
        params,
      );
      let batch = emptyBatch(batchSize);
      for (;;) {
        const page = await client.query<unknown[]>({ text: `FETCH FORWARD ${fetchSize} FROM cw_scan`, rowMode: 'array' });
        const rows = page.rows;
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r] as unknown[];
          const k = batch.length;
          batch.userIds.push(row[0] as string);
          batch.itemIds.push(row[1] as string);
          batch.types.push(row[2] as string);
          batch.ts[k] = row[3] as number;
          batch.rating[k] = (row[4] as number | null) ?? NaN;
          batch.quantity[k] = (row[5] as number | null) ?? NaN;
          batch.sessionIds.push((row[6] as string | null) ?? null);
          batch.length++;
          if (batch.length === batchSize) {
            yield batch;
            batch = emptyBatch(batchSize);
          }
        }
        if (rows.length < fetchSize) break;
      }
      if (batch.length > 0) yield trimBatch(batch);
    } catch (err) {
      throw failed(err);
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async stats(): Promise<StoreStats> {
    const iso = (e: string) => `to_char(${e}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    const [totals] = await this.rows(`SELECT count(*) AS events, count(DISTINCT user_id) AS users, ${iso('min(ts)')} AS first, ${iso('max(ts)')} AS last FROM events`);
    const byType = await this.rows('SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY n DESC, type');
    const [counts] = await this.rows('SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM users) AS profiles');
    return statsFromRows(totals, byType, counts?.['items'], counts?.['profiles']);
  }

  async query<T extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.rows(toDollarParams(sql), params)) as T[];
  }

  async saveArtifact(name: string, artifact: Artifact): Promise<void> {
    const bytes = encodeArtifact(artifact);
    await this.rows(
      `INSERT INTO artifacts (name, data, saved_at) VALUES ($1, $2, now() AT TIME ZONE 'UTC')
       ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data, saved_at = EXCLUDED.saved_at`,
      [name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }

  async loadArtifact(name: string): Promise<Artifact | undefined> {
    const [row] = await this.rows('SELECT data FROM artifacts WHERE name = $1', [name]);
    return row ? decodeArtifact(row['data'] as Uint8Array) : undefined;
  }

  async listArtifacts(): Promise<ArtifactInfo[]> {
    const rows = await this.rows(`SELECT name, octet_length(data) AS bytes, to_char(saved_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS saved_at FROM artifacts ORDER BY name`);
    return rows.map((r) => ({ name: String(r['name']), bytes: Number(r['bytes']), savedAt: String(r['saved_at']) }));
  }

  async deleteArtifact(name: string): Promise<boolean> {
    try {
      return ((await this.pool.query('DELETE FROM artifacts WHERE name = $1', [name])).rowCount ?? 0) > 0;
    } catch (err) {
      throw failed(err);
    }
  }

  /** Drops this store's schema and everything in it (tests and `?schema=` sandboxes); refuses without a schema. */
  async dropSchema(): Promise<void> {
    if (this.schema === undefined) throw new CartwiseError('STORE_FAILED', { reason: 'dropSchema needs a store opened with ?schema=NAME' });
    await this.rows(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
