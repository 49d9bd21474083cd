/**
 * SASRec: a causal Transformer over each shopper's item sequence, trained in-process on typed arrays.
 * Paper: Kang & McAuley, "Self-Attentive Sequential Recommendation" (ICDM 2018), with the loss of "SASRec+"
 * (Klenitskiy & Vasilev, RecSys 2023: full softmax cross-entropy) or sampled softmax with logQ correction
 * (gSASRec, Petrov & Macdonald, RecSys 2023, shows many negatives are what matters), pre-LN blocks, AdamW.
 * Complexity: see train.ts per epoch; a request costs one forward over ≤ maxLen tokens
 * (O(blocks · maxLen · dim · (4·dim + 2·ffnDim + maxLen))) plus O(nItems · dim) to score the catalogue.
 * Serving recomputes the window per request (no per-position cache: a 50-item window plus scoring 18k items costs
 * about 2.6 ms of CPU, see bench/recommend/sasrec-serving.bench.ts), so a new event — passed as `recentItems` — changes the next answer at
 * once without retraining. Anonymous sessions score from `recentItems` alone.
 * Side features (`sideFeatures`): category levels, brand, tags and attributes of the catalogue add a shared part
 * to each item's vector (see item-features.ts), which helps rarely seen items; so do `neighbourFeatures`, the vectors
 * of each item's most frequent sequence neighbours, which need no catalogue.
 * Limits: event weights and timestamps other than order are ignored; windows longer than
 * `maxLen` keep the latest items; training uses one thread.
 */
import { z } from 'zod';
import { CartwiseError } from '../../../core/errors.ts';
import type { Artifact } from '../../../store/store.ts';
import { bytesOf, float32Of, int32Of } from '../../../store/artifact-codec.ts';
import type { InteractionData } from '../../interactions/interaction-builder.ts';
import { BaseRecommender, checkAbort, csrBuffers, parseParams, requireBuffer, type FitOptions, type Profile, type RecommendQuery, type RecommenderFactory } from '../../recommender.ts';
import { buildItemFeatures, mergeFeatures, neighbourFeatures } from './item-features.ts';
import { SasrecNetwork, type ItemFeatures, type SasrecShape, type SasrecWeights } from './network.ts';
import { lastHidden, packBatch, scoreAll, trainSasrec, type EpochRecord, type SasrecTrainConfig, type TrainCheckpoint } from './train.ts';
import type { AdamWState } from './optimizer.ts';
import { gemmNT } from './kernels.ts';

export const sasrecParamsSchema = z.object({
  dim: z.number().int().min(2).max(1024).default(64).describe('embedding and hidden width'),
  blocks: z.number().int().min(0).max(12).default(2).describe('number of self-attention blocks'),
  heads: z.number().int().min(1).max(32).default(2).describe('attention heads (must divide dim)'),
  maxLen: z.number().int().min(1).max(1000).default(50).describe('longest history window the model reads (latest items kept)'),
  epochs: z.number().int().min(1).max(1000).default(20).describe('maximum training epochs (early stopping may end sooner)'),
  negatives: z.number().int().min(0).max(100_000).default(1024).describe('sampled negatives per batch for sampled softmax with logQ correction; 0 = full softmax over the catalogue'),
  samplerPower: z.number().min(0).max(1).default(1).describe('negatives drawn with probability ∝ (count+1)^samplerPower (0 = uniform)'),
  dropout: z.number().min(0).max(0.9).default(0.3).describe('dropout rate on embeddings and residual branches'),
  lr: z.number().positive().max(1).default(0.003).describe('AdamW learning rate after warm-up'),
  weightDecay: z.number().min(0).max(1).default(0).describe('AdamW decoupled weight decay (matrices, positions, touched item rows)'),
  warmupSteps: z.number().int().min(0).default(200).describe('linear learning-rate warm-up steps'),
  lrSchedule: z.enum(['constant', 'cosine', 'linear']).default('cosine').describe('learning rate after warm-up: constant, or decayed to 0 at the end of `epochs` (cosine or linear)'),
  clipNorm: z.number().min(0).default(5).describe('global gradient-norm clipping (0 = off)'),
  batchSize: z.number().int().min(1).max(4096).default(64).describe('sequences per mini-batch'),
  ffnMultiplier: z.number().int().min(1).max(8).default(1).describe('feed-forward hidden width as a multiple of dim'),
  activation: z.enum(['relu', 'gelu']).default('gelu').describe('feed-forward activation'),
  patience: z.number().int().min(0).default(5).describe('epochs without better validation NDCG@10 before stopping (0 = off)'),
  validationUsers: z.number().int().min(0).default(3000).describe('users whose last training item is held out for early stopping (0 = none)'),
  timeBudgetMinutes: z.number().min(0).default(0).describe('stop training after the epoch that passes this wall time, keeping the best epoch (0 = no budget)'),
  sideFeatures: z
    .union([z.boolean(), z.literal('auto')])
    .default('auto')
    .describe('add catalogue side features (category levels, brand, tags, attributes) to each item vector: auto = when the catalogue has any, true = require a catalogue, false = item ids only'),
  neighbourFeatures: z.number().int().min(0).max(100).default(5).describe('also add the vectors of each item\'s k most frequent sequence neighbours (graph smoothing for stores without a catalogue; 0 = off)'),
});
export type SasrecParams = z.infer<typeof sasrecParamsSchema>;

/** Fit options of SASRec: the shared ones plus epoch checkpoints and resumption. */
export interface SasrecFitOptions extends FitOptions {
  /** Receives a checkpoint after every epoch (turn it into an artifact with {@link checkpointToArtifact}). */
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void | Promise<void>;
  /** Resumes training from a checkpoint of the same data and parameters. */
  resumeFrom?: TrainCheckpoint;
}

/** Why an item is recommended: the history item it most plausibly follows. */
export interface SasrecExplanation {
  /** Item index of the anchor in the history ("next after X"), -1 when none. */
  after: number;
  /** Attention weight of the anchor at the last position (averaged over heads). */
  attention: number;
}

function shapeOf(p: SasrecParams, nItems: number, nFeatures: number): SasrecShape {
  if (p.dim % p.heads !== 0) throw new CartwiseError('INVALID_PARAM', { name: 'heads', reason: `heads (${p.heads}) must divide dim (${p.dim})` });
  const shape: SasrecShape = { nItems, dim: p.dim, blocks: p.blocks, heads: p.heads, maxLen: p.maxLen, ffnDim: p.dim * p.ffnMultiplier, activation: p.activation, dropout: p.dropout };
  if (nFeatures > 0) shape.nFeatures = nFeatures;
  return shape;
}

/** The SASRec recommender. */
export class SasrecRecommender extends BaseRecommender<SasrecParams> {
  readonly kind = 'sasrec';
  shape: SasrecShape | undefined;
  weights: SasrecWeights | undefined;
  /** Learning curve of the last fit. */
  learningCurve: EpochRecord[] = [];
  bestEpoch = 0;
  /** [nUsers + 1] per-user sequence offsets */
  seqIndptr: Int32Array = new Int32Array(1);
  /** per-user item sequences, oldest first */
  seqItems: Int32Array = new Int32Array(0);
  /** Item side features (when `sideFeatures` found any). */
  features: ItemFeatures | undefined;
  private net: SasrecNetwork | undefined;

  override async fit(data: InteractionData, options: SasrecFitOptions = {}): Promise<void> {
    await super.fit(data, options);
  }

  protected async fitModel(data: InteractionData, options: SasrecFitOptions): Promise<void> {
    checkAbort(options.signal);
    const p = this.params;
    this.features = undefined;
    let nFeatures = 0;
    if (p.sideFeatures === true && !data.itemMeta) {
      throw new CartwiseError('VALIDATION_FAILED', { reason: 'sasrec sideFeatures=true needs item metadata (a catalogue: category, brand, tags or attributes)' });
    }
    if (p.sideFeatures !== false && data.itemMeta) {
      const built = buildItemFeatures(data.itemMeta, data.nItems);
      if (built.nFeatures > 0) {
        this.features = built.features;
        nFeatures = built.nFeatures;
      }
    }
    if (p.neighbourFeatures > 0) {
      const nb = neighbourFeatures(data.seqIndptr, data.seqItems, data.nItems, p.neighbourFeatures, nFeatures);
      this.features = this.features ? mergeFeatures(this.features, nb) : nb;
      nFeatures += data.nItems;
    }
    const shape = shapeOf(p, data.nItems, nFeatures);
    this.seqIndptr = data.seqIndptr.slice();
    this.seqItems = data.seqItems.slice();
    const config: SasrecTrainConfig = {
      epochs: p.epochs,
      batchSize: p.batchSize,
      negatives: p.negatives,
      samplerPower: p.samplerPower,
      optimizer: { lr: p.lr, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: p.weightDecay, warmupSteps: p.warmupSteps, clipNorm: p.clipNorm, schedule: p.lrSchedule },
      patience: p.patience,
      validationUsers: p.validationUsers,
      timeBudgetMs: p.timeBudgetMinutes * 60_000,
      seed: options.seed ?? 42,
    };
    const result = await trainSasrec(shape, config, { indptr: this.seqIndptr, items: this.seqItems, ...(this.features ? { features: this.features } : {}) }, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.onCheckpoint ? { onCheckpoint: options.onCheckpoint } : {}),
      ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
    });
    this.shape = shape;
    this.weights = result.weights;
    this.learningCurve = result.history;
    this.bestEpoch = result.bestEpoch;
    this.net = new SasrecNetwork(shape, result.weights, this.features);
  }

  /** The item window of a query: the user's sequence then the recent items, latest `maxLen` kept. */
  windowOf(query: RecommendQuery): Int32Array {
    const user = typeof query === 'number' ? query : (query.user ?? -1);
    const recent = typeof query === 'number' ? undefined : query.recentItems;
    const parts: number[] = [];
    if (user >= 0 && user < this.nUsers) {
      for (let p = this.seqIndptr[user]!; p < this.seqIndptr[user + 1]!; p++) parts.push(this.seqItems[p]!);
    }
    if (recent) for (let i = 0; i < recent.length; i++) {
      const it = recent[i] as number;
      if (Number.isInteger(it) && it >= 0 && it < this.nItems) parts.push(it);
    }
    const maxLen = this.shape?.maxLen ?? this.params.maxLen;
    return Int32Array.from(parts.length > maxLen ? parts.slice(parts.length - maxLen) : parts);
  }

  private forwardWindow(window: Int32Array): Float32Array {
    const net = this.net as SasrecNetwork;
    const { batch } = packBatch(window, [0, window.length], 1, net.shape.maxLen, false);
    const h = net.forward(batch);
    const d = net.shape.dim;
    return Float32Array.from(h.subarray((window.length - 1) * d, window.length * d));
  }

  override score(query: RecommendQuery, out: Float64Array): boolean {
    if (!this.fitted || !this.net || !this.shape) throw new CartwiseError('MODEL_NOT_READY', { reason: 'sasrec is not fitted' });
    const window = this.windowOf(query);
    if (window.length === 0) {
      out.fill(0);
      return false;
    }
    const h = this.forwardWindow(window);
    scoreAll(this.net.itemTable(), h, 0, this.nItems, this.shape.dim, out);
    return true;
  }

  /**
   * Batch inference (evaluation, offline scoring): one packed forward pass over every query's window, then
   * `H · Eᵀ` as a tiled GEMM into `out` `[queries.length, nItems]` (row-major). Returns a flag per query, 0 when it
   * had nothing to score from (its row is left 0). Same scores as {@link score} up to float rounding.
   */
  scoreBatch(queries: readonly RecommendQuery[], out: Float32Array): Uint8Array {
    if (!this.fitted || !this.net || !this.shape) throw new CartwiseError('MODEL_NOT_READY', { reason: 'sasrec is not fitted' });
    const n = queries.length;
    const { dim } = this.shape;
    if (out.length < n * this.nItems) throw new CartwiseError('VALIDATION_FAILED', { reason: `out holds ${out.length} floats; ${n} queries need ${n * this.nItems}` });
    const ok = new Uint8Array(n);
    const windows = queries.map((q) => this.windowOf(q));
    const rows: number[] = [];
    let total = 0;
    windows.forEach((w, i) => {
      if (w.length > 0) {
        ok[i] = 1;
        rows.push(i);
        total += w.length;
      }
    });
    out.fill(0, 0, n * this.nItems);
    if (rows.length === 0) return ok;
    const items = new Int32Array(total);
    const slices = new Int32Array(2 * rows.length);
    let o = 0;
    rows.forEach((i, r) => {
      items.set(windows[i]!, o);
      slices[2 * r] = o;
      o += windows[i]!.length;
      slices[2 * r + 1] = o;
    });
    const { batch } = packBatch(items, slices, rows.length, this.shape.maxLen, false);
    const h = lastHidden(this.net, batch);
    const scores = new Float32Array(rows.length * this.nItems);
    gemmNT(h, this.net.itemTable(), scores, rows.length, dim, this.nItems, false);
    rows.forEach((i, r) => out.set(scores.subarray(r * this.nItems, (r + 1) * this.nItems), i * this.nItems));
    return ok;
  }

  protected scoreProfile(_profile: Profile, _out: Float64Array): boolean {
    // Unused: `score` reads the ordered sequence, not the unordered profile.
    return false;
  }

  /**
   * Explains `item` for a query ("next after X"): the history item weighing attention at the last position (last
   * block, mean over heads) times its embedding cosine with `item`; the most attended item when none is similar.
   */
  explain(query: RecommendQuery, item: number): SasrecExplanation {
    if (!this.net || !this.shape) throw new CartwiseError('MODEL_NOT_READY', { reason: 'sasrec is not fitted' });
    const window = this.windowOf(query);
    if (window.length === 0) return { after: -1, attention: 0 };
    this.forwardWindow(window);
    const { dim, heads } = this.shape;
    const { probs, len } = this.net.lastBlockAttention(0);
    const E = this.net.itemTable();
    const norm = (r: number) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += E[r * dim + j]! ** 2;
      return Math.sqrt(s) + 1e-12;
    };
    const ni = item >= 0 && item < this.nItems ? norm(item) : 0;
    let best = -1;
    let bestScore = -Infinity;
    let bestAtt = 0;
    let topAtt = -1;
    let topAttItem = -1;
    for (let j = 0; j < window.length; j++) {
      let a = 1 / window.length;
      if (len === window.length) {
        a = 0;
        for (let h = 0; h < heads; h++) a += probs[h * len * len + (len - 1) * len + j]!;
        a /= heads;
      }
      const r = window[j]!;
      if (a > topAtt) {
        topAtt = a;
        topAttItem = r;
      }
      if (r === item || ni === 0) continue;
      let c = 0;
      for (let k = 0; k < dim; k++) c += E[r * dim + k]! * E[item * dim + k]!;
      const s = (a * c) / (norm(r) * ni);
      if (s > bestScore) {
        bestScore = s;
        best = r;
        bestAtt = a;
      }
    }
    return best >= 0 && bestScore > 0 ? { after: best, attention: bestAtt } : { after: topAttItem, attention: topAtt };
  }

  toArtifact(): Artifact {
    if (!this.weights || !this.shape) throw new CartwiseError('MODEL_NOT_READY', { reason: 'sasrec is not fitted' });
    return {
      manifest: this.manifest({ shape: this.shape, learningCurve: this.learningCurve, bestEpoch: this.bestEpoch }),
      buffers: {
        ...csrBuffers('history', this.history),
        'weights.item': bytesOf(this.weights.item),
        'weights.dense': bytesOf(this.weights.dense),
        'seq.indptr': bytesOf(this.seqIndptr),
        'seq.items': bytesOf(this.seqItems),
        ...(this.features ? { 'features.indptr': bytesOf(this.features.indptr), 'features.indices': bytesOf(this.features.indices) } : {}),
      },
    };
  }

  /** Restores weights and sequences from an artifact written by {@link toArtifact}. */
  restore(artifact: Artifact): void {
    this.restoreBase(artifact);
    const m = artifact.manifest as { shape: SasrecShape; learningCurve?: EpochRecord[]; bestEpoch?: number };
    this.shape = m.shape;
    this.learningCurve = m.learningCurve ?? [];
    this.bestEpoch = m.bestEpoch ?? 0;
    this.weights = { item: float32Of(requireBuffer(artifact, 'weights.item')), dense: float32Of(requireBuffer(artifact, 'weights.dense')) };
    this.seqIndptr = int32Of(requireBuffer(artifact, 'seq.indptr'));
    this.seqItems = int32Of(requireBuffer(artifact, 'seq.items'));
    this.features = (this.shape.nFeatures ?? 0) > 0 ? { indptr: int32Of(requireBuffer(artifact, 'features.indptr')), indices: int32Of(requireBuffer(artifact, 'features.indices')) } : undefined;
    this.net = new SasrecNetwork(this.shape, this.weights, this.features);
  }
}

/** Serialises a training checkpoint (weights, optimiser moments, best weights, curve) as an artifact. */
export function checkpointToArtifact(c: TrainCheckpoint, params: SasrecParams): Artifact {
  return {
    manifest: { kind: 'sasrec-checkpoint', version: 1, params: { ...params }, epoch: c.epoch, step: c.adam.step, bestNdcg: c.bestNdcg, bestEpoch: c.bestEpoch, history: c.history },
    buffers: {
      'weights.item': bytesOf(c.weights.item),
      'weights.dense': bytesOf(c.weights.dense),
      'best.item': bytesOf(c.best.item),
      'best.dense': bytesOf(c.best.dense),
      'adam.mItem': bytesOf(c.adam.mItem),
      'adam.vItem': bytesOf(c.adam.vItem),
      'adam.mDense': bytesOf(c.adam.mDense),
      'adam.vDense': bytesOf(c.adam.vDense),
    },
  };
}

/** Reads a checkpoint written by {@link checkpointToArtifact}. */
export function checkpointFromArtifact(a: Artifact): TrainCheckpoint {
  const m = a.manifest as { kind?: string; epoch: number; step: number; bestNdcg: number | null; bestEpoch: number; history: EpochRecord[] };
  if (m.kind !== 'sasrec-checkpoint') throw new CartwiseError('VALIDATION_FAILED', { reason: `artifact is a "${String(m.kind)}", not a sasrec-checkpoint` });
  const f = (name: string) => float32Of(requireBuffer(a, name));
  const adam: AdamWState = { step: m.step, mItem: f('adam.mItem'), vItem: f('adam.vItem'), mDense: f('adam.mDense'), vDense: f('adam.vDense') };
  return {
    epoch: m.epoch,
    weights: { item: f('weights.item'), dense: f('weights.dense') },
    best: { item: f('best.item'), dense: f('best.dense') },
    adam,
    bestNdcg: m.bestNdcg ?? Number.NaN,
    bestEpoch: m.bestEpoch,
    history: m.history.map((h) => ({ ...h, ndcg10: h.ndcg10 ?? Number.NaN })),
  };
}

export const sasrecFactory: RecommenderFactory<SasrecParams> = {
  kind: 'sasrec',
  description: 'SASRec: causal self-attention Transformer over each shopper\'s sequence (full or sampled softmax, AdamW, early stopping)',
  paramsSchema: sasrecParamsSchema,
  create: (params) => new SasrecRecommender(parseParams(sasrecParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new SasrecRecommender(parseParams(sasrecParamsSchema, artifact.manifest.params));
    m.restore(artifact);
    return m;
  },
};
