/**
 * Synonyms learned from query → click data. When shoppers who typed a word keep clicking products whose titles lack
 * it, the words those titles share are what the catalogue calls the thing: `stove` → `range`, `fridge` →
 * `refrigerator`. For every (query, clicked product) pair and every query word the title lacks (compared after
 * analysis, so plurals and stems match), each other title word is counted. A word `t` becomes a synonym of `w` when
 * - it was counted at least `minClicks` times,
 * - it is in at least `minShare` of the clicked titles that lacked `w`, and
 * - that share is at least `minLift` times its share of the whole catalogue (so `with`, `pack` or a colour that is
 *   in every other title does not qualify); a maker's name never does (the item's brand, or a title's leading word
 *   that the catalogue uses as a brand, `brand-terms.ts`);
 * at most `perWord` per word, weighted `weight × share`. Works for multi-word queries; a word learned this way is an
 * alternative of its query word (`query-expansion.ts`), so it adds matches without removing any.
 * Complexity: O(clicks × query words × title words) time, O(learned pairs) memory.
 */
import type { SynonymMap } from './query-expansion.ts';
import { BrandTerms } from './brand-terms.ts';
import type { SearchIndex } from './search-index.ts';
import { words } from './tokenizer.ts';

export interface ClickSynonymOptions {
  /** Clicked titles that must carry the word (default 3). */
  minClicks: number;
  /** Share of the clicked titles lacking the query word that must carry it (default 0.3). */
  minShare: number;
  /** How much more common among those titles than in the catalogue (default 20). */
  minLift: number;
  /** Synonyms kept per query word (default 2). */
  perWord: number;
  /** Weight of a synonym with share 1 (default 0.7; the query word itself weighs 1). */
  weight: number;
}

export const DEFAULT_CLICK_SYNONYMS: ClickSynonymOptions = { minClicks: 3, minShare: 0.3, minLift: 20, perWord: 2, weight: 0.7 };

/** One search and the product ids clicked (or carted, or bought) from it. */
export interface QueryClicks {
  query: string;
  clicked: Iterable<string>;
}

/** Learns synonyms from a click log over `index`'s catalogue; see the module header for the rule. */
export function learnClickSynonyms(index: SearchIndex, log: Iterable<QueryClicks>, options: Partial<ClickSynonymOptions> = {}): SynonymMap {
  const o = { ...DEFAULT_CLICK_SYNONYMS, ...options };
  const term = (w: string) => index.analyze(w)[0] ?? '';
  const brands = new BrandTerms(index);
  const titleWords = new Map<string, { surface: string[]; terms: Set<string> }>();
  const wordsOfTitle = (id: string) => {
    let got = titleWords.get(id);
    if (got) return got;
    const slot = index.slotOfId(id);
    const doc = slot === undefined ? undefined : index.docAt(slot);
    if (doc === undefined) return undefined;
    const all = words(doc.title).filter((w) => /^\p{L}{2,}$/u.test(w) && term(w) !== '');
    // A maker's name is not a word for the thing: skip the item's brand words and a leading catalogue brand word.
    const maker = new Set(doc.brand ? words(doc.brand) : []);
    const first = index.titleTermIds(slot as number)[0];
    if (first !== undefined && brands.isBrand(first)) maker.add(all[0] ?? '');
    const surface = [...new Set(all.filter((w) => !maker.has(w)))];
    got = { surface, terms: new Set(all.map(term)) };
    titleWords.set(id, got);
    return got;
  };
  const counts = new Map<string, Map<string, number>>();
  const lacking = new Map<string, number>();
  for (const { query, clicked } of log) {
    const queryWords = [...new Set(words(query).filter((w) => /^\p{L}{3,}$/u.test(w) && term(w) !== ''))];
    if (queryWords.length === 0) continue;
    const queryTerms = new Set(queryWords.map(term));
    for (const id of clicked) {
      const title = wordsOfTitle(id);
      if (!title) continue;
      for (const w of queryWords) {
        if (title.terms.has(term(w))) continue;
        lacking.set(w, (lacking.get(w) ?? 0) + 1);
        let m = counts.get(w);
        if (!m) counts.set(w, (m = new Map()));
        for (const t of title.surface) if (!queryTerms.has(term(t))) m.set(t, (m.get(t) ?? 0) + 1);
      }
    }
  }
  const out: SynonymMap = new Map();
  const size = Math.max(1, index.size);
  for (const [w, m] of counts) {
    const n = lacking.get(w) as number;
    const kept = [...m]
      .filter(([t, c]) => c >= o.minClicks && c / n >= o.minShare && c / n >= (o.minLift * index.docFreq(term(t))) / size)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, o.perWord);
    if (kept.length > 0) out.set(w, kept.map(([t, c]) => ({ word: t, weight: o.weight * Math.min(1, c / n) })));
  }
  return out;
}
