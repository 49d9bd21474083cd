/**
 * Test helpers for the PostgreSQL store: reachability probe and throw-away schemas. Test files read the server
 * URL (env `CARTWISE_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`) and pass it here.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { PostgresStore, parsePostgresUrl, redactUrl } from './postgres-store.ts';

/** The server tests use unless `CARTWISE_TEST_PG_URL` names another. */
export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Why PostgreSQL tests cannot run against `url` (the server does not answer within 3 s, refuses the login, …),
 * or undefined when a query succeeds. Never throws.
 */
export async function postgresUnavailable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(url).connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${redactUrl(url)} is unreachable (${(err as Error).message}); set CARTWISE_TEST_PG_URL or start it`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `url` with a fresh `?schema=cw_test_<random>` (replacing any schema it named). */
export function withTestSchema(url: string, prefix = 'cw_test'): { url: string; schema: string } {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return { url: u.toString(), schema };
}

/** Drops schemas (and everything in them) on the server `url` points to. */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: parsePostgresUrl(url).connectionString });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s.replace(/"/g, '')}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Opens a store in a fresh schema and remembers the schema in `created` for {@link dropSchemas}. */
export async function openTestStore(url: string, created: string[]): Promise<PostgresStore> {
  const t = withTestSchema(url);
  created.push(t.schema);
  return PostgresStore.open(t.url);
}
