/**
 * Per-query Home Depot dev metrics for 2-fold checks and miss analysis (the issue-7 protocol: tune on one half of
 * the queries, confirm on the other).
 *   npx tsx bench/search/per-query.ts --out run.json [--disable a,b] [--expansion|--recall|--weights JSON]   # per-query NDCG@10, recall@50
 *   npx tsx bench/search/per-query.ts --compare base.json new.json          # overall, odd/even folds, up/down counts
 *   npx tsx bench/search/per-query.ts --misses [--limit 40] [--fold odd]    # well-judged products ranked below 50
 * Queries are numbered in sorted order (the evaluation's order); "odd" = 1st, 3rd, … query.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { groupJudgments, loadJudgments, loadProducts, ndcgAt, topIndices } from '../../src/search/evaluation.ts';
import { SearchEngine } from '../../src/search/search-engine.ts';
import { DEFAULT_BM25F, SearchIndex } from '../../src/search/search-index.ts';
import type { AblationFeature } from '../../src/search/search-eval.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
type Row = { q: string; ndcg: number; recall?: number };

if (process.argv.includes('--compare')) {
  const [a, b] = [arg('--compare') as string, process.argv[process.argv.indexOf('--compare') + 2] as string].map((p) => JSON.parse(readFileSync(p, 'utf8')) as Row[]);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  for (const fold of ['all', 'odd', 'even'] as const) {
    const keep = (_: Row, i: number) => fold === 'all' || (fold === 'odd' ? i % 2 === 0 : i % 2 === 1);
    const A = (a ?? []).filter(keep);
    const B = (b ?? []).filter(keep);
    let nu = 0, nd = 0, ru = 0, rd = 0;
    for (let i = 0; i < A.length; i++) {
      const x = A[i] as Row, y = B[i] as Row;
      if (y.ndcg > x.ndcg + 1e-9) nu++;
      else if (y.ndcg < x.ndcg - 1e-9) nd++;
      if (x.recall !== undefined && y.recall !== undefined) {
        if (y.recall > x.recall + 1e-9) ru++;
        else if (y.recall < x.recall - 1e-9) rd++;
      }
    }
    const rec = (R: Row[]) => mean(R.filter((r) => r.recall !== undefined).map((r) => r.recall as number));
    console.log(`${fold.padEnd(4)} ndcg ${mean(A.map((r) => r.ndcg)).toFixed(4)} → ${mean(B.map((r) => r.ndcg)).toFixed(4)} (up ${nu}, down ${nd}) · recall@50 ${rec(A).toFixed(4)} → ${rec(B).toFixed(4)} (up ${ru}, down ${rd})`);
  }
  process.exit(0);
}

const data = resolve('../shared/datasets/home-depot-search-relevance-dev');
const products = loadProducts(`${data}/products.csv.gz`);
const byQuery = groupJudgments(loadJudgments(`${data}/dev_20.csv.gz`));
const off = new Set((arg('--disable') ?? '').split(',').filter(Boolean) as AblationFeature[]);
const index = new SearchIndex({ analyzerOptions: { stem: !off.has('stem'), stopWords: !off.has('stopwords'), units: !off.has('units'), joinHyphenated: !off.has('hyphen-joins') }, bm25f: DEFAULT_BM25F });
index.upsert(products.map((p) => ({ id: p.id, title: p.title })));
const engine = new SearchEngine(index, {
  expansion: { ...(JSON.parse(arg('--expansion') ?? '{}') as object), typos: !off.has('typos'), compounds: !off.has('compounds'), synonyms: !off.has('synonyms'), wordnet: !off.has('wordnet'), feedback: !off.has('feedback'), associations: !off.has('associations') },
  recallStage: { ...(JSON.parse(arg('--recall') ?? '{}') as object), ...(off.has('brands') ? { brandMissing: 0 } : {}) },
  weights: { ...(JSON.parse(arg('--weights') ?? '{}') as object), coordPower: off.has('coord') ? 0 : 1, ...(off.has('proximity') ? { proximity: 0 } : {}) },
});
const ids = products.map((p) => p.id);
const rowOf = new Map<string, number>();
ids.forEach((id, i) => rowOf.has(id) || rowOf.set(id, i));
const out: Row[] = [];
const misses: string[] = [];
const missFold = arg('--fold'); // odd | even: list misses of one half only (look at one fold, confirm on the other)
let qi = -1;
for (const q of [...byQuery.keys()].sort()) {
  const gains = byQuery.get(q) as Map<string, number>;
  const ideal = [...gains.values()];
  if (!(ndcgAt(ideal, ideal, 10) !== undefined)) continue;
  qi++;
  const s = engine.textScores(q).scored.scores;
  const top = topIndices(s, process.argv.includes('--misses') ? 1000 : 50, ids.length).map((i) => ids[i] as string);
  const row: Row = { q, ndcg: ndcgAt(top.slice(0, 10).map((id) => gains.get(id) ?? 0), ideal, 10) as number };
  const good = [...gains].filter(([, g]) => g >= 1.5).map(([id]) => id);
  if (good.length > 0) {
    const top50 = new Set(top.slice(0, 50));
    row.recall = good.filter((id) => top50.has(id)).length / good.length;
    if (process.argv.includes('--misses') && (missFold === undefined || (missFold === 'odd') === (qi % 2 === 0))) {
      for (const id of good) {
        const r = top.indexOf(id);
        if (r >= 0 && r < 50) continue;
        const title = products[rowOf.get(id) as number]?.title ?? '';
        misses.push(`${JSON.stringify(q)} [${index.analyze(q).join(' ')}] rank ${r < 0 ? '>1000' : r + 1}\n    ${title}\n    [${index.analyze(title).join(' ')}]`);
      }
    }
  }
  out.push(row);
}
if (process.argv.includes('--misses')) {
  const limit = Number(arg('--limit') ?? 100000);
  const seedArg = Number(arg('--every') ?? 1);
  console.log(misses.filter((_, i) => i % seedArg === 0).slice(0, limit).join('\n'));
  console.error(`${misses.length} misses`);
} else {
  writeFileSync(arg('--out') ?? 'per-query.json', JSON.stringify(out));
  const m = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(`queries ${out.length} ndcg ${m(out.map((r) => r.ndcg)).toFixed(6)} recall@50 ${m(out.filter((r) => r.recall !== undefined).map((r) => r.recall as number)).toFixed(6)}`);
}
