/**
 * Finite-difference gradient checks for every SASRec layer and for the whole network with both losses, in float64
 * (the kernels are generic over the float type, so these check the very code that trains in float32).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/random.ts';
import {
  activationBackward,
  activationForward,
  attentionBackward,
  attentionCacheOffsets,
  attentionForward,
  dropoutBackward,
  dropoutForward,
  embeddingBackward,
  embeddingForward,
  gemmNN,
  gemmNT,
  gemmTN,
  layerNormBackward,
  layerNormForward,
  linearBackward,
  linearForward,
} from './kernels.ts';
import { fullSoftmaxLoss, popularitySampler, sampledSoftmaxLoss } from './losses.ts';
import { createGrads, denseLayout, denseViews, initWeights, SasrecNetwork, type SasrecShape, type SequenceBatch } from './network.ts';
import { adamWStep, createAdamWState, learningRate } from './optimizer.ts';

const rng = createRng(7);
const randn = (n: number, scale = 1) => Float64Array.from({ length: n }, () => rng.normal() * scale);

/**
 * Compares an analytic gradient with central differences of `loss` w.r.t. `param` on up to `samples` coordinates.
 * Returns the largest relative error max|a−n| / max(1e-4, |a|+|n|).
 */
function check(param: Float64Array, analytic: Float64Array, loss: () => number, samples = 40, eps = 1e-6): number {
  let worst = 0;
  const idx = param.length <= samples ? Array.from({ length: param.length }, (_, i) => i) : Array.from({ length: samples }, () => rng.int(param.length));
  for (const i of idx) {
    const orig = param[i]!;
    param[i] = orig + eps;
    const up = loss();
    param[i] = orig - eps;
    const down = loss();
    param[i] = orig;
    const num = (up - down) / (2 * eps);
    const a = analytic[i]!;
    const err = Math.abs(a - num) / Math.max(1e-4, Math.abs(a) + Math.abs(num));
    if (err > worst) worst = err;
  }
  return worst;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('SASRec kernels: finite-difference gradient checks (float64)', () => {
  it('linear layer: dx, dW, db', () => {
    const [m, k, n] = [5, 4, 3];
    const x = randn(m * k);
    const w = randn(k * n);
    const b = randn(n);
    const r = randn(m * n);
    const y = new Float64Array(m * n);
    const loss = () => {
      linearForward(x, w, b, y, m, k, n);
      return dot(y, r);
    };
    const dx = new Float64Array(m * k);
    const dw = new Float64Array(k * n);
    const db = new Float64Array(n);
    linearBackward(x, w, r, dx, dw, db, m, k, n);
    expect(check(x, dx, loss)).toBeLessThan(1e-6);
    expect(check(w, dw, loss)).toBeLessThan(1e-6);
    expect(check(b, db, loss)).toBeLessThan(1e-6);
  });

  it('layer norm: dx, dgain, dbias', () => {
    const [m, d] = [4, 6];
    const x = randn(m * d, 2);
    const g = randn(d);
    const b = randn(d);
    const r = randn(m * d);
    const y = new Float64Array(m * d);
    const xhat = new Float64Array(m * d);
    const rstd = new Float64Array(m);
    const loss = () => {
      layerNormForward(x, g, b, y, xhat, rstd, m, d);
      return dot(y, r);
    };
    loss();
    const dx = new Float64Array(m * d);
    const dg = new Float64Array(d);
    const db = new Float64Array(d);
    layerNormBackward(r, g, xhat, rstd, dx, dg, db, m, d);
    expect(check(x, dx, loss)).toBeLessThan(1e-5);
    expect(check(g, dg, loss)).toBeLessThan(1e-6);
    expect(check(b, db, loss)).toBeLessThan(1e-6);
  });

  it.each(['relu', 'gelu'] as const)('%s activation', (act) => {
    const n = 30;
    // Keep ReLU inputs away from its kink at 0.
    const x = Float64Array.from(randn(n), (v) => (Math.abs(v) < 0.05 ? v + 0.2 : v));
    const r = randn(n);
    const y = new Float64Array(n);
    const loss = () => {
      activationForward(act, x, y, n);
      return dot(y, r);
    };
    const dx = new Float64Array(n);
    activationBackward(act, x, r, dx, n);
    expect(check(x, dx, loss)).toBeLessThan(1e-6);
  });

  it('causal multi-head attention over packed sequences: dq, dk, dv', () => {
    const dim = 6;
    const heads = 2;
    const offsets = Int32Array.from([0, 3, 7, 8]);
    const nSeq = 3;
    const n = 8;
    const q = randn(n * dim);
    const k = randn(n * dim);
    const v = randn(n * dim);
    const r = randn(n * dim);
    const out = new Float64Array(n * dim);
    const po = attentionCacheOffsets(offsets, nSeq, heads);
    const probs = new Float64Array(po[nSeq]!);
    const loss = () => {
      attentionForward(q, k, v, out, probs, offsets, po, nSeq, dim, heads);
      return dot(out, r);
    };
    loss();
    // Causality: the first token of each sequence attends only to itself.
    expect(probs[po[1]!]).toBeCloseTo(1, 12);
    const dq = new Float64Array(n * dim);
    const dk = new Float64Array(n * dim);
    const dv = new Float64Array(n * dim);
    attentionBackward(q, k, v, r, probs, dq, dk, dv, offsets, po, nSeq, dim, heads, new Float64Array(8));
    expect(check(q, dq, loss, 48)).toBeLessThan(1e-5);
    expect(check(k, dk, loss, 48)).toBeLessThan(1e-5);
    expect(check(v, dv, loss, 48)).toBeLessThan(1e-5);
    // A future token never changes an earlier output.
    const before = out.slice(0, dim);
    v[2 * dim] = v[2 * dim]! + 5;
    loss();
    expect(Array.from(out.slice(0, dim))).toEqual(Array.from(before));
  });

  it('embedding lookup with scatter-add over repeated items and learned positions', () => {
    const [nItems, dim, maxLen] = [5, 4, 3];
    const table = randn(nItems * dim);
    const pos = randn(maxLen * dim);
    const items = Int32Array.from([1, 3, 1, 0]);
    const positions = Int32Array.from([0, 1, 2, 2]);
    const r = randn(items.length * dim);
    const x = new Float64Array(items.length * dim);
    const loss = () => {
      embeddingForward(table, pos, items, positions, x, items.length, dim, 2);
      return dot(x, r);
    };
    const dT = new Float64Array(nItems * dim);
    const dP = new Float64Array(maxLen * dim);
    const mark = new Uint8Array(nItems);
    const touched = new Int32Array(nItems);
    const nt = embeddingBackward(r, items, positions, dT, dP, items.length, dim, 2, mark, touched, 0);
    expect(Array.from(touched.subarray(0, nt))).toEqual([1, 3, 0]);
    expect(check(table, dT, loss)).toBeLessThan(1e-6);
    expect(check(pos, dP, loss)).toBeLessThan(1e-6);
  });

  it('dropout: seeded mask, inverted scaling, gradient through the mask', () => {
    const n = 400;
    const x = new Float64Array(n).fill(1);
    const mask = new Float64Array(n);
    const r1 = createRng(3);
    dropoutForward(x, mask, n, 0.25, r1.next);
    const zeros = mask.filter((m) => m === 0).length;
    expect(zeros).toBeGreaterThan(60);
    expect(zeros).toBeLessThan(140);
    expect(mask.every((m) => m === 0 || Math.abs(m - 1 / 0.75) < 1e-12)).toBe(true);
    const again = new Float64Array(n);
    dropoutForward(new Float64Array(n).fill(1), again, n, 0.25, createRng(3).next);
    expect(Array.from(again)).toEqual(Array.from(mask));
    const dy = new Float64Array(n).fill(2);
    dropoutBackward(dy, mask, n);
    expect(dy.every((g, i) => g === 2 * mask[i]!)).toBe(true);
  });
});

function tinyShape(over: Partial<SasrecShape> = {}): SasrecShape {
  return { nItems: 7, dim: 8, blocks: 2, heads: 2, maxLen: 5, ffnDim: 12, activation: 'gelu', dropout: 0.2, ...over };
}

function tinyBatch(): { batch: SequenceBatch; targets: Int32Array } {
  // Two sequences (lengths 3 and 4), positions right-aligned to maxLen 5; one masked target.
  const items = Int32Array.from([1, 2, 3, 4, 0, 6, 2]);
  const positions = Int32Array.from([2, 3, 4, 1, 2, 3, 4]);
  const offsets = Int32Array.from([0, 3, 7]);
  const targets = Int32Array.from([2, 3, 5, -1, 6, 2, 1]);
  return { batch: { items, positions, offsets, nSeq: 2, nTok: 7 }, targets };
}

describe('SASRec network: end-to-end gradient checks (float64)', () => {
  // Side features: items 0–5 carry 1–2 of 3 features, item 6 none.
  const features = { indptr: Int32Array.from([0, 1, 3, 4, 5, 7, 8, 8]), indices: Int32Array.from([0, 0, 2, 1, 2, 0, 1, 2]) };
  it.each([
    ['full softmax, GELU, dropout', 'full', 'gelu', false],
    ['sampled softmax + logQ, ReLU, dropout', 'sampled', 'relu', false],
    ['full softmax with item side features', 'full', 'gelu', true],
    ['sampled softmax with item side features', 'sampled', 'relu', true],
  ] as const)('%s', (_name, lossKind, activation, withFeatures) => {
    const shape = tinyShape(withFeatures ? { activation, nFeatures: 3 } : { activation });
    const weights = initWeights(shape, createRng(11), true);
    const net = new SasrecNetwork(shape, weights, withFeatures ? features : undefined);
    const { batch, targets } = tinyBatch();
    const sampler = popularitySampler([5, 1, 3, 0, 2, 8, 1], 1);
    const negatives = Int32Array.from([0, 5, 5, 2, 3, 1]);
    const dH = new Float64Array(batch.nTok * shape.dim);
    const lossOf = (grads?: ReturnType<typeof createGrads>) => {
      // Same dropout masks on every evaluation: re-seed the generator. The checks perturb weights in place.
      net.invalidateItemTable();
      const h = net.forward(batch, createRng(99).next);
      return lossKind === 'full'
        ? fullSoftmaxLoss(h, targets, batch.nTok, net.itemTable(), shape.nItems, shape.dim, dH, grads)
        : sampledSoftmaxLoss(h, targets, batch.nTok, net.itemTable(), shape.dim, negatives, sampler.logQ, dH, grads);
    };
    const grads = createGrads(shape, weights.dense);
    const loss0 = lossOf(grads);
    expect(Number.isFinite(loss0)).toBe(true);
    const gradViews = denseViews(shape, grads.dense);
    net.backward(dH, grads, gradViews);
    net.featureBackward(grads, gradViews);
    expect(denseLayout(shape).tensors.some((t) => t.name === 'feat')).toBe(withFeatures);
    if (withFeatures) expect(gradViews.feat.some((v) => v !== 0)).toBe(true);
    const loss = () => lossOf();
    // Every dense tensor, layer by layer.
    const { tensors } = denseLayout(shape);
    for (const t of tensors) {
      const p = weights.dense.subarray(t.offset, t.offset + t.size) as Float64Array;
      const g = grads.dense.subarray(t.offset, t.offset + t.size) as Float64Array;
      const err = check(p, g, loss, 12, 1e-5);
      expect(err, `tensor ${t.name}`).toBeLessThan(1e-4);
    }
    expect(check(weights.item as Float64Array, grads.item as Float64Array, loss, 56, 1e-5)).toBeLessThan(1e-4);
    // Only touched rows carry gradient; item 4 (masked target's input, seen as input) is touched, item 3's target.
    const touched = new Set(Array.from(grads.touched.subarray(0, grads.nTouched)));
    for (let r = 0; r < shape.nItems; r++) {
      const row = grads.item.subarray(r * shape.dim, (r + 1) * shape.dim);
      if (!touched.has(r)) expect(row.every((v) => v === 0)).toBe(true);
    }
  });
});

describe('AdamW with lazy item rows', () => {
  it('matches the dense AdamW formula on touched rows, leaves untouched rows, warms up and clips', () => {
    const shape = tinyShape({ blocks: 1 });
    const weights = initWeights(shape, createRng(1));
    const before = { item: weights.item.slice(), dense: weights.dense.slice() };
    const grads = createGrads(shape, weights.dense);
    grads.dense.fill(0.5);
    grads.item.fill(0);
    grads.item.fill(1, 2 * shape.dim, 3 * shape.dim);
    grads.mark[2] = 1;
    grads.touched[0] = 2;
    grads.nTouched = 1;
    const state = createAdamWState(weights);
    const decay = new Uint8Array(weights.dense.length);
    const opts = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, warmupSteps: 4, clipNorm: 1 };
    const norm = adamWStep(weights, grads, state, decay, shape.dim, opts);
    expect(norm).toBeGreaterThan(1);
    // Step 1 of 4 warm-up: lr 0.025; Adam's first step moves each coordinate by lr·sign(g) (clipping keeps the sign).
    const lr = 0.025;
    expect(weights.dense[0]).toBeCloseTo(before.dense[0]! - lr, 5);
    const w0 = before.item[2 * shape.dim]!;
    expect(weights.item[2 * shape.dim]).toBeCloseTo(w0 - lr * 0.01 * w0 - lr, 5);
    expect(Array.from(weights.item.subarray(0, 2 * shape.dim))).toEqual(Array.from(before.item.subarray(0, 2 * shape.dim)));
    expect(state.vItem[0]).toBe(0);
  });
});

describe('learning-rate schedule', () => {
  const base = { lr: 0.01, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0, warmupSteps: 10, clipNorm: 0 };
  it('warms up linearly, then stays constant by default', () => {
    expect(learningRate(base, 5)).toBeCloseTo(0.005, 12);
    expect(learningRate(base, 10)).toBe(0.01);
    expect(learningRate({ ...base, decaySteps: 110 }, 100)).toBe(0.01);
  });
  it('decays by a half cosine or linearly to 0 at decaySteps, and stays at 0 after', () => {
    const cos = { ...base, schedule: 'cosine' as const, decaySteps: 110 };
    const lin = { ...base, schedule: 'linear' as const, decaySteps: 110 };
    expect(learningRate(cos, 5)).toBeCloseTo(0.005, 12);
    expect(learningRate(cos, 10)).toBeCloseTo(0.01, 12);
    expect(learningRate(cos, 35)).toBeCloseTo(0.01 * (0.5 + 0.5 * Math.SQRT1_2), 12);
    expect(learningRate(cos, 60)).toBeCloseTo(0.005, 12);
    expect(learningRate(lin, 85)).toBeCloseTo(0.0025, 12);
    expect(learningRate(cos, 110)).toBeCloseTo(0, 12);
    expect(learningRate(lin, 500)).toBe(0);
    for (let t = 11; t <= 110; t++) expect(learningRate(cos, t)).toBeLessThan(learningRate(cos, t - 1) + 1e-15);
  });
});

describe('tiled GEMM kernels against naive loops (edge sizes)', () => {
  it.each([
    [1, 1, 1],
    [5, 3, 7],
    [8, 8, 8],
    [9, 13, 6],
  ])('m=%i k=%i n=%i', (m, k, n) => {
    const a = randn(m * k);
    const b = randn(k * n);
    const bt = randn(n * k);
    const d = randn(m * n);
    const naive = (f: (i: number, j: number) => number, rows: number, cols: number) => Float64Array.from({ length: rows * cols }, (_, x) => f(Math.floor(x / cols), x % cols));
    const nn = naive((i, j) => Array.from({ length: k }, (_, p) => a[i * k + p]! * b[p * n + j]!).reduce((s, v) => s + v, 0), m, n);
    const nt = naive((i, j) => Array.from({ length: k }, (_, p) => a[i * k + p]! * bt[j * k + p]!).reduce((s, v) => s + v, 0), m, n);
    const tn = naive((p, j) => Array.from({ length: m }, (_, i) => a[i * k + p]! * d[i * n + j]!).reduce((s, v) => s + v, 0), k, n);
    const c = new Float64Array(m * n);
    gemmNN(a, b, c, m, k, n, false);
    c.forEach((v, i) => expect(v).toBeCloseTo(nn[i]!, 10));
    gemmNN(a, b, c, m, k, n, true);
    c.forEach((v, i) => expect(v).toBeCloseTo(2 * nn[i]!, 10));
    const c2 = new Float64Array(m * n);
    gemmNT(a, bt, c2, m, k, n, false);
    c2.forEach((v, i) => expect(v).toBeCloseTo(nt[i]!, 10));
    const c3 = new Float64Array(k * n).fill(1);
    gemmTN(a, d, c3, m, k, n);
    c3.forEach((v, i) => expect(v).toBeCloseTo(1 + tn[i]!, 10));
  });
});
