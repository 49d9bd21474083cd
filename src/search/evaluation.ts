/**
 * Search quality evaluation with the exact definitions of `shared/reference/search.py`:
 * - gain of a judged product = relevance − 1 (0..2), unjudged products gain 0;
 * - retrieval NDCG@K: rank the whole catalogue (ties: catalogue order), NDCG@K against the query's judged gains;
 * - retrieval recall@50: share of the query's products with relevance ≥ 2.5 found in the top max(K, 50);
 * - re-rank NDCG@K: order the query's judged products by score (ties: judgment-file order), NDCG@K;
 * - queries whose ideal DCG is 0 are skipped; a product judged twice for one query keeps its first position and
 *   its last relevance (Python dict semantics).
 * The random re-rank floor uses Cartwise's seeded generator (20 shuffles), so it is close to, not equal to, numpy's.
 */
import { CartwiseError } from '../core/errors.ts';
import { createRng } from '../core/random.ts';
import { csvField, readCsvRecords, type TextEncodingName } from './csv.ts';

/** One judged (query, product) pair. */
export interface Judgment {
  query: string;
  productId: string;
  relevance: number;
}

/** A catalogue row of the evaluation: id and title, in file order. */
export interface EvalProduct {
  id: string;
  title: string;
}

/** Reads judgments (columns product_uid, search_term, relevance); a bad relevance names its line. */
export function loadJudgments(path: string, encoding: TextEncodingName = 'latin1'): Judgment[] {
  const { records, lines } = readCsvRecords(path, ['product_uid', 'search_term', 'relevance'], encoding);
  const out: Judgment[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as Record<string, string>;
    const relevance = Number(r['relevance']);
    if (!Number.isFinite(relevance)) {
      throw new CartwiseError('IMPORT_FAILED', { reason: `${path} line ${lines[i]}: relevance ${JSON.stringify(r['relevance'])} is not a number` });
    }
    const query = r['search_term'] as string;
    if (query === '') continue; // pandas reads an empty term as NaN and groupby drops it
    out.push({ query, productId: (r['product_uid'] as string).trim(), relevance });
  }
  return out;
}

/** Reads products (columns product_uid, product_title); keeps the first row of a repeated id, like the reference. */
export function loadProducts(path: string, encoding: TextEncodingName = 'latin1'): EvalProduct[] {
  const { records } = readCsvRecords(path, ['product_uid', 'product_title'], encoding);
  const seen = new Set<string>();
  const out: EvalProduct[] = [];
  for (const r of records) {
    const id = (r['product_uid'] as string).trim();
    if (id === '' || seen.has(id)) continue;
    seen.add(id);
    out.push({ id, title: r['product_title'] as string });
  }
  return out;
}

/** NDCG@k of gains in ranked order against the ideal order of `idealGains`; undefined when the ideal DCG is 0. */
export function ndcgAt(gainsInOrder: readonly number[], idealGains: readonly number[], k: number): number | undefined {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, gainsInOrder.length); i++) dcg += (gainsInOrder[i] as number) / Math.log2(i + 2);
  const ideal = [...idealGains].sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += (ideal[i] as number) / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : undefined;
}

/**
 * Indices of the `n` best scores, best first; ties keep index order (numpy's stable argsort of −score).
 * Scores must be ≥ 0 or NaN-free; zero-score rows fill the tail in index order.
 */
export function topIndices(scores: Float64Array, n: number, rows = scores.length): number[] {
  const positive: number[] = [];
  let negative = false;
  for (let i = 0; i < rows; i++) {
    const s = scores[i] as number;
    if (s > 0) positive.push(i);
    else if (s < 0) negative = true;
  }
  if (negative) {
    const all = Array.from({ length: rows }, (_, i) => i);
    all.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    return all.slice(0, n);
  }
  positive.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const top = positive.slice(0, n);
  for (let i = 0; i < rows && top.length < n; i++) if (!((scores[i] as number) > 0)) top.push(i);
  return top;
}

/** The numbers `cartwise search-eval --json` prints (names as in the reference script). */
export interface SearchEvalMetrics {
  queries: number;
  k: number;
  system: string;
  [metric: `${string}@${number}`]: number;
}

export interface EvaluateOptions {
  judgments: readonly Judgment[];
  /** Catalogue ids in row order: `score()` arrays are indexed by these rows. */
  productIds: readonly string[];
  k?: number;
  system: string;
  /** Scores every catalogue row for a query (≥ 0; higher is better). The array may be reused between calls. */
  score(query: string): Float64Array;
  /** When given, receives one (query, productId, score) per judged pair: a run file for the reference script. */
  onRunRow?(query: string, productId: string, score: number): void;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

/** Groups judgments by exact query text, keeping first-seen product order and last-seen relevance. */
export function groupJudgments(judgments: readonly Judgment[]): Map<string, Map<string, number>> {
  const byQuery = new Map<string, Map<string, number>>();
  for (const j of judgments) {
    let g = byQuery.get(j.query);
    if (!g) byQuery.set(j.query, (g = new Map()));
    g.set(j.productId, j.relevance - 1);
  }
  return byQuery;
}

/** Runs the reference protocol over every judged query with the given scorer; see the module header. */
export function evaluateRanking(options: EvaluateOptions): SearchEvalMetrics {
  const k = options.k ?? 10;
  const rowOf = new Map<string, number>();
  options.productIds.forEach((id, i) => {
    if (!rowOf.has(id)) rowOf.set(id, i);
  });
  const byQuery = groupJudgments(options.judgments);
  const queries = [...byQuery.keys()].sort();
  const rng = createRng(0);
  const acc = { rerank: [] as number[], random: [] as number[], retrieval: [] as number[], recall: [] as number[] };
  const topN = Math.max(k, 50);
  let done = 0;
  for (const q of queries) {
    if (options.signal?.aborted) throw new CartwiseError('ABORTED');
    const gains = byQuery.get(q) as Map<string, number>;
    const ideal = [...gains.values()];
    const s = options.score(q);
    const cand: { id: string; score: number }[] = [];
    for (const id of gains.keys()) {
      const row = rowOf.get(id);
      const score = row === undefined ? Number.NEGATIVE_INFINITY : (s[row] as number);
      if (row !== undefined) cand.push({ id, score });
      if (options.onRunRow && row !== undefined) options.onRunRow(q, id, score);
    }
    // Array.prototype.sort is stable: ties keep judgment order.
    cand.sort((a, b) => b.score - a.score);
    const v = ndcgAt(cand.map((c) => gains.get(c.id) as number), ideal, k);
    done++;
    options.onProgress?.(done, queries.length);
    if (v === undefined) continue;
    acc.rerank.push(v);
    let rv = 0;
    const ids = [...gains.keys()];
    for (let r = 0; r < 20; r++) {
      rng.shuffle(ids);
      rv += ndcgAt(ids.map((id) => gains.get(id) as number), ideal, k) ?? 0;
    }
    acc.random.push(rv / 20);
    const top = topIndices(s, topN, options.productIds.length).map((i) => options.productIds[i] as string);
    acc.retrieval.push(ndcgAt(top.slice(0, k).map((id) => gains.get(id) ?? 0), ideal, k) as number);
    const good = [...gains].filter(([, g]) => g >= 1.5).map(([id]) => id);
    if (good.length > 0) {
      const top50 = new Set(top.slice(0, 50));
      acc.recall.push(good.filter((id) => top50.has(id)).length / good.length);
    }
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1e6) / 1e6);
  return {
    queries: acc.rerank.length,
    k,
    system: options.system,
    [`retrieval_ndcg@${k}`]: mean(acc.retrieval),
    'retrieval_recall@50': mean(acc.recall),
    [`rerank_ndcg@${k}`]: mean(acc.rerank),
    [`random_rerank_ndcg@${k}`]: mean(acc.random),
  } as SearchEvalMetrics;
}

/** Formats run-file rows (`search_term,product_uid,score`) as the reference script's `--run` reads them. */
export function runFileLine(query: string, productId: string, score: number): string {
  return `${csvField(query)},${csvField(productId)},${Number.isFinite(score) ? String(score) : '-inf'}\n`;
}

export const RUN_FILE_HEADER = 'search_term,product_uid,score\n';
