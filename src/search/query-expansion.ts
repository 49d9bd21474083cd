/**
 * Query expansion: turns the words of a query into groups of weighted term alternatives for
 * {@link SearchIndex.scoreGroups}. Per word: the word itself; if the catalogue does not know it, its typo corrections
 * (length-based edit budget) and its split into two known words (`deckover` → `deck over`); joins with the next word
 * when the catalogue spells them as one (`deck over` → `deckover`); synonyms (configured, WordNet, learned); and for the
 * last word of a search-as-you-type query, its completions.
 */
import type { SearchIndex, TermAlternative } from './search-index.ts';
import { analyzeWord, words, type AnalyzerOptions } from './tokenizer.ts';
import { TypoCorrector } from './typo.ts';
import { wordnetSynonyms } from './wordnet-synonyms.ts';

/** Feature switches and weights of expansion (each defaults to on; the weights were tuned on the Home Depot dev split). */
export interface ExpansionOptions {
  typos?: boolean;
  compounds?: boolean;
  synonyms?: boolean;
  /** Built-in WordNet synonyms of product nouns (`wordnet-synonyms.ts`; default on, part of `synonyms`). */
  wordnet?: boolean;
  /** Complete the last word as a prefix (search-as-you-type). */
  prefixLast?: boolean;
  /** Recall stage (search engine): feedback terms from the best results re-order the tail (default on). */
  feedback?: boolean;
  /** Recall stage (search engine): catalogue-learned term associations re-order the tail (default on). */
  associations?: boolean;
  /** Recall stage (search engine): re-order only products that match every query word, the ones a search shows. */
  recallStrict?: boolean;
  /** Recall stage (search engine): re-order at most this many products below the head (default: the stage's depth). */
  recallDepth?: number;
  /** Weight of a one-edit correction; two edits get its square. */
  typoWeight?: number;
  synonymWeight?: number;
  /** Weight of a built-in WordNet synonym (default 0.35). */
  wordnetWeight?: number;
  prefixWeight?: number;
  /** Also try corrections for known words seen in at most this many documents (0 = unknown words only). */
  rareWordDocs?: number;
  /** Multiplier of the last word's group (in product queries the last word is usually the product type). */
  headWeight?: number;
  /** Multiplier of groups that are bare numbers (`2`, `96`): they match many unrelated products. */
  numberWeight?: number;
}

/** word → alternatives (surface words) with weights in (0, 1]. */
export type SynonymMap = Map<string, { word: string; weight: number }[]>;

/** The expanded query: groups for scoring and what the engine understood, for did-you-mean and highlighting. */
export interface ExpandedQuery {
  /** The surface words after stop-word removal. */
  words: string[];
  groups: TermAlternative[][];
  /** The query with unknown words replaced by their best correction, when any was made. */
  corrected?: string;
  /** Every surface word that may be highlighted in results. */
  highlightWords: Set<string>;
  /** Synonyms that added a term, per query word and source (configured rules, learned from clicks, spellings, WordNet). */
  synonymsUsed: { word: string; synonym: string; source: 'rule' | 'clicks' | 'spelling' | 'wordnet' }[];
}

/** Longest synonym rule accepted. */
export const MAX_SYNONYM_RULE_CHARS = 500;

/**
 * Why a synonym rule is unusable, or undefined when it is fine: a rule is `a, b, c` (two or more distinct words or
 * phrases, all equivalent) or `a, b => c, d` (one way; both sides non-empty, one `=>`).
 */
export function synonymRuleProblem(rule: string): string | undefined {
  if (rule.length > MAX_SYNONYM_RULE_CHARS) return `is longer than ${MAX_SYNONYM_RULE_CHARS} characters`;
  const terms = (side: string) => side.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const sides = rule.split('=>');
  if (sides.length > 2) return 'has more than one "=>"';
  if (sides.length === 2) {
    if (terms(sides[0] as string).length === 0) return 'has nothing before "=>"';
    if (terms(sides[1] as string).length === 0) return 'has nothing after "=>"';
    return undefined;
  }
  if (new Set(terms(rule)).size < 2) return 'needs two or more different words separated by commas (a, b) or a one-way rule (a => b)';
  return undefined;
}

/**
 * Parses synonym rules: `a, b, c` (all equivalent) or `a => b, c` (one way); one rule per entry. Lower-cased.
 */
export function parseSynonyms(rules: readonly string[]): SynonymMap {
  const map: SynonymMap = new Map();
  const add = (from: string, to: string, weight: number) => {
    if (!from || !to || from === to) return;
    const list = map.get(from) ?? [];
    if (!list.some((x) => x.word === to)) list.push({ word: to, weight });
    map.set(from, list);
  };
  for (const rule of rules) {
    const oneWay = rule.split('=>');
    if (oneWay.length === 2) {
      const froms = (oneWay[0] as string).split(',').map((s) => s.trim().toLowerCase());
      const tos = (oneWay[1] as string).split(',').map((s) => s.trim().toLowerCase());
      for (const f of froms) for (const t of tos) add(f, t, 1);
    } else {
      const all = rule.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
      for (const f of all) for (const t of all) add(f, t, 1);
    }
  }
  return map;
}

/** British ↔ American spelling rules: each maps a word to its other spelling (or undefined). */
const VARIANT_RULES: ((w: string) => string | undefined)[] = [
  // colour → color, harbours → harbors (not four, pour, flour: at least two letters and a consonant before -our)
  (w) => (/^.{2,}[^aeiou]our(s|ed|ing|less|ful)?$/.test(w) ? w.replace(/our(s|ed|ing|less|ful)?$/, 'or$1') : undefined),
  (w) => (/^.{2,}[^aeiou]or(s|ed|ing|less|ful)?$/.test(w) ? w.replace(/or(s|ed|ing|less|ful)?$/, 'our$1') : undefined),
  // mould → mold, moulding → molding
  (w) => (/^[^aeiou]*ould/.test(w) && !/^(c|w|sh)ould/.test(w) ? w.replace('ould', 'old') : undefined),
  (w) => (/^[^aeiou]+old/.test(w) && !/^(c|w|sh)old/.test(w) ? w.replace('old', 'ould') : undefined),
  // centre → center, metre → meter
  (w) => (/^.{2,}tre(s)?$/.test(w) ? w.replace(/tre(s)?$/, 'ter$1') : undefined),
  // organiser → organizer
  (w) => (/^.{3,}is(e|es|ed|er|ers|ing|ation)$/.test(w) ? w.replace(/is(e|es|ed|er|ers|ing|ation)$/, 'iz$1') : undefined),
  (w) => (/^.{3,}iz(e|es|ed|er|ers|ing|ation)$/.test(w) ? w.replace(/iz(e|es|ed|er|ers|ing|ation)$/, 'is$1') : undefined),
  (w) => (w === 'grey' ? 'gray' : w === 'gray' ? 'grey' : undefined),
  (w) => (w === 'aluminium' ? 'aluminum' : w === 'aluminum' ? 'aluminium' : undefined),
];

/**
 * Synonyms learned from the catalogue itself: a word's British/American spelling variant when the catalogue uses
 * both (`moulding` ↔ `molding`, `colour` ↔ `color`, `grey` ↔ `gray`), so either spelling finds both sets of products.
 * Weight 0.9. Only pairs whose both spellings occur in the catalogue are kept.
 */
export function learnSpellingVariants(vocabulary: ReadonlyMap<string, number>): SynonymMap {
  const out: SynonymMap = new Map();
  for (const w of vocabulary.keys()) {
    if (w.length < 4) continue;
    for (const rule of VARIANT_RULES) {
      const v = rule(w);
      if (!v || v === w || !vocabulary.has(v)) continue;
      for (const [a, b] of [[w, v], [v, w]] as const) {
        const list = out.get(a) ?? [];
        if (!list.some((x) => x.word === b)) list.push({ word: b, weight: 0.9 });
        out.set(a, list);
      }
    }
  }
  return out;
}

/** Turns queries into scoring groups against one index; caches its typo corrector per index version. */
export class QueryExpander {
  private corrector: TypoCorrector | undefined;
  private correctorVersion = -1;

  constructor(
    private readonly index: SearchIndex,
    /** Configured synonym rules (code, CLI, the store's rules). */
    public synonyms: SynonymMap = new Map(),
    /** Synonyms learned from clicks (`click-synonyms.ts`); weighted like rules, reported apart. */
    public learnedSynonyms: SynonymMap = new Map(),
  ) {}

  private learned: SynonymMap | undefined;
  private learnedVersion = -1;

  /** Spelling variants learned from the catalogue (see {@link learnSpellingVariants}), per index version. */
  catalogueSynonyms(): SynonymMap {
    if (!this.learned || this.learnedVersion !== this.index.version) {
      this.learned = learnSpellingVariants(this.index.surface);
      this.learnedVersion = this.index.version;
    }
    return this.learned;
  }

  private builtin: Map<string, string[]> | undefined;
  private builtinVersion = -1;

  /** WordNet synonyms the catalogue uses (see {@link wordnetSynonyms}), keyed by term, per index version. */
  builtinSynonyms(): Map<string, string[]> {
    if (!this.builtin || this.builtinVersion !== this.index.version) {
      this.builtin = wordnetSynonyms((t) => this.index.docFreq(t) > 0, (w) => this.term(w));
      this.builtinVersion = this.index.version;
    }
    return this.builtin;
  }

  private typoCorrector(): TypoCorrector {
    if (!this.corrector || this.correctorVersion !== this.index.version) {
      this.corrector = new TypoCorrector(this.index.surface);
      this.correctorVersion = this.index.version;
    }
    return this.corrector;
  }

  private term(word: string): string {
    if (this.index.analyzerKind === 'reference') return word;
    return analyzeWord(word, this.index.analyzerOptions);
  }

  private known(word: string): boolean {
    const t = this.term(word);
    return t !== '' && this.index.docFreq(t) > 0;
  }

  /** Completions of a prefix among catalogue words, most frequent first. */
  completions(prefix: string, limit = 8): string[] {
    if (prefix.length < 1) return [];
    const sorted = this.index.sortedWords();
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++) {
      found.push(sorted[i] as string);
      if (found.length > 2000) break;
    }
    found.sort((a, b) => (this.index.surface.get(b) ?? 0) - (this.index.surface.get(a) ?? 0) || (a < b ? -1 : 1));
    return found.slice(0, limit);
  }

  /** Expands a query string; see the module header for what each option does. */
  expand(query: string, options: ExpansionOptions = {}): ExpandedQuery {
    const analyzerOptions: AnalyzerOptions = this.index.analyzerOptions;
    const raw = words(query, analyzerOptions).filter((w) => this.term(w) !== '');
    const typoWeight = options.typoWeight ?? 0.8;
    const synonymWeight = options.synonymWeight ?? 0.7;
    const prefixWeight = options.prefixWeight ?? 0.9;
    const groups: TermAlternative[][] = [];
    const highlight = new Set<string>();
    const synonymsUsed: ExpandedQuery['synonymsUsed'] = [];
    const corrected: string[] = [];
    let changed = false;
    const endsWithSpace = /\s$/.test(query);
    // Adjacent words the catalogue writes as one (`deck over` → `deckover`): both positions accept the join.
    const joins: (string | undefined)[] = raw.map((w, i) => {
      const next = raw[i + 1];
      if (options.compounds === false || next === undefined || !/^\p{L}+$/u.test(w) || !/^\p{L}+$/u.test(next)) return undefined;
      return this.index.surface.has(w + next) ? w + next : undefined;
    });
    for (let i = 0; i < raw.length; i++) {
      const w = raw[i] as string;
      const alts = new Map<string, number>();
      const put = (word: string, weight: number) => {
        const t = this.term(word);
        if (!t) return;
        if ((alts.get(t) ?? 0) < weight) alts.set(t, weight);
        highlight.add(word);
      };
      put(w, 1);
      const isKnown = this.known(w);
      const isWord = /^\p{L}+$/u.test(w);
      let best = w;
      const freq = this.index.surface.get(w) ?? 0;
      if (options.typos !== false && isWord && (!isKnown || freq <= (options.rareWordDocs ?? 0))) {
        const cs = this.typoCorrector().corrections(w, 3);
        for (const c of cs) {
          if (isKnown && c.frequency < freq * 10) continue;
          put(c.word, c.distance === 1 ? typoWeight : typoWeight * typoWeight);
        }
        if (!isKnown && cs[0]) best = cs[0].word;
      }
      let split: [string, string] | undefined;
      if (options.compounds !== false && isWord && !isKnown && w.length >= 5) split = this.bestSplit(w);
      const joinNext = joins[i];
      const joinPrev = i > 0 ? joins[i - 1] : undefined;
      if (joinNext) put(joinNext, 1);
      if (joinPrev) put(joinPrev, 1);
      if (options.synonyms !== false) {
        for (const [map, source] of [[this.synonyms, 'rule'], [this.learnedSynonyms, 'clicks']] as const) {
          for (const s of map.get(w) ?? []) {
            const parts = words(s.word, analyzerOptions);
            if (parts.some((part) => !alts.has(this.term(part)))) synonymsUsed.push({ word: w, synonym: s.word, source });
            for (const part of parts) put(part, synonymWeight * s.weight);
          }
        }
        for (const s of this.catalogueSynonyms().get(w) ?? []) {
          if (!alts.has(this.term(s.word))) synonymsUsed.push({ word: w, synonym: s.word, source: 'spelling' });
          put(s.word, s.weight);
        }
        if (options.wordnet !== false && isWord) {
          for (const s of this.builtinSynonyms().get(this.term(w)) ?? []) {
            if (!alts.has(this.term(s))) synonymsUsed.push({ word: w, synonym: s, source: 'wordnet' });
            put(s, options.wordnetWeight ?? 0.35);
          }
        }
      }
      if (options.prefixLast && i === raw.length - 1 && !endsWithSpace && isWord && w.length >= 2) {
        for (const c of this.completions(w, 10)) if (c !== w) put(c, prefixWeight);
      }
      if (split && alts.size === 1 && !isKnown) {
        groups.push([{ term: this.term(split[0]), weight: 1 }]);
        groups.push([{ term: this.term(split[1]), weight: 1 }]);
        highlight.add(split[0]);
        highlight.add(split[1]);
        corrected.push(`${split[0]} ${split[1]}`);
        changed = true;
      } else {
        let scale = 1;
        if (i === raw.length - 1 && raw.length > 1 && isWord) scale *= options.headWeight ?? 1;
        if (/^\d+(?:\.\d+)?$/.test(w)) scale *= options.numberWeight ?? 1;
        groups.push([...alts].map(([term, weight]) => ({ term, weight: weight * scale })));
        corrected.push(best);
        if (best !== w) changed = true;
      }
    }
    const out: ExpandedQuery = { words: raw, groups, highlightWords: highlight, synonymsUsed };
    if (changed) out.corrected = corrected.join(' ');
    return out;
  }

  /** Splits an unknown word into two catalogue words, preferring the most frequent pair. */
  private bestSplit(w: string): [string, string] | undefined {
    let best: [string, string] | undefined;
    let bestScore = 0;
    for (let k = 2; k <= w.length - 2; k++) {
      const a = w.slice(0, k);
      const b = w.slice(k);
      const fa = this.index.surface.get(a) ?? 0;
      const fb = this.index.surface.get(b) ?? 0;
      if (fa < 2 || fb < 2) continue;
      const score = Math.min(fa, fb);
      if (score > bestScore) {
        bestScore = score;
        best = [a, b];
      }
    }
    return best;
  }
}
