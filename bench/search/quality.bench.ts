/**
 * Search quality on the Home Depot dev split: the reference's plain BM25 (bm25-title), the full ranker, and the full
 * ranker with one feature switched off at a time (ablations).
 *   npx tsx bench/search/quality.bench.ts [--only full,stem,...]
 * Needs ../shared/datasets/home-depot-search-relevance-dev; prints a Markdown table and one JSON line per run.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { ABLATION_FEATURES, runSearchEval, type AblationFeature, type SearchEvalMode } from '../../src/search/search-eval.ts';

const data = resolve('../shared/datasets/home-depot-search-relevance-dev');
if (!existsSync(data)) {
  console.error(`skipped: ${data} is absent`);
  process.exit(0);
}
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : undefined;
const runs: { name: string; mode: SearchEvalMode; disable: AblationFeature[] }[] = [
  { name: 'bm25-title (reference)', mode: 'bm25-title', disable: [] },
  { name: 'full', mode: 'full', disable: [] },
  ...ABLATION_FEATURES.map((f) => ({ name: `full − ${f}`, mode: 'full' as const, disable: [f] })),
  { name: 'full − typos − compounds − coord', mode: 'full', disable: ['typos', 'compounds', 'coord'] },
  { name: 'full − recall stage (feedback and associations)', mode: 'full', disable: ['feedback', 'associations'] },
];
const rows: string[] = ['| run | retrieval NDCG@10 | recall@50 | re-rank NDCG@10 | index s | eval s |', '|---|---|---|---|---|---|'];
for (const r of runs) {
  if (only && !only.has(r.name) && !r.disable.some((d) => only.has(d)) && !(only.has('full') && r.name === 'full')) continue;
  const store = await DuckDbStore.open(':memory:');
  const m = await runSearchEval({ judgmentsPath: `${data}/dev_20.csv.gz`, productsPath: `${data}/products.csv.gz`, mode: r.mode, disable: r.disable, k: 10, store });
  await store.close();
  console.log(JSON.stringify({ run: r.name, ...m }));
  rows.push(`| ${r.name} | ${m['retrieval_ndcg@10']} | ${m['retrieval_recall@50']} | ${m['rerank_ndcg@10']} | ${m.index_seconds} | ${m.eval_seconds} |`);
}
console.log(rows.join('\n'));
