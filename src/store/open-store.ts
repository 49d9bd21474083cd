import { resolve } from 'node:path';
import { CartwiseError } from '../core/errors.ts';
import type { Store } from './store.ts';

/**
 * Opens the store a URL names: `duckdb://PATH` (embedded, the default), `duckdb://:memory:`, or
 * `postgres://…` / `postgresql://…` (scale-out; `?schema=NAME` picks the schema, see docs/guide/postgres.md).
 * Adapters load lazily so an embedded install never loads `pg`.
 */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('duckdb://')) {
    const path = url.slice('duckdb://'.length);
    const { DuckDbStore } = await import('./duckdb/duckdb-store.ts');
    return DuckDbStore.open(path === ':memory:' ? path : resolve(path));
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Imported here, not at the top: an embedded (DuckDB) install never loads `pg`.
    const { PostgresStore } = await import('./postgres/postgres-store.ts');
    return PostgresStore.open(url);
  }
  throw new CartwiseError('STORE_URL_UNSUPPORTED', { url });
}
