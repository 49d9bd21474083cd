import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../../core/random.ts';
import { gemmNN, gemmNT, gemmTN, setWasmGemm, WASM_GEMM_MIN_MKN } from './kernels.ts';
import type { SasrecShape } from './network.ts';
import { trainSasrec, type SasrecTrainConfig } from './train.ts';

function random(n: number, seed: number, f64 = false): Float32Array | Float64Array {
  const rng = createRng(seed);
  const v = Array.from({ length: n }, () => rng.normal());
  return f64 ? Float64Array.from(v) : Float32Array.from(v);
}

type Gemm = 'NN' | 'NT' | 'TN';

/** Runs one of the three products on fresh copies of C and returns it. */
function run(op: Gemm, m: number, k: number, n: number, f64: boolean, accumulate: boolean): Float32Array | Float64Array {
  const a = random(m * k, 1, f64);
  const b = random(op === 'TN' ? m * n : k * n, 2, f64);
  const c = random(op === 'TN' ? k * n : m * n, 3, f64);
  if (op === 'NN') gemmNN(a, b, c, m, k, n, accumulate);
  else if (op === 'NT') gemmNT(a, b, c, m, k, n, accumulate);
  else gemmTN(a, b, c, m, k, n);
  return c;
}

describe('SASRec GEMMs: wasm path against the JS loops', () => {
  afterEach(() => setWasmGemm(true));

  for (const op of ['NN', 'NT', 'TN'] as const) {
    for (const [m, k, n] of [[1, 1, 1], [5, 3, 7], [9, 13, 6], [17, 64, 1030], [450, 64, 256]] as const) {
      for (const accumulate of op === 'TN' ? [true] : [false, true]) {
        it(`${op} ${m}×${k}×${n} accumulate ${accumulate}: float32 wasm ≈ float32 JS ≈ float64`, () => {
          const wasm = run(op, m, k, n, false, accumulate);
          setWasmGemm(false);
          const js = run(op, m, k, n, false, accumulate);
          const f64 = run(op, m, k, n, true, accumulate);
          const tol = 1e-5 * (1 + Math.sqrt(op === 'TN' ? m : k)) * 4;
          let eWasm = 0;
          let eJs = 0;
          for (let i = 0; i < f64.length; i++) {
            eWasm = Math.max(eWasm, Math.abs((wasm[i] as number) - (f64[i] as number)));
            eJs = Math.max(eJs, Math.abs((js[i] as number) - (f64[i] as number)));
          }
          expect(eWasm).toBeLessThan(tol);
          expect(eJs).toBeLessThan(tol);
        });
      }
    }
  }

  it('small products stay on the JS path (bitwise equal with wasm switched off) and float64 never leaves it', () => {
    expect(5 * 3 * 7).toBeLessThan(WASM_GEMM_MIN_MKN);
    const on = run('NN', 5, 3, 7, false, false);
    setWasmGemm(false);
    expect(run('NN', 5, 3, 7, false, false)).toEqual(on);
    const f64Off = run('NT', 17, 64, 130, true, true);
    setWasmGemm(true);
    expect(run('NT', 17, 64, 130, true, true)).toEqual(f64Off);
  });
});

describe('SASRec training with the wasm GEMMs', () => {
  it('the same seed gives bitwise-equal weights run to run (sampled and full softmax)', async () => {
    const rng = createRng(5);
    const nItems = 300;
    const indptr = new Int32Array(121);
    const items: number[] = [];
    for (let u = 0; u < 120; u++) {
      const len = 3 + rng.int(12);
      for (let j = 0; j < len; j++) items.push(rng.int(nItems));
      indptr[u + 1] = items.length;
    }
    const seqs = { indptr, items: Int32Array.from(items) };
    const shape: SasrecShape = { nItems, dim: 16, blocks: 2, heads: 2, maxLen: 12, ffnDim: 16, activation: 'gelu', dropout: 0.2 };
    for (const negatives of [64, 0]) {
      const config: SasrecTrainConfig = {
        epochs: 2,
        batchSize: 32,
        negatives,
        samplerPower: 0.75,
        optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, warmupSteps: 2, clipNorm: 5 },
        patience: 0,
        validationUsers: 20,
        timeBudgetMs: 0,
        seed: 9,
      };
      const a = await trainSasrec(shape, config, seqs);
      const b = await trainSasrec(shape, config, seqs);
      expect(b.weights.dense).toEqual(a.weights.dense);
      expect(b.weights.item).toEqual(a.weights.item);
      expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    }
  });
});
