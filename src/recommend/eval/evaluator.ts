/**
 * The offline evaluator: fits an algorithm on a training table and ranks the full catalogue for every test user,
 * with the user's training items excluded. Targets are a user's test items not already in their training history
 * (test items unknown to training count as one unreachable target, as in `recs.py`); users count when they have
 * training rows and at least one target. Reports Precision/Recall/NDCG/MAP/HR/MRR at every K, catalogue coverage
 * and novelty, fit and predict seconds — the keys of `recs.py eval`'s JSON line.
 */
import { CartwiseError } from '../../core/errors.ts';
import { createRng, type Rng } from '../../core/random.ts';
import type { InteractionTable } from '../interactions/csv-rows.ts';
import { buildFromRows, type InteractionData, type InteractionOptions } from '../interactions/interaction-builder.ts';
import { tableRows } from '../interactions/csv-rows.ts';
import { getFactory } from '../models/index.ts';
import type { FitProgress, Recommender } from '../recommender.ts';
import { catalogCoverage, novelty, rankingMetrics } from './metrics.ts';

export interface EvaluateOptions {
  /** Cut-offs, e.g. [10, 20]. */
  ks: readonly number[];
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: FitProgress) => void;
  /** Builder options for the training matrix (defaults: row weights summed, no decay). */
  interactions?: InteractionOptions;
  /**
   * Sampled evaluation, only when asked: rank each user's targets among this many random items they have not
   * interacted with (seeded) instead of the whole catalogue. Metric keys are then prefixed `sampled_`.
   */
  sampledNegatives?: number;
}

/** One evaluation: metric keys like `ndcg@10`, plus sizes and timings. */
export interface EvaluationResult {
  algo: string;
  params: Record<string, unknown>;
  users: number;
  items: number;
  train_nnz: number;
  fit_s: number;
  predict_s: number;
  [metric: string]: number | string | Record<string, unknown>;
}

/** Targets per evaluated user index: item indices (−1 stands for any test item unknown to training). */
export function buildTargets(data: InteractionData, test: InteractionTable): Map<number, Set<number>> {
  const rel = new Map<number, Set<number>>();
  const m = data.matrix;
  for (let r = 0; r < test.length; r++) {
    const u = data.userIndex.get(test.users[r] as string);
    if (u === undefined) continue;
    const it = data.itemIndex.get(test.items[r] as string) ?? -1;
    if (it >= 0) {
      // Seen in training? Binary search in the user's sorted row.
      let lo = m.indptr[u] as number;
      let hi = (m.indptr[u + 1] as number) - 1;
      let seen = false;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = m.indices[mid] as number;
        if (v === it) {
          seen = true;
          break;
        }
        if (v < it) lo = mid + 1;
        else hi = mid - 1;
      }
      if (seen) continue;
    }
    let set = rel.get(u);
    if (!set) rel.set(u, (set = new Set()));
    set.add(it);
  }
  return rel;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The user's reachable targets plus `n` random items that are neither seen nor targets (fewer if the catalogue is small). */
export function sampleCandidates(data: InteractionData, u: number, rel: ReadonlySet<number>, n: number, rng: Rng): Int32Array {
  const m = data.matrix;
  const seen = new Set<number>(m.indices.subarray(m.indptr[u], m.indptr[u + 1]));
  const out = new Set<number>();
  for (const t of rel) if (t >= 0) out.add(t);
  const free = data.nItems - seen.size - out.size;
  const want = Math.min(n, Math.max(free, 0));
  let added = 0;
  for (let tries = 0; added < want && tries < want * 50; tries++) {
    const i = rng.int(data.nItems);
    if (seen.has(i) || out.has(i)) continue;
    out.add(i);
    added++;
  }
  return Int32Array.from(out);
}

/**
 * Scores a fitted model on targets: full ranking of every item with the user's training items excluded, metrics
 * averaged over users, coverage and novelty over the top-max(K) lists.
 */
export function scoreModel(
  model: Recommender,
  data: InteractionData,
  targets: Map<number, Set<number>>,
  ks: readonly number[],
  signal?: AbortSignal,
  sampled?: { negatives: number; seed: number },
): Record<string, number> {
  const K = Math.max(...ks);
  const rng = sampled ? createRng(sampled.seed) : undefined;
  const prefix = sampled ? 'sampled_' : '';
  const depth = Math.min(K, Math.max(data.nItems - 1, 0));
  const users = [...targets.keys()].sort((a, b) => a - b);
  const sums = new Map<string, number>();
  const lists: Int32Array[] = [];
  const t = performance.now();
  for (let n = 0; n < users.length; n++) {
    if ((n & 1023) === 1023 && signal?.aborted) throw new CartwiseError('ABORTED');
    const u = users[n] as number;
    const rel = targets.get(u) as Set<number>;
    const recs = sampled && rng ? model.recommend(u, depth, { excludeSeen: true, candidates: sampleCandidates(data, u, rel, sampled.negatives, rng) }).items : model.recommend(u, depth, { excludeSeen: true }).items;
    lists.push(recs);
    for (const k of ks) for (const metric of rankingMetrics) {
      const key = `${metric.name}@${k}`;
      sums.set(key, (sums.get(key) ?? 0) + metric.compute(recs, rel, k));
    }
  }
  const predictS = (performance.now() - t) / 1000;
  const out: Record<string, number> = { predict_s: Math.round(predictS * 1000) / 1000 };
  const denom = Math.max(users.length, 1);
  for (const k of ks) for (const metric of rankingMetrics) out[`${prefix}${metric.name}@${k}`] = round6((sums.get(`${metric.name}@${k}`) ?? 0) / denom);
  if (sampled) {
    out.sampled_negatives = sampled.negatives;
    return out; // coverage and novelty are properties of full-catalogue lists
  }
  const itemUsers = new Float64Array(data.nItems);
  for (let p = 0; p < data.matrix.indices.length; p++) itemUsers[data.matrix.indices[p] as number]! += 1;
  for (const k of ks) {
    out[`coverage@${k}`] = round6(catalogCoverage(lists, data.nItems, k));
    out[`novelty@${k}`] = round6(novelty(lists, itemUsers, data.nUsers, k));
  }
  return out;
}

/**
 * Evaluates one algorithm on an explicit train/test pair of tables: builds the training data with the one
 * interaction builder, fits (timed), ranks (timed) and reports. Throws `UNKNOWN_ALGORITHM`/`INVALID_PARAM` for a
 * bad name or parameter.
 */
export async function evaluateTrainTest(train: InteractionTable, test: InteractionTable, algo: string, params: Record<string, unknown>, options: EvaluateOptions): Promise<EvaluationResult> {
  if (options.ks.length === 0 || options.ks.some((k) => !Number.isInteger(k) || k <= 0)) {
    throw new CartwiseError('INVALID_PARAM', { name: 'k', reason: `cut-offs must be positive integers; got ${options.ks.join(',')}` });
  }
  const factory = getFactory(algo);
  const model = factory.create(params);
  const data = buildFromRows(tableRows(train), options.interactions ?? {});
  const targets = buildTargets(data, test);
  const t = performance.now();
  await model.fit(data, { seed: options.seed ?? 42, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const fitS = (performance.now() - t) / 1000;
  const scores = scoreModel(
    model,
    data,
    targets,
    options.ks,
    options.signal,
    options.sampledNegatives ? { negatives: options.sampledNegatives, seed: options.seed ?? 42 } : undefined,
  );
  return {
    algo,
    params: { ...model.params },
    users: targets.size,
    items: data.nItems,
    train_nnz: data.matrix.indices.length,
    fit_s: Math.round(fitS * 1000) / 1000,
    ...scores,
    predict_s: scores.predict_s as number,
  };
}
