/**
 * BPR matrix factorisation.
 * Paper: Rendle et al., "BPR: Bayesian Personalized Ranking from Implicit Feedback" (UAI 2009). SGD on triples
 * (u, i, j): i observed for u, j drawn uniformly among items u has not interacted with; maximises
 * ln σ(x̂_ui − x̂_uj) with x̂_ui = b_i + U_u · V_i and L2 `reg`. One epoch = nnz sampled triples.
 * A context without a known user scores items by the mean factor of its recent items.
 * Complexity: O(epochs · nnz · f) time, (nUsers + nItems) · f memory.
 * Limits: single-threaded SGD (Hogwild is not used); uniform negative sampling only.
 */
import { z } from 'zod';
import { createRng } from '../../core/random.ts';
import type { Artifact } from '../../store/store.ts';
import { bytesOf, float32Of } from '../../store/artifact-codec.ts';
import type { InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, checkAbort, csrBuffers, parseParams, requireBuffer, yieldToEventLoop, type FitOptions, type Profile, type RecommenderFactory } from '../recommender.ts';

export const bprParamsSchema = z.object({
  factors: z.number().int().positive().default(64).describe('latent dimensions'),
  epochs: z.number().int().positive().default(60).describe('passes of nnz sampled triples'),
  lr: z.number().positive().default(0.05).describe('SGD learning rate'),
  reg: z.number().min(0).default(0.02).describe('L2 regularisation of factors and biases'),
});
export type BprParams = z.infer<typeof bprParamsSchema>;

function contains(indices: Int32Array, s: number, e: number, v: number): boolean {
  let lo = s;
  let hi = e - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = indices[mid] as number;
    if (x === v) return true;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** BPR-MF model: user factors [nUsers, f], item factors [nItems, f], item biases [nItems]. */
export class BprRecommender extends BaseRecommender<BprParams> {
  readonly kind = 'bpr';
  /** [nUsers, factors] row-major */
  userFactors: Float32Array = new Float32Array(0);
  /** [nItems, factors] row-major */
  itemFactors: Float32Array = new Float32Array(0);
  /** [nItems] */
  itemBias: Float32Array = new Float32Array(0);

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    const { factors: f, epochs, lr, reg } = this.params;
    const rng = createRng(options.seed ?? 42);
    const nU = data.nUsers;
    const nI = data.nItems;
    const U = new Float32Array(nU * f);
    const V = new Float32Array(nI * f);
    const bias = new Float32Array(nI);
    for (let k = 0; k < U.length; k++) U[k] = rng.normal() * 0.1;
    for (let k = 0; k < V.length; k++) V[k] = rng.normal() * 0.1;
    const { indptr, indices } = data.matrix;
    const nnz = indices.length;
    // Row of every stored cell, to sample (u, i) uniformly over observed pairs.
    const rowOf = new Int32Array(nnz);
    for (let u = 0; u < nU; u++) rowOf.fill(u, indptr[u] as number, indptr[u + 1] as number);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let step = 0; step < nnz; step++) {
        const p = rng.int(nnz);
        const u = rowOf[p] as number;
        const i = indices[p] as number;
        const s = indptr[u] as number;
        const e = indptr[u + 1] as number;
        if (e - s >= nI) continue;
        let j = rng.int(nI);
        while (contains(indices, s, e, j)) j = rng.int(nI);
        const uo = u * f;
        const io = i * f;
        const jo = j * f;
        let x = (bias[i] as number) - (bias[j] as number);
        for (let a = 0; a < f; a++) x += (U[uo + a] as number) * ((V[io + a] as number) - (V[jo + a] as number));
        const g = 1 / (1 + Math.exp(x)); // σ(−x): the gradient scale of ln σ(x)
        bias[i] = (bias[i] as number) + lr * (g - reg * (bias[i] as number));
        bias[j] = (bias[j] as number) + lr * (-g - reg * (bias[j] as number));
        for (let a = 0; a < f; a++) {
          const uf = U[uo + a] as number;
          const vi = V[io + a] as number;
          const vj = V[jo + a] as number;
          U[uo + a] = uf + lr * (g * (vi - vj) - reg * uf);
          V[io + a] = vi + lr * (g * uf - reg * vi);
          V[jo + a] = vj + lr * (-g * uf - reg * vj);
        }
        if ((step & 65535) === 65535) {
          checkAbort(options.signal);
          await yieldToEventLoop();
        }
      }
      checkAbort(options.signal);
      options.onProgress?.({ phase: 'epochs', done: epoch + 1, total: epochs });
      await yieldToEventLoop();
    }
    this.userFactors = U;
    this.itemFactors = V;
    this.itemBias = bias;
  }

  protected scoreProfile(profile: Profile, out: Float64Array): boolean {
    const f = this.params.factors;
    const u = new Float64Array(f);
    if (profile.user >= 0) {
      for (let a = 0; a < f; a++) u[a] = this.userFactors[profile.user * f + a] as number;
    } else {
      if (profile.items.length === 0) return false;
      for (let t = 0; t < profile.items.length; t++) {
        const o = (profile.items[t] as number) * f;
        for (let a = 0; a < f; a++) u[a]! += (this.itemFactors[o + a] as number) / profile.items.length;
      }
    }
    const V = this.itemFactors;
    for (let i = 0; i < this.nItems; i++) {
      let s = this.itemBias[i] as number;
      const o = i * f;
      for (let a = 0; a < f; a++) s += (u[a] as number) * (V[o + a] as number);
      out[i] = s;
    }
    return true;
  }

  toArtifact(): Artifact {
    return {
      manifest: this.manifest(),
      buffers: {
        ...csrBuffers('history', this.history),
        userFactors: bytesOf(this.userFactors),
        itemFactors: bytesOf(this.itemFactors),
        itemBias: bytesOf(this.itemBias),
      },
    };
  }
}

export const bprFactory: RecommenderFactory<BprParams> = {
  kind: 'bpr',
  description: 'BPR matrix factorisation (Rendle et al. 2009), SGD with uniform negative sampling',
  paramsSchema: bprParamsSchema,
  create: (params) => new BprRecommender(parseParams(bprParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new BprRecommender(parseParams(bprParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.userFactors = float32Of(requireBuffer(artifact, 'userFactors'));
    m.itemFactors = float32Of(requireBuffer(artifact, 'itemFactors'));
    m.itemBias = float32Of(requireBuffer(artifact, 'itemBias'));
    return m;
  },
};
