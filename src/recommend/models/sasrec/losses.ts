/**
 * Next-item losses on the final hidden states, with the output layer tied to the item embedding table
 * (`logit(t, i) = h_t · E_i`):
 * - full softmax cross-entropy over the whole catalogue — "SASRec+" (Klenitskiy & Vasilev, "Turning Dross Into
 *   Gold Loss: is BERT4Rec really better than SASRec?", RecSys 2023) found it decisive over SASRec's original BCE;
 * - sampled softmax with `S` shared popularity-sampled negatives per batch and the logQ correction
 *   (Bengio & Senécal 2008; Yi et al., "Sampling-bias-corrected neural modeling", RecSys 2019): every candidate's
 *   logit is lowered by `log q(i)`, negatives equal to the target are masked (accidental hits).
 * Both return the mean loss over tokens whose target is ≥ 0, write `dHidden` and, when `grads` is given, add the
 * item-table gradient on the touched rows only.
 */
import { allocLike, gemmNN, gemmNT, gemmTN, type Vec } from './kernels.ts';
import type { SasrecGrads } from './network.ts';

function touch(grads: SasrecGrads, row: number): void {
  if (!grads.mark[row]) {
    grads.mark[row] = 1;
    grads.touched[grads.nTouched++] = row;
  }
}

/**
 * Full softmax cross-entropy over `nItems`. Tokens go in chunks of 16 so each item row is read once per chunk.
 * Complexity O(nTok · nItems · dim); every item row receives a gradient.
 */
export function fullSoftmaxLoss(
  hidden: Vec,
  targets: Int32Array,
  nTok: number,
  item: Vec,
  nItems: number,
  dim: number,
  dHidden: Vec,
  grads: SasrecGrads | undefined,
): number {
  let valid = 0;
  for (let t = 0; t < nTok; t++) if (targets[t]! >= 0) valid++;
  dHidden.fill(0, 0, nTok * dim);
  if (valid === 0) return 0;
  const CH = 16;
  const logits = new Float64Array(CH * nItems);
  let loss = 0;
  if (grads) for (let i = 0; i < nItems; i++) touch(grads, i);
  for (let t0 = 0; t0 < nTok; t0 += CH) {
    const tc = Math.min(CH, nTok - t0);
    for (let i = 0; i < nItems; i++) {
      const eo = i * dim;
      for (let c = 0; c < tc; c++) {
        const ho = (t0 + c) * dim;
        let s = 0;
        for (let j = 0; j < dim; j++) s += hidden[ho + j]! * item[eo + j]!;
        logits[c * nItems + i] = s;
      }
    }
    for (let c = 0; c < tc; c++) {
      const target = targets[t0 + c]!;
      const lo = c * nItems;
      if (target < 0) {
        logits.fill(0, lo, lo + nItems);
        continue;
      }
      let max = -Infinity;
      for (let i = 0; i < nItems; i++) if (logits[lo + i]! > max) max = logits[lo + i]!;
      let sum = 0;
      for (let i = 0; i < nItems; i++) {
        const e = Math.exp(logits[lo + i]! - max);
        logits[lo + i] = e;
        sum += e;
      }
      loss += Math.log(sum) + max - (Math.log(logits[lo + target]!) + max);
      const inv = 1 / sum;
      for (let i = 0; i < nItems; i++) logits[lo + i] = (logits[lo + i]! * inv) / valid;
      logits[lo + target] = logits[lo + target]! - 1 / valid;
    }
    for (let i = 0; i < nItems; i++) {
      const eo = i * dim;
      for (let c = 0; c < tc; c++) {
        const g = logits[c * nItems + i]!;
        if (g === 0) continue;
        const ho = (t0 + c) * dim;
        for (let j = 0; j < dim; j++) {
          dHidden[ho + j] = dHidden[ho + j]! + g * item[eo + j]!;
          if (grads) grads.item[eo + j] = grads.item[eo + j]! + g * hidden[ho + j]!;
        }
      }
    }
  }
  return loss / valid;
}

/**
 * Sampled softmax with logQ correction over the target plus `negatives` (shared by the batch; repeats allowed).
 * `logQ[i]` is the log sampling probability of item i. Complexity O(nTok · S · dim).
 */
export function sampledSoftmaxLoss(
  hidden: Vec,
  targets: Int32Array,
  nTok: number,
  item: Vec,
  dim: number,
  negatives: Int32Array,
  logQ: Float64Array,
  dHidden: Vec,
  grads: SasrecGrads | undefined,
): number {
  const S = negatives.length;
  let valid = 0;
  for (let t = 0; t < nTok; t++) if (targets[t]! >= 0) valid++;
  if (valid === 0) {
    dHidden.fill(0, 0, nTok * dim);
    return 0;
  }
  // Negatives gathered into a contiguous [S, dim] block: logits = H · Negᵀ and the gradients are three GEMMs.
  const neg = allocLike(hidden, S * dim);
  for (let s = 0; s < S; s++) neg.set(item.subarray(negatives[s]! * dim, (negatives[s]! + 1) * dim), s * dim);
  /** [nTok, S] logits, then softmax gradients */
  const G = allocLike(hidden, nTok * S);
  gemmNT(hidden, neg, G, nTok, dim, S, false);
  const gPos = new Float64Array(nTok);
  let loss = 0;
  for (let t = 0; t < nTok; t++) {
    const target = targets[t]!;
    const go = t * S;
    if (target < 0) {
      G.fill(0, go, go + S);
      continue;
    }
    const ho = t * dim;
    const po = target * dim;
    let sp = 0;
    for (let j = 0; j < dim; j++) sp += hidden[ho + j]! * item[po + j]!;
    sp -= logQ[target]!;
    let max = sp;
    for (let s = 0; s < S; s++) {
      const ns = negatives[s]!;
      const v = ns === target ? -Infinity : G[go + s]! - logQ[ns]!;
      G[go + s] = v;
      if (v > max) max = v;
    }
    const ePos = Math.exp(sp - max);
    let sum = ePos;
    for (let s = 0; s < S; s++) {
      const v = G[go + s]!;
      const e = v === -Infinity ? 0 : Math.exp(v - max);
      G[go + s] = e;
      sum += e;
    }
    loss += Math.log(sum) + max - sp;
    const scale = 1 / (sum * valid);
    for (let s = 0; s < S; s++) G[go + s] = G[go + s]! * scale;
    gPos[t] = ePos * scale - 1 / valid;
  }
  gemmNN(G, neg, dHidden, nTok, S, dim, false);
  for (let t = 0; t < nTok; t++) {
    const target = targets[t]!;
    if (target < 0) continue;
    const g = gPos[t]!;
    const ho = t * dim;
    const po = target * dim;
    for (let j = 0; j < dim; j++) dHidden[ho + j] = dHidden[ho + j]! + g * item[po + j]!;
    if (grads) {
      touch(grads, target);
      for (let j = 0; j < dim; j++) grads.item[po + j] = grads.item[po + j]! + g * hidden[ho + j]!;
    }
  }
  if (grads) {
    const dNeg = allocLike(hidden, S * dim);
    gemmTN(G, hidden, dNeg, nTok, S, dim);
    for (let s = 0; s < S; s++) {
      const r = negatives[s]!;
      touch(grads, r);
      const eo = r * dim;
      for (let j = 0; j < dim; j++) grads.item[eo + j] = grads.item[eo + j]! + dNeg[s * dim + j]!;
    }
  }
  return loss / valid;
}

/**
 * A popularity sampler: `q(i) ∝ (count_i + 1)^power`, drawn by binary search on the cumulative distribution.
 * Returns the sampler and `logQ` for {@link sampledSoftmaxLoss}.
 */
export function popularitySampler(counts: ArrayLike<number>, power: number): { logQ: Float64Array; sample: (random: () => number, out: Int32Array) => void } {
  const n = counts.length;
  const cum = new Float64Array(n);
  const logQ = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += Math.pow((counts[i] as number) + 1, power);
    cum[i] = total;
  }
  for (let i = 0; i < n; i++) logQ[i] = Math.log(Math.pow((counts[i] as number) + 1, power) / total);
  const sample = (random: () => number, out: Int32Array) => {
    for (let s = 0; s < out.length; s++) {
      const r = random() * total;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      out[s] = lo;
    }
  };
  return { logQ, sample };
}
