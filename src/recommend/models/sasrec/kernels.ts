/**
 * Hand-written forward and backward kernels of the SASRec Transformer on flat row-major typed arrays.
 * Every kernel is generic over `Float32Array` (training, serving) and `Float64Array` (the finite-difference
 * gradient checks), so the checks exercise exactly the code that trains. Shapes are given as `[rows, cols]`;
 * "packed" activations hold the tokens of several sequences one after another (no padding), with
 * `offsets[s]…offsets[s+1]-1` the tokens of sequence s.
 * Backward kernels accumulate (`+=`) into parameter gradients and write (or add into, where said) input gradients.
 */

import { sgemm } from '../../linalg/sgemm.ts';

/** A float vector: f32 for training and serving, f64 for gradient checks. */
export type Vec = Float32Array | Float64Array;

/** Allocates a zeroed vector of the same float type as `like`. */
export function allocLike(like: Vec, n: number): Vec {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** `y[m, n] = x[m, k] · w[k, n] + bias[n]` (bias optional), on the tiled {@link gemmNN}. */
export function linearForward(x: Vec, w: Vec, bias: Vec | undefined, y: Vec, m: number, k: number, n: number): void {
  gemmNN(x, w, y, m, k, n, false);
  if (bias) {
    for (let i = 0; i < m; i++) {
      const yo = i * n;
      for (let j = 0; j < n; j++) y[yo + j]! += bias[j]!;
    }
  }
}

/**
 * Backward of {@link linearForward}: `dx = dy · wᵀ` (written, or added when `addDx`), `dw += xᵀ · dy`,
 * `dbias += Σ_rows dy`. `dx` may be undefined when the input needs no gradient.
 */
export function linearBackward(
  x: Vec,
  w: Vec,
  dy: Vec,
  dx: Vec | undefined,
  dw: Vec,
  dbias: Vec | undefined,
  m: number,
  k: number,
  n: number,
  addDx = false,
): void {
  if (dbias) {
    for (let i = 0; i < m; i++) {
      const yo = i * n;
      for (let j = 0; j < n; j++) dbias[j]! += dy[yo + j]!;
    }
  }
  gemmTN(x, dy, dw, m, k, n);
  if (dx) gemmNT(dy, w, dx, m, n, k, addDx);
}

/** Layer normalisation over the last axis of `x[m, d]`: caches `xhat[m, d]` and `rstd[m]` for the backward. */
export function layerNormForward(x: Vec, gain: Vec, bias: Vec, y: Vec, xhat: Vec, rstd: Vec, m: number, d: number, eps = 1e-5): void {
  for (let i = 0; i < m; i++) {
    const o = i * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[o + j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const c = x[o + j]! - mean;
      v += c * c;
    }
    const r = 1 / Math.sqrt(v / d + eps);
    rstd[i] = r;
    for (let j = 0; j < d; j++) {
      const h = (x[o + j]! - mean) * r;
      xhat[o + j] = h;
      y[o + j] = h * gain[j]! + bias[j]!;
    }
  }
}

/** Backward of {@link layerNormForward}: `dx` is written (or added into when `addDx`), `dgain`, `dbias` accumulate. */
export function layerNormBackward(dy: Vec, gain: Vec, xhat: Vec, rstd: Vec, dx: Vec, dgain: Vec, dbias: Vec, m: number, d: number, addDx = false): void {
  for (let i = 0; i < m; i++) {
    const o = i * d;
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < d; j++) {
      const g = dy[o + j]! * gain[j]!;
      const h = xhat[o + j]!;
      sg += g;
      sgx += g * h;
      dgain[j]! += dy[o + j]! * h;
      dbias[j]! += dy[o + j]!;
    }
    sg /= d;
    sgx /= d;
    const r = rstd[i]!;
    for (let j = 0; j < d; j++) {
      const v = r * (dy[o + j]! * gain[j]! - sg - xhat[o + j]! * sgx);
      if (addDx) dx[o + j]! += v;
      else dx[o + j] = v;
    }
  }
}

/** Activations of the position-wise feed-forward layer. */
export const Activations = { relu: 'relu', gelu: 'gelu' } as const;
export type Activation = keyof typeof Activations;

const GELU_C = Math.sqrt(2 / Math.PI);

/** `y = act(x)` elementwise; GELU is the tanh approximation (Hendrycks & Gimpel 2016). */
export function activationForward(act: Activation, x: Vec, y: Vec, n: number): void {
  if (act === 'relu') {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      y[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
    }
  }
}

/** `dx = dy · act'(x)` elementwise (written in place of `dx`). */
export function activationBackward(act: Activation, x: Vec, dy: Vec, dx: Vec, n: number): void {
  if (act === 'relu') {
    for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
  } else {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
      const dt = (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
      dx[i] = dy[i]! * (0.5 * (1 + t) + 0.5 * v * dt);
    }
  }
}

/**
 * Inverted dropout: draws a mask of `0` or `1/(1-p)` per element from `random` (a seeded generator) and applies it
 * in place. The mask is kept for the backward ({@link dropoutBackward}). `p = 0` fills the mask with 1.
 */
export function dropoutForward(x: Vec, mask: Vec, n: number, p: number, random: () => number): void {
  if (p <= 0) {
    for (let i = 0; i < n; i++) mask[i] = 1;
    return;
  }
  const keep = 1 / (1 - p);
  for (let i = 0; i < n; i++) {
    const m = random() < p ? 0 : keep;
    mask[i] = m;
    x[i] = x[i]! * m;
  }
}

/** Backward of inverted dropout, in place on the gradient. */
export function dropoutBackward(dy: Vec, mask: Vec, n: number): void {
  for (let i = 0; i < n; i++) dy[i] = dy[i]! * mask[i]!;
}

/**
 * Offsets into the attention-probability cache: sequence s, head h uses `heads · Σ_{s'<s} len(s')²` onwards, as
 * a dense `[len, len]` block per head (upper triangle unused). Returns `[nSeq + 1]` start offsets.
 */
export function attentionCacheOffsets(offsets: Int32Array, nSeq: number, heads: number): Int32Array {
  const out = new Int32Array(nSeq + 1);
  for (let s = 0; s < nSeq; s++) {
    const len = offsets[s + 1]! - offsets[s]!;
    out[s + 1] = out[s]! + heads * len * len;
  }
  return out;
}

/**
 * Causal multi-head scaled dot-product attention (Vaswani et al. 2017) over packed sequences:
 * for each sequence, head h (columns `h·hd … (h+1)·hd-1`) and query position i,
 * `out[i] = Σ_{j ≤ i} softmax_j(q_i·k_j / √hd) v_j`. Probabilities go to `probs` (see {@link attentionCacheOffsets}).
 * Complexity O(Σ len² · dim).
 */
export function attentionForward(
  q: Vec,
  k: Vec,
  v: Vec,
  out: Vec,
  probs: Vec,
  offsets: Int32Array,
  probOffsets: Int32Array,
  nSeq: number,
  dim: number,
  heads: number,
): void {
  const hd = dim / heads;
  const scale = 1 / Math.sqrt(hd);
  for (let s = 0; s < nSeq; s++) {
    const t0 = offsets[s]!;
    const len = offsets[s + 1]! - t0;
    for (let h = 0; h < heads; h++) {
      const po = probOffsets[s]! + h * len * len;
      const co = h * hd;
      for (let i = 0; i < len; i++) {
        const qo = (t0 + i) * dim + co;
        const prow = po + i * len;
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          const ko = (t0 + j) * dim + co;
          let dot = 0;
          for (let c = 0; c < hd; c++) dot += q[qo + c]! * k[ko + c]!;
          dot *= scale;
          probs[prow + j] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const e = Math.exp(probs[prow + j]! - max);
          probs[prow + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        const oo = (t0 + i) * dim + co;
        for (let c = 0; c < hd; c++) out[oo + c] = 0;
        for (let j = 0; j <= i; j++) {
          const p = probs[prow + j]! * inv;
          probs[prow + j] = p;
          const vo = (t0 + j) * dim + co;
          for (let c = 0; c < hd; c++) out[oo + c]! += p * v[vo + c]!;
        }
      }
    }
  }
}

/**
 * Backward of {@link attentionForward}: writes `dq`, `dk`, `dv` (zeroed here) from `dout`.
 * `dS_ij = P_ij (dP_ij − Σ_j' P_ij' dP_ij')` with `dP_ij = dout_i · v_j`.
 */
export function attentionBackward(
  q: Vec,
  k: Vec,
  v: Vec,
  dout: Vec,
  probs: Vec,
  dq: Vec,
  dk: Vec,
  dv: Vec,
  offsets: Int32Array,
  probOffsets: Int32Array,
  nSeq: number,
  dim: number,
  heads: number,
  scratch: Vec,
): void {
  const hd = dim / heads;
  const scale = 1 / Math.sqrt(hd);
  const total = offsets[nSeq]! * dim;
  dq.fill(0, 0, total);
  dk.fill(0, 0, total);
  dv.fill(0, 0, total);
  for (let s = 0; s < nSeq; s++) {
    const t0 = offsets[s]!;
    const len = offsets[s + 1]! - t0;
    for (let h = 0; h < heads; h++) {
      const po = probOffsets[s]! + h * len * len;
      const co = h * hd;
      for (let i = 0; i < len; i++) {
        const oo = (t0 + i) * dim + co;
        const prow = po + i * len;
        let dot = 0;
        for (let j = 0; j <= i; j++) {
          const vo = (t0 + j) * dim + co;
          const p = probs[prow + j]!;
          let dp = 0;
          for (let c = 0; c < hd; c++) {
            const g = dout[oo + c]!;
            dp += g * v[vo + c]!;
            dv[vo + c]! += p * g;
          }
          scratch[j] = dp;
          dot += p * dp;
        }
        const qo = (t0 + i) * dim + co;
        for (let j = 0; j <= i; j++) {
          const ds = probs[prow + j]! * (scratch[j]! - dot) * scale;
          if (ds === 0) continue;
          const ko = (t0 + j) * dim + co;
          for (let c = 0; c < hd; c++) {
            dq[qo + c]! += ds * k[ko + c]!;
            dk[ko + c]! += ds * q[qo + c]!;
          }
        }
      }
    }
  }
}

/**
 * Token embedding: `x[t] = table[items[t]] · scale + pos[positions[t]]` for `n` tokens of width `dim`
 * (SASRec scales item embeddings by √dim before adding learned positions).
 */
export function embeddingForward(table: Vec, pos: Vec, items: Int32Array, positions: Int32Array, x: Vec, n: number, dim: number, scale: number): void {
  for (let t = 0; t < n; t++) {
    const eo = items[t]! * dim;
    const po = positions[t]! * dim;
    const xo = t * dim;
    for (let c = 0; c < dim; c++) x[xo + c] = table[eo + c]! * scale + pos[po + c]!;
  }
}

/**
 * Backward of {@link embeddingForward}: scatter-adds into the rows of `dTable` (duplicates sum) and `dPos`, and
 * records each newly touched table row once in `touched` (marked in `mark`), so the optimiser updates only those.
 * Returns the new number of touched rows.
 */
export function embeddingBackward(
  dx: Vec,
  items: Int32Array,
  positions: Int32Array,
  dTable: Vec,
  dPos: Vec,
  n: number,
  dim: number,
  scale: number,
  mark: Uint8Array,
  touched: Int32Array,
  nTouched: number,
): number {
  for (let t = 0; t < n; t++) {
    const it = items[t]!;
    if (!mark[it]) {
      mark[it] = 1;
      touched[nTouched++] = it;
    }
    const eo = it * dim;
    const po = positions[t]! * dim;
    const xo = t * dim;
    for (let c = 0; c < dim; c++) {
      const g = dx[xo + c]!;
      dTable[eo + c]! += g * scale;
      dPos[po + c]! += g;
    }
  }
  return nTouched;
}

/** `y = a + b` elementwise over `n` (y may alias a). */
export function addInto(a: Vec, b: Vec, y: Vec, n: number): void {
  for (let i = 0; i < n; i++) y[i] = a[i]! + b[i]!;
}

/**
 * Products with m·k·n at or above this go to the WebAssembly SIMD GEMM (../../linalg/sgemm.ts) when A, B and C are
 * all `Float32Array`: measured crossover about 256–512 (a call costs ~0.2 µs; 16×16×16 takes 2.1 µs in JS, 0.6 in
 * wasm; 450×64×1024 runs at ~4 GFLOP/s in JS, ~39 in wasm). Float64 (the gradient checks) always stays in JS.
 */
export const WASM_GEMM_MIN_MKN = 512;

let wasmGemm = true;

/** Turns the WebAssembly GEMM path on (default) or off (every product on the JS loops below; benchmarks, tests). */
export function setWasmGemm(enabled: boolean): void {
  wasmGemm = enabled;
}

/** Whether a product of this size on these arrays goes to wasm. */
function useWasm(a: Vec, b: Vec, c: Vec, m: number, k: number, n: number): boolean {
  return wasmGemm && m * k * n >= WASM_GEMM_MIN_MKN && a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array;
}

/**
 * `C[m, n] = A[m, k] · B[k, n]` (or `+=` when `accumulate`); float32 products of m·k·n ≥ {@link WASM_GEMM_MIN_MKN}
 * run in wasm. The JS path: 4×4 register tiles: each tile keeps 16 sums in locals
 * and reads 8 values per 16 multiply-adds, about 3–4× the naive loop in V8 (RUNTIME-NOTES: blocked 4.6 vs naive
 * 1.1 GFLOP/s). Edge rows/columns fall back to scalar loops.
 */
export function gemmNN(a: Vec, b: Vec, c: Vec, m: number, k: number, n: number, accumulate: boolean): void {
  if (useWasm(a, b, c, m, k, n) && sgemm(false, false, m, n, k, a as Float32Array, b as Float32Array, c as Float32Array, accumulate)) return;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const bo = p * n + j;
        const b0 = b[bo]!, b1 = b[bo + 1]!, b2 = b[bo + 2]!, b3 = b[bo + 3]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      const o0 = i * n + j;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      if (accumulate) {
        c[o0]! += c00; c[o0 + 1]! += c01; c[o0 + 2]! += c02; c[o0 + 3]! += c03;
        c[o1]! += c10; c[o1 + 1]! += c11; c[o1 + 2]! += c12; c[o1 + 3]! += c13;
        c[o2]! += c20; c[o2 + 1]! += c21; c[o2 + 2]! += c22; c[o2 + 3]! += c23;
        c[o3]! += c30; c[o3 + 1]! += c31; c[o3 + 2]! += c32; c[o3 + 3]! += c33;
      } else {
        c[o0] = c00; c[o0 + 1] = c01; c[o0 + 2] = c02; c[o0 + 3] = c03;
        c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13;
        c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23;
        c[o3] = c30; c[o3 + 1] = c31; c[o3 + 2] = c32; c[o3 + 3] = c33;
      }
    }
  }
  // Edges: remaining columns of the tiled rows, then the remaining rows.
  for (let i = 0; i < m; i++) {
    const j0 = i < m4 ? n4 : 0;
    for (let j = j0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      if (accumulate) c[i * n + j]! += s;
      else c[i * n + j] = s;
    }
  }
}

/** `C[m, n] = A[m, k] · B[n, k]ᵀ` (or `+=`), wasm as {@link gemmNN}; in JS 4×4 register tiles over (i, j), dot products along k. */
export function gemmNT(a: Vec, b: Vec, c: Vec, m: number, k: number, n: number, accumulate: boolean): void {
  if (useWasm(a, b, c, m, k, n) && sgemm(false, true, m, n, k, a as Float32Array, b as Float32Array, c as Float32Array, accumulate)) return;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const o0 = i * n + j;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      if (accumulate) {
        c[o0]! += c00; c[o0 + 1]! += c01; c[o0 + 2]! += c02; c[o0 + 3]! += c03;
        c[o1]! += c10; c[o1 + 1]! += c11; c[o1 + 2]! += c12; c[o1 + 3]! += c13;
        c[o2]! += c20; c[o2 + 1]! += c21; c[o2 + 2]! += c22; c[o2 + 3]! += c23;
        c[o3]! += c30; c[o3 + 1]! += c31; c[o3 + 2]! += c32; c[o3 + 3]! += c33;
      } else {
        c[o0] = c00; c[o0 + 1] = c01; c[o0 + 2] = c02; c[o0 + 3] = c03;
        c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13;
        c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23;
        c[o3] = c30; c[o3 + 1] = c31; c[o3 + 2] = c32; c[o3 + 3] = c33;
      }
    }
  }
  for (let i = 0; i < m; i++) {
    const j0 = i < m4 ? n4 : 0;
    for (let j = j0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[j * k + p]!;
      if (accumulate) c[i * n + j]! += s;
      else c[i * n + j] = s;
    }
  }
}

/** `C[k, n] += A[m, k]ᵀ · B[m, n]` (always accumulates: weight gradients), wasm as {@link gemmNN}; in JS 4×4 tiles over (p, j), sums along m. */
export function gemmTN(a: Vec, b: Vec, c: Vec, m: number, k: number, n: number): void {
  if (useWasm(a, b, c, m, k, n) && sgemm(true, false, k, n, m, a as Float32Array, b as Float32Array, c as Float32Array, true)) return;
  const k4 = k - (k % 4);
  const n4 = n - (n % 4);
  for (let p = 0; p < k4; p += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let i = 0; i < m; i++) {
        const ao = i * k + p;
        const bo = i * n + j;
        const x0 = a[ao]!, x1 = a[ao + 1]!, x2 = a[ao + 2]!, x3 = a[ao + 3]!;
        const y0 = b[bo]!, y1 = b[bo + 1]!, y2 = b[bo + 2]!, y3 = b[bo + 3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const o0 = p * n + j;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      c[o0]! += c00; c[o0 + 1]! += c01; c[o0 + 2]! += c02; c[o0 + 3]! += c03;
      c[o1]! += c10; c[o1 + 1]! += c11; c[o1 + 2]! += c12; c[o1 + 3]! += c13;
      c[o2]! += c20; c[o2 + 1]! += c21; c[o2 + 2]! += c22; c[o2 + 3]! += c23;
      c[o3]! += c30; c[o3 + 1]! += c31; c[o3 + 2]! += c32; c[o3 + 3]! += c33;
    }
  }
  for (let p = 0; p < k; p++) {
    const j0 = p < k4 ? n4 : 0;
    for (let j = j0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += a[i * k + p]! * b[i * n + j]!;
      c[p * n + j]! += s;
    }
  }
}
