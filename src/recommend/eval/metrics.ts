/**
 * Ranking metrics with binary relevance, as pure functions of one user's ranked list and relevant set (the
 * definitions of `recs.py eval`): Precision@K = hits/K; Recall@K = hits/|rel|; HR@K = 1 if any hit;
 * MRR@K = 1/rank of the first hit; NDCG@K = DCG/IDCG with IDCG over min(|rel|, K); MAP@K = Σ_{i≤K} P@i·rel_i /
 * min(|rel|, K). All are higher-is-better. Averages are taken over evaluated users by the evaluator.
 */

/** A ranking metric: name, whether higher is better, and its per-user value. */
export interface RankingMetric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  /** `ranked` best first; `relevant` the user's targets; `k` the cut-off. */
  readonly compute: (ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number) => number;
}

function hitsAt(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  let h = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i] as number)) h++;
  return h;
}

/** hits / K. */
export function precisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return hitsAt(ranked, relevant, k) / k;
}

/** hits / |relevant|. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return relevant.size === 0 ? 0 : hitsAt(ranked, relevant, k) / relevant.size;
}

/** 1 when any of the top K is relevant. */
export function hitRateAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return hitsAt(ranked, relevant, k) > 0 ? 1 : 0;
}

/** 1 / rank of the first relevant item in the top K (0 when none). */
export function mrrAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i] as number)) return 1 / (i + 1);
  return 0;
}

/** DCG / IDCG with log2(rank + 1) discounts; IDCG over min(|relevant|, K) hits. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const n = Math.min(k, ranked.length);
  let dcg = 0;
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i] as number)) dcg += 1 / Math.log2(i + 2);
  let idcg = 0;
  const m = Math.min(relevant.size, k);
  for (let i = 0; i < m; i++) idcg += 1 / Math.log2(i + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Average precision at K, normalised by min(|relevant|, K). */
export function mapAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const n = Math.min(k, ranked.length);
  let ap = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (relevant.has(ranked[i] as number)) {
      c++;
      ap += c / (i + 1);
    }
  }
  const d = Math.min(relevant.size, k);
  return d === 0 ? 0 : ap / d;
}

/** The metrics the evaluator reports, in report order. */
export const rankingMetrics: readonly RankingMetric[] = [
  { name: 'precision', higherIsBetter: true, compute: precisionAtK },
  { name: 'recall', higherIsBetter: true, compute: recallAtK },
  { name: 'ndcg', higherIsBetter: true, compute: ndcgAtK },
  { name: 'map', higherIsBetter: true, compute: mapAtK },
  { name: 'hr', higherIsBetter: true, compute: hitRateAtK },
  { name: 'mrr', higherIsBetter: true, compute: mrrAtK },
];

/** Catalogue coverage: the share of the `nItems` catalogue appearing in at least one list. Higher is better. */
export function catalogCoverage(lists: readonly ArrayLike<number>[], nItems: number, k: number): number {
  if (nItems === 0) return 0;
  const seen = new Uint8Array(nItems);
  let distinct = 0;
  for (const l of lists) {
    const n = Math.min(k, l.length);
    for (let i = 0; i < n; i++) {
      const it = l[i] as number;
      if (!seen[it]) {
        seen[it] = 1;
        distinct++;
      }
    }
  }
  return distinct / nItems;
}

/**
 * Novelty: mean self-information −log2(p(i)) of recommended items, p(i) = share of training users who interacted
 * with i (Zhou et al. 2010). Higher means less obvious recommendations.
 */
export function novelty(lists: readonly ArrayLike<number>[], itemUsers: ArrayLike<number>, nUsers: number, k: number): number {
  let sum = 0;
  let count = 0;
  for (const l of lists) {
    const n = Math.min(k, l.length);
    for (let i = 0; i < n; i++) {
      const c = itemUsers[l[i] as number] as number;
      sum += -Math.log2(Math.max(c, 1) / Math.max(nUsers, 1));
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}
