/**
 * Append throughput, DuckDB vs PostgreSQL: 500,000 synthetic events (seeded) appended in batches through each
 * store's `appendEvents`, then the same events again (every one a duplicate). For PostgreSQL it also times the
 * alternative statement shape, multi-row `VALUES` with one parameter per field (≤ 65,535 parameters, so
 * 4,000-row statements), against the adapter's `unnest` of one array per column. Reports wall time, events/s,
 * this process's CPU and the PostgreSQL server processes' CPU (read from /proc; local server only).
 *
 *   npx tsx bench/store/postgres-append.bench.ts [--events 500000] [--batch 5000] [--pg postgres://postgres@127.0.0.1:5432/test]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createRng } from '../../src/core/random.ts';
import type { StoredEvent } from '../../src/core/schemas/index.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { dropSchemas, withTestSchema } from '../../src/store/postgres/testing.ts';
import type { Store } from '../../src/store/store.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('events') ?? 500_000);
const BATCH = Number(arg('batch') ?? 5_000);
const PG_URL = arg('pg') ?? 'postgres://postgres@127.0.0.1:5432/test';
const T0 = Date.UTC(2025, 0, 1);

function makeEvents(n: number): StoredEvent[] {
  const rng = createRng(11);
  const types = ['view', 'view', 'view', 'view', 'click', 'add_to_cart', 'purchase', 'search'];
  const out: StoredEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const type = types[Math.floor(rng.next() * types.length)] as string;
    const u = Math.floor(rng.next() * 50_000);
    const e: StoredEvent = { id: `ev${i.toString(36)}-${u}`, type, userId: `u${u}`, sessionId: `s${u}.${Math.floor(i / 2000)}`, ts: T0 + Math.floor(i * 5000 + rng.next() * 4000) };
    if (type === 'search') e.query = `query ${Math.floor(rng.next() * 500)}`;
    else e.itemId = `i${Math.floor(rng.next() * 20_000)}`;
    if (type === 'purchase' || type === 'add_to_cart') {
      e.quantity = 1 + Math.floor(rng.next() * 3);
      e.price = Math.round(rng.next() * 10_000) / 100;
      if (type === 'purchase') e.revenue = e.quantity * e.price;
    }
    e.props = { device: rng.next() < 0.6 ? 'mobile' : 'desktop', source: rng.next() < 0.5 ? 'ads' : 'organic' };
    out[i] = e;
  }
  return out;
}

/** CPU seconds used so far by every process named postgres* (the local server, all backends and helpers). */
function postgresServerCpuS(): number {
  const hz = 100;
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!comm.startsWith('postgres')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / hz;
}

interface Run { label: string; wallS: number; cpuS: number; serverCpuS: number; inserted: number; duplicates: number }

async function timeAppend(label: string, append: (batch: StoredEvent[]) => Promise<{ inserted: number; duplicates: number }>, events: StoredEvent[]): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const srv0 = postgresServerCpuS();
  const t0 = performance.now();
  let inserted = 0;
  let duplicates = 0;
  for (let i = 0; i < events.length; i += BATCH) {
    const r = await append(events.slice(i, i + BATCH));
    inserted += r.inserted;
    duplicates += r.duplicates;
  }
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  const run = { label, wallS, cpuS: (c.user + c.system) / 1e6, serverCpuS: postgresServerCpuS() - srv0, inserted, duplicates };
  console.log(`${label.padEnd(44)} ${wallS.toFixed(2).padStart(7)} s  ${Math.round(events.length / wallS).toLocaleString('en-US').padStart(9)} events/s  client CPU ${run.cpuS.toFixed(2)} s  postgres CPU ${run.serverCpuS.toFixed(2)} s  inserted ${inserted}, duplicates ${duplicates}`);
  return run;
}

/** The alternative PostgreSQL statement: multi-row VALUES, one bound parameter per field. */
async function valuesAppender(url: string, schema: string): Promise<{ append: (b: StoredEvent[]) => Promise<{ inserted: number; duplicates: number }>; end: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url.replace(/\?.*$/, ''), options: `-c search_path=${schema} -c TimeZone=UTC` });
  await client.connect();
  const ROWS = 4000;
  return {
    async append(batch) {
      const seen = new Set<string>();
      const unique = batch.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
      let inserted = 0;
      await client.query('BEGIN');
      for (let s = 0; s < unique.length; s += ROWS) {
        const chunk = unique.slice(s, s + ROWS);
        const params: unknown[] = [];
        const rows = chunk.map((e) => {
          const base = params.length;
          params.push(e.id, e.type, e.userId, e.sessionId ?? null, e.itemId ?? null, e.ts, e.quantity ?? null, e.price ?? null, e.revenue ?? null, e.query ?? null, e.rating ?? null, e.text ?? null, e.props === undefined ? null : JSON.stringify(e.props), e.recId ?? null);
          const p = (k: number) => `$${base + k}`;
          return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, TIMESTAMP '1970-01-01' + ${p(6)}::float8 * INTERVAL '1 millisecond', ${p(7)}::float8, ${p(8)}::float8, ${p(9)}::float8, ${p(10)}, ${p(11)}::float8, ${p(12)}, ${p(13)}::jsonb, ${p(14)})`;
        });
        const r = await client.query(`INSERT INTO events (id, type, user_id, session_id, item_id, ts, quantity, price, revenue, query, rating, text, props, rec_id) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`, params);
        inserted += r.rowCount ?? 0;
      }
      await client.query('COMMIT');
      return { inserted, duplicates: batch.length - inserted };
    },
    end: () => client.end(),
  };
}

const events = makeEvents(N);
console.log(`${N.toLocaleString('en-US')} events in batches of ${BATCH.toLocaleString('en-US')}`);
const runs: Run[] = [];

const dir = mkdtempSync(join(tmpdir(), 'cw-append-bench-'));
try {
  const duck: Store = await DuckDbStore.open(join(dir, 'bench.duckdb'));
  runs.push(await timeAppend('DuckDB file, appendEvents', (b) => duck.appendEvents(b), events));
  runs.push(await timeAppend('DuckDB file, again (all duplicates)', (b) => duck.appendEvents(b), events));
  await duck.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const schemas: string[] = [];
try {
  const a = withTestSchema(PG_URL, 'cw_bench');
  schemas.push(a.schema);
  const store = await PostgresStore.open(a.url);
  runs.push(await timeAppend('PostgreSQL, appendEvents (unnest arrays)', (b) => store.appendEvents(b), events));
  runs.push(await timeAppend('PostgreSQL, again (all duplicates)', (b) => store.appendEvents(b), events));
  await store.close();

  const b = withTestSchema(PG_URL, 'cw_bench');
  schemas.push(b.schema);
  await (await PostgresStore.open(b.url)).close();
  const values = await valuesAppender(PG_URL, b.schema);
  runs.push(await timeAppend('PostgreSQL, multi-row VALUES (4,000 rows)', values.append, events));
  await values.end();
} finally {
  await dropSchemas(PG_URL, schemas);
}
console.log(JSON.stringify({ events: N, batch: BATCH, runs }));
