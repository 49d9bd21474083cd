import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, blobValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { CartwiseError } from '../../core/errors.ts';
import type { Item, StoredEvent, User } from '../../core/schemas/index.ts';
import { decodeArtifact, encodeArtifact } from '../artifact-codec.ts';
import { emptyBatch, eventFromRow, itemFromRow, statsFromRows, toDollarParams, trimBatch, userFromRow } from '../rows.ts';
import type { AppendResult, Artifact, ArtifactInfo, InteractionBatch, InteractionScanOptions, ListItemsOptions, Store, StoreStats } from '../store.ts';
import { duckDbMigrations } from './migrations.ts';

/** Serialises async work: DuckDB allows one writer, and appends must not interleave. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Converts DuckDB's JS values to plain JSON-friendly ones (bigint → number, Date kept). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function plainRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  for (const row of rows) for (const key of Object.keys(row)) row[key] = plain(row[key]);
  return rows;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/**
 * The embedded default store: one DuckDB file under the data directory. One connection writes (behind a
 * mutex, every append in its own committed transaction so an acknowledged event is in the WAL), another reads.
 */
export class DuckDbStore implements Store {
  readonly dialect = 'duckdb' as const;
  private readonly writeLock = new Mutex();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) the database at `path` (`:memory:` for an in-memory store) and migrates it. */
  static async open(path: string): Promise<DuckDbStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (err) {
      const reason = (err as Error).message;
      throw new CartwiseError('STORE_FAILED', {
        reason: /lock/i.test(reason)
          ? `${path} is in use by another Cartwise process (an embedded DuckDB store allows one process at a time): stop \`cartwise serve\` first, send the data over HTTP instead, or use a PostgreSQL store. ${reason}`
          : reason,
      });
    }
    const writer = await instance.connect();
    const reader = await instance.connect();
    const store = new DuckDbStore(instance, writer, reader);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    await this.writer.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)');
    const current = await this.schemaVersion();
    for (const m of duckDbMigrations) {
      if (m.version <= current) continue;
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run(m.sql);
        await this.writer.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await this.writer.run('COMMIT');
      } catch (err) {
        await this.writer.run('ROLLBACK');
        throw new CartwiseError('STORE_FAILED', { reason: `migration ${m.version} (${m.name}) failed: ${(err as Error).message}` });
      }
    }
    await this.writer.run(`CREATE TEMP TABLE IF NOT EXISTS events_stage (
      id VARCHAR, type VARCHAR, user_id VARCHAR, session_id VARCHAR, item_id VARCHAR, ts_ms BIGINT,
      quantity DOUBLE, price DOUBLE, revenue DOUBLE, query VARCHAR, rating DOUBLE, text VARCHAR, props VARCHAR, rec_id VARCHAR)`);
    await this.writer.run(`CREATE TEMP TABLE IF NOT EXISTS items_stage (id VARCHAR, title VARCHAR, description VARCHAR, category VARCHAR,
      price DOUBLE, currency VARCHAR, in_stock BOOLEAN, tags VARCHAR, attrs VARCHAR, created_ms BIGINT)`);
    await this.writer.run('CREATE TEMP TABLE IF NOT EXISTS users_stage (id VARCHAR, attrs VARCHAR)');
  }

  async schemaVersion(): Promise<number> {
    const r = await this.reader.runAndReadAll('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(r.getRowObjectsJS()[0]?.['v'] ?? 0);
  }

  appendEvents(events: readonly StoredEvent[]): Promise<AppendResult> {
    if (events.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    return this.writeLock.run(async () => {
      const seen = new Set<string>();
      const appender = await this.writer.createAppender('events_stage', 'main', 'temp');
      const str = (v: string | undefined) => (v === undefined ? appender.appendNull() : appender.appendVarchar(v));
      const num = (v: number | undefined) => (v === undefined ? appender.appendNull() : appender.appendDouble(v));
      for (const e of events) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        appender.appendVarchar(e.id);
        appender.appendVarchar(e.type);
        appender.appendVarchar(e.userId);
        str(e.sessionId);
        str(e.itemId);
        appender.appendBigInt(BigInt(e.ts));
        num(e.quantity);
        num(e.price);
        num(e.revenue);
        str(e.query);
        num(e.rating);
        str(e.text);
        str(e.props === undefined ? undefined : JSON.stringify(e.props));
        str(e.recId);
        appender.endRow();
      }
      appender.closeSync();
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const r = await this.writer.run(`INSERT OR IGNORE INTO events
          (id, type, user_id, session_id, item_id, ts, quantity, price, revenue, query, rating, text, props, rec_id)
          SELECT id, type, user_id, session_id, item_id, epoch_ms(ts_ms), quantity, price, revenue, query, rating, text, props, rec_id
          FROM temp.main.events_stage`);
        await this.writer.run('COMMIT');
        const inserted = r.rowsChanged;
        return { inserted, duplicates: events.length - inserted };
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw new CartwiseError('STORE_FAILED', { reason: (err as Error).message });
      } finally {
        await this.writer.run('DELETE FROM temp.main.events_stage');
      }
    });
  }

  upsertItems(items: readonly Item[]): Promise<number> {
    if (items.length === 0) return Promise.resolve(0);
    return this.writeLock.run(async () => {
      const unique = new Map(items.map((i) => [i.id, i]));
      const a = await this.writer.createAppender('items_stage', 'main', 'temp');
      const str = (v: string | null | undefined) => (v == null ? a.appendNull() : a.appendVarchar(v));
      for (const i of unique.values()) {
        a.appendVarchar(i.id); a.appendVarchar(i.title); str(i.description); str(i.category);
        if (i.price === undefined) a.appendNull(); else a.appendDouble(i.price);
        str(i.currency);
        if (i.inStock === undefined) a.appendNull(); else a.appendBoolean(i.inStock);
        str(json(i.tags)); str(json(i.attrs));
        if (i.createdAt === undefined) a.appendNull(); else a.appendBigInt(BigInt(i.createdAt));
        a.endRow();
      }
      a.closeSync();
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run(`INSERT OR REPLACE INTO items (id, title, description, category, price, currency, in_stock, tags, attrs, created_at, updated_at)
          SELECT id, title, description, category, price, currency, in_stock, tags, attrs, CASE WHEN created_ms IS NULL THEN NULL ELSE epoch_ms(created_ms) END, current_timestamp FROM temp.main.items_stage`);
        await this.writer.run('COMMIT');
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw new CartwiseError('STORE_FAILED', { reason: (err as Error).message });
      } finally {
        await this.writer.run('DELETE FROM temp.main.items_stage');
      }
      return unique.size;
    });
  }

  upsertUsers(users: readonly User[]): Promise<number> {
    if (users.length === 0) return Promise.resolve(0);
    return this.writeLock.run(async () => {
      const unique = new Map(users.map((u) => [u.id, u]));
      const a = await this.writer.createAppender('users_stage', 'main', 'temp');
      for (const u of unique.values()) {
        a.appendVarchar(u.id);
        const j = json(u.attrs);
        if (j === null) a.appendNull(); else a.appendVarchar(j);
        a.endRow();
      }
      a.closeSync();
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run('INSERT OR REPLACE INTO users (id, attrs, updated_at) SELECT id, attrs, current_timestamp FROM temp.main.users_stage');
        await this.writer.run('COMMIT');
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw new CartwiseError('STORE_FAILED', { reason: (err as Error).message });
      } finally {
        await this.writer.run('DELETE FROM temp.main.users_stage');
      }
      return unique.size;
    });
  }

  private async rows(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const r = await this.reader.runAndReadAll(sql, params as DuckDBValue[]);
    return plainRows(r.getRowObjectsJS() as Record<string, unknown>[]);
  }

  async getItem(id: string): Promise<Item | undefined> {
    const rows = await this.rows('SELECT * FROM items WHERE id = $1', [id]);
    return rows[0] ? itemFromRow(rows[0]) : undefined;
  }

  async getItems(ids: readonly string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    const placeholders = ids.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.rows(`SELECT * FROM items WHERE id IN (${placeholders})`, ids.map(String));
    const byId = new Map(rows.map((r) => [String(r['id']), itemFromRow(r)]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as Item] : []));
  }

  deleteItem(id: string): Promise<boolean> {
    return this.writeLock.run(async () => (await this.writer.run('DELETE FROM items WHERE id = $1', [id])).rowsChanged > 0);
  }

  async getUser(id: string): Promise<User | undefined> {
    const rows = await this.rows('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? userFromRow(rows[0]) : undefined;
  }

  async listItems(options: ListItemsOptions = {}): Promise<{ items: Item[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.text) {
      // Literal substring match: % and _ in the text are not wildcards.
      params.push(`%${options.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(lower(id) LIKE $${params.length} ESCAPE '\\' OR lower(title) LIKE $${params.length} ESCAPE '\\')`);
    }
    if (options.category) {
      params.push(options.category);
      where.push(`starts_with(coalesce(category, ''), $${params.length})`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await this.rows(`SELECT count(*) AS n FROM items ${clause}`, params);
    const rows = await this.rows(`SELECT * FROM items ${clause} ORDER BY id LIMIT ${Math.max(0, Math.min(options.limit ?? 50, 1000))} OFFSET ${Math.max(0, options.offset ?? 0)}`, params);
    return { items: rows.map(itemFromRow), total: Number(count?.['n'] ?? 0) };
  }

  async *scanItems(batchSize = 5000): AsyncIterable<Item[]> {
    let after = '';
    for (;;) {
      const rows = await this.rows('SELECT * FROM items WHERE id > $1 ORDER BY id LIMIT $2', [after, batchSize]);
      if (rows.length === 0) return;
      yield rows.map(itemFromRow);
      after = String(rows[rows.length - 1]?.['id']);
      if (rows.length < batchSize) return;
    }
  }

  async userEvents(userId: string, limit = 100): Promise<StoredEvent[]> {
    const rows = await this.rows('SELECT *, epoch_ms(ts) AS ts_ms FROM events WHERE user_id = $1 ORDER BY ts DESC, id DESC LIMIT $2', [userId, limit]);
    return rows.map(eventFromRow);
  }

  deleteUser(userId: string): Promise<{ events: number; profile: boolean }> {
    return this.writeLock.run(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const events = (await this.writer.run('DELETE FROM events WHERE user_id = $1', [userId])).rowsChanged;
        const profile = (await this.writer.run('DELETE FROM users WHERE id = $1', [userId])).rowsChanged > 0;
        await this.writer.run('COMMIT');
        return { events, profile };
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw new CartwiseError('STORE_FAILED', { reason: (err as Error).message });
      }
    });
  }

  async *scanInteractions(options: InteractionScanOptions = {}): AsyncIterable<InteractionBatch> {
    const where = ['item_id IS NOT NULL'];
    const params: DuckDBValue[] = [];
    if (options.types && options.types.length > 0) {
      const placeholders = options.types.map((t) => {
        params.push(String(t));
        return `$${params.length}`;
      });
      where.push(`type IN (${placeholders.join(', ')})`);
    }
    if (options.sinceMs !== undefined) {
      params.push(options.sinceMs);
      where.push(`ts >= epoch_ms($${params.length}::BIGINT)`);
    }
    if (options.untilMs !== undefined) {
      params.push(options.untilMs);
      where.push(`ts < epoch_ms($${params.length}::BIGINT)`);
    }
    const batchSize = options.batchSize ?? 100_000;
    const connection = await this.instance.connect();
    try {
      const result = await connection.stream(
        `SELECT user_id, item_id, type, epoch_ms(ts)::DOUBLE AS ts_ms, rating, quantity, session_id
         FROM events WHERE ${where.join(' AND ')} ORDER BY ts, id`,
        params,
      );
      let batch = emptyBatch(batchSize);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const cols = chunk.getColumns();
        const n = chunk.rowCount;
        for (let i = 0; i < n; i++) {
          const k = batch.length;
          batch.userIds.push(cols[0]?.[i] as string);
          batch.itemIds.push(cols[1]?.[i] as string);
          batch.types.push(cols[2]?.[i] as string);
          batch.ts[k] = cols[3]?.[i] as number;
          batch.rating[k] = (cols[4]?.[i] as number | null) ?? NaN;
          batch.quantity[k] = (cols[5]?.[i] as number | null) ?? NaN;
          batch.sessionIds.push((cols[6]?.[i] as string | null) ?? null);
          batch.length++;
          if (batch.length === batchSize) {
            yield batch;
            batch = emptyBatch(batchSize);
          }
        }
      }
      if (batch.length > 0) yield trimBatch(batch);
    } finally {
      connection.closeSync();
    }
  }

  async stats(): Promise<StoreStats> {
    const [totals] = await this.rows(`SELECT count(*) AS events, count(DISTINCT user_id) AS users,
      strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS last FROM events`);
    const byType = await this.rows('SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY n DESC, type');
    const [items] = await this.rows('SELECT count(*) AS n FROM items');
    const [profiles] = await this.rows('SELECT count(*) AS n FROM users');
    return statsFromRows(totals, byType, items?.['n'], profiles?.['n']);
  }

  async query<T extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.rows(toDollarParams(sql), params)) as T[];
  }

  saveArtifact(name: string, artifact: Artifact): Promise<void> {
    const bytes = encodeArtifact(artifact);
    return this.writeLock.run(async () => {
      await this.writer.run('INSERT OR REPLACE INTO artifacts (name, data, saved_at) VALUES ($1, $2, current_timestamp)', [name, blobValue(bytes)]);
    });
  }

  async loadArtifact(name: string): Promise<Artifact | undefined> {
    const r = await this.reader.runAndReadAll('SELECT data FROM artifacts WHERE name = $1', [name]);
    const value = r.getRows()[0]?.[0] as { bytes: Uint8Array } | undefined;
    return value ? decodeArtifact(value.bytes) : undefined;
  }

  async listArtifacts(): Promise<ArtifactInfo[]> {
    const rows = await this.rows(`SELECT name, octet_length(data) AS bytes, strftime(saved_at, '%Y-%m-%dT%H:%M:%SZ') AS saved_at FROM artifacts ORDER BY name`);
    return rows.map((r) => ({ name: String(r['name']), bytes: Number(r['bytes']), savedAt: String(r['saved_at']) }));
  }

  deleteArtifact(name: string): Promise<boolean> {
    return this.writeLock.run(async () => (await this.writer.run('DELETE FROM artifacts WHERE name = $1', [name])).rowsChanged > 0);
  }

  async close(): Promise<void> {
    await this.writeLock.run(async () => {
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      this.reader.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }
}
