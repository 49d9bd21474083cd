/**
 * SASRec training-step time, JS GEMMs vs the WebAssembly SIMD GEMMs (issue 4), on a synthetic batch shaped like
 * Amazon Sports: 18,357 items, dim 64, 2 blocks, 2 heads, maxLen 50, 64 sequences per batch with lengths drawn
 * geometrically (mean ≈ 7 tokens), popularity-skewed (Zipf) items, sampled softmax with 256 and 1,024 negatives.
 * One step = forward + sampled-softmax loss + backward + AdamW, exactly as trainSasrec runs it. JS and wasm are
 * timed in alternating rounds within the same process, so a busy machine slows both alike. Also prints GEMM GFLOP/s
 * for the main shapes and checks that two wasm runs from the same seed give bitwise-equal weights.
 *
 *   npx tsx bench/recommend/sasrec-step.bench.ts [--steps 40] [--rounds 3] [--negatives 256,1024] [--batch 64]
 */
import { createRng, type Rng } from '../../src/core/random.ts';
import { gemmNN, gemmNT, gemmTN, setWasmGemm } from '../../src/recommend/models/sasrec/kernels.ts';
import { sampledSoftmaxLoss, popularitySampler } from '../../src/recommend/models/sasrec/losses.ts';
import { createGrads, denseLayout, denseViews, initWeights, SasrecNetwork, zeroGrads, type SasrecShape } from '../../src/recommend/models/sasrec/network.ts';
import { adamWStep, createAdamWState, type AdamWOptions } from '../../src/recommend/models/sasrec/optimizer.ts';
import { packBatch } from '../../src/recommend/models/sasrec/train.ts';
import { benchArgs } from './bench-args.ts';

const { flag } = benchArgs();
const steps = Number(flag('--steps', '40'));
const rounds = Number(flag('--rounds', '3'));
const negList = flag('--negatives', '256,1024').split(',').map(Number);
const batchSize = Number(flag('--batch', '64'));
const meanLen = 7;
const nItems = 18_357;
const dim = 64;
const shape: SasrecShape = { nItems, dim, blocks: 2, heads: 2, maxLen: 50, ffnDim: dim, activation: 'gelu', dropout: 0.2 };
const optimizer: AdamWOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, warmupSteps: 10, clipNorm: 5 };

/** Synthetic users: geometric lengths (≥ 3, mean ≈ meanLen + 1 so the input part averages meanLen), Zipf items. */
function synthetic(nUsers: number, rng: Rng): { indptr: Int32Array; items: Int32Array } {
  const zipf = new Float64Array(nItems);
  let total = 0;
  for (let i = 0; i < nItems; i++) zipf[i] = total += 1 / Math.pow(i + 1, 0.8);
  const draw = (): number => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = nItems - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (zipf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const indptr = new Int32Array(nUsers + 1);
  const items: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    let len = 3;
    while (len < 52 && rng.next() > 1 / (meanLen - 1)) len++;
    for (let j = 0; j < len; j++) items.push(draw());
    indptr[u + 1] = items.length;
  }
  return { indptr, items: Int32Array.from(items) };
}

/** A trainer with its own weights and optimiser state; `step(i)` runs batch i (fixed batches, fixed seeds). */
function trainer(negatives: number, seed: number) {
  const rng = createRng(seed);
  const seqs = synthetic(batchSize * 16, rng);
  const counts = new Float64Array(nItems);
  for (const it of seqs.items) counts[it]! += 1;
  const sampler = popularitySampler(counts, 0.75);
  const negs = new Int32Array(negatives);
  const weights = initWeights(shape, rng);
  const adam = createAdamWState(weights);
  const net = new SasrecNetwork(shape, weights);
  const grads = createGrads(shape, weights.dense);
  const gradViews = denseViews(shape, grads.dense);
  const decayMask = new Uint8Array(weights.dense.length);
  for (const t of denseLayout(shape).tensors) if (t.decay) decayMask.fill(1, t.offset, t.offset + t.size);
  const batches = Array.from({ length: 16 }, (_, b) => {
    const slices = new Int32Array(2 * batchSize);
    for (let s = 0; s < batchSize; s++) {
      slices[2 * s] = seqs.indptr[b * batchSize + s]!;
      slices[2 * s + 1] = seqs.indptr[b * batchSize + s + 1]!;
    }
    return packBatch(seqs.items, slices, batchSize, shape.maxLen, true);
  });
  let dH = new Float32Array(0);
  const stepRng = createRng(seed + 1);
  let tokens = 0;
  const step = (i: number): number => {
    const { batch, targets } = batches[i % batches.length]!;
    tokens += batch.nTok;
    if (dH.length < batch.nTok * dim) dH = new Float32Array(batch.nTok * dim * 2);
    zeroGrads(grads, dim);
    const h = net.forward(batch, stepRng.next);
    sampler.sample(stepRng.next, negs);
    net.itemRows(targets);
    const loss = sampledSoftmaxLoss(h, targets, batch.nTok, net.itemRows(negs), dim, negs, sampler.logQ, dH, grads);
    net.backward(dH, grads, gradViews);
    net.featureBackward(grads, gradViews);
    adamWStep(weights, grads, adam, decayMask, dim, optimizer);
    net.invalidateItemTable();
    return loss;
  };
  return { step, weights, meanTokens: () => tokens, batches };
}

function msPerStep(negatives: number, wasm: boolean): number {
  setWasmGemm(wasm);
  const t = trainer(negatives, 7);
  for (let i = 0; i < 3; i++) t.step(i);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) t.step(i);
  return (performance.now() - t0) / steps;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

console.log(`# SASRec training step (nItems ${nItems}, dim ${dim}, 2 blocks, 2 heads, maxLen 50, batch ${batchSize} seqs)`);
{
  const probe = trainer(256, 7);
  const toks = probe.batches.map((b) => b.batch.nTok);
  console.log(`tokens per batch: mean ${(toks.reduce((a, b) => a + b, 0) / toks.length).toFixed(0)}, min ${Math.min(...toks)}, max ${Math.max(...toks)}`);
}
for (const negatives of negList) {
  const js: number[] = [];
  const wa: number[] = [];
  for (let r = 0; r < rounds; r++) {
    js.push(msPerStep(negatives, false));
    wa.push(msPerStep(negatives, true));
  }
  const mj = median(js);
  const mw = median(wa);
  console.log(`negatives ${negatives}: JS ${mj.toFixed(2)} ms/step [${js.map((x) => x.toFixed(1)).join(', ')}], wasm ${mw.toFixed(2)} ms/step [${wa.map((x) => x.toFixed(1)).join(', ')}], speed-up ×${(mj / mw).toFixed(2)}`);
}

// Determinism: two wasm runs from the same seed give bitwise-equal weights; the JS run differs only by rounding.
{
  setWasmGemm(true);
  const a = trainer(1024, 11);
  const b = trainer(1024, 11);
  const la: number[] = [];
  const lb: number[] = [];
  for (let i = 0; i < 10; i++) la.push(a.step(i));
  for (let i = 0; i < 10; i++) lb.push(b.step(i));
  let same = a.weights.dense.length === b.weights.dense.length && la.every((x, i) => x === lb[i]);
  for (let i = 0; same && i < a.weights.dense.length; i++) if (a.weights.dense[i] !== b.weights.dense[i]) same = false;
  for (let i = 0; same && i < a.weights.item.length; i++) if (a.weights.item[i] !== b.weights.item[i]) same = false;
  setWasmGemm(false);
  const c = trainer(1024, 11);
  const lc: number[] = [];
  for (let i = 0; i < 10; i++) lc.push(c.step(i));
  setWasmGemm(true);
  console.log(`determinism (10 steps, 1024 negatives, same seed): wasm run twice bitwise equal: ${same}; loss after 10 steps wasm ${la[9]!.toFixed(6)} vs JS ${lc[9]!.toFixed(6)}`);
}

// GEMM throughput on the main shapes of a step (nTok 450, dim 64).
console.log('# GEMM GFLOP/s (float32; JS = tiled loops, wasm = gemm-kernels via sgemm.ts incl. copies)');
function gflops(f: () => void, flops: number): number {
  for (let i = 0; i < 3; i++) f();
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < 400) {
    f();
    reps++;
    t = performance.now();
  }
  return (flops * reps) / ((t - t0) / 1e3) / 1e9;
}
const rnd = (n: number, rng: Rng): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
const grng = createRng(3);
const nTok = 450;
const shapes: [string, 'NN' | 'NT' | 'TN', number, number, number][] = [
  ['logits H·Negᵀ (S 1024)', 'NT', nTok, dim, 1024],
  ['dH = G·Neg (S 1024)', 'NN', nTok, 1024, dim],
  ['dNeg += Gᵀ·H (S 1024)', 'TN', nTok, 1024, dim],
  ['logits H·Negᵀ (S 256)', 'NT', nTok, dim, 256],
  ['linear X·W (64×64)', 'NN', nTok, dim, dim],
  ['linear dW += Xᵀ·dY', 'TN', nTok, dim, dim],
  ['linear dX = dY·Wᵀ', 'NT', nTok, dim, dim],
  ['score 256 users × 18357 items', 'NT', 256, dim, nItems],
];
for (const [label, op, m, k, n] of shapes) {
  const a = rnd(m * k, grng);
  const b = rnd(op === 'TN' ? m * n : k * n, grng);
  const c = new Float32Array(op === 'TN' ? k * n : m * n);
  const run = op === 'NN' ? () => gemmNN(a, b, c, m, k, n, false) : op === 'NT' ? () => gemmNT(a, b, c, m, k, n, false) : () => gemmTN(a, b, c, m, k, n);
  setWasmGemm(false);
  const js = gflops(run, 2 * m * k * n);
  setWasmGemm(true);
  const wa = gflops(run, 2 * m * k * n);
  console.log(`${label.padEnd(30)} ${op} m ${m} k ${k} n ${n}: JS ${js.toFixed(1)}, wasm ${wa.toFixed(1)} GFLOP/s (×${(wa / js).toFixed(1)})`);
}
console.log(`reproduce: npx tsx bench/recommend/sasrec-step.bench.ts --steps ${steps} --rounds ${rounds} --negatives ${negList.join(',')} --batch ${batchSize}`);
