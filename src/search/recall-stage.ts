/**
 * The recall stage's settings and its pseudo-relevance feedback. The search engine keeps the first
 * {@link RecallStageOptions.head} results of its precise ranker as they are and re-orders everything below them by a
 * broader score: the precise score with the query's catalogue-learned term associations added at a low weight
 * (`term-associations.ts`), plus feedback terms from the best few results (RM3-style relevance model: Lavrenko &
 * Croft, SIGIR 2001; Abdul-Jaleel et al., TREC 2004); products lacking a brand word of the query (a word the
 * catalogue's titles open with, `brand-terms.ts`) lose part of that score. Feedback is known to help recall and hurt precision, which is
 * why it only decides the tail. Complexity: two BM25F passes restricted to the head + `depth` products (binary search
 * in the posting lists: O((head + depth) · terms · log df)), plus one co-occurrence count per new query word. A
 * search re-orders only the products it shows (every query word matched, down to the page's last rank). Limits: both
 * expansions can drift (a brand's other products); they never enter the head, and never change which products count
 * as matching every query word (facets and strict matching are unchanged).
 */
import type { SearchIndex } from './search-index.ts';

export interface RecallStageOptions {
  /** Results of the precise ranker kept on top as they are (default 10, a first page). */
  head: number;
  /** Results below the head that are re-ordered (default 1,000); the rest keep their order below them. */
  depth: number;
  /** Best results whose words become feedback terms (default 5; 0 = no feedback). */
  feedbackDocs: number;
  /** Feedback terms added (default 10). */
  feedbackTerms: number;
  /** Weight of the feedback score, as a share of the best precise score (default 0.3). */
  feedbackWeight: number;
  /** Associated terms added per query word (default 10; 0 = none). */
  associations: number;
  /** Weight of an associated term: `associationWeight × P(word | term)` (default 0.2). */
  associationWeight: number;
  /** An associated term must occur in at least this many items (default 20). */
  associationMinDocs: number;
  /**
   * Share of its broad score a product loses when it lacks a brand the query names (`brand-terms.ts`; default 0.5,
   * 0 = off): `ge stove` keeps GE's ranges ahead of other makers' stoves below the head.
   */
  brandMissing: number;
}

export const DEFAULT_RECALL_STAGE: RecallStageOptions = {
  head: 10,
  depth: 1000,
  feedbackDocs: 5,
  feedbackTerms: 10,
  feedbackWeight: 0.3,
  associations: 10,
  associationWeight: 0.2,
  associationMinDocs: 20,
  brandMissing: 0.5,
};

const WORD_TERM = /^\p{L}{3,}$/u;

/**
 * Feedback terms from the best results: each result spreads its share of the results' total score evenly over its
 * distinct words (3+ letters, not already in the query); the `limit` heaviest words, weights scaled so the first is 1.
 */
export function feedbackTerms(index: SearchIndex, docs: readonly number[], scores: Float64Array, exclude: ReadonlySet<string>, limit: number): { term: string; weight: number }[] {
  let total = 0;
  for (const d of docs) total += scores[d] as number;
  if (total <= 0 || limit <= 0) return [];
  const weight = new Map<number, number>();
  for (const d of docs) {
    const terms = index.termsOfSlot(d);
    if (terms.length === 0) continue;
    const share = (scores[d] as number) / total / terms.length;
    for (const t of terms) {
      if (!WORD_TERM.test(index.termAt(t))) continue;
      weight.set(t, (weight.get(t) ?? 0) + share);
    }
  }
  const ranked = [...weight].filter(([t]) => !exclude.has(index.termAt(t))).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit);
  const top = ranked[0]?.[1] ?? 0;
  return top > 0 ? ranked.map(([t, w]) => ({ term: index.termAt(t), weight: w / top })) : [];
}
