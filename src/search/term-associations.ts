/**
 * Term associations learned from the catalogue alone: for a query term `w`, the catalogue words `v` that best predict
 * it, ranked by P(w | v) = (items containing both) / (items containing v). A product whose text has such a word but
 * not `w` itself ("Range Hood" for `kitchen`, "In-Wall Digital Timer" for `light`) is probably still about `w`; the
 * search engine adds these words to the query at a low weight (`weight × P(w | v)`) in its recall stage. This is the
 * translation-model view of query expansion (Berger & Lafferty, "Information retrieval as statistical translation",
 * SIGIR 1999) with translation probabilities estimated from item-level co-occurrence instead of parallel text.
 *
 * Nothing is precomputed at indexing time: the co-occurrence row of a term is counted on first use from its posting
 * list (O(Σ distinct terms of the items containing it), capped at {@link MAX_POSTINGS} items) and cached until the
 * index changes. Limits: co-occurrence within one item is a weak signal for rare words, hence the minimum counts;
 * brand names and series names that always appear with a word are legitimate predictors of it (they still only
 * reorder the tail of the ranking, see `search-engine.ts`).
 */
import type { SearchIndex } from './search-index.ts';

/** A predicting term and P(query term | it). */
export interface TermAssociation {
  termId: number;
  probability: number;
}

export interface TermAssociationOptions {
  /** Predictors kept per term (default 10). */
  limit?: number;
  /** A predictor must occur in at least this many items (default 20): P(w | v) from fewer items is noise. */
  minDocFreq?: number;
  /** ...and co-occur with the term in at least this many (default 3). */
  minCooccurrence?: number;
}

/** Items of a term's posting list looked at; more frequent terms are sampled by their first items. */
export const MAX_POSTINGS = 20_000;
const WORD_TERM = /^\p{L}{3,}$/u;

/** Lazily computed, cached predictors per term of one index (see the module header). */
export class TermAssociations {
  private cache = new Map<number, TermAssociation[]>();
  private cachedVersion = -1;
  private counts = new Int32Array(0);
  private isWord: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly index: SearchIndex,
    private readonly options: TermAssociationOptions = {},
  ) {}

  /** Terms that predict `termId`, best first (empty for numbers, short tokens and unknown ids). */
  predictors(termId: number): TermAssociation[] {
    if (this.cachedVersion !== this.index.version) {
      this.cache.clear();
      this.isWord = new Uint8Array(0);
      this.cachedVersion = this.index.version;
    }
    const hit = this.cache.get(termId);
    if (hit) return hit;
    const out = this.compute(termId);
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(termId, out);
    return out;
  }

  private compute(termId: number): TermAssociation[] {
    const index = this.index;
    const vocabulary = index.vocabularySize;
    if (termId < 0 || termId >= vocabulary || !WORD_TERM.test(index.termAt(termId))) return [];
    if (this.counts.length < vocabulary) this.counts = new Int32Array(vocabulary);
    if (this.isWord.length < vocabulary) {
      this.isWord = new Uint8Array(vocabulary);
      for (let t = 0; t < vocabulary; t++) this.isWord[t] = WORD_TERM.test(index.termAt(t)) ? 1 : 0;
    }
    const limit = this.options.limit ?? 10;
    const minDf = this.options.minDocFreq ?? 20;
    const minCo = this.options.minCooccurrence ?? 3;
    const counts = this.counts;
    const seen: number[] = [];
    const docs = index.postingDocs(termId);
    let looked = 0;
    for (let i = 0; i < docs.length && looked < MAX_POSTINGS; i++) {
      const d = docs[i] as number;
      if (!index.isAlive(d)) continue;
      looked++;
      for (const u of index.termsOfSlot(d)) {
        if (counts[u] === 0) seen.push(u);
        counts[u] = (counts[u] as number) + 1;
      }
    }
    const found: TermAssociation[] = [];
    for (const u of seen) {
      const c = counts[u] as number;
      counts[u] = 0;
      if (u === termId || c < minCo || this.isWord[u] !== 1) continue;
      const df = index.docFreqOf(u);
      if (df < minDf) continue;
      found.push({ termId: u, probability: Math.min(1, c / df) });
    }
    found.sort((a, b) => b.probability - a.probability || a.termId - b.termId);
    return found.slice(0, limit);
  }
}
