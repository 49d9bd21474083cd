/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) with linear learning-rate
 * warm-up, an optional decay after it (cosine as in Loshchilov & Hutter's SGDR without restarts, or linear, to 0 at
 * `decaySteps`) and global-norm gradient clipping. The item table is updated lazily (as TensorFlow's LazyAdam): only
 * rows that received a gradient this step have their moments and weights updated, so a step costs
 * O(touched rows · dim) instead of O(nItems · dim). Bias correction uses the global step count.
 */
import type { Vec } from './kernels.ts';
import type { SasrecGrads, SasrecWeights } from './network.ts';

export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Steps of linear warm-up from 0 to `lr`. */
  warmupSteps: number;
  /** Global gradient-norm ceiling (0 = no clipping). */
  clipNorm: number;
  /** Rate after warm-up: constant, or decayed (cosine / linear) from `lr` to 0 at step `decaySteps`. */
  schedule?: LrSchedule;
  /** The step at which a decaying schedule reaches 0 (the planned training length); ignored when constant. */
  decaySteps?: number;
}

export type LrSchedule = 'constant' | 'cosine' | 'linear';

/** The learning rate of (1-based) step `t`: linear warm-up, then the schedule. */
export function learningRate(o: AdamWOptions, t: number): number {
  if (o.warmupSteps > 0 && t < o.warmupSteps) return (o.lr * t) / o.warmupSteps;
  const schedule = o.schedule ?? 'constant';
  const end = o.decaySteps ?? 0;
  if (schedule === 'constant' || end <= o.warmupSteps) return o.lr;
  const p = Math.min(1, (t - o.warmupSteps) / (end - o.warmupSteps));
  return schedule === 'cosine' ? 0.5 * o.lr * (1 + Math.cos(Math.PI * p)) : o.lr * (1 - p);
}

/** The optimiser state: first and second moments for both parameter groups, and the step count. */
export interface AdamWState {
  step: number;
  mItem: Float32Array;
  vItem: Float32Array;
  mDense: Float32Array;
  vDense: Float32Array;
}

/** Fresh optimiser state for weights of the given sizes. */
export function createAdamWState(weights: SasrecWeights): AdamWState {
  return {
    step: 0,
    mItem: new Float32Array(weights.item.length),
    vItem: new Float32Array(weights.item.length),
    mDense: new Float32Array(weights.dense.length),
    vDense: new Float32Array(weights.dense.length),
  };
}

/** The global L2 norm of the gradients (dense part plus touched item rows). */
export function gradNorm(grads: SasrecGrads, dim: number): number {
  let s = 0;
  const d = grads.dense;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  for (let t = 0; t < grads.nTouched; t++) {
    const o = grads.touched[t]! * dim;
    for (let j = 0; j < dim; j++) s += grads.item[o + j]! * grads.item[o + j]!;
  }
  return Math.sqrt(s);
}

/**
 * One AdamW step: clips, sets the rate ({@link learningRate}), updates the dense vector fully (decaying where `decayMask` is 1) and the
 * touched item rows lazily (always decayed). Returns the gradient norm before clipping.
 */
export function adamWStep(weights: SasrecWeights, grads: SasrecGrads, state: AdamWState, decayMask: Uint8Array, dim: number, o: AdamWOptions): number {
  const norm = gradNorm(grads, dim);
  const clip = o.clipNorm > 0 && norm > o.clipNorm ? o.clipNorm / norm : 1;
  state.step++;
  const t = state.step;
  const lr = learningRate(o, t);
  const bc1 = 1 - Math.pow(o.beta1, t);
  const bc2 = 1 - Math.pow(o.beta2, t);
  const stepSize = lr / bc1;
  const b1 = o.beta1;
  const b2 = o.beta2;
  const update = (w: Vec, g: Vec, m: Float32Array, v: Float32Array, i: number, decay: boolean) => {
    const gi = g[i]! * clip;
    const mi = b1 * m[i]! + (1 - b1) * gi;
    const vi = b2 * v[i]! + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    let wi = w[i]!;
    if (decay) wi -= lr * o.weightDecay * wi;
    w[i] = wi - (stepSize * mi) / (Math.sqrt(vi / bc2) + o.eps);
  };
  const wd = weights.dense;
  const gd = grads.dense;
  for (let i = 0; i < wd.length; i++) update(wd, gd, state.mDense, state.vDense, i, decayMask[i] === 1);
  for (let r = 0; r < grads.nTouched; r++) {
    const base = grads.touched[r]! * dim;
    for (let j = 0; j < dim; j++) update(weights.item, grads.item, state.mItem, state.vItem, base + j, o.weightDecay > 0);
  }
  return norm;
}
