/**
 * SAR — Smart Adaptive Recommendations.
 * Paper: Microsoft Recommenders' SAR (Argyriou et al., "Microsoft Recommenders: best practices…", WWW 2020;
 * github.com/microsoft/recommenders `sar_singlenode`). Item co-occurrence C = BᵀB on the binary matrix, turned into
 * a similarity (Jaccard C_ij/(C_ii + C_jj − C_ij), lift C_ij/(C_ii C_jj), cosine, or raw counts); user affinity
 * A_ui = Σ_events w · 2^(−(t₀ − t)/halfLife) with t₀ the latest training event; score = A · S (the diagonal kept,
 * as `recs.py` `sar` does).
 * Complexity: fit O(Σ_u |u|²) time and O(nnz(C)) memory; recommend O(Σ_{j∈u} nnz(C_j)).
 * Limits: no co-occurrence threshold (`minCooccurrence` 1); memory grows with the number of co-occurring pairs.
 */
import { z } from 'zod';
import { DAY_MS } from '../../core/time.ts';
import type { Artifact } from '../../store/store.ts';
import type { Csr, InteractionData } from '../interactions/interaction-builder.ts';
import { binaryCsr, columnCounts, CooccurrenceRows } from '../linalg/sparse.ts';
import { BaseRecommender, checkAbort, csrBuffers, csrFromBuffers, parseParams, topK, yieldToEventLoop, type FitOptions, type Profile, type Recommendations, type RecommenderFactory } from '../recommender.ts';

export const sarParamsSchema = z.object({
  similarity: z.enum(['jaccard', 'lift', 'cosine', 'cooccurrence']).default('jaccard').describe('item-item similarity from co-occurrence counts'),
  halfLifeDays: z.number().min(0).default(30).describe('half-life of the affinity decay in days (0: no decay)'),
  minCooccurrence: z.number().int().positive().default(1).describe('co-occurrence counts below this are dropped'),
});
export type SarParams = z.infer<typeof sarParamsSchema>;

/** SAR model: a sparse item×item similarity and the decayed affinity matrix (kept as the history). */
export class SarRecommender extends BaseRecommender<SarParams> {
  readonly kind = 'sar';
  /** item × item similarity (all co-occurring pairs, diagonal included) */
  sim: Csr = { rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float32Array(0) };

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    const n = data.nItems;
    const B = binaryCsr(data.matrix);
    const d = columnCounts(B);
    const co = new CooccurrenceRows(B);
    const acc = new Float64Array(n);
    const { similarity, minCooccurrence } = this.params;
    const indptr = new Int32Array(n + 1);
    let indices = new Int32Array(Math.max(16, data.matrix.indices.length));
    let values = new Float32Array(indices.length);
    let nnz = 0;
    for (let j = 0; j < n; j++) {
      const nt = co.row(j, acc);
      const touched = co.touchedItems().subarray(0, nt).slice().sort();
      if (nnz + nt > indices.length) {
        const size = Math.max(indices.length * 2, nnz + nt);
        const i2 = new Int32Array(size);
        i2.set(indices);
        indices = i2;
        const v2 = new Float32Array(size);
        v2.set(values);
        values = v2;
      }
      const dj = d[j] as number;
      for (let t = 0; t < nt; t++) {
        const i = touched[t] as number;
        const c = acc[i] as number;
        if (c < minCooccurrence) continue;
        const di = d[i] as number;
        const s =
          similarity === 'jaccard' ? c / (di + dj - c + 1e-12) : similarity === 'lift' ? c / (di * dj) : similarity === 'cosine' ? c / Math.sqrt(di * dj) : c;
        indices[nnz] = i;
        values[nnz] = s;
        nnz++;
      }
      co.reset(nt, acc);
      indptr[j + 1] = nnz;
      if ((j & 255) === 255) {
        checkAbort(options.signal);
        options.onProgress?.({ phase: 'similarity', done: j + 1, total: n });
        await yieldToEventLoop();
      }
    }
    this.sim = { rows: n, cols: n, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
    this.history = affinity(data, this.params.halfLifeDays);
  }

  protected scoreProfile(profile: Profile, out: Float64Array): boolean {
    if (profile.items.length === 0) return false;
    const { indptr, indices, values } = this.sim;
    for (let q = 0; q < profile.items.length; q++) {
      const j = profile.items[q] as number;
      const w = profile.values[q] as number;
      for (let p = indptr[j] as number; p < (indptr[j + 1] as number); p++) out[indices[p] as number]! += w * (values[p] as number);
    }
    return true;
  }

  similarItems(item: number, k: number): Recommendations {
    const scores = new Float64Array(this.nItems).fill(-Infinity);
    const { indptr, indices, values } = this.sim;
    for (let p = indptr[item] as number; p < (indptr[item + 1] as number); p++) if (indices[p] !== item) scores[indices[p] as number] = values[p] as number;
    return topK(scores, k);
  }

  toArtifact(): Artifact {
    return { manifest: this.manifest(), buffers: { ...csrBuffers('history', this.history), ...csrBuffers('sim', this.sim) } };
  }
}

/**
 * Time-decayed affinity: Σ over a user's rows of weight · 2^(−(t₀ − t)/halfLife), t₀ = the latest training row
 * (SAR's definition), or with `perUser` the user's own latest row (no underflow for long-inactive users); no decay
 * at 0.
 */
export function affinity(data: InteractionData, halfLifeDays: number, perUser = false): Csr {
  const m = data.matrix;
  const values = new Float32Array(m.indices.length);
  const hl = halfLifeDays * DAY_MS;
  const acc = new Float64Array(data.nItems);
  for (let u = 0; u < data.nUsers; u++) {
    const end = data.seqIndptr[u + 1] as number;
    const t0 = perUser && end > (data.seqIndptr[u] as number) ? (data.seqTs[end - 1] as number) : data.maxTs;
    for (let p = data.seqIndptr[u] as number; p < end; p++) {
      const decay = hl > 0 ? Math.pow(2, -(t0 - (data.seqTs[p] as number)) / hl) : 1;
      acc[data.seqItems[p] as number]! += (data.seqWeights[p] as number) * decay;
    }
    for (let p = m.indptr[u] as number; p < (m.indptr[u + 1] as number); p++) {
      const i = m.indices[p] as number;
      values[p] = acc[i] as number;
      acc[i] = 0;
    }
  }
  return { rows: m.rows, cols: m.cols, indptr: m.indptr, indices: m.indices, values };
}

export const sarFactory: RecommenderFactory<SarParams> = {
  kind: 'sar',
  description: 'SAR: co-occurrence similarity (Jaccard/lift) with time-decayed user affinity',
  paramsSchema: sarParamsSchema,
  create: (params) => new SarRecommender(parseParams(sarParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new SarRecommender(parseParams(sarParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.sim = csrFromBuffers('sim', artifact.buffers, m.nItems, m.nItems);
    return m;
  },
};
