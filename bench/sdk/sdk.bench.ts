// Storefront SDK and demo store benchmark. Run: npx tsx bench/sdk/sdk.bench.ts [--users 5000]
// 1. /cartwise.js: cold and warm esbuild bundle time, raw and gzip size.
// 2. Tracker cost per track() call (fake network): healthy server, and with 1,000 events pending (offline).
// 3. Demo store page render times on a generated demo store (3,000 items), through app.inject.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { loadDemoStore } from '../../src/ingest/demo/load-demo-store.ts';
import { buildSdkBundle } from '../../src/sdk/bundle.ts';
import { Tracker } from '../../src/sdk/tracker.ts';
import { resolveOptions, type SdkEnvironment } from '../../src/sdk/types.ts';
import { buildApp } from '../../src/server/app.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const users = arg('users', 5000);
const ms = (x: number) => `${x.toFixed(1)} ms`;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

// 1. bundle
const cold = await buildSdkBundle();
const warm: number[] = [];
for (let i = 0; i < 5; i++) warm.push((await buildSdkBundle()).buildMs);
console.log(`bundle: cold ${ms(cold.buildMs)}, warm median ${ms(quantile(warm, 0.5))}, ${cold.bytes} bytes, gzip ${gzipSync(cold.code).length} bytes`);

// 2. tracker
function env(fail: boolean): SdkEnvironment {
  const store = new Map<string, string>();
  let n = 0;
  return {
    fetch: async () => {
      if (fail) throw new Error('offline');
      return { status: 200, text: async () => '{"accepted":1,"rejected":[]}' };
    },
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    now: () => Date.now(),
    randomId: () => `e${++n}`,
    random: () => 0.5,
    setTimer: (fn, t) => setTimeout(fn, t),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    sendBeacon: undefined,
    sameOrigin: () => true,
    onPageExit: () => undefined,
    warn: () => undefined,
  };
}
for (const fail of [false, true]) {
  const t = new Tracker(resolveOptions({ writeKey: 'w'.repeat(20), retryBaseMs: 3_600_000, flushIntervalMs: 3_600_000 }), env(fail));
  const n = fail ? 3000 : 20_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    t.track({ type: 'view', itemId: `item-${i % 500}`, props: { widget: 'similar', position: i % 8 } });
    if (i % 20 === 19) await new Promise((r) => setImmediate(r)); // let batch sends settle, as a page would between clicks
  }
  const per = (performance.now() - start) / n;
  console.log(`tracker ${fail ? 'offline, queue full (1,000 pending)' : 'healthy server'}: ${(per * 1000).toFixed(1)} µs per track() (${n} calls), pending ${t.pending}`);
}

// 3. demo store pages
const dir = mkdtempSync(join(tmpdir(), 'cw-sdk-bench-'));
const store = await DuckDbStore.open(join(dir, 'cartwise.duckdb'));
const t0 = performance.now();
const loaded = await loadDemoStore(store, { items: 3000, users, days: 90 });
const stats = await store.stats();
console.log(`demo store: ${stats.items} items, ${stats.users} users, ${stats.events} events loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${loaded.status})`);
const config = loadConfig({ env: {}, flags: { dataDir: dir, adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20), logLevel: 'silent' }, persistKeys: false });
const app = await buildApp({ config, store, log: createLogger('silent') }, { logRequests: false });
const [firstItem] = (await store.listItems({ limit: 1, offset: 100 })).items;
const dept = (await store.query<{ d: string }>("SELECT trim(split_part(category, '>', 1)) AS d FROM items WHERE category IS NOT NULL LIMIT 1"))[0]!.d;
const pages: [string, string][] = [
  ['home', '/demo-store'],
  ['category (department, page 2)', `/demo-store?category=${encodeURIComponent(dept)}&page=2`],
  ['search "blue"', '/demo-store?q=blue'],
  ['product', `/demo-store/product/${encodeURIComponent(firstItem!.id)}`],
];
for (const [name, url] of pages) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 21; i++) {
    const s = performance.now();
    const res = await app.inject({ url });
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
    bytes = res.body.length;
    if (i > 0) times.push(performance.now() - s);
  }
  console.log(`${name}: median ${ms(quantile(times, 0.5))}, p95 ${ms(quantile(times, 0.95))}, ${bytes} bytes`);
}
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0); // the trackers above hold hour-long retry timers
