/**
 * Analytics on both stores: loads the same simulated demo shop (default 20,000 shoppers, 3,000 items, 90 days,
 * about 220,000 events) into a DuckDB file and a fresh PostgreSQL schema, then times each analytics function on
 * each store (`--runs` times, default 2; the minimum is printed) and checks the answers agree.
 *
 *   npx tsx bench/store/postgres-analytics.bench.ts [--users 20000] [--items 3000] [--days 90] [--runs 2] [--pg URL]
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeClusters } from '../../src/analytics/clusters.ts';
import { computeFunnel } from '../../src/analytics/funnel.ts';
import { computeKpis } from '../../src/analytics/kpis.ts';
import { computePaths } from '../../src/analytics/paths.ts';
import { computeRetention } from '../../src/analytics/retention.ts';
import { rfmSummary } from '../../src/analytics/rfm.ts';
import { sessionSummary } from '../../src/analytics/sessions.ts';
import { loadDemoStore } from '../../src/ingest/demo/load-demo-store.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { dropSchemas, withTestSchema } from '../../src/store/postgres/testing.ts';
import type { Store } from '../../src/store/store.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const demo = { seed: 42, users: Number(arg('users') ?? 20_000), items: Number(arg('items') ?? 3_000), days: Number(arg('days') ?? 90), endMs: Date.UTC(2026, 10, 25) };
const RUNS = Number(arg('runs') ?? 2);
const PG_URL = arg('pg') ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY = 86_400_000;
const funnel = { steps: [{ type: 'view' }, { type: 'add_to_cart' }, { type: 'purchase' }], windowMs: DAY };

const cases: [string, (s: Store) => Promise<unknown>][] = [
  ['funnel view → cart → purchase, 1 d', (s) => computeFunnel(s, funnel)],
  ['same funnel, same item', (s) => computeFunnel(s, { ...funnel, sameItem: true })],
  ['same funnel by RFM segment', (s) => computeFunnel(s, { ...funnel, breakdown: { by: 'segment' } })],
  ['same funnel by first touch', (s) => computeFunnel(s, { ...funnel, breakdown: { by: 'first_touch' } })],
  ['retention week × 8', (s) => computeRetention(s, { period: 'week', periods: 8 })],
  ['retention week × 8 by segment', (s) => computeRetention(s, { period: 'week', periods: 8, breakdown: { by: 'segment' } })],
  ['KPIs (7 d vs previous 7 d)', (s) => computeKpis(s, {})],
  ['sessions', (s) => sessionSummary(s, {})],
  ['RFM segments', (s) => rfmSummary(s)],
  ['paths after add_to_cart, depth 3', (s) => computePaths(s, { anchor: { type: 'add_to_cart' }, depth: 3 })],
  ['clusters (features SQL + k-means)', (s) => computeClusters(s, { seed: 1 })],
];

const dir = mkdtempSync(join(tmpdir(), 'cw-pg-analytics-'));
const target = withTestSchema(PG_URL, 'cw_bench');
try {
  const duck = await DuckDbStore.open(join(dir, 'bench.duckdb'));
  const pg = await PostgresStore.open(target.url);
  for (const [name, s] of [['DuckDB', duck], ['PostgreSQL', pg]] as const) {
    const t = performance.now();
    const r = await loadDemoStore(s, demo);
    console.log(`load demo into ${name}: ${r.inserted.events.toLocaleString('en-US')} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'timingMs' ? undefined : typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(12)) : x)));
  console.log(`| query | DuckDB | PostgreSQL | same answer |\n|---|---|---|---|`);
  for (const [name, f] of cases) {
    const best: number[] = [];
    const answers: unknown[] = [];
    for (const s of [duck, pg]) {
      let min = Infinity;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        answers[best.length] = await f(s);
        min = Math.min(min, performance.now() - t);
      }
      best.push(min);
    }
    console.log(`| ${name} | ${(best[0]! / 1000).toFixed(2)} s | ${(best[1]! / 1000).toFixed(2)} s | ${isDeepStrictEqual(strip(answers[0]), strip(answers[1])) ? 'yes' : 'NO'} |`);
  }
  await duck.close();
  await pg.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(PG_URL, [target.schema]);
}
