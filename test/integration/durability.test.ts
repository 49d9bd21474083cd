import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { startServerProcess } from './helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cw-kill9-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('durability over real HTTP', () => {
  it('keeps every acknowledged event after kill -9 of the server', async () => {
    const adminKey = 'durability-admin-key-000';
    const server = await startServerProcess(dataDir, { CARTWISE_ADMIN_KEY: adminKey, CARTWISE_WRITE_KEY: 'durability-write-key-000' });
    const acknowledged: string[] = [];
    const ts = Date.UTC(2025, 0, 1);
    let stop = false;
    // Several concurrent senders; the kill lands while requests are in flight.
    const sender = async (worker: number) => {
      for (let b = 0; !stop; b++) {
        const events = Array.from({ length: 200 }, (_, i) => ({ id: `w${worker}-b${b}-e${i}`, type: 'view', userId: `u${i % 50}`, itemId: `i${i}`, ts: ts + i }));
        try {
          const r = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(events) });
          if (r.ok) acknowledged.push(...events.map((e) => e.id));
        } catch {
          return; // connection cut by the kill: not acknowledged
        }
      }
    };
    const senders = [0, 1, 2, 3].map(sender);
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < 4000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await exited;

    const store = await DuckDbStore.open(join(dataDir, 'cartwise.duckdb'));
    try {
      const rows = await store.query<{ id: string }>('SELECT id FROM events');
      const stored = new Set(rows.map((r) => r.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(acknowledged.length).toBeGreaterThanOrEqual(4000);
      expect(lost).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
