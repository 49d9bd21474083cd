import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../store.contract.ts';
import { DuckDbStore } from './duckdb-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-duckdb-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('DuckDB (file)', () => DuckDbStore.open(join(dir, `s${n++}.duckdb`)));
runStoreContract('DuckDB (memory)', () => DuckDbStore.open(':memory:'));

describe('DuckDbStore', () => {
  it('keeps data across close and reopen, and does not re-run migrations', async () => {
    const path = join(dir, 'reopen.duckdb');
    const a = await DuckDbStore.open(path);
    await a.appendEvents([{ id: 'e1', type: 'view', userId: 'u', itemId: 'i', ts: Date.UTC(2025, 0, 1) }]);
    await a.close();
    const b = await DuckDbStore.open(path);
    expect((await b.stats()).events).toBe(1);
    expect(await b.schemaVersion()).toBe(1);
    await b.close();
  });
});
