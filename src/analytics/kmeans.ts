/**
 * k-means on dense feature rows, pure and on typed arrays (no I/O).
 *
 * Lloyd's algorithm with k-means++ seeding (Arthur & Vassilvitskii, 2007); k chosen by the mean silhouette
 * (Rousseeuw, 1987) on a seeded sample. Cost: O(n·k·d) per iteration; silhouette O(s²·d) on s sampled rows.
 * Data layout: `data` is [n, dim] row-major. Randomness comes from the seeded generator passed in.
 */
import type { Rng } from '../core/random.ts';

export interface KMeansParams {
  k: number;
  /** Most Lloyd iterations (default 50). */
  maxIterations?: number;
}

export interface KMeansResult {
  k: number;
  /** [k, dim] row-major */
  centroids: Float64Array;
  /** [n] cluster of each row */
  labels: Int32Array;
  /** Sum of squared distances to the assigned centroid. */
  inertia: number;
  iterations: number;
}

function dist2(a: Float64Array, ai: number, b: Float64Array, bi: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = (a[ai + j] as number) - (b[bi + j] as number);
    s += d * d;
  }
  return s;
}

/**
 * Clusters `n` rows of `dim` features into `k` groups (k-means++ seeding, then Lloyd iterations until no row
 * changes cluster). An empty cluster is re-seeded with the row farthest from its centroid.
 */
export function kMeans(data: Float64Array, n: number, dim: number, params: KMeansParams, rng: Rng): KMeansResult {
  const k = Math.max(1, Math.min(params.k, n));
  const maxIterations = params.maxIterations ?? 50;
  const centroids = new Float64Array(k * dim);
  if (n === 0) return { k, centroids, labels: new Int32Array(0), inertia: 0, iterations: 0 };
  // k-means++: each next centre drawn with probability ∝ squared distance to the nearest chosen centre.
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    centroids.set(data.subarray(pick * dim, pick * dim + dim), c * dim);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = dist2(data, i * dim, centroids, c * dim, dim);
      if (d < (nearest[i] as number)) nearest[i] = d;
      total += nearest[i] as number;
    }
    if (c + 1 === k) break;
    if (total === 0) {
      pick = rng.int(n);
      continue;
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= nearest[i] as number;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  return lloyd(data, n, dim, centroids, k, maxIterations);
}

/**
 * Mean silhouette of a labelling over the rows in `sample` (indices into `data`): for each row, (b − a) /
 * max(a, b) where a is the mean distance to its own cluster and b to the nearest other cluster, both measured
 * within the sample. Rows alone in their cluster score 0. Returns a value in [−1, 1].
 */
export function silhouette(data: Float64Array, dim: number, labels: Int32Array, k: number, sample: Int32Array): number {
  const s = sample.length;
  if (s < 2 || k < 2) return 0;
  const sumTo = new Float64Array(k);
  const countIn = new Int32Array(k);
  for (let a = 0; a < s; a++) { const c = labels[sample[a] as number] as number; countIn[c] = (countIn[c] as number) + 1; }
  let total = 0;
  for (let a = 0; a < s; a++) {
    const ia = sample[a] as number;
    const own = labels[ia] as number;
    sumTo.fill(0);
    for (let b = 0; b < s; b++) {
      if (a === b) continue;
      const ib = sample[b] as number;
      sumTo[labels[ib] as number] = (sumTo[labels[ib] as number] as number) + Math.sqrt(dist2(data, ia * dim, data, ib * dim, dim));
    }
    const ownCount = (countIn[own] as number) - 1;
    if (ownCount === 0) continue;
    const ai = (sumTo[own] as number) / ownCount;
    let bi = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && (countIn[c] as number) > 0) bi = Math.min(bi, (sumTo[c] as number) / (countIn[c] as number));
    if (bi === Infinity) continue;
    const m = Math.max(ai, bi);
    total += m > 0 ? (bi - ai) / m : 0;
  }
  return total / s;
}

export interface ChooseKOptions {
  kMin?: number;
  kMax?: number;
  /** Rows used to fit each candidate k (default 5,000). */
  fitSample?: number;
  /** Rows used to score the silhouette (default 1,000). */
  scoreSample?: number;
}

function sampleIndices(n: number, m: number, rng: Rng): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const take = Math.min(n, m);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return idx.slice(0, take);
}

/**
 * Picks k in [kMin, kMax] by the best mean silhouette of k-means fitted on a sample, then fits the chosen k on
 * every row. Returns the final clustering and every candidate's score.
 */
export function kMeansBySilhouette(data: Float64Array, n: number, dim: number, rng: Rng, o: ChooseKOptions = {}): KMeansResult & { scores: { k: number; silhouette: number }[] } {
  const kMin = Math.max(2, o.kMin ?? 2);
  const kMax = Math.max(kMin, Math.min(o.kMax ?? 8, n - 1));
  const fitIdx = sampleIndices(n, o.fitSample ?? 5000, rng);
  const fit = new Float64Array(fitIdx.length * dim);
  fitIdx.forEach((row, i) => fit.set(data.subarray(row * dim, row * dim + dim), i * dim));
  const scoreIdx = sampleIndices(fitIdx.length, o.scoreSample ?? 1000, rng);
  const scores: { k: number; silhouette: number }[] = [];
  let best: { k: number; score: number; centroids: Float64Array } = { k: kMin, score: -Infinity, centroids: new Float64Array(0) };
  for (let k = kMin; k <= kMax; k++) {
    const r = kMeans(fit, fitIdx.length, dim, { k }, rng);
    const score = silhouette(fit, dim, r.labels, r.k, scoreIdx);
    scores.push({ k, silhouette: Math.round(score * 1e6) / 1e6 });
    if (score > best.score + 1e-9) best = { k, score, centroids: r.centroids };
  }
  // Final fit on all rows, starting from the best sample fit's centroids.
  const final = n === fitIdx.length ? kMeans(data, n, dim, { k: best.k }, rng) : lloyd(data, n, dim, Float64Array.from(best.centroids), best.k, 50);
  return { ...final, scores };
}

/** Lloyd iterations from the given centroids (updated in place); an empty cluster takes the farthest row. */
function lloyd(data: Float64Array, n: number, dim: number, centroids: Float64Array, k: number, maxIterations: number): KMeansResult {
  const labels = new Int32Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  let inertia = 0;
  let iterations = 0;
  labels.fill(-1);
  for (; iterations < maxIterations; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = dist2(data, i * dim, centroids, c * dim, dim);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (labels[i] !== best) changed++;
      labels[i] = best;
      inertia += bestD;
    }
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let j = 0; j < dim; j++) sums[c * dim + j] = (sums[c * dim + j] as number) + (data[i * dim + j] as number);
    }
    for (let c = 0; c < k; c++) {
      const m = counts[c] as number;
      if (m > 0) {
        for (let j = 0; j < dim; j++) centroids[c * dim + j] = (sums[c * dim + j] as number) / m;
      } else {
        let far = 0;
        let farD = -1;
        for (let i = 0; i < n; i++) {
          const d = dist2(data, i * dim, centroids, (labels[i] as number) * dim, dim);
          if (d > farD) {
            farD = d;
            far = i;
          }
        }
        centroids.set(data.subarray(far * dim, far * dim + dim), c * dim);
      }
    }
  }
  return { k, centroids, labels, inertia, iterations };
}
