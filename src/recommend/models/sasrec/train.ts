/**
 * The SASRec training loop: per-user time-ordered sequences (the last `maxLen + 1` items of each), next-item
 * targets at every position, shuffled mini-batches of packed sequences, AdamW with warm-up and clipping, full or
 * sampled softmax, early stopping on validation NDCG@10 where each user's last training item is held out
 * ("second-to-last" of the full log when the last one is the test item), deterministic given a seed (one
 * generator per epoch, so a run resumed from an epoch checkpoint continues exactly), interruptible at every step.
 *
 * Complexity per epoch: O(T · (blocks · dim · (4·dim + 2·ffnDim) + blocks · dim · L̄ + C · dim)) for T training
 * tokens, mean window length L̄ and C = nItems (full softmax) or `negatives` candidates.
 */
import { CartwiseError } from '../../../core/errors.ts';
import { createRng, type Rng } from '../../../core/random.ts';
import { fullSoftmaxLoss, popularitySampler, sampledSoftmaxLoss } from './losses.ts';
import { createGrads, denseLayout, denseViews, initWeights, SasrecNetwork, zeroGrads, type ItemFeatures, type SasrecShape, type SasrecWeights, type SequenceBatch } from './network.ts';
import { adamWStep, createAdamWState, type AdamWOptions, type AdamWState } from './optimizer.ts';
import type { Vec } from './kernels.ts';

/** Training hyper-parameters (architecture in {@link SasrecShape}). */
export interface SasrecTrainConfig {
  epochs: number;
  /** Sequences per mini-batch. */
  batchSize: number;
  /** 0 = full softmax over the catalogue; otherwise shared sampled negatives per batch (logQ-corrected). */
  negatives: number;
  /** Exponent of the popularity sampler `q ∝ (count + 1)^samplerPower` (0 = uniform). */
  samplerPower: number;
  optimizer: AdamWOptions;
  /** Epochs without a better validation NDCG@10 before stopping (0 = never stop early). */
  patience: number;
  /** Users held out for validation (0 = no validation: train all epochs, keep the last weights). */
  validationUsers: number;
  /** Stop after the epoch during which this much wall time has passed (0 = no budget). */
  timeBudgetMs: number;
  seed: number;
}

/** Per-user time-ordered item sequences in CSR form. */
export interface Sequences {
  /** [nUsers + 1] */
  indptr: Int32Array;
  /** [n] item indices, oldest first within a user */
  items: Int32Array;
  /** Item side features, required when the shape has `nFeatures`. */
  features?: ItemFeatures;
}

/** One epoch of the learning curve. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  /** Validation NDCG@10 (NaN without validation). */
  ndcg10: number;
  seconds: number;
}

/** Everything needed to resume training after an epoch: weights, optimiser, best weights, curve. */
export interface TrainCheckpoint {
  epoch: number;
  weights: SasrecWeights;
  adam: AdamWState;
  best: SasrecWeights;
  bestNdcg: number;
  bestEpoch: number;
  history: EpochRecord[];
}

/** Progress of training: the shared `{phase, done, total}` plus loss and an ETA. */
export interface SasrecProgress {
  phase: string;
  done: number;
  total: number;
  epoch: number;
  loss: number;
  etaMs: number;
  /** Validation NDCG@10 of the epoch just finished (end-of-epoch reports only). */
  validationNdcg10?: number;
}

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: SasrecProgress) => void;
  /** Called after every epoch with a checkpoint (copies: safe to keep). */
  onCheckpoint?: (c: TrainCheckpoint) => void | Promise<void>;
  /** Continue from this checkpoint (same shape, config and data). */
  resumeFrom?: TrainCheckpoint;
}

export interface TrainResult {
  /** The weights with the best validation NDCG@10 (the last ones without validation). */
  weights: SasrecWeights;
  history: EpochRecord[];
  bestEpoch: number;
  bestNdcg: number;
}

/** Builds a packed batch from sequence slices `[start, end)` of `items`: inputs, right-aligned positions, targets. */
export function packBatch(items: Int32Array, slices: ArrayLike<number>, nSeq: number, maxLen: number, withTargets: boolean): { batch: SequenceBatch; targets: Int32Array } {
  let nTok = 0;
  for (let s = 0; s < nSeq; s++) nTok += Math.min(maxLen, slices[2 * s + 1]! - slices[2 * s]! - (withTargets ? 1 : 0));
  const tokItems = new Int32Array(nTok);
  const positions = new Int32Array(nTok);
  const targets = new Int32Array(withTargets ? nTok : 0);
  const offsets = new Int32Array(nSeq + 1);
  let t = 0;
  for (let s = 0; s < nSeq; s++) {
    const start = slices[2 * s]!;
    const end = slices[2 * s + 1]!;
    const inputEnd = withTargets ? end - 1 : end;
    const len = Math.min(maxLen, inputEnd - start);
    const first = inputEnd - len;
    for (let j = 0; j < len; j++) {
      tokItems[t] = items[first + j]!;
      positions[t] = maxLen - len + j;
      if (withTargets) targets[t] = items[first + j + 1]!;
      t++;
    }
    offsets[s + 1] = t;
  }
  return { batch: { items: tokItems, positions, offsets, nSeq, nTok }, targets };
}

/**
 * Hidden state of the last position of each sequence in a batch: `[nSeq, dim]`.
 */
export function lastHidden(net: SasrecNetwork, batch: SequenceBatch): Float32Array {
  const d = net.shape.dim;
  const h = net.forward(batch);
  const out = new Float32Array(batch.nSeq * d);
  for (let s = 0; s < batch.nSeq; s++) {
    const t = batch.offsets[s + 1]! - 1;
    for (let j = 0; j < d; j++) out[s * d + j] = h[t * d + j]!;
  }
  return out;
}

function copyWeights(w: SasrecWeights): SasrecWeights {
  return { item: w.item.slice(), dense: w.dense.slice() };
}

function copyAdam(a: AdamWState): AdamWState {
  return { step: a.step, mItem: a.mItem.slice(), vItem: a.vItem.slice(), mDense: a.mDense.slice(), vDense: a.vDense.slice() };
}

/** Validation NDCG@10 of held-out next items, full ranking with the input history excluded. */
function validationNdcg(net: SasrecNetwork, items: Int32Array, val: Int32Array, nVal: number, maxLen: number, signal: AbortSignal | undefined): number {
  const { nItems, dim } = net.shape;
  const E = net.itemTable();
  const B = 64;
  let sum = 0;
  const scores = new Float32Array(nItems);
  for (let b0 = 0; b0 < nVal; b0 += B) {
    if (signal?.aborted) throw new CartwiseError('ABORTED');
    const nb = Math.min(B, nVal - b0);
    const slices = new Int32Array(2 * nb);
    for (let s = 0; s < nb; s++) {
      slices[2 * s] = val[3 * (b0 + s)]!;
      slices[2 * s + 1] = val[3 * (b0 + s) + 1]!;
    }
    const { batch } = packBatch(items, slices, nb, maxLen, false);
    const h = lastHidden(net, batch);
    for (let s = 0; s < nb; s++) {
      scoreAll(E, h, s * dim, nItems, dim, scores);
      const start = slices[2 * s]!;
      const end = slices[2 * s + 1]!;
      for (let p = start; p < end; p++) scores[items[p]!] = -Infinity;
      const target = val[3 * (b0 + s) + 2]!;
      const ts = scores[target]!;
      if (ts === -Infinity) continue;
      let rank = 0;
      for (let i = 0; i < nItems && rank < 10; i++) if (scores[i]! > ts) rank++;
      if (rank < 10) sum += 1 / Math.log2(rank + 2);
    }
  }
  return nVal > 0 ? sum / nVal : Number.NaN;
}

/** `out[i] = E[i] · h[ho…ho+dim)` for every item: the serving hot loop. */
export function scoreAll(E: Vec, h: Vec, ho: number, nItems: number, dim: number, out: Float32Array | Float64Array): void {
  if (dim % 4 === 0) {
    for (let i = 0; i < nItems; i++) {
      const eo = i * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < dim; j += 4) {
        s0 += E[eo + j]! * h[ho + j]!;
        s1 += E[eo + j + 1]! * h[ho + j + 1]!;
        s2 += E[eo + j + 2]! * h[ho + j + 2]!;
        s3 += E[eo + j + 3]! * h[ho + j + 3]!;
      }
      out[i] = s0 + s1 + s2 + s3;
    }
  } else {
    for (let i = 0; i < nItems; i++) {
      const eo = i * dim;
      let s = 0;
      for (let j = 0; j < dim; j++) s += E[eo + j]! * h[ho + j]!;
      out[i] = s;
    }
  }
}

const epochRng = (seed: number, epoch: number): Rng => createRng((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);

/**
 * Trains a SASRec network on per-user sequences. Returns the best weights by validation NDCG@10 and the learning
 * curve. Throws `ABORTED` when the signal fires (checkpoints already delivered stay valid).
 */
export async function trainSasrec(shape: SasrecShape, config: SasrecTrainConfig, seqs: Sequences, options: TrainOptions = {}): Promise<TrainResult> {
  const { signal } = options;
  if (signal?.aborted) throw new CartwiseError('ABORTED');
  const nUsers = seqs.indptr.length - 1;
  const { maxLen } = shape;
  const setupRng = createRng(config.seed);

  // Validation: a deterministic sample of users with ≥ 3 items holds out its last item.
  const eligible: number[] = [];
  for (let u = 0; u < nUsers; u++) if (seqs.indptr[u + 1]! - seqs.indptr[u]! >= 3) eligible.push(u);
  setupRng.shuffle(eligible);
  const valUsers = config.validationUsers > 0 ? eligible.slice(0, config.validationUsers) : [];
  const isVal = new Uint8Array(nUsers);
  for (const u of valUsers) isVal[u] = 1;
  /** per validation user: [inputStart, inputEnd, target] */
  const val = new Int32Array(3 * valUsers.length);
  valUsers.sort((a, b) => a - b);
  valUsers.forEach((u, i) => {
    const end = seqs.indptr[u + 1]!;
    val[3 * i] = Math.max(seqs.indptr[u]!, end - 1 - maxLen);
    val[3 * i + 1] = end - 1;
    val[3 * i + 2] = seqs.items[end - 1]!;
  });
  // Training windows: the last maxLen+1 items (minus the held-out one), at least 2 items.
  const train: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const end = seqs.indptr[u + 1]! - (isVal[u] ? 1 : 0);
    const start = Math.max(seqs.indptr[u]!, end - maxLen - 1);
    if (end - start >= 2) train.push(start, end);
  }
  const nTrain = train.length / 2;
  if (nTrain === 0) throw new CartwiseError('VALIDATION_FAILED', { reason: 'SASRec needs at least one user with two or more interactions' });

  const counts = new Float64Array(shape.nItems);
  for (let p = 0; p < seqs.items.length; p++) counts[seqs.items[p]!]! += 1;
  const sampler = config.negatives > 0 ? popularitySampler(counts, config.samplerPower) : undefined;
  const negatives = new Int32Array(config.negatives);

  const resume = options.resumeFrom;
  const weights = resume ? copyWeights(resume.weights) : initWeights(shape, setupRng);
  const adam = resume ? copyAdam(resume.adam) : createAdamWState(weights);
  let best = resume ? copyWeights(resume.best) : copyWeights(weights);
  let bestNdcg = resume ? resume.bestNdcg : -Infinity;
  let bestEpoch = resume ? resume.bestEpoch : 0;
  const history: EpochRecord[] = resume ? [...resume.history] : [];
  const startEpoch = resume ? resume.epoch : 0;

  const net = new SasrecNetwork(shape, weights, seqs.features);
  const grads = createGrads(shape, weights.dense);
  const gradViews = denseViews(shape, grads.dense);
  const decayMask = new Uint8Array(weights.dense.length);
  for (const t of denseLayout(shape).tensors) if (t.decay) decayMask.fill(1, t.offset, t.offset + t.size);
  let dH = new Float32Array(0);

  const stepsPerEpoch = Math.ceil(nTrain / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  // A decaying rate reaches 0 at the end of the planned epochs (early stopping may end sooner).
  const optimizer = { ...config.optimizer, decaySteps: config.optimizer.decaySteps ?? totalSteps };
  const t0 = performance.now();
  let stepsDone = 0;
  let lastYield = performance.now();
  let sinceBest = history.length > 0 ? history.length - bestEpoch : 0;

  for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
    const te = performance.now();
    const rng = epochRng(config.seed, epoch);
    const order = Array.from({ length: nTrain }, (_, i) => i);
    rng.shuffle(order);
    let lossSum = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      if (signal?.aborted) throw new CartwiseError('ABORTED');
      const b0 = step * config.batchSize;
      const nb = Math.min(config.batchSize, nTrain - b0);
      const slices = new Int32Array(2 * nb);
      for (let s = 0; s < nb; s++) {
        const w = order[b0 + s]!;
        slices[2 * s] = train[2 * w]!;
        slices[2 * s + 1] = train[2 * w + 1]!;
      }
      const { batch, targets } = packBatch(seqs.items, slices, nb, maxLen, true);
      if (dH.length < batch.nTok * shape.dim) dH = new Float32Array(batch.nTok * shape.dim * 2);
      zeroGrads(grads, shape.dim);
      const h = net.forward(batch, rng.next);
      let loss: number;
      if (sampler) {
        sampler.sample(rng.next, negatives);
        net.itemRows(targets);
        loss = sampledSoftmaxLoss(h, targets, batch.nTok, net.itemRows(negatives), shape.dim, negatives, sampler.logQ, dH, grads);
      } else {
        loss = fullSoftmaxLoss(h, targets, batch.nTok, net.itemTable(), shape.nItems, shape.dim, dH, grads);
      }
      if (!Number.isFinite(loss)) throw new CartwiseError('INTERNAL', { reason: `SASRec loss diverged at epoch ${epoch + 1} step ${step + 1}; lower lr` });
      net.backward(dH, grads, gradViews);
      net.featureBackward(grads, gradViews);
      adamWStep(weights, grads, adam, decayMask, shape.dim, optimizer);
      net.invalidateItemTable();
      lossSum += loss;
      stepsDone++;
      const now = performance.now();
      if (now - lastYield > 200) {
        lastYield = now;
        const elapsed = now - t0;
        const remaining = ((totalSteps - startEpoch * stepsPerEpoch - stepsDone) * elapsed) / stepsDone;
        options.onProgress?.({ phase: `epoch ${epoch + 1}/${config.epochs}`, done: epoch * stepsPerEpoch + step + 1, total: totalSteps, epoch: epoch + 1, loss: lossSum / (step + 1), etaMs: remaining });
        await new Promise((r) => setImmediate(r));
      }
    }
    const ndcg = valUsers.length > 0 ? validationNdcg(net, seqs.items, val, valUsers.length, maxLen, signal) : Number.NaN;
    history.push({ epoch: epoch + 1, loss: lossSum / stepsPerEpoch, ndcg10: ndcg, seconds: (performance.now() - te) / 1000 });
    if (valUsers.length === 0 || ndcg > bestNdcg) {
      bestNdcg = valUsers.length === 0 ? Number.NaN : ndcg;
      bestEpoch = epoch + 1;
      best = copyWeights(weights);
      sinceBest = 0;
    } else sinceBest++;
    options.onProgress?.({ phase: `epoch ${epoch + 1}/${config.epochs} done`, done: (epoch + 1) * stepsPerEpoch, total: totalSteps, epoch: epoch + 1, loss: lossSum / stepsPerEpoch, etaMs: ((config.epochs - epoch - 1) * (performance.now() - t0)) / (epoch + 1 - startEpoch), validationNdcg10: ndcg });
    if (options.onCheckpoint) {
      await options.onCheckpoint({ epoch: epoch + 1, weights: copyWeights(weights), adam: copyAdam(adam), best: copyWeights(best), bestNdcg, bestEpoch, history: [...history] });
    }
    await new Promise((r) => setImmediate(r));
    if (config.patience > 0 && sinceBest >= config.patience) break;
    if (config.timeBudgetMs > 0 && performance.now() - t0 > config.timeBudgetMs) break;
  }
  return { weights: best, history, bestEpoch, bestNdcg };
}
