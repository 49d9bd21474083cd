/**
 * Frequently bought together: co-occurrence within a basket.
 * Paper: Agrawal, Imieliński & Swami, "Mining association rules between sets of items in large databases" (SIGMOD
 * 1993) — pairwise rules only. A basket is a session (when events carry one) or, otherwise, a run of one user's
 * rows no more than `basketGapMinutes` apart (e.g. the lines of one invoice). For each item i, the related items
 * j are scored by confidence P(j | i) = n(i,j) / n(i), lift n(i,j)·N / (n(i) n(j)), or the raw count; pairs seen
 * in fewer than `minSupport` baskets are dropped and each item keeps `maxRelated`. A user is scored from their
 * most recent basket(s): the last basket counts 1, the one before 1/2, and so on.
 * Complexity: fit O(Σ_basket |basket|²) time, O(nItems · maxRelated) memory.
 * Limits: event types are not distinguished (build the data from purchases only for strict co-purchase).
 */
import { z } from 'zod';
import type { Artifact } from '../../store/store.ts';
import type { Csr, InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, checkAbort, csrBuffers, csrFromBuffers, parseParams, topK, type FitOptions, type Profile, type Recommendations, type RecommenderFactory } from '../recommender.ts';
import { keepTopN } from './item-knn.ts';

export const fbtParamsSchema = z.object({
  measure: z.enum(['confidence', 'lift', 'count']).default('confidence').describe('how co-occurrence counts become scores'),
  minSupport: z.number().int().positive().default(2).describe('baskets a pair must share to count'),
  maxRelated: z.number().int().positive().default(50).describe('related items kept per item'),
  basketGapMinutes: z.number().min(0).default(30).describe('rows of one user closer than this form one basket (when there is no session id)'),
  recentBaskets: z.number().int().positive().default(3).describe('most recent baskets that score a user'),
});
export type FbtParams = z.infer<typeof fbtParamsSchema>;

/** FBT model: item×item association scores, and per user the recency-weighted items of their last baskets. */
export class FbtRecommender extends BaseRecommender<FbtParams> {
  readonly kind = 'fbt';
  /** item × item association scores */
  related: Csr = { rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float32Array(0) };

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    const { measure, minSupport, maxRelated, basketGapMinutes, recentBaskets } = this.params;
    const gapMs = basketGapMinutes * 60_000;
    const n = data.nItems;
    const pairCounts: Map<number, number>[] = Array.from({ length: n }, () => new Map());
    const itemBaskets = new Float64Array(n);
    let nBaskets = 0;
    const recentIdx: number[][] = [];
    const recentVal: number[][] = [];
    for (let u = 0; u < data.nUsers; u++) {
      const s = data.seqIndptr[u] as number;
      const e = data.seqIndptr[u + 1] as number;
      const baskets: number[][] = [];
      let cur: number[] = [];
      for (let p = s; p < e; p++) {
        if (p > s) {
          const sameSession = (data.seqSessions[p] as number) >= 0 && data.seqSessions[p] === data.seqSessions[p - 1];
          const noSession = (data.seqSessions[p] as number) < 0 || (data.seqSessions[p - 1] as number) < 0;
          const close = (data.seqTs[p] as number) - (data.seqTs[p - 1] as number) <= gapMs;
          if (!(sameSession || (noSession && close))) {
            baskets.push(cur);
            cur = [];
          }
        }
        cur.push(data.seqItems[p] as number);
      }
      if (cur.length > 0) baskets.push(cur);
      for (const b of baskets) {
        const uniq = [...new Set(b)];
        nBaskets++;
        for (const i of uniq) {
          itemBaskets[i]! += 1;
          const row = pairCounts[i] as Map<number, number>;
          for (const j of uniq) if (j !== i) row.set(j, (row.get(j) ?? 0) + 1);
        }
      }
      const w = new Map<number, number>();
      for (let b = 0; b < Math.min(recentBaskets, baskets.length); b++) {
        for (const i of baskets[baskets.length - 1 - b] as number[]) if (!w.has(i)) w.set(i, 1 / (b + 1));
      }
      const keys = [...w.keys()].sort((a, b) => a - b);
      recentIdx.push(keys);
      recentVal.push(keys.map((k) => w.get(k) as number));
      if ((u & 4095) === 4095) checkAbort(options.signal);
    }
    const indptr = new Int32Array(n + 1);
    const parts: { idx: Int32Array; val: Float64Array }[] = [];
    for (let i = 0; i < n; i++) {
      const row = pairCounts[i] as Map<number, number>;
      const idx: number[] = [];
      const val: number[] = [];
      for (const [j, c] of row) {
        if (c < minSupport) continue;
        idx.push(j);
        val.push(measure === 'confidence' ? c / (itemBaskets[i] as number) : measure === 'lift' ? (c * nBaskets) / ((itemBaskets[i] as number) * (itemBaskets[j] as number)) : c);
      }
      const kept = keepTopN(Int32Array.from(idx), Float64Array.from(val), idx.length, maxRelated);
      parts.push(kept);
      indptr[i + 1] = (indptr[i] as number) + kept.idx.length;
    }
    const indices = new Int32Array(indptr[n] as number);
    const values = new Float32Array(indptr[n] as number);
    parts.forEach((p, i) => {
      indices.set(p.idx, indptr[i] as number);
      values.set(p.val, indptr[i] as number);
    });
    this.related = { rows: n, cols: n, indptr, indices, values };
    // Profiles come from the last baskets; seen-exclusion still uses the whole history's items.
    this.recent = { idx: recentIdx, val: recentVal };
  }

  private recent: { idx: number[][]; val: number[][] } | undefined;

  protected scoreProfile(profile: Profile, out: Float64Array): boolean {
    let items: ArrayLike<number> = profile.items;
    let values: ArrayLike<number> = profile.values;
    if (profile.user >= 0 && this.recent && profile.items.length === this.rowLength(profile.user)) {
      items = this.recent.idx[profile.user] ?? [];
      values = this.recent.val[profile.user] ?? [];
    }
    if (items.length === 0) return false;
    const { indptr, indices, values: sim } = this.related;
    for (let q = 0; q < items.length; q++) {
      const j = items[q] as number;
      const w = values[q] as number;
      for (let p = indptr[j] as number; p < (indptr[j + 1] as number); p++) out[indices[p] as number]! += w * (sim[p] as number);
    }
    return true;
  }

  private rowLength(u: number): number {
    return (this.history.indptr[u + 1] as number) - (this.history.indptr[u] as number);
  }

  /** Items bought together with `item`, best first. */
  similarItems(item: number, k: number): Recommendations {
    const scores = new Float64Array(this.nItems).fill(-Infinity);
    const { indptr, indices, values } = this.related;
    for (let p = indptr[item] as number; p < (indptr[item + 1] as number); p++) scores[indices[p] as number] = values[p] as number;
    return topK(scores, k);
  }

  toArtifact(): Artifact {
    const r = this.recent ?? { idx: [], val: [] };
    const recentPtr = new Int32Array(r.idx.length + 1);
    r.idx.forEach((l, u) => (recentPtr[u + 1] = (recentPtr[u] as number) + l.length));
    const recent: Csr = { rows: r.idx.length, cols: this.nItems, indptr: recentPtr, indices: Int32Array.from(r.idx.flat()), values: Float32Array.from(r.val.flat()) };
    return { manifest: this.manifest(), buffers: { ...csrBuffers('history', this.history), ...csrBuffers('related', this.related), ...csrBuffers('recent', recent) } };
  }

  /** Restores the recent-basket profiles from a CSR (artifact loading). */
  setRecent(m: Csr): void {
    const idx: number[][] = [];
    const val: number[][] = [];
    for (let u = 0; u < m.rows; u++) {
      idx.push(Array.from(m.indices.subarray(m.indptr[u], m.indptr[u + 1])));
      val.push(Array.from(m.values.subarray(m.indptr[u], m.indptr[u + 1])));
    }
    this.recent = { idx, val };
  }
}

export const fbtFactory: RecommenderFactory<FbtParams> = {
  kind: 'fbt',
  description: 'Frequently bought together: item co-occurrence within a basket (session or order)',
  paramsSchema: fbtParamsSchema,
  create: (params) => new FbtRecommender(parseParams(fbtParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new FbtRecommender(parseParams(fbtParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.related = csrFromBuffers('related', artifact.buffers, m.nItems, m.nItems);
    m.setRecent(csrFromBuffers('recent', artifact.buffers, m.nUsers, m.nItems));
    return m;
  },
};
