/**
 * Ranking: how text relevance, business signals, click learning, category intent and personalisation combine.
 *
 *   final = (text · coord^coordPower + proximity bonus) · (1 + categoryIntent · P(category | query))
 *         + popularity · pop + conversion · conv + inStock · stock + margin · margin
 *         + clicks · ctr(query, item) + personal · affinity(user, item) + recommendation · rec(user, item)
 *
 * `text` is the BM25F score divided by the query's best BM25F score (0..1), `coord` the share of query words a
 * product matched; every signal is scaled to 0..1 before weighting, so a weight reads as "how many best text matches
 * this signal is worth". Defaults were chosen so text dominates and signals break near-ties.
 */
import { CartwiseError } from '../core/errors.ts';

/** Weights of the ranking formula above (tunable with the `searchWeights` setting; documented in docs/guide/search.md). */
export interface RankingWeights {
  coordPower: number;
  /** Bonus for query words adjacent and in order in the title, as a share of the best text score per adjacent pair. */
  proximity: number;
  categoryIntent: number;
  popularity: number;
  conversion: number;
  inStock: number;
  margin: number;
  clicks: number;
  personal: number;
  recommendation: number;
}

export const DEFAULT_RANKING_WEIGHTS: RankingWeights = {
  coordPower: 1,
  proximity: 0.1,
  categoryIntent: 0.15,
  popularity: 0.05,
  conversion: 0.05,
  inStock: 0.03,
  margin: 0.02,
  clicks: 0.3,
  personal: 0.1,
  recommendation: 0.1,
};

/**
 * Ranking weights from the `searchWeights` setting (`margin=0.1,clicks=0.5`): the named weights replace the defaults.
 * An unknown name or a negative or non-numeric value is a configuration error naming it.
 */
export function parseRankingWeights(spec: string): Partial<RankingWeights> {
  const out: Partial<RankingWeights> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = part.split('=').map((x) => x.trim()) as [string, string | undefined];
    if (!(name in DEFAULT_RANKING_WEIGHTS)) {
      throw new CartwiseError('CONFIG_INVALID', { key: 'searchWeights', reason: `unknown weight "${name}"; known: ${Object.keys(DEFAULT_RANKING_WEIGHTS).join(', ')}` });
    }
    const v = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(v) || v < 0) throw new CartwiseError('CONFIG_INVALID', { key: 'searchWeights', reason: `${name} must be a number ≥ 0 (got ${JSON.stringify(value ?? '')})` });
    out[name as keyof RankingWeights] = v;
  }
  return out;
}

/** Per-item business signals, each scaled to 0..1 (NaN = unknown, treated as 0). Indexed by item id. */
export interface ItemSignals {
  popularity: Map<string, number>;
  conversion: Map<string, number>;
  margin: Map<string, number>;
}

/** Position-bias-corrected click-through per normalised query and item (0..1). */
export type ClickModel = Map<string, Map<string, number>>;

/** A user's affinities learned from their events: category levels, brands, and a typical price. */
export interface UserAffinity {
  categories: Map<string, number>;
  brands: Map<string, number>;
  /** median price of what they bought or viewed; undefined when unknown */
  typicalPrice?: number;
}

/** Normalises a query for click and query logs: lower-case, single spaces. */
export function normalizeQueryKey(q: string): string {
  return q.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Examination propensity of a rank (1-based) under the position-based click model: `1 / rank^eta`
 * (Joachims et al., "Unbiased learning-to-rank with biased feedback", WSDM 2017; eta ≈ 1 in their experiments).
 */
export function examinationPropensity(rank: number, eta = 1): number {
  return 1 / Math.pow(Math.max(1, rank), eta);
}

/**
 * Learns query–item click-through with inverse-propensity weighting: each impression at rank r counts as p(r)
 * examinations, so an item clicked at rank 8 gains more than one clicked at rank 1. Returns a Bayesian-smoothed rate
 * `(clicks) / (examinations + prior)` per (query, item), scaled so the best pair is 1.
 */
export function learnClickModel(
  impressions: Iterable<{ query: string; items: readonly string[]; clicked: ReadonlySet<string>; /** rank of items[0] minus 1 (later pages) */ offset?: number }>,
  options: { eta?: number; prior?: number } = {},
): ClickModel {
  const eta = options.eta ?? 1;
  const prior = options.prior ?? 1;
  const stats = new Map<string, Map<string, { clicks: number; exam: number }>>();
  for (const imp of impressions) {
    const key = normalizeQueryKey(imp.query);
    let m = stats.get(key);
    if (!m) stats.set(key, (m = new Map()));
    imp.items.forEach((id, i) => {
      const p = examinationPropensity((imp.offset ?? 0) + i + 1, eta);
      let s = m.get(id);
      if (!s) m.set(id, (s = { clicks: 0, exam: 0 }));
      s.exam += p;
      if (imp.clicked.has(id)) s.clicks += 1;
    });
    for (const id of imp.clicked) {
      if (imp.items.includes(id)) continue;
      let s = m.get(id);
      if (!s) m.set(id, (s = { clicks: 0, exam: 0 }));
      s.clicks += 1;
      s.exam += 1;
    }
  }
  const model: ClickModel = new Map();
  let best = 0;
  for (const [q, m] of stats) {
    const out = new Map<string, number>();
    for (const [id, s] of m) {
      if (s.clicks === 0) continue;
      const ctr = s.clicks / (s.exam + prior);
      out.set(id, ctr);
      best = Math.max(best, ctr);
    }
    if (out.size > 0) model.set(q, out);
  }
  if (best > 0) for (const m of model.values()) for (const [id, v] of m) m.set(id, v / best);
  return model;
}
