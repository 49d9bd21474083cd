/**
 * Online Retail import benchmark (issue 2, part 6: 541,909 rows in under 20 s on the 2-core machine).
 *
 * 1. The CLI end to end, exactly as a user runs it, into a fresh data dir, then the same command again
 *    (must insert nothing): wall time and rows/s.
 * 2. In process, into another fresh DuckDB file: wall and CPU time (all threads, DuckDB's included) and the
 *    time spent inside each store method, to show where the time goes.
 *
 *   npx tsx bench/ingest/online-retail-import.bench.ts [--file PATH] [--batch-size N] [--skip-cli]
 *
 * The machine is shared: the load average is printed with each result; compare CPU seconds across runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onlineRetailFormat } from '../../src/ingest/importers/online-retail.ts';
import { DEFAULT_BATCH_SIZE, runImport, type ImportSummary } from '../../src/ingest/importers/import-runner.ts';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import type { Store } from '../../src/store/store.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const file = resolve(arg('file') ?? '../shared/datasets/online-retail/online_retail.csv.gz');
const batchSize = Number(arg('batch-size') ?? DEFAULT_BATCH_SIZE);
if (!existsSync(file)) {
  console.log(`skipped: ${file} is absent (the shared datasets live in ../shared/datasets)`);
  process.exit(0);
}
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const dir = mkdtempSync(join(tmpdir(), 'cartwise-import-bench-'));

try {
  if (!process.argv.includes('--skip-cli')) {
    const dataDir = join(dir, 'cli');
    const command = ['bin/cartwise.js', 'import', 'online-retail', file, '--data-dir', dataDir, '--json', '--batch-size', String(batchSize)];
    console.log(`$ node ${command.join(' ')}`);
    for (const pass of ['first import', 're-import']) {
      const before = load();
      const t = performance.now();
      const out = execFileSync(process.execPath, command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
      const wallS = (performance.now() - t) / 1000;
      const s = JSON.parse(out) as ImportSummary;
      console.log(
        `CLI ${pass}: ${wallS.toFixed(1)} s wall (process start included), ${fmt(s.rowsRead / wallS)} rows/s · rows ${fmt(s.rowsRead)} · ` +
          `inserted ${fmt(s.eventsInserted)} · duplicates ${fmt(s.eventsDuplicate)} · skipped ${fmt(s.rowsSkipped)} · rejected ${fmt(s.rowsRejected)} · ` +
          `items ${fmt(s.itemsUpserted)} upserted / ${fmt(s.itemsUnchanged)} unchanged · load avg before ${before}`,
      );
    }
  }

  // In process, with the time spent in each store method.
  const store = await DuckDbStore.open(join(dir, 'inproc', 'cartwise.duckdb'));
  const spent: Record<string, number> = {};
  const timed = Object.create(store) as Store;
  for (const method of ['appendEvents', 'upsertItems', 'upsertUsers', 'getItems', 'query'] as const) {
    const original = (store[method] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (timed as unknown as Record<string, unknown>)[method] = async (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return await original(...a);
      } finally {
        spent[method] = (spent[method] ?? 0) + performance.now() - t0;
      }
    };
  }
  for (const pass of ['first import', 're-import']) {
    for (const k of Object.keys(spent)) delete spent[k];
    const before = load();
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const s = await runImport({ store: timed, format: onlineRetailFormat, path: file, batchSize });
    const wallS = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const breakdown = Object.entries(spent).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
    console.log(
      `in-process ${pass}: ${wallS.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${fmt(s.rowsRead / wallS)} rows/s, ` +
        `batch ${fmt(batchSize)} · inside the store: ${breakdown} · load avg before ${before}`,
    );
  }
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
