import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import { sgemm } from './sgemm.ts';

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Naive float64 reference of op(A)·op(B) (+ C0 when given), shapes as in {@link sgemm}. */
function naive(transA: boolean, transB: boolean, M: number, N: number, K: number, a: Float32Array, b: Float32Array, c0?: Float32Array): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = c0 ? (c0[i * N + j] as number) : 0;
      for (let p = 0; p < K; p++) s += (a[transA ? p * M + i : i * K + p] as number) * (b[transB ? j * K + p : p * N + j] as number);
      out[i * N + j] = s;
    }
  }
  return out;
}

/** Largest |x − ref| relative to 1 + Σ|terms| scale: float32 rounding grows about with √K. */
function maxError(x: Float32Array, ref: Float64Array, K: number): number {
  let e = 0;
  for (let i = 0; i < ref.length; i++) e = Math.max(e, Math.abs((x[i] as number) - (ref[i] as number)) / (1 + Math.sqrt(K)));
  return e;
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [5, 3, 7],
  [9, 13, 6],
  [4, 8, 8],
  [17, 64, 1030],
  [130, 300, 70],
  [3, 257, 9],
  [131, 520, 1031],
];

describe('sgemm (wasm SIMD float32)', () => {
  for (const [M, K, N] of SHAPES) {
    for (const [transA, transB] of [[false, false], [false, true], [true, false]] as const) {
      for (const accumulate of [false, true]) {
        it(`op(A)·op(B) ${M}×${K}×${N}, transA ${transA}, transB ${transB}, accumulate ${accumulate} matches the naive loops`, () => {
          const a = random(M * K, M * 7 + K);
          const b = random(K * N, N * 11 + K);
          const c0 = random(M * N, M + N);
          const c = c0.slice();
          expect(sgemm(transA, transB, M, N, K, a, b, c, accumulate)).toBe(true);
          expect(maxError(c, naive(transA, transB, M, N, K, a, b, accumulate ? c0 : undefined), K)).toBeLessThan(1e-5);
        });
      }
    }
  }

  it('reads only the first M·K, K·N and M·N elements and leaves the rest of C alone', () => {
    const [M, K, N] = [6, 10, 9];
    const a = random(M * K + 5, 1);
    const b = random(K * N + 3, 2);
    const c = new Float32Array(M * N + 4).fill(7);
    sgemm(false, false, M, N, K, a, b, c, false);
    expect(maxError(c.subarray(0, M * N), naive(false, false, M, N, K, a, b), K)).toBeLessThan(1e-5);
    expect(Array.from(c.subarray(M * N))).toEqual([7, 7, 7, 7]);
  });

  it('K = 0 zeroes C, or leaves it when accumulating; M or N = 0 is a no-op', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    sgemm(false, false, 2, 2, 0, new Float32Array(0), new Float32Array(0), c, true);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
    sgemm(false, false, 2, 2, 0, new Float32Array(0), new Float32Array(0), c, false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    expect(sgemm(false, false, 0, 3, 4, new Float32Array(0), random(12, 3), new Float32Array(0), false)).toBe(true);
  });

  it('is bitwise deterministic, also after the memory grew for a larger product in between', () => {
    const [M, K, N] = [45, 64, 300];
    const a = random(M * K, 4);
    const b = random(N * K, 5);
    const first = new Float32Array(M * N);
    sgemm(false, true, M, N, K, a, b, first, false);
    const big = new Float32Array(700 * 1024);
    sgemm(false, false, 700, 1024, 700, random(700 * 700, 6), random(700 * 1024, 7), big, false);
    const again = new Float32Array(M * N);
    sgemm(false, true, M, N, K, a, b, again, false);
    expect(again).toEqual(first);
  });
});
