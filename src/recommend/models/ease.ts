/**
 * EASE — Embarrassingly Shallow Autoencoder.
 * Paper: Steck, "Embarrassingly Shallow Autoencoders for Sparse Data" (WWW 2019). Closed form on the binary matrix:
 * G = BᵀB + λI, P = G⁻¹, W_ij = −P_ij / P_jj, W_jj = 0; score(u) = B_u · W (as `recs.py` `ease`).
 * The inverse is a hand-written float64 Cholesky (../linalg/cholesky.ts).
 * Complexity: fit O(Σ_u |u|² + n³/2) time, 2 · n² float64 memory during the fit, n² float32 after;
 * recommend O(|u| · n). n = min(items, `maxItems`): items beyond the cap (the least popular) are never scored.
 * Limits: the cap (default 20,000 items) bounds memory; no time decay; binary input.
 */
import { z } from 'zod';
import type { Artifact } from '../../store/store.ts';
import { bytesOf, float32Of } from '../../store/artifact-codec.ts';
import type { InteractionData } from '../interactions/interaction-builder.ts';
import { spdInverse } from '../linalg/cholesky.ts';
import { CooccurrenceRows, binaryCsr } from '../linalg/sparse.ts';
import { BaseRecommender, checkAbort, csrBuffers, parseParams, requireBuffer, topK, yieldToEventLoop, type FitOptions, type Profile, type Recommendations, type RecommenderFactory } from '../recommender.ts';

export const easeParamsSchema = z.object({
  lambda: z.number().positive().default(500).describe('L2 regularisation added to the Gram diagonal'),
  maxItems: z.number().int().positive().default(20_000).describe('only the most popular items up to this cap enter the model (memory is 8·n² bytes)'),
});
export type EaseParams = z.infer<typeof easeParamsSchema>;

/** EASE model: a dense [n, n] weight matrix over the first n (most popular) items. */
export class EaseRecommender extends BaseRecommender<EaseParams> {
  readonly kind = 'ease';
  /** number of modelled items (the first `dim` item indices) */
  dim = 0;
  /** [dim, dim] row-major: row j = contribution of having item j */
  weights: Float32Array = new Float32Array(0);

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    // The builder orders items by descending count, so the cap keeps a prefix of the indices.
    const n = Math.min(data.nItems, this.params.maxItems);
    this.dim = n;
    const B = binaryCsr(data.matrix);
    const g = new Float64Array(n * n);
    const co = new CooccurrenceRows(B);
    const acc = new Float64Array(data.nItems);
    for (let j = 0; j < n; j++) {
      const nt = co.row(j, acc);
      const touched = co.touchedItems();
      const o = j * n;
      for (let t = 0; t < nt; t++) {
        const i = touched[t] as number;
        if (i < n) g[o + i] = acc[i] as number;
      }
      co.reset(nt, acc);
      g[o + j]! += this.params.lambda;
      if ((j & 1023) === 1023) {
        checkAbort(options.signal);
        await yieldToEventLoop();
      }
    }
    checkAbort(options.signal);
    const p = spdInverse(g, n, (done, total) => options.onProgress?.({ phase: 'inverse', done, total }));
    checkAbort(options.signal);
    const w = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      const o = i * n;
      for (let j = 0; j < n; j++) w[o + j] = i === j ? 0 : -(p[o + j] as number) / (p[j * n + j] as number);
    }
    this.weights = w;
  }

  protected scoreProfile(profile: Profile, out: Float64Array): boolean {
    const n = this.dim;
    const w = this.weights;
    let any = false;
    for (let q = 0; q < profile.items.length; q++) {
      const j = profile.items[q] as number;
      if (j >= n) continue;
      any = true;
      const o = j * n;
      for (let i = 0; i < n; i++) out[i]! += w[o + i] as number;
    }
    for (let i = n; i < this.nItems; i++) out[i] = -Infinity;
    return any;
  }

  similarItems(item: number, k: number): Recommendations {
    const scores = new Float64Array(this.nItems).fill(-Infinity);
    if (item < this.dim) {
      const n = this.dim;
      for (let i = 0; i < n; i++) if (i !== item) scores[i] = this.weights[item * n + i] as number;
    }
    return topK(scores, k);
  }

  toArtifact(): Artifact {
    return { manifest: this.manifest({ dim: this.dim }), buffers: { ...csrBuffers('history', this.history), weights: bytesOf(this.weights) } };
  }
}

export const easeFactory: RecommenderFactory<EaseParams> = {
  kind: 'ease',
  description: 'EASE: closed-form linear item-item autoencoder (Steck 2019), with an item cap',
  paramsSchema: easeParamsSchema,
  create: (params) => new EaseRecommender(parseParams(easeParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new EaseRecommender(parseParams(easeParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.dim = artifact.manifest.dim as number;
    m.weights = float32Of(requireBuffer(artifact, 'weights'));
    return m;
  },
};
