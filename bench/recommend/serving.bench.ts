/**
 * Serving benchmark (issue 3 part 6): `GET /v1/recommendations?userId=…&k=20` over loopback HTTP against a
 * 100,000-item synthetic catalogue, at a fixed arrival rate (open loop: requests are sent on schedule whether or not
 * earlier ones have returned, and latency is measured from the scheduled send time, so queueing is not hidden), then
 * closed-loop at full speed for the capacity. The load generator runs in a child process so it does not share the
 * server's event loop. Every request goes through the real path: auth, validation, the user's latest events (the
 * in-memory real-time feed the server polls every second, as in production), scoring of all 100k items, exclusions,
 * filters, top-k and explanations.
 *
 *   npx tsx bench/recommend/serving.bench.ts [items=100000] [users=30000] [views=15] [rate=500] [seconds=30]
 *                                            [algo=itemknn] [retrain=1] [train=0] [impressions=0] [dir=/tmp/cartwise-serving-bench]
 *
 * The synthetic store is built once into `dir` and reused by later runs (delete it to rebuild). Items are bulk
 * loaded with SQL into the store's own schema (row-by-row `upsertItems` would take minutes for 100k items); events
 * go through `appendEvents`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createRng } from '../../src/core/random.ts';
import type { StoredEvent } from '../../src/core/schemas/index.ts';
import { DAY_MS } from '../../src/core/time.ts';
import { trainServedModel } from '../../src/recommend/selection/train-model.ts';
import { RecommendationService } from '../../src/recommend/serving/recommendation-service.ts';
import { ImpressionLog } from '../../src/recommend/serving/impression-log.ts';
import { ModelArtifacts } from '../../src/recommend/serving/served-model.ts';
import { TrainingJobs } from '../../src/recommend/selection/training-jobs.ts';
import { buildApp } from '../../src/server/app.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';

const self = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------------------------
// Load generator (child process): `--load URL KEY RATE SECONDS USERS` prints one JSON line.
if (process.argv[2] === '--load') {
  const [url, key, rateS, secondsS, usersS, concurrencyS] = process.argv.slice(3);
  const rate = Number(rateS);
  const seconds = Number(secondsS);
  const users = Number(usersS);
  const concurrency = Number(concurrencyS ?? 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const rng = createRng(99);
  const lat: number[] = [];
  /** latency from the moment the request was actually written (excludes the generator's own lateness) */
  const sendLat: number[] = [];
  let errors = 0;
  let sent = 0;
  const path = () => {
    // 90% known shoppers, 10% strangers (cold start).
    const u = rng.next() < 0.9 ? `u${rng.int(users)}` : `stranger${rng.int(1e6)}`;
    return `${url}/v1/recommendations?userId=${u}&k=20`;
  };
  const one = (scheduled: number) =>
    new Promise<void>((resolve) => {
      sent++;
      const actual = performance.now();
      const req = http.get(path(), { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          const now = performance.now();
          lat.push(now - scheduled);
          sendLat.push(now - actual);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const start = performance.now();
  const end = start + seconds * 1000;
  const pending: Promise<void>[] = [];
  if (concurrency > 0) {
    // Closed loop: `concurrency` clients back to back.
    const worker = async () => {
      while (performance.now() < end) await one(performance.now());
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } else {
    const interval = 1000 / rate;
    let next = start;
    while (next < end) {
      const now = performance.now();
      while (next <= now && next < end) {
        pending.push(one(next));
        next += interval;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next - performance.now(), 5))));
    }
    await Promise.all(pending);
  }
  const wall = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  sendLat.sort((a, b) => a - b);
  const q = (a: number[], p: number) => Math.round((a[Math.min(a.length - 1, Math.floor(p * a.length))] ?? NaN) * 100) / 100;
  process.stdout.write(
    JSON.stringify({
      sent, completed: lat.length, errors, wallS: Math.round(wall * 10) / 10, reqPerS: Math.round(lat.length / wall),
      p50: q(lat, 0.5), p90: q(lat, 0.9), p99: q(lat, 0.99), p999: q(lat, 0.999), max: q(lat, 1),
      fromSend: { p50: q(sendLat, 0.5), p99: q(sendLat, 0.99), max: q(sendLat, 1) },
    }) + '\n',
  );
  agent.destroy();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------------
const opt = Object.fromEntries(process.argv.slice(2).map((a) => a.split('='))) as Record<string, string>;
const nItems = Number(opt.items ?? 100_000);
const nUsers = Number(opt.users ?? 30_000);
const views = Number(opt.views ?? 15);
const rate = Number(opt.rate ?? 500);
const seconds = Number(opt.seconds ?? 30);
const algo = opt.algo ?? 'itemknn';
const dir = opt.dir ?? '/tmp/cartwise-serving-bench';
const dbPath = join(dir, `store-${nItems}-${nUsers}-${views}.duckdb`);
const T0 = Date.UTC(2025, 0, 1);

async function buildStore(): Promise<void> {
  console.log(`building the synthetic store: ${nItems} items, ${nUsers} users × ${views} views → ${dbPath}`);
  let t = performance.now();
  await (await DuckDbStore.open(dbPath)).close(); // creates the schema
  const inst = await DuckDBInstance.create(dbPath);
  const c = await inst.connect();
  // 20 departments × 25 leaves = 500 leaf categories; log-normal-ish prices; 5% out of stock.
  await c.run(`INSERT INTO items (id, title, description, category, price, currency, in_stock, tags, attrs, created_at, updated_at)
    SELECT 'i' || i, 'Product ' || i || ' ' || (['mug','lamp','shoe','shirt','pan','chair','bag','watch'])[1 + i % 8],
           'A fine ' || (['red','blue','green','black'])[1 + i % 4] || ' product for everyday use',
           'Dept ' || (i % 20) || ' > Leaf ' || (i % 500), round(5 + exp(random() * 5), 2), 'USD', (i % 20) <> 7,
           '["tag' || (i % 50) || '"]', '{"color": "' || (['red','blue','green','black'])[1 + i % 4] || '"}', now(), now()
    FROM range(${nItems}) t(i)`);
  c.closeSync();
  inst.closeSync();
  console.log(`  items bulk-loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const store = await DuckDbStore.open(dbPath);
  const rng = createRng(42);
  // Each user has two favourite leaves; items inside a leaf are Zipf-skewed (low ranks popular).
  const perLeaf = Math.ceil(nItems / 500);
  const itemOf = (leaf: number) => {
    const rank = Math.min(perLeaf - 1, Math.floor(Math.pow(rng.next(), 2.5) * perLeaf));
    return Math.min(nItems - 1, leaf + 500 * rank);
  };
  let batch: StoredEvent[] = [];
  let n = 0;
  for (let u = 0; u < nUsers; u++) {
    const leaves = [rng.int(500), rng.int(500)];
    for (let v = 0; v < views; v++) {
      const item = itemOf(leaves[rng.next() < 0.7 ? 0 : 1] as number);
      const ts = T0 + Math.floor(rng.next() * 90 * DAY_MS);
      batch.push({ id: `e${n++}`, type: rng.next() < 0.05 ? 'purchase' : 'view', userId: `u${u}`, itemId: `i${item}`, ts, ...(rng.next() < 0.05 ? { sessionId: `s${u}` } : {}) });
      if (batch.length === 10_000) {
        await store.appendEvents(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) await store.appendEvents(batch);
  console.log(`  ${n} events appended in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await store.close();
}

function runLoad(url: string, key: string, loadRate: number, secs: number, concurrency = 0): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, self, '--load', url, key, String(loadRate), String(secs), String(nUsers), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>) : reject(new Error(`load generator exited ${code}`))));
  });
}

if (!existsSync(dbPath)) await buildStore();
const store = await DuckDbStore.open(dbPath);
let t = performance.now();
const saved = (await store.listArtifacts()).some((a) => a.name === ModelArtifacts.served);
if (!saved || opt.retrain === '1' || opt.algo) {
const trained = await trainServedModel(store, { algo, ...(algo === 'itemknn' ? { params: { neighbors: 50 } } : {}) });
console.log(`trained ${algo} in ${((performance.now() - t) / 1000).toFixed(1)} s (read ${trained.timings.readS} s, fit ${trained.timings.fitS} s, serving aids ${trained.timings.auxS} s): ${trained.model.info.users} users, ${trained.model.info.items} items, ${trained.model.info.interactions} interactions`);
} else console.log('using the model saved by an earlier run (retrain=1 to train again)');
t = performance.now();
// As the server runs it: the in-memory real-time feed and impression logging (impressions=0 to leave it out).
const impressions = opt.impressions === '0' ? undefined : new ImpressionLog(store);
impressions?.start();
const service = await RecommendationService.open(store, { realtime: 'tail', ...(impressions ? { impressions } : {}) }); // loads the model just saved
console.log(`service opened (model ${service.modelInfo?.id} loaded from the store, catalogue read) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const poller = setInterval(() => void service.pollRecent(), 1000); // as the server does

// In-process latency of the service alone (no HTTP), sequential.
const lat: number[] = [];
for (let r = 0; r < 1200; r++) {
  const s = performance.now();
  await service.recommend({ userId: `u${(r * 7919) % nUsers}`, k: 20 });
  if (r >= 200) lat.push(performance.now() - s);
}
lat.sort((a, b) => a - b);
const qq = (p: number) => (lat[Math.floor(p * lat.length)] as number).toFixed(2);
console.log(`service.recommend in-process (1000 sequential, k=20): p50 ${qq(0.5)} ms · p99 ${qq(0.99)} ms`);

const config = loadConfig({ env: {}, flags: { dataDir: dir, adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20) }, persistKeys: false });
const training = new TrainingJobs(store, { onModel: (m) => service.swap(m) });
const app = await buildApp({ config, store, log: createLogger('silent'), recommendations: service, training }, { logRequests: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const probe = await fetch(`${url}/v1/recommendations?userId=u1&k=20`, { headers: { authorization: `Bearer ${'w'.repeat(20)}` } });
const body = (await probe.json()) as { items: unknown[]; strategy: string };
console.log(`probe: HTTP ${probe.status}, ${body.items.length} items, strategy ${body.strategy}`);

await runLoad(url, 'w'.repeat(20), rate, 5); // warm-up
// CPU time the server process spends per request (its share of a contended machine bounds what it can serve).
const cpuPerRequest = (c: NodeJS.CpuUsage, requests: number) => {
  const d = process.cpuUsage(c);
  return Math.round(((d.user + d.system) / 1000 / Math.max(requests, 1)) * 1000) / 1000;
};
let cpu = process.cpuUsage();
const fixed = await runLoad(url, 'w'.repeat(20), rate, seconds);
console.log(`open loop at ${rate} req/s for ${seconds} s:`, JSON.stringify(fixed), `server CPU ${cpuPerRequest(cpu, fixed.completed as number)} ms/request`);
cpu = process.cpuUsage();
const capacity = await runLoad(url, 'w'.repeat(20), 0, 10, 32);
console.log('closed loop, 32 connections, 10 s:', JSON.stringify(capacity), `server CPU ${cpuPerRequest(cpu, capacity.completed as number)} ms/request`);
if (opt.train !== '0') {
  // Hot swap under load: the same open loop while a training job (worker thread) fits and swaps in a new model.
  const before = service.modelInfo?.id;
  cpu = process.cpuUsage();
  const loadRun = runLoad(url, 'w'.repeat(20), rate, seconds);
  const job = training.start({ algo: 'itemknn', params: { neighbors: 50 } });
  const done = await training.wait(job.id);
  const during = await loadRun;
  console.log(`open loop at ${rate} req/s for ${seconds} s while training (job ${done.status}, model ${before} → ${service.modelInfo?.id}, job took ${((Date.parse(done.finishedAt ?? '') - Date.parse(done.startedAt)) / 1000).toFixed(1)} s):`, JSON.stringify(during), `server CPU ${cpuPerRequest(cpu, during.completed as number)} ms/request (training's main-thread share included)`);
}
const load = (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`load average ${load}`);
clearInterval(poller);
await impressions?.close();
console.log(`impressions stored: ${(await store.query<{ n: unknown }>("SELECT count(*) AS n FROM events WHERE type = 'impression'"))[0]?.n}`);
await app.close();
await store.close();
process.exit(0);
