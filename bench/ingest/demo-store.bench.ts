/**
 * Demo store generator benchmark: generation alone (in memory), then generation + storage into a fresh
 * DuckDB file, then a second run (must be a no-op). Prints the timings and counts.
 *
 *   npx tsx bench/ingest/demo-store.bench.ts [--users N] [--items N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoStore, resolveDemoOptions } from '../../src/ingest/demo/generate-demo-store.ts';
import { loadDemoStore } from '../../src/ingest/demo/load-demo-store.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';

const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
};
const options = { seed: 42, endMs: Date.UTC(2026, 10, 25), ...(arg('users') ? { users: arg('users') } : {}), ...(arg('items') ? { items: arg('items') } : {}) };
const resolved = resolveDemoOptions(options);

let t = performance.now();
const gen = generateDemoStore(options);
let step = gen.next();
while (!step.done) step = gen.next();
const summary = step.value;
const genMs = performance.now() - t;
console.log(`generate only: ${summary.events.toLocaleString('en-US')} events, ${summary.users.toLocaleString('en-US')} users, ${summary.items.toLocaleString('en-US')} items in ${(genMs / 1000).toFixed(2)} s (${Math.round(summary.events / (genMs / 1000)).toLocaleString('en-US')} events/s)`);

const dir = mkdtempSync(join(tmpdir(), 'cartwise-demo-bench-'));
try {
  const store = await DuckDbStore.open(join(dir, 'cartwise.duckdb'));
  const phase: Record<string, number> = {};
  const orig = { items: store.upsertItems.bind(store), users: store.upsertUsers.bind(store), events: store.appendEvents.bind(store) };
  const timed = <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>) => async (...a: A) => {
    const s = performance.now();
    try { return await fn(...a); } finally { phase[name] = (phase[name] ?? 0) + performance.now() - s; }
  };
  store.upsertItems = timed('upsertItems', orig.items);
  store.upsertUsers = timed('upsertUsers', orig.users);
  store.appendEvents = timed('appendEvents', orig.events);
  t = performance.now();
  const first = await loadDemoStore(store, options);
  const loadMs = performance.now() - t;
  console.log(`generate + store (DuckDB file): ${(loadMs / 1000).toFixed(2)} s, inserted ${JSON.stringify(first.inserted)}`);
  console.log(`  time inside store calls: ${Object.entries(phase).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}`);
  t = performance.now();
  const second = await loadDemoStore(store, options);
  console.log(`second run: status ${second.status}, ${(performance.now() - t).toFixed(0)} ms, inserted ${JSON.stringify(second.inserted)}`);
  const stats = await store.stats();
  console.log(`stats: ${stats.events} events, ${stats.users} users, ${stats.items} items, types ${JSON.stringify(stats.eventsByType)}`);
  await store.close();
  void resolved;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
