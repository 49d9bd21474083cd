import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import type { Store } from '../../store/store.ts';
import { buildApp } from '../app.ts';
import type { AppContext } from '../route.ts';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const WRITE_KEY = 'test-write-key-0123456789';
export const admin = { authorization: `Bearer ${ADMIN_KEY}` };
export const writer = { authorization: `Bearer ${WRITE_KEY}` };

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  config: Config;
  ctx: AppContext;
  close(): Promise<void>;
}

/** An in-process app on an in-memory DuckDB store with known keys, for `app.inject` route tests. */
export async function createTestApp(configOverrides: Record<string, unknown> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-app-'));
  const config = loadConfig({ env: {}, flags: { dataDir, adminKey: ADMIN_KEY, writeKey: WRITE_KEY, logLevel: 'silent', ...configOverrides }, persistKeys: false });
  const store = await DuckDbStore.open(':memory:');
  const ctx: AppContext = { config, store, log: createLogger('silent') };
  const app = await buildApp(ctx, { logRequests: false });
  return {
    app,
    store,
    config,
    ctx,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
