/**
 * Business re-ranking of a candidate pool (the model's top items after filters and exclusions): boost/bury rules,
 * then diversity — maximal marginal relevance (Carbonell & Goldstein, SIGIR 1998) on item similarity, or a cap per
 * category. Pure functions over item indices; the pool is small (a few times k), so these are O(pool · k).
 */
import { topK, type Recommendations } from '../recommender.ts';

/** A ranked candidate pool: item indices best first and their relevance. */
export interface Pool {
  items: Int32Array;
  /** [items.length] relevance (higher is better) */
  scores: Float64Array;
}

/**
 * Min-max normalises pool scores into [0.1, 1] (so that multiplicative rules act alike on any model's scale and
 * the last item is not zeroed), multiplies each item's by the product of the factors of the rules it matches,
 * drops items whose factor is 0, and re-sorts (stable: ties keep the model's order).
 */
export function applyRules(pool: Pool, factorOf: (item: number) => number): Pool {
  const n = pool.items.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < n; p++) {
    const s = pool.scores[p] as number;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  const span = hi - lo;
  const adjusted: { item: number; score: number; order: number }[] = [];
  for (let p = 0; p < n; p++) {
    const item = pool.items[p] as number;
    const f = factorOf(item);
    if (f === 0) continue;
    const norm = span > 0 ? 0.1 + (0.9 * ((pool.scores[p] as number) - lo)) / span : 1;
    adjusted.push({ item, score: norm * f, order: p });
  }
  adjusted.sort((a, b) => b.score - a.score || a.order - b.order);
  return { items: Int32Array.from(adjusted, (x) => x.item), scores: Float64Array.from(adjusted, (x) => x.score) };
}

/**
 * Maximal marginal relevance: repeatedly picks the item maximising λ·rel(i) − (1−λ)·max_{j picked} sim(i, j),
 * with rel min-max normalised to [0, 1] over the pool. Returns at most k item indices.
 */
export function mmr(pool: Pool, k: number, lambda: number, sim: (a: number, b: number) => number): Int32Array {
  const n = pool.items.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < n; p++) {
    lo = Math.min(lo, pool.scores[p] as number);
    hi = Math.max(hi, pool.scores[p] as number);
  }
  const rel = Float64Array.from(pool.scores, (s) => (hi > lo ? (s - lo) / (hi - lo) : 1));
  const maxSim = new Float64Array(n);
  const taken = new Uint8Array(n);
  const out: number[] = [];
  while (out.length < Math.min(k, n)) {
    let best = -1;
    let bestV = -Infinity;
    for (let p = 0; p < n; p++) {
      if (taken[p]) continue;
      const v = lambda * (rel[p] as number) - (1 - lambda) * (maxSim[p] as number);
      if (v > bestV) {
        bestV = v;
        best = p;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    const chosen = pool.items[best] as number;
    out.push(chosen);
    for (let p = 0; p < n; p++) {
      if (taken[p]) continue;
      const s = sim(pool.items[p] as number, chosen);
      if (s > (maxSim[p] as number)) maxSim[p] = s;
    }
  }
  return Int32Array.from(out);
}

/**
 * At most `maxPerCategory` items per category, in pool order; when the caps leave fewer than k items, the list is
 * completed with the capped-out items in pool order (a full list beats a strictly capped short one).
 */
export function capPerCategory(pool: Pool, k: number, maxPerCategory: number, categoryOf: (item: number) => string): Int32Array {
  const counts = new Map<string, number>();
  const out: number[] = [];
  const spill: number[] = [];
  for (let p = 0; p < pool.items.length && out.length < k; p++) {
    const item = pool.items[p] as number;
    const c = categoryOf(item);
    const used = counts.get(c) ?? 0;
    if (c !== '' && used >= maxPerCategory) {
      spill.push(item);
      continue;
    }
    counts.set(c, used + 1);
    out.push(item);
  }
  for (const item of spill) {
    if (out.length >= k) break;
    out.push(item);
  }
  return Int32Array.from(out);
}

const SAMPLE = 2048;
/** Reused between calls (the function is synchronous), so a request allocates nothing here. */
const sampleScratch = new Float64Array(SAMPLE);

/**
 * Top-k of a dense score vector, identical to {@link topK} (ties: lower index first) but faster on large
 * catalogues: a threshold is estimated from a strided sample of 2,048 scores, one tight pass collects the indices
 * at or above it, and the exact top-k runs over those (with the filter). When fewer than k collected items pass the
 * filter, or the threshold does not thin the catalogue, it falls back to the full scan, so the result never
 * differs. Costs one branch-light pass over the scores instead of a heap test per item.
 */
export function fastTopK(scores: Float64Array, k: number, filter?: (item: number) => boolean, scratch?: Int32Array): Recommendations {
  const n = scores.length;
  if (n < 8192 || k <= 0) return topK(scores, k, filter);
  const m = SAMPLE;
  const stride = n / m;
  const sample = sampleScratch;
  for (let j = 0; j < m; j++) {
    const v = scores[Math.floor(j * stride)] as number;
    sample[j] = v === v ? v : -Infinity;
  }
  sample.sort();
  // Aim for ~8k + 64 items above the threshold (a margin for filters and sampling error).
  const want = Math.min(m - 1, Math.ceil(((8 * k + 64) * m) / n));
  const threshold = sample[m - 1 - want] as number;
  if (!(threshold > -Infinity)) return topK(scores, k, filter);
  const buf = scratch && scratch.length >= n ? scratch : new Int32Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) if ((scores[i] as number) >= threshold) buf[c++] = i;
  if (c > n / 4) return topK(scores, k, filter);
  const top = topK(scores, k, filter, buf.subarray(0, c));
  return top.items.length >= k ? top : topK(scores, k, filter);
}
