/**
 * Item-to-item transitions (a first-order Markov chain over each shopper's sequence), for sessions and anonymous
 * traffic: `P(j | i)` is estimated from consecutive pairs `i → j` in the training sequences (optionally only within a
 * session or a time gap), and a query scores `Σ_k decay^k · P(j | item_{n-k})` over its `lookback` latest items.
 * Paper: the Markov-chain baseline of session-based recommendation (e.g. Ludewig & Jannach, "Evaluation of
 * session-based recommendation algorithms", UMUAI 2018, "SR" and "AR" rules; Rendle et al., FPMC, WWW 2010).
 * Complexity: fit O(n) for n interactions (+ sort of the pairs); recommend O(lookback · out-degree) + O(nItems).
 * Limits: first-order only (no skip transitions unless `skip` > 1); ties and unknown last items fall back to
 * popularity; weights of events are ignored (order only).
 */
import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import type { Artifact } from '../../store/store.ts';
import { bytesOf, float64Of, int32Of } from '../../store/artifact-codec.ts';
import type { Csr, InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, checkAbort, csrBuffers, csrFromBuffers, parseParams, requireBuffer, type FitOptions, type Profile, type RecommendQuery, type RecommenderFactory } from '../recommender.ts';

export const markovParamsSchema = z.object({
  lookback: z.number().int().min(1).max(50).default(3).describe('latest items of the sequence that vote for the next item'),
  decay: z.number().min(0).max(1).default(0.5).describe('weight of the k-th latest item is decay^k'),
  skip: z.number().int().min(1).max(10).default(1).describe('also count pairs up to this many steps apart (weighted 1/step)'),
  maxGapHours: z.number().min(0).default(0).describe('ignore pairs further apart in time than this (0 = no limit)'),
  sameSessionOnly: z.boolean().default(false).describe('count only pairs within one session (when events carry session ids)'),
  normalize: z.boolean().default(true).describe('use P(j|i) = count(i→j) / count(i→·) instead of raw counts'),
});
export type MarkovParams = z.infer<typeof markovParamsSchema>;

/**
 * The ordered item window of a query: the user's time-ordered sequence followed by the query's recent items (valid
 * indices only), latest `maxLen` kept. Shared by the sequence-aware models (Markov, session-kNN).
 */
export function queryWindow(query: RecommendQuery, seqIndptr: Int32Array, seqItems: Int32Array, nItems: number, maxLen: number): Int32Array {
  const user = typeof query === 'number' ? query : (query.user ?? -1);
  const recent = typeof query === 'number' ? undefined : query.recentItems;
  const parts: number[] = [];
  if (user >= 0 && user + 1 < seqIndptr.length) {
    const s = Math.max(seqIndptr[user]!, seqIndptr[user + 1]! - maxLen);
    for (let p = s; p < seqIndptr[user + 1]!; p++) parts.push(seqItems[p]!);
  }
  if (recent) {
    for (let i = 0; i < recent.length; i++) {
      const it = recent[i] as number;
      if (Number.isInteger(it) && it >= 0 && it < nItems) parts.push(it);
    }
  }
  return Int32Array.from(parts.length > maxLen ? parts.slice(parts.length - maxLen) : parts);
}

/** Markov transition model. */
export class MarkovRecommender extends BaseRecommender<MarkovParams> {
  readonly kind = 'markov';
  /** item × item transition weights, row i = what follows i */
  transitions: Csr = { rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float32Array(0) };
  /** [nItems] interaction counts, the tie-breaking fallback */
  popularity: Float64Array = new Float64Array(0);
  seqIndptr: Int32Array = new Int32Array(1);
  seqItems: Int32Array = new Int32Array(0);

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    checkAbort(options.signal);
    const { skip, maxGapHours, sameSessionOnly, normalize } = this.params;
    const n = data.nItems;
    const gapMs = maxGapHours > 0 ? maxGapHours * 3_600_000 : Infinity;
    // Pairs keyed i * n + j in a Map: sparse and exact, O(pairs) memory.
    const counts = new Map<number, number>();
    for (let u = 0; u < data.nUsers; u++) {
      if ((u & 4095) === 4095) checkAbort(options.signal);
      const s = data.seqIndptr[u]!;
      const e = data.seqIndptr[u + 1]!;
      for (let p = s; p < e; p++) {
        for (let d = 1; d <= skip && p + d < e; d++) {
          const q = p + d;
          if (data.seqTs[q]! - data.seqTs[p]! > gapMs) break;
          if (sameSessionOnly && (data.seqSessions[p] !== data.seqSessions[q] || data.seqSessions[p] === -1)) break;
          const a = data.seqItems[p]!;
          const b = data.seqItems[q]!;
          if (a === b) continue;
          const key = a * n + b;
          counts.set(key, (counts.get(key) ?? 0) + 1 / d);
        }
      }
    }
    const keys = Float64Array.from(counts.keys()).sort();
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(keys.length);
    const values = new Float32Array(keys.length);
    keys.forEach((k, t) => {
      const i = Math.floor(k / n);
      indptr[i + 1]!++;
      indices[t] = k - i * n;
      values[t] = counts.get(k) as number;
    });
    for (let i = 0; i < n; i++) indptr[i + 1]! += indptr[i]!;
    if (normalize) {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) sum += values[p]!;
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) values[p] = values[p]! / sum;
      }
    }
    this.transitions = { rows: n, cols: n, indptr, indices, values };
    this.popularity = Float64Array.from(data.itemCounts);
    this.seqIndptr = data.seqIndptr.slice();
    this.seqItems = data.seqItems.slice();
  }

  override score(query: RecommendQuery, out: Float64Array): boolean {
    if (!this.fitted) throw new CartwiseError('MODEL_NOT_READY', { reason: 'markov is not fitted' });
    const window = queryWindow(query, this.seqIndptr, this.seqItems, this.nItems, this.params.lookback);
    if (window.length === 0) {
      out.fill(0);
      return false;
    }
    // Popularity as a tie-breaker far below any transition weight.
    let maxPop = 1;
    for (let i = 0; i < this.nItems; i++) if (this.popularity[i]! > maxPop) maxPop = this.popularity[i]!;
    for (let i = 0; i < this.nItems; i++) out[i] = (1e-6 * this.popularity[i]!) / maxPop;
    const T = this.transitions;
    let w = 1;
    for (let k = window.length - 1; k >= 0; k--) {
      const it = window[k]!;
      for (let p = T.indptr[it]!; p < T.indptr[it + 1]!; p++) out[T.indices[p]!]! += w * T.values[p]!;
      w *= this.params.decay;
    }
    return true;
  }

  protected scoreProfile(_profile: Profile, _out: Float64Array): boolean {
    return false; // `score` reads the ordered window instead.
  }

  /** "Next after X": the window item whose transition contributes most to `item`'s score; -1 when none. */
  explain(query: RecommendQuery, item: number): { after: number; weight: number } {
    const window = queryWindow(query, this.seqIndptr, this.seqItems, this.nItems, this.params.lookback);
    let best = -1;
    let bestW = 0;
    let w = 1;
    for (let k = window.length - 1; k >= 0; k--) {
      const it = window[k]!;
      const T = this.transitions;
      for (let p = T.indptr[it]!; p < T.indptr[it + 1]!; p++) {
        if (T.indices[p] === item && w * T.values[p]! > bestW) {
          bestW = w * T.values[p]!;
          best = it;
        }
      }
      w *= this.params.decay;
    }
    return { after: best, weight: bestW };
  }

  toArtifact(): Artifact {
    return {
      manifest: this.manifest(),
      buffers: {
        ...csrBuffers('history', this.history),
        ...csrBuffers('transitions', this.transitions),
        popularity: bytesOf(this.popularity),
        'seq.indptr': bytesOf(this.seqIndptr),
        'seq.items': bytesOf(this.seqItems),
      },
    };
  }
}

export const markovFactory: RecommenderFactory<MarkovParams> = {
  kind: 'markov',
  description: 'Item-to-item transitions (Markov chain) over the latest items of a sequence or session',
  paramsSchema: markovParamsSchema,
  create: (params) => new MarkovRecommender(parseParams(markovParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new MarkovRecommender(parseParams(markovParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.transitions = csrFromBuffers('transitions', artifact.buffers, m.nItems, m.nItems);
    m.popularity = float64Of(requireBuffer(artifact, 'popularity'));
    m.seqIndptr = int32Of(requireBuffer(artifact, 'seq.indptr'));
    m.seqItems = int32Of(requireBuffer(artifact, 'seq.items'));
    return m;
  },
};
