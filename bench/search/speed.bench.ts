/**
 * Search speed on a synthetic 100,000-item catalogue:
 *   npx tsx bench/search/speed.bench.ts [--items 100000] [--qps 200] [--seconds 10]
 * 1. indexing time (in-memory BM25F index over title, brand, category, attrs, description);
 * 2. artifact save → load round trip through DuckDB;
 * 3. in-process query latency (engine only) over the query mix, search-as-you-type included;
 * 4. HTTP latency on loopback: GET /v1/search at a fixed arrival rate (open loop), p50/p95/p99/max.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { SearchIndex } from '../../src/search/search-index.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { buildApp } from '../../src/server/app.ts';
import { setSearchService } from '../../src/server/routes/search-routes.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { syntheticCatalogue, syntheticQueries } from './synthetic-catalogue.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const nItems = arg('items', 100_000);
const qps = arg('qps', 200);
const seconds = arg('seconds', 10);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} · p95 ${pct(xs, 95).toFixed(2)} · p99 ${pct(xs, 99).toFixed(2)} · max ${Math.max(...xs).toFixed(2)} ms`;

const items = syntheticCatalogue(nItems);
const queries = syntheticQueries(5000);
const cpu0 = process.cpuUsage();
let t = performance.now();
const index = new SearchIndex();
for (let i = 0; i < items.length; i += 5000) index.upsert(items.slice(i, i + 5000));
const indexMs = performance.now() - t;
const cpu1 = process.cpuUsage(cpu0);
console.log(`index ${nItems.toLocaleString('en-US')} items: ${(indexMs / 1000).toFixed(2)} s wall, ${((cpu1.user + cpu1.system) / 1e6).toFixed(2)} s CPU; ${index.vocabularySize.toLocaleString('en-US')} terms`);

const store = await DuckDbStore.open(':memory:');
t = performance.now();
const artifact = index.toArtifact();
await store.saveArtifact('search-index', artifact);
const saveMs = performance.now() - t;
t = performance.now();
const loaded = SearchIndex.fromArtifact((await store.loadArtifact('search-index'))!);
const loadMs = performance.now() - t;
const bytes = Object.values(artifact.buffers).reduce((a, b) => a + b.byteLength, 0);
console.log(`artifact ${(bytes / 1e6).toFixed(1)} MB: save ${(saveMs / 1000).toFixed(2)} s, load ${(loadMs / 1000).toFixed(2)} s (${loaded.size.toLocaleString('en-US')} items)`);

const service = SearchService.withIndex(store, loaded, { recordSearches: false });
const engine = await service.ready();
for (const q of queries.slice(0, 200)) engine.search({ q }); // warm caches and the JIT
const inproc: number[] = [];
for (const q of queries.slice(200, 2200)) {
  const s = performance.now();
  engine.search({ q, prefix: true });
  inproc.push(performance.now() - s);
}
console.log(`in-process search (2,000 queries, facets + highlighting, prefix on): ${fmt(inproc)}`);

const dataDir = mkdtempSync(join(tmpdir(), 'cw-search-bench-'));
const config = loadConfig({ env: {}, flags: { dataDir, adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20), logLevel: 'silent' }, persistKeys: false });
setSearchService(store, service);
const app = await buildApp({ config, store, log: createLogger('silent') }, { logRequests: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const total = qps * seconds;
const latencies: number[] = [];
let errors = 0;
const started = performance.now();
const pending: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / qps;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const q = queries[(2200 + i) % queries.length] as string;
  const s = performance.now();
  pending.push(
    fetch(`http://127.0.0.1:${port}/v1/search?q=${encodeURIComponent(q)}&prefix=true`, { headers: { authorization: `Bearer ${'w'.repeat(20)}` } })
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.status !== 200) errors++;
        latencies.push(performance.now() - s);
      })
      .catch(() => {
        errors++;
      }),
  );
}
await Promise.all(pending);
const elapsed = (performance.now() - started) / 1000;
console.log(`HTTP loopback ${total.toLocaleString('en-US')} requests at ${qps}/s offered (${(total / elapsed).toFixed(0)}/s achieved), ${errors} errors: ${fmt(latencies)}`);
await app.close();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
