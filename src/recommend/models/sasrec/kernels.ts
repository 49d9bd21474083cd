/**
 * Hand-written forward and backward kernels of the SASRec Transformer on flat row-major typed arrays.
 * Every kernel is generic over `Float32Array` (training, serving) and `Float64Array` (the finite-difference
 * gradient checks), so the checks exercise exactly the code that trains. Shapes are given as `[rows, cols]`;
 * "packed" activations hold the tokens of several sequences one after another (no padding), with
 * `offsets[s]…offsets[s+1]-1` the tokens of sequence s.
 * Backward kernels accumulate (`+=`) into parameter gradients and write (or add into, where said) input gradients.
 */

/** A float vector: f32 for training and serving, f64 for gradient checks. */
export type Vec = Float32Array | Float64Array;

/** Allocates a zeroed vector of the same float type as `like`. */
export function allocLike(like: Vec, n: number): Vec {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/**
 * `y[m, n] = x[m, k] · w[k, n] + bias[n]` (bias optional). Loop order i-p-j keeps the inner loop contiguous
 * over `n`, the fastest plain-JS layout for the small `k, n` (≤ 4·dim) of this model.
 */
export function linearForward(x: Vec, w: Vec, bias: Vec | undefined, y: Vec, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const yo = i * n;
    if (bias) for (let j = 0; j < n; j++) y[yo + j] = bias[j]!;
    else for (let j = 0; j < n; j++) y[yo + j] = 0;
    const xo = i * k;
    for (let p = 0; p < k; p++) {
      const a = x[xo + p]!;
      if (a === 0) continue;
      const wo = p * n;
      for (let j = 0; j < n; j++) y[yo + j]! += a * w[wo + j]!;
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
  for (let i = 0; i < m; i++) {
    const yo = i * n;
    const xo = i * k;
    if (dbias) for (let j = 0; j < n; j++) dbias[j]! += dy[yo + j]!;
    for (let p = 0; p < k; p++) {
      const wo = p * n;
      const a = x[xo + p]!;
      let s = 0;
      for (let j = 0; j < n; j++) {
        const g = dy[yo + j]!;
        s += g * w[wo + j]!;
        dw[wo + j]! += a * g;
      }
      if (dx) {
        if (addDx) dx[xo + p]! += s;
        else dx[xo + p] = s;
      }
    }
  }
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
