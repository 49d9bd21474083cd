/**
 * Item-based k-nearest neighbours.
 * Paper: Sarwar et al., "Item-based collaborative filtering recommendation algorithms" (WWW 2001); Deshpande &
 * Karypis, "Item-based top-N recommendation algorithms" (TOIS 2004); asymmetric cosine from Aiolli, "Efficient
 * top-N recommendation for very large scale binary rated datasets" (RecSys 2013).
 * Similarity on the binary user×item matrix: cosine co(i,j) / (‖i‖‖j‖ + shrink), or asymmetric
 * co(i,j) / (|i|^α |j|^(1-α) + shrink); each item keeps its `neighbors` most similar items (self excluded);
 * score(u, i) = Σ_{j ∈ history(u)} S[j, i] — the definition of `recs.py` `itemknn` (shrink 0, cosine).
 * Complexity: fit O(Σ_u |u|² + nItems · d log d) time, O(nItems · neighbors) memory; recommend O(|u| · neighbors).
 * Limits: binary by default (`weighted` uses the interaction weights in the profile); no time decay.
 */
import { z } from 'zod';
import type { Artifact } from '../../store/store.ts';
import type { Csr, InteractionData } from '../interactions/interaction-builder.ts';
import { binaryCsr, columnCounts, CooccurrenceRows } from '../linalg/sparse.ts';
import { BaseRecommender, checkAbort, csrBuffers, csrFromBuffers, parseParams, topK, yieldToEventLoop, type FitOptions, type Profile, type Recommendations, type RecommenderFactory } from '../recommender.ts';

export const itemKnnParamsSchema = z.object({
  neighbors: z.number().int().positive().default(100).describe('neighbours kept per item'),
  shrink: z.number().min(0).default(0).describe('shrinkage added to the similarity denominator (damps rare co-occurrences)'),
  similarity: z.enum(['cosine', 'asymmetric']).default('cosine').describe('cosine, or asymmetric cosine (Aiolli 2013)'),
  asymmetricAlpha: z.number().min(0).max(1).default(0.5).describe('α of the asymmetric cosine'),
  weighted: z.boolean().default(false).describe('score with the interaction weights instead of 1 per item'),
});
export type ItemKnnParams = z.infer<typeof itemKnnParamsSchema>;

/**
 * Keeps the `n` largest values of a sparse row (ties: lower index), returning parallel arrays sorted by index.
 */
export function keepTopN(idx: Int32Array, val: Float64Array, count: number, n: number): { idx: Int32Array; val: Float64Array } {
  if (count <= n) {
    const order = Array.from({ length: count }, (_, t) => t).sort((a, b) => (idx[a] as number) - (idx[b] as number));
    return { idx: Int32Array.from(order, (t) => idx[t] as number), val: Float64Array.from(order, (t) => val[t] as number) };
  }
  const order = Array.from({ length: count }, (_, t) => t);
  order.sort((a, b) => (val[b] as number) - (val[a] as number) || (idx[a] as number) - (idx[b] as number));
  const top = order.slice(0, n).sort((a, b) => (idx[a] as number) - (idx[b] as number));
  return { idx: Int32Array.from(top, (t) => idx[t] as number), val: Float64Array.from(top, (t) => val[t] as number) };
}

/** Item-kNN model: a sparse item×item neighbour matrix. */
export class ItemKnnRecommender extends BaseRecommender<ItemKnnParams> {
  readonly kind = 'itemknn';
  /** item × item neighbour similarities, row j = neighbours of item j */
  sim: Csr = { rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float32Array(0) };

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    const B = binaryCsr(data.matrix);
    const n = data.nItems;
    const counts = columnCounts(B);
    const norms = Float64Array.from(counts, (c) => Math.sqrt(c) + 1e-12);
    const { neighbors, shrink, similarity, asymmetricAlpha: a } = this.params;
    const co = new CooccurrenceRows(B);
    const acc = new Float64Array(n);
    const rowIdx = new Int32Array(n);
    const rowVal = new Float64Array(n);
    const indptr = new Int32Array(n + 1);
    const parts: { idx: Int32Array; val: Float64Array }[] = [];
    for (let j = 0; j < n; j++) {
      const nt = co.row(j, acc);
      const touched = co.touchedItems();
      let c = 0;
      for (let t = 0; t < nt; t++) {
        const i = touched[t] as number;
        if (i === j) continue;
        const denom = similarity === 'cosine' ? (norms[j] as number) * (norms[i] as number) : Math.pow(counts[j] as number, a) * Math.pow(counts[i] as number, 1 - a);
        const s = (acc[i] as number) / (denom + shrink);
        if (s === 0) continue;
        rowIdx[c] = i;
        rowVal[c] = s;
        c++;
      }
      co.reset(nt, acc);
      const kept = keepTopN(rowIdx, rowVal, c, neighbors);
      parts.push(kept);
      indptr[j + 1] = (indptr[j] as number) + kept.idx.length;
      if ((j & 255) === 255) {
        checkAbort(options.signal);
        options.onProgress?.({ phase: 'similarity', done: j + 1, total: n });
        await yieldToEventLoop();
      }
    }
    const nnz = indptr[n] as number;
    const indices = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    parts.forEach((p, j) => {
      indices.set(p.idx, indptr[j] as number);
      values.set(p.val, indptr[j] as number);
    });
    this.sim = { rows: n, cols: n, indptr, indices, values };
  }

  protected scoreProfile(profile: Profile, out: Float64Array): boolean {
    if (profile.items.length === 0) return false;
    const { indptr, indices, values } = this.sim;
    const weighted = this.params.weighted;
    for (let q = 0; q < profile.items.length; q++) {
      const j = profile.items[q] as number;
      const w = weighted ? (profile.values[q] as number) : 1;
      for (let p = indptr[j] as number; p < (indptr[j + 1] as number); p++) out[indices[p] as number]! += w * (values[p] as number);
    }
    return true;
  }

  similarItems(item: number, k: number): Recommendations {
    const scores = new Float64Array(this.nItems).fill(-Infinity);
    const { indptr, indices, values } = this.sim;
    for (let p = indptr[item] as number; p < (indptr[item + 1] as number); p++) scores[indices[p] as number] = values[p] as number;
    return topK(scores, k);
  }

  toArtifact(): Artifact {
    return { manifest: this.manifest(), buffers: { ...csrBuffers('history', this.history), ...csrBuffers('sim', this.sim) } };
  }
}

export const itemKnnFactory: RecommenderFactory<ItemKnnParams> = {
  kind: 'itemknn',
  description: 'Item-based kNN: cosine (or asymmetric cosine) neighbours with shrinkage',
  paramsSchema: itemKnnParamsSchema,
  create: (params) => new ItemKnnRecommender(parseParams(itemKnnParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new ItemKnnRecommender(parseParams(itemKnnParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.sim = csrFromBuffers('sim', artifact.buffers, m.nItems, m.nItems);
    return m;
  },
};
