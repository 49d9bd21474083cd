/**
 * Personalised search latency through the real server: the demo store (3,000 items, 20,000 shoppers, 90 days),
 * `startServer` with its recommendation service, and search-as-you-type requests with a `userId` (each shopper types
 * a query a letter at a time, so most requests reuse the shopper's cached affinities and recommendation scores).
 *   npx tsx bench/search/personalised.bench.ts [--qps 200] [--seconds 10] [--shoppers 400]
 * Prints p50/p95/p99/max for requests with and without a userId at the same offered rate (open loop, loopback).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { loadDemoStore } from '../../src/ingest/demo/load-demo-store.ts';
import { startServer } from '../../src/server/serve.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { flag, latencies } from './latency.ts';

const qps = flag('qps', 200);
const seconds = flag('seconds', 10);
const shoppers = flag('shoppers', 400);

const dataDir = mkdtempSync(join(tmpdir(), 'cw-personal-bench-'));
const store = await DuckDbStore.open(join(dataDir, 'cartwise.duckdb'));
let t = performance.now();
await loadDemoStore(store);
console.log(`demo store loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const users = (await store.query<{ user_id: string }>(`SELECT DISTINCT user_id FROM events WHERE type = 'purchase' ORDER BY user_id LIMIT ${shoppers}`)).map((r) => r.user_id);
const queries = (await store.query<{ query: string }>(`SELECT DISTINCT query FROM events WHERE type = 'search' AND query IS NOT NULL ORDER BY query LIMIT 300`)).map((r) => r.query);
const key = 'w'.repeat(20);
const config = loadConfig({ env: {}, flags: { dataDir, port: '0', adminKey: 'a'.repeat(20), writeKey: key, logLevel: 'silent' }, persistKeys: false });
const server = await startServer(config, store, createLogger('silent'));
// The server starts training a model when it has none; wait for it, so that the search's recommendation term is
// real (not the cold-start popularity list).
const admin = { authorization: `Bearer ${'a'.repeat(20)}` };
t = performance.now();
for (let i = 0; i < 1200; i++) {
  const m = (await (await fetch(`${server.url}/v1/models`, { headers: admin })).json()) as { jobs?: { status: string }[] };
  if (!(m.jobs ?? []).some((j) => j.status === 'running')) break;
  await new Promise((r) => setTimeout(r, 500));
}
const rec = (await (await fetch(`${server.url}/v1/recommendations?userId=${encodeURIComponent(users[0] as string)}&k=5`, { headers: { authorization: `Bearer ${key}` } })).json()) as { strategy?: string; model?: { algo?: string } };
console.log(`start-up training done after ${((performance.now() - t) / 1000).toFixed(1)} s; a shopper's recommendations: strategy ${String(rec.strategy)}, model ${String(rec.model?.algo)}`);

// Each shopper types one query: its prefixes from 3 letters on, then the whole query.
const requests: { q: string; userId: string }[] = [];
for (let i = 0; requests.length < qps * seconds + 200; i++) {
  const q = queries[i % queries.length] as string;
  const userId = users[i % users.length] as string;
  for (let n = Math.min(3, q.length); n <= q.length; n++) requests.push({ q: q.slice(0, n), userId });
}
// The load generator runs in a worker thread (its own event loop), so client work does not delay the server's.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, requests, qps, total, key, withUser } = workerData;
const latencies = []; const errors = []; const started = performance.now();
(async () => {
  const pending = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / qps - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const r = requests[i];
    const s = performance.now();
    pending.push(fetch(url + '/v1/search?prefix=true&q=' + encodeURIComponent(r.q) + (withUser ? '&userId=' + encodeURIComponent(r.userId) : ''), { headers: { authorization: 'Bearer ' + key } })
      .then(async (res) => { await res.arrayBuffer(); if (res.status === 200) latencies.push(performance.now() - s); else errors.push('HTTP ' + res.status); })
      .catch((e) => errors.push(String(e))));
  }
  await Promise.all(pending);
  parentPort.postMessage({ latencies, errors });
})();
`;
const run = (withUser: boolean, offset: number) =>
  new Promise<void>((resolve, reject) => {
    const w = new Worker(CLIENT, { eval: true, workerData: { url: server.url, requests: requests.slice(offset, offset + qps * seconds), qps, total: qps * seconds, key, withUser } });
    w.once('message', (m: { latencies: number[]; errors: string[] }) => {
      console.log(`${withUser ? 'with userId   ' : 'without userId'} open loop ${qps}/s for ${seconds} s: ${m.latencies.length} ok, ${m.errors.length} errors${m.errors.length ? ` (${[...new Set(m.errors)].slice(0, 3).join(', ')})` : ''}: ${latencies(m.latencies)}`);
      void w.terminate();
      resolve();
    });
    w.once('error', reject);
  });
// Warm-up: JIT, the search index, the signals and the model.
for (const r of requests.slice(0, 100)) await fetch(`${server.url}/v1/search?q=${encodeURIComponent(r.q)}&userId=${encodeURIComponent(r.userId)}`, { headers: { authorization: `Bearer ${key}` } }).then((x) => x.arrayBuffer());
await run(false, 100);
await run(true, 100);
await server.close();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
