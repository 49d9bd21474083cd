/**
 * The search engine: query understanding (constraints → filters, expansion), retrieval (BM25F, optional vector
 * retrieval fused by reciprocal rank), ranking ({@link ./ranking.ts}), filters, facets, sorting, pagination,
 * highlighting, did-you-mean and zero-result recovery. Pure and synchronous over an in-memory {@link SearchIndex};
 * the store-backed lifecycle lives in `search-service.ts`.
 */
import { CartwiseError } from '../core/errors.ts';
import { randomId } from '../core/ids.ts';
import { categoryLevels } from '../core/schemas/index.ts';
import { buildValueDictionary, parseConstraints, type SearchFilter, type ValueDictionary } from './constraints.ts';
import { QueryExpander, type ExpandedQuery, type ExpansionOptions, type SynonymMap } from './query-expansion.ts';
import { DEFAULT_RANKING_WEIGHTS, normalizeQueryKey, type ClickModel, type ItemSignals, type RankingWeights, type UserAffinity } from './ranking.ts';
import { DEFAULT_RECALL_STAGE, feedbackTerms, type RecallStageOptions } from './recall-stage.ts';
import { SearchIndex, type ScoredDocs, type StoredDoc, type TermAlternative } from './search-index.ts';
import { BrandTerms } from './brand-terms.ts';
import { TermAssociations } from './term-associations.ts';
import { analyzeWord, normalizeText, wordSpans } from './tokenizer.ts';
import { topK } from './top-k.ts';

/** Facet values per slot as interned ids (CSR lists for multi-valued ones). */
interface FacetTable {
  version: number;
  categories: string[];
  brands: string[];
  /** `key\u0000value` */
  pairs: string[];
  pairKey: string[];
  catOffsets: Int32Array;
  catList: Int32Array;
  brand: Int32Array;
  priceBucket: Int8Array;
  inStock: Uint8Array;
  pairOffsets: Int32Array;
  pairList: Int32Array;
}

/** Candidate slots and their text scores, parallel arrays. */
interface Candidates {
  slots: Int32Array;
  text: Float64Array;
}

export const SEARCH_SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'popularity'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** Longest accepted query, in characters. */
export const MAX_QUERY_CHARS = 512;

export interface SearchRequest {
  q: string;
  filters?: SearchFilter[];
  sort?: SearchSort;
  /** 1-based */
  page?: number;
  pageSize?: number;
  userId?: string;
  /** Complete the last word (search-as-you-type). */
  prefix?: boolean;
  /** Parse "under 50", colours, brands… into filters (default true). */
  parseConstraints?: boolean;
  facets?: boolean;
  highlight?: boolean;
}

const SYNONYM_SOURCE = { rule: 'synonym rule', clicks: 'learned from clicks', spelling: 'spelling variant', wordnet: 'WordNet synonym' } as const;

/** `stove also matches range, oven (WordNet synonym)`: one line per query word and source, at most 5 lines. */
function describeSynonyms(used: ExpandedQuery['synonymsUsed']): string[] {
  const lines = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const u of used) {
    if (seen.has(`${u.word}\u0000${u.synonym}`)) continue; // first source wins (rules, clicks, spellings, WordNet)
    seen.add(`${u.word}\u0000${u.synonym}`);
    const key = `${u.word}\u0000${u.source}`;
    const list = lines.get(key) ?? [];
    if (!list.includes(u.synonym)) list.push(u.synonym);
    lines.set(key, list);
  }
  return [...lines].slice(0, 5).map(([key, list]) => {
    const [word, source] = key.split('\u0000') as [string, keyof typeof SYNONYM_SOURCE];
    const plural = list.length > 1 && source !== 'clicks' ? 's' : '';
    return `${word} also matches ${list.join(', ')} (${SYNONYM_SOURCE[source]}${plural})`;
  });
}

/** Per-request context the service supplies: the user's affinities and recommendation scores. */
export interface SearchContext {
  user?: UserAffinity;
  recommendationScores?: Map<string, number>;
  /** Item ids ranked by a vector retriever, best first; fused with the lexical ranking by RRF. */
  vectorRanking?: readonly string[];
}

export interface SearchHit {
  id: string;
  title: string;
  score: number;
  price?: number;
  category?: string;
  brand?: string;
  inStock?: boolean;
  highlights?: { title: string; description?: string };
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface PriceBucket {
  from: number | null;
  to: number | null;
  count: number;
}

export interface SearchResponse {
  searchId: string;
  query: string;
  total: number;
  page: number;
  pageSize: number;
  hits: SearchHit[];
  facets?: { category: FacetValue[]; brand: FacetValue[]; price: PriceBucket[]; inStock: FacetValue[]; attrs: Record<string, FacetValue[]> };
  /** Filters in force: the request's plus those parsed from the query. */
  filters: SearchFilter[];
  /** What query understanding did, in words. */
  understood: string[];
  didYouMean?: string;
  /** How a query with no strict match was answered. */
  recovery?: 'relaxed' | 'dropped-filters' | 'corrected' | 'trending';
  /** The categories the query most likely means, with probabilities. */
  categoryIntent: FacetValue[];
  tookMs: number;
}

export interface SearchEngineOptions {
  expansion?: ExpansionOptions;
  weights?: Partial<RankingWeights>;
  synonyms?: SynonymMap;
  /** Upper edges of the price facet buckets. */
  priceEdges?: number[];
  /** The recall stage's depths and weights (see `recall-stage.ts`); switched off per query by `expansion`. */
  recallStage?: Partial<RecallStageOptions>;
}

/** How many of the best text matches the proximity feature looks at. */
const PROXIMITY_DEPTH = 200;
const DEFAULT_PRICE_EDGES = [10, 25, 50, 100, 250, 500, 1000];
const BUILTIN_FIELDS = ['category', 'brand', 'price', 'inStock', 'tags', 'id'];

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Parses the HTTP filter syntax `field:v1|v2;price:10..50;inStock:true` into filters (values unchecked). */
export function parseFilterString(raw: string): SearchFilter[] {
  const out: SearchFilter[] = [];
  for (const part of raw.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const colon = p.indexOf(':');
    if (colon <= 0) throw new CartwiseError('INVALID_PARAM', { name: 'filters', reason: `"${p}" is not field:value (e.g. brand:Acme|Zeta;price:10..50)` });
    const field = p.slice(0, colon).trim();
    const value = p.slice(colon + 1).trim();
    const range = /^(-?\d+(?:\.\d+)?)?\.\.(-?\d+(?:\.\d+)?)?$/.exec(value);
    if (range && (range[1] !== undefined || range[2] !== undefined)) {
      const f: SearchFilter = { field };
      if (range[1] !== undefined) f.min = Number(range[1]);
      if (range[2] !== undefined) f.max = Number(range[2]);
      out.push(f);
    } else {
      const values = value.split('|').map((v) => v.trim()).filter(Boolean);
      if (values.length === 0) throw new CartwiseError('INVALID_PARAM', { name: 'filters', reason: `no value for field "${field}"` });
      out.push({ field, values });
    }
  }
  return out;
}

/** The engine over one index. Signals and click models are swapped in as they are (re)learned. */
export class SearchEngine {
  readonly expander: QueryExpander;
  weights: RankingWeights;
  signals: ItemSignals = { popularity: new Map(), conversion: new Map(), margin: new Map() };
  clicks: ClickModel = new Map();
  /** normalised query → count of searches that had results (for autocomplete) */
  readonly queryLog = new Map<string, number>();
  private dictionary: ValueDictionary | undefined;
  private attrKeys: Set<string> | undefined;
  private dictionaryVersion = -1;
  private scratch: ScoredDocs | undefined;
  private mark = new Uint8Array(0);
  /** slot → proximity bonus added by the last {@link addProximity} call */
  private readonly proximityBonus = new Map<number, number>();
  private facetCache: FacetTable | undefined;
  readonly associations: TermAssociations;
  readonly brands: BrandTerms;
  readonly recallStage: RecallStageOptions;

  constructor(
    readonly index: SearchIndex,
    private readonly options: SearchEngineOptions = {},
  ) {
    this.expander = new QueryExpander(index, options.synonyms ?? new Map());
    this.weights = { ...DEFAULT_RANKING_WEIGHTS, ...options.weights };
    this.recallStage = { ...DEFAULT_RECALL_STAGE, ...options.recallStage };
    this.brands = new BrandTerms(index);
    this.associations = new TermAssociations(index, { limit: this.recallStage.associations, minDocFreq: this.recallStage.associationMinDocs });
  }

  private refreshDictionary(): void {
    if (this.dictionary && this.dictionaryVersion === this.index.version) return;
    const docs: StoredDoc[] = [];
    const keys = new Set<string>();
    for (const s of this.index.liveSlots()) {
      const d = this.index.docAt(s);
      if (!d) continue;
      docs.push(d);
      if (d.attrs) for (const k of Object.keys(d.attrs)) keys.add(k);
    }
    this.dictionary = buildValueDictionary(docs);
    this.attrKeys = keys;
    this.dictionaryVersion = this.index.version;
  }

  /**
   * Text scores of every slot for a query: expansion, BM25F, coordination (share of query words matched). Returns
   * the (reused) dense arrays; used by ranking and by the evaluation.
   */
  textScores(query: string, expansion: ExpansionOptions = {}): { scored: ScoredDocs; groups: number; corrected?: string; highlightTerms: Set<string>; synonymsUsed: ExpandedQuery['synonymsUsed'] } {
    const options = { ...this.options.expansion, ...expansion };
    const expanded = this.expander.expand(query, options);
    if (this.scratch) SearchIndex.clearScores(this.scratch);
    const scored = this.index.scoreGroups(expanded.groups, this.scratch);
    this.scratch = scored;
    const g = expanded.groups.length;
    this.applyCoordination(scored, g);
    this.proximityBonus.clear();
    if (g > 1 && this.weights.proximity > 0) this.addProximity(expanded.groups, scored);
    const feedback = options.feedback !== false && this.recallStage.feedbackDocs > 0 && this.recallStage.feedbackTerms > 0;
    const associations = options.associations !== false && this.recallStage.associations > 0;
    if (options.prefixLast !== true && (feedback || associations)) this.reorderTail(expanded.groups, scored, feedback, associations, options.recallStrict === true, options.recallDepth);
    const highlightTerms = new Set<string>();
    for (const w of expanded.highlightWords) highlightTerms.add(analyzeWord(w, this.index.analyzerOptions));
    const out: { scored: ScoredDocs; groups: number; corrected?: string; highlightTerms: Set<string>; synonymsUsed: ExpandedQuery['synonymsUsed'] } = { scored, groups: g, highlightTerms, synonymsUsed: expanded.synonymsUsed };
    if (expanded.corrected !== undefined) out.corrected = expanded.corrected;
    return out;
  }

  /** Multiplies each score by coord^coordPower, coord = share of the `g` query groups the slot matched. */
  private applyCoordination(scored: ScoredDocs, g: number): void {
    const p = this.weights.coordPower;
    if (g <= 1 || p <= 0) return;
    // coord^p for 0..g matched groups, computed once (g ≤ 255).
    const factor = new Float64Array(g + 1);
    for (let m = 0; m <= g; m++) factor[m] = Math.pow(Math.min(m, g) / g, p);
    for (const d of scored.touched) scored.scores[d] = (scored.scores[d] as number) * (factor[Math.min(scored.matched[d] as number, g)] as number);
  }

  /**
   * The recall stage (`recall-stage.ts`): keeps the best `head` slots of `scored` as they are, re-orders the next
   * `depth` by a broader score (the query with its catalogue-learned term associations, plus pseudo-relevance
   * feedback from the best results) and keeps the rest in their order below them. Only scores change: `matched` and
   * `touched` stay as the precise pass left them, so strict matching and facets do not change.
   */
  private reorderTail(groups: readonly (readonly TermAlternative[])[], scored: ScoredDocs, feedback: boolean, associations: boolean, strict: boolean, maxDepth?: number): void {
    const r = this.recallStage;
    const depth = Math.max(0, Math.min(r.depth, maxDepth ?? r.depth));
    const sc = scored.scores;
    let touched = scored.touched;
    if (strict && groups.length > 1) {
      // Only products matching every group can be shown (search() matches strictly), so only they are re-ordered.
      const all = touched;
      touched = all.filter((d) => (scored.matched[d] as number) >= groups.length);
    }
    if (touched.length <= r.head) return;
    const order = topK(touched.length, r.head + depth, (a, b) => (sc[touched[a] as number] as number) > (sc[touched[b] as number] as number) || ((sc[touched[a] as number] as number) === (sc[touched[b] as number] as number) && (touched[a] as number) < (touched[b] as number)));
    const head = order.slice(0, r.head).map((i) => touched[i] as number);
    const bestScore = sc[head[0] as number] as number;
    const headFloor = sc[head[head.length - 1] as number] as number;
    if (!(bestScore > 0) || !(headFloor > 0)) return;
    // Scored together with the head (its feedback scores set the scale), re-ordered without it.
    const cand = Int32Array.from(order, (i) => touched[i] as number).sort();
    const n = cand.length;
    const value = new Float64Array(n);
    const matched = new Uint8Array(n);

    // Broad score: every group gains its words' associated terms as low-weight alternatives; coordination as usual.
    if (associations) {
      const broadGroups = groups.map((alternatives) => {
        const first = alternatives[0];
        const id = first ? this.index.termId(first.term) : undefined;
        if (!first || id === undefined) return alternatives;
        const have = new Set(alternatives.map((a) => a.term));
        const extra: TermAlternative[] = [];
        for (const a of this.associations.predictors(id).slice(0, r.associations)) {
          const term = this.index.termAt(a.termId);
          if (!have.has(term)) extra.push({ term, weight: r.associationWeight * first.weight * a.probability });
        }
        return extra.length > 0 ? [...alternatives, ...extra] : alternatives;
      });
      this.index.scoreGroupsFor(broadGroups, cand, value, matched);
      const g = groups.length;
      const p = this.weights.coordPower;
      if (g > 1 && p > 0) for (let j = 0; j < n; j++) value[j] = (value[j] as number) * Math.pow(Math.min(matched[j] as number, g) / g, p);
      for (let j = 0; j < n; j++) value[j] = (value[j] as number) + (this.proximityBonus.get(cand[j] as number) ?? 0);
    } else {
      for (let j = 0; j < n; j++) value[j] = sc[cand[j] as number] as number;
    }
    if (r.brandMissing > 0 && groups.length > 1) this.penaliseOtherBrands(groups, cand, value, 1 - Math.min(1, r.brandMissing));
    // Feedback: the heaviest words of the best results, each its own group, weighted against the best precise score.
    if (feedback) {
      const inQuery = new Set<string>();
      for (const g of groups) for (const a of g) inQuery.add(a.term);
      const terms = feedbackTerms(this.index, head.slice(0, r.feedbackDocs), sc, inQuery, r.feedbackTerms);
      if (terms.length > 0) {
        const fb = new Float64Array(n);
        this.index.scoreGroupsFor(terms.map((t) => [t]), cand, fb, matched);
        let fbBest = 0;
        for (let j = 0; j < n; j++) if ((fb[j] as number) > fbBest) fbBest = fb[j] as number;
        if (fbBest > 0) for (let j = 0; j < n; j++) value[j] = (value[j] as number) + (r.feedbackWeight * bestScore * (fb[j] as number)) / fbBest;
      }
    }

    // Head keeps its scores; candidates go in (0.002, 0.999) × the head's floor; the rest below 0.001 × it, in order.
    if (this.mark.length < sc.length) this.mark = new Uint8Array(sc.length);
    const mark = this.mark;
    for (const d of head) mark[d] = 2;
    let valueBest = 0;
    for (let j = 0; j < n; j++) if (mark[cand[j] as number] !== 2 && (value[j] as number) > valueBest) valueBest = value[j] as number;
    for (let j = 0; j < n; j++) {
      const d = cand[j] as number;
      if (mark[d] === 2) continue;
      mark[d] = 1;
      sc[d] = headFloor * (0.002 + (valueBest > 0 ? (0.997 * (value[j] as number)) / valueBest : 0));
    }
    for (const d of scored.touched) {
      if (mark[d] !== 0) continue;
      sc[d] = ((sc[d] as number) / bestScore) * headFloor * 0.001;
    }
    for (const d of head) mark[d] = 0;
    for (const d of cand) mark[d] = 0;
  }

  /**
   * Multiplies `value[j]` by `keep` for each candidate that lacks a query word the catalogue uses as a brand (see
   * `brand-terms.ts`; the word's own term decides, not its corrections). Candidates are sorted slots, so each brand
   * term's posting list is merged with them in one pass.
   */
  private penaliseOtherBrands(groups: readonly (readonly TermAlternative[])[], cand: Int32Array, value: Float64Array, keep: number): void {
    const n = cand.length;
    let has: Uint8Array | undefined;
    let brandGroups = 0;
    for (const alternatives of groups) {
      const first = alternatives[0];
      const id = first ? this.index.termId(first.term) : undefined;
      if (id === undefined || !this.brands.isBrand(id)) continue;
      brandGroups++;
      has ??= new Uint8Array(n);
      const docs = this.index.postingDocs(id);
      for (let j = 0, i = 0; j < n && i < docs.length; ) {
        const a = cand[j] as number;
        const b = docs[i] as number;
        if (a === b) {
          has[j] = (has[j] as number) + 1;
          j++;
          i++;
        } else if (a < b) j++;
        else i++;
      }
    }
    if (!has) return;
    for (let j = 0; j < n; j++) if ((has[j] as number) < brandGroups) value[j] = (value[j] as number) * keep;
  }

  /**
   * Proximity: among the best {@link PROXIMITY_DEPTH} matches, a product whose title has consecutive query words
   * next to each other, in order ("angle bracket" in "… Angle Bracket"), gains `proximity × best score × share of
   * adjacent query pairs found`. A term-proximity feature in the spirit of Büttcher et al. (SIGIR 2006), kept cheap by
   * applying it to the head of the ranking only.
   */
  private addProximity(groups: readonly (readonly { term: string }[])[], scored: ScoredDocs): void {
    const sets = groups.map((g) => new Set(g.map((a) => this.index.termId(a.term) ?? -2)));
    const sc = scored.scores;
    const touched = scored.touched;
    const head = topK(touched.length, PROXIMITY_DEPTH, (a, b) => (sc[touched[a] as number] as number) > (sc[touched[b] as number] as number) || ((sc[touched[a] as number] as number) === (sc[touched[b] as number] as number) && (touched[a] as number) < (touched[b] as number)));
    this.proximityBonus.clear();
    if (head.length === 0) return;
    const best = sc[touched[head[0] as number] as number] as number;
    const bonus = (this.weights.proximity * best) / (groups.length - 1);
    for (const h of head) {
      const d = touched[h] as number;
      const terms = this.index.titleTermIds(d);
      let pairs = 0;
      for (let i = 0; i + 1 < sets.length; i++) {
        const a = sets[i] as Set<number>;
        const b = sets[i + 1] as Set<number>;
        for (let j = 0; j + 1 < terms.length; j++) {
          if (a.has(terms[j] as number) && b.has(terms[j + 1] as number)) {
            pairs++;
            break;
          }
        }
      }
      if (pairs > 0) {
        sc[d] = (sc[d] as number) + bonus * pairs;
        this.proximityBonus.set(d, bonus * pairs);
      }
    }
  }

  private checkFilters(filters: readonly SearchFilter[]): void {
    this.refreshDictionary();
    for (const f of filters) {
      const field = f.field.startsWith('attrs.') ? f.field.slice(6) : f.field;
      if (!BUILTIN_FIELDS.includes(f.field) && !this.attrKeys?.has(field)) {
        const known = [...new Set([...BUILTIN_FIELDS.filter((x) => x !== 'id'), ...[...(this.attrKeys ?? [])].slice(0, 30)])];
        throw new CartwiseError('INVALID_PARAM', { name: 'filters', reason: `unknown filter field "${f.field}"; known: ${known.join(', ')}` });
      }
      if ('values' in f && f.field === 'price') throw new CartwiseError('INVALID_PARAM', { name: 'filters', reason: 'price takes a range such as price:10..50' });
    }
  }

  /** Whether a document passes one filter. */
  private passes(d: StoredDoc, f: SearchFilter): boolean {
    if ('values' in f) {
      const want = f.values.map((v) => v.toLowerCase());
      switch (f.field) {
        case 'id':
          return f.values.includes(d.id);
        case 'category': {
          if (!d.category) return false;
          const path = categoryLevels(d.category).join(' > ').toLowerCase();
          return want.some((w) => {
            const x = categoryLevels(w).join(' > ');
            return path === x || path.startsWith(x + ' > ') || categoryLevels(d.category).some((lvl) => lvl.toLowerCase() === x);
          });
        }
        case 'brand':
          return d.brand !== undefined && want.includes(d.brand.toLowerCase());
        case 'inStock':
          return want.includes(String(d.inStock ?? true));
        case 'tags':
          return (d.tags ?? []).some((t) => want.includes(t.toLowerCase()));
        default: {
          const key = f.field.startsWith('attrs.') ? f.field.slice(6) : f.field;
          const v = d.attrs?.[key];
          return v !== undefined && want.includes(String(v).toLowerCase());
        }
      }
    }
    let v: number | undefined;
    if (f.field === 'price') v = d.price;
    else {
      const key = f.field.startsWith('attrs.') ? f.field.slice(6) : f.field;
      const a = d.attrs?.[key];
      v = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' && Number.isFinite(Number(a)) ? Number(a) : undefined;
    }
    if (v === undefined) return false;
    return (f.min === undefined || v >= f.min) && (f.max === undefined || v <= f.max);
  }

  /**
   * Compiles filters into slot predicates over the facet table (interned ids: no string work per document), each
   * tagged with its field for disjunctive facet counting.
   */
  private compileFilters(filters: readonly SearchFilter[]): { field: string; test: (slot: number) => boolean }[] {
    if (filters.length === 0) return [];
    const t = this.facetTable();
    return filters.map((f) => {
      const field = f.field.startsWith('attrs.') ? f.field.slice(6) : f.field;
      const viaDoc = (slot: number) => {
        const d = this.index.docAt(slot);
        return d !== undefined && this.passes(d, f);
      };
      if (!('values' in f)) return { field, test: viaDoc };
      const want = new Set(f.values.map((v) => v.toLowerCase()));
      if (f.field === 'brand') {
        const ids = new Set<number>();
        t.brands.forEach((b, i) => want.has(b.toLowerCase()) && ids.add(i));
        return { field, test: (slot: number) => ids.has(t.brand[slot] as number) };
      }
      if (f.field === 'inStock') return { field, test: (slot: number) => want.has(t.inStock[slot] === 1 ? 'true' : 'false') };
      if (f.field === 'category') {
        const wanted = [...want].map((w) => categoryLevels(w).join(' > '));
        const ids = new Set<number>();
        t.categories.forEach((path, i) => {
          const lower = path.toLowerCase();
          const last = lower.slice(lower.lastIndexOf('>') + 1).trim();
          if (wanted.some((w) => lower === w || last === w)) ids.add(i);
        });
        return {
          field,
          test: (slot: number) => {
            for (let i = t.catOffsets[slot] as number; i < (t.catOffsets[slot + 1] as number); i++) if (ids.has(t.catList[i] as number)) return true;
            return false;
          },
        };
      }
      if (t.pairKey.includes(field)) {
        const ids = new Set<number>();
        t.pairs.forEach((p, i) => {
          if (t.pairKey[i] === field && want.has(p.slice(field.length + 1).toLowerCase())) ids.add(i);
        });
        return {
          field,
          test: (slot: number) => {
            for (let i = t.pairOffsets[slot] as number; i < (t.pairOffsets[slot + 1] as number); i++) if (ids.has(t.pairList[i] as number)) return true;
            return false;
          },
        };
      }
      return { field, test: viaDoc };
    });
  }

  /**
   * Runs a search; throws INVALID_PARAM (400) for an empty or oversized query, a bad page or an unknown filter field.
   * `expansion` overrides the engine's expansion switches for this call (ablations, benchmarks).
   */
  search(request: SearchRequest, context: SearchContext = {}, expansion: ExpansionOptions = {}): SearchResponse {
    const started = performance.now();
    const q = request.q ?? '';
    if (q.length > MAX_QUERY_CHARS) throw new CartwiseError('INVALID_PARAM', { name: 'q', reason: `at most ${MAX_QUERY_CHARS} characters (got ${q.length})` });
    const requestFilters = request.filters ?? [];
    if (q.trim() === '' && requestFilters.length === 0) throw new CartwiseError('INVALID_PARAM', { name: 'q', reason: 'must not be empty (or give filters to browse)' });
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? 20;
    if (!Number.isInteger(page) || page < 1 || page > 1000) throw new CartwiseError('INVALID_PARAM', { name: 'page', reason: 'must be an integer from 1 to 1000' });
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new CartwiseError('INVALID_PARAM', { name: 'pageSize', reason: 'must be an integer from 1 to 100' });
    this.checkFilters(requestFilters);

    const understood: string[] = [];
    let text = q;
    let parsedFilters: SearchFilter[] = [];
    if (request.parseConstraints !== false && q.trim() !== '') {
      const parsed = parseConstraints(q, this.dictionary);
      text = parsed.text;
      parsedFilters = parsed.filters;
      understood.push(...parsed.understood);
    }
    const w = this.weights;
    let recovery: SearchResponse['recovery'];
    let didYouMean: string | undefined;
    let highlightTerms = new Set<string>();

    // Candidate slots with their text score; strict = every query group matched.
    let groups = 0;
    let filters = [...requestFilters, ...parsedFilters];
    const collect = (minMatched: number, fs: SearchFilter[], scored: ScoredDocs): Candidates => {
      const slots: number[] = [];
      const tests = this.compileFilters(fs);
      for (const d of scored.touched) {
        if ((scored.matched[d] as number) < minMatched) continue;
        if (tests.length > 0 && !tests.every((x) => x.test(d))) continue;
        slots.push(d);
      }
      const text = new Float64Array(slots.length);
      for (let i = 0; i < slots.length; i++) text[i] = scored.scores[slots[i] as number] as number;
      return { slots: Int32Array.from(slots), text };
    };
    const browse = (fs: SearchFilter[], keep?: (slot: number) => boolean): Candidates => {
      const slots: number[] = [];
      const tests = this.compileFilters(fs);
      for (const s of this.index.liveSlots()) {
        if (tests.every((x) => x.test(s)) && (!keep || keep(s))) slots.push(s);
      }
      return { slots: Int32Array.from(slots), text: new Float64Array(slots.length) };
    };
    let scored: ScoredDocs | undefined;
    let cand: Candidates;
    if (text.trim() === '') {
      cand = browse(filters);
    } else {
      // The recall stage re-orders only what this page can show: products matching every word, down to its last rank.
      const t = this.textScores(text, { recallStrict: true, recallDepth: page * pageSize, ...expansion, prefixLast: request.prefix === true });
      scored = t.scored;
      groups = t.groups;
      highlightTerms = t.highlightTerms;
      if (t.corrected !== undefined) didYouMean = t.corrected;
      understood.push(...describeSynonyms(t.synonymsUsed));
      cand = collect(groups, filters, scored);
      for (let m = groups - 1; cand.slots.length === 0 && m >= 1; m--) {
        cand = collect(m, filters, scored);
        if (cand.slots.length > 0) recovery = 'relaxed';
      }
      if (cand.slots.length === 0 && parsedFilters.length > 0) {
        filters = [...requestFilters];
        cand = collect(1, filters, scored);
        if (cand.slots.length > 0) recovery = 'dropped-filters';
      }
    }

    // Category intent: score-weighted categories of the best text matches, plus categories of clicked items.
    const intent = new Map<string, number>();
    if (scored) {
      const ct = cand.text;
      const top = topK(cand.slots.length, 20, (a, b) => (ct[a] as number) > (ct[b] as number) || ((ct[a] as number) === (ct[b] as number) && a < b));
      let total = 0;
      const pathOf = (c: string | undefined) => (c ? categoryLevels(c).join(' > ') : '');
      for (const c of top) {
        const cat = pathOf(this.index.docAt(cand.slots[c] as number)?.category);
        if (!cat) continue;
        intent.set(cat, (intent.get(cat) ?? 0) + (ct[c] as number));
        total += ct[c] as number;
      }
      const clicked = this.clicks.get(normalizeQueryKey(q));
      if (clicked) {
        for (const [id, v] of clicked) {
          const slot = this.index.slotOfId(id);
          const cat = slot === undefined ? '' : pathOf(this.index.docAt(slot)?.category);
          if (!cat) continue;
          intent.set(cat, (intent.get(cat) ?? 0) + v * (total || 1));
          total += v * (total || 1);
        }
      }
      if (total > 0) for (const [k, v] of intent) intent.set(k, v / total);
    }

    // No word matched, but the query's meaning did (hybrid retrieval): the nearest items that pass the filters are
    // the answer, fused below, before any fallback to trending items.
    if (cand.slots.length === 0 && context.vectorRanking && context.vectorRanking.length > 0) {
      const nearest: number[] = [];
      for (const id of context.vectorRanking) {
        const slot = this.index.slotOfId(id);
        const doc = slot === undefined ? undefined : this.index.docAt(slot);
        if (doc && filters.every((f) => this.passes(doc, f))) nearest.push(slot as number);
      }
      cand = { slots: Int32Array.from(nearest), text: new Float64Array(nearest.length) };
      if (nearest.length > 0) recovery = undefined;
    }

    let recoveredTrending = false;
    if (cand.slots.length === 0) {
      // Last resort: trending items (by popularity) that pass the request's own filters.
      cand = browse(requestFilters, (s) => (this.signals.popularity.get(this.index.idAt(s)) ?? 0) > 0);
      if (cand.slots.length === 0) {
        const all = browse(requestFilters);
        cand = { slots: all.slots.slice(0, 1000), text: all.text.slice(0, 1000) };
      }
      recoveredTrending = cand.slots.length > 0;
      recovery = 'trending';
    }

    // Final scores.
    let n = cand.slots.length;
    let slots = cand.slots;
    let maxText = 0;
    for (let i = 0; i < n; i++) if ((cand.text[i] as number) > maxText) maxText = cand.text[i] as number;
    const clickRow = this.clicks.get(normalizeQueryKey(q));
    const user = context.user;
    const sig = this.signals;
    const hasSignals = sig.popularity.size + sig.conversion.size + sig.margin.size > 0;
    let final = new Float64Array(n);
    // Category intent by the facet table's id of each full category path: an array lookup per candidate.
    const table = this.facetTable();
    let intentById: Float64Array | undefined;
    if (intent.size > 0) {
      intentById = new Float64Array(table.categories.length);
      table.categories.forEach((path, i) => {
        const v = intent.get(path);
        if (v !== undefined) intentById![i] = v;
      });
    }
    const needDoc = hasSignals || clickRow !== undefined || user !== undefined || context.recommendationScores !== undefined;
    for (let i = 0; i < n; i++) {
      const slot = slots[i] as number;
      let score = maxText > 0 ? (cand.text[i] as number) / maxText : 0;
      if (intentById) {
        const end = table.catOffsets[slot + 1] as number;
        if (end > (table.catOffsets[slot] as number)) score *= 1 + w.categoryIntent * (intentById[table.catList[end - 1] as number] as number);
      }
      score += w.inStock * (table.inStock[slot] as number);
      if (!needDoc) {
        final[i] = score;
        continue;
      }
      const doc = this.index.docAt(slot) as StoredDoc;
      const id = doc.id;
      if (hasSignals) {
        score += w.popularity * (sig.popularity.get(id) ?? 0);
        score += w.conversion * (sig.conversion.get(id) ?? 0);
        score += w.margin * (sig.margin.get(id) ?? 0);
      }
      if (clickRow) score += w.clicks * (clickRow.get(id) ?? 0);
      if (user) {
        let a = 0;
        if (doc.category) for (const lvl of categoryLevels(doc.category)) a = Math.max(a, user.categories.get(lvl) ?? 0);
        if (doc.brand) a = Math.max(a, user.brands.get(doc.brand) ?? 0);
        if (user.typicalPrice !== undefined && doc.price !== undefined && user.typicalPrice > 0) {
          a = 0.8 * a + 0.2 * Math.exp(-Math.abs(Math.log((doc.price + 1) / (user.typicalPrice + 1))));
        }
        score += w.personal * a;
      }
      if (context.recommendationScores) score += w.recommendation * (context.recommendationScores.get(id) ?? 0);
      final[i] = score;
    }
    if (context.vectorRanking && context.vectorRanking.length > 0 && !recoveredTrending) {
      // Reciprocal rank fusion (Cormack et al., SIGIR 2009), k = 60, over the lexical order and the vector order.
      const f0 = final;
      // Without a text match the candidates are the vector hits themselves: only their order counts.
      const lexical = maxText > 0 ? topK(n, Math.min(n, 1000), (a, b) => (f0[a] as number) > (f0[b] as number) || ((f0[a] as number) === (f0[b] as number) && (slots[a] as number) < (slots[b] as number))) : [];
      const fused = new Map<number, number>();
      lexical.forEach((c, i) => fused.set(slots[c] as number, 1 / (60 + i + 1)));
      context.vectorRanking.forEach((id, i) => {
        const slot = this.index.slotOfId(id);
        if (slot === undefined) return;
        const doc = this.index.docAt(slot);
        if (!doc || !filters.every((f) => this.passes(doc, f))) return;
        fused.set(slot, (fused.get(slot) ?? 0) + 1 / (60 + i + 1));
      });
      slots = Int32Array.from(fused.keys());
      n = slots.length;
      final = Float64Array.from(fused.values());
    }
    const sort = request.sort ?? 'relevance';
    const fs = final;
    const ss = slots;
    const docOf = (c: number) => this.index.docAt(ss[c] as number) as StoredDoc;
    const pop = (c: number) => this.signals.popularity.get(docOf(c).id) ?? 0;
    const key = (c: number): number => {
      switch (sort) {
        case 'price_asc':
          return -(docOf(c).price ?? Infinity);
        case 'price_desc':
          return docOf(c).price ?? -Infinity;
        case 'newest':
          return docOf(c).createdAt ?? 0;
        case 'popularity':
          return pop(c);
        default:
          return fs[c] as number;
      }
    };
    const primary = new Float64Array(n);
    for (let c = 0; c < n; c++) primary[c] = key(c);
    const better = (a: number, b: number): boolean => {
      const pa = primary[a] as number;
      const pb = primary[b] as number;
      if (pa !== pb) return pa > pb;
      const fa = fs[a] as number;
      const fb = fs[b] as number;
      if (fa !== fb) return fa > fb;
      return (ss[a] as number) < (ss[b] as number);
    };
    const shown = topK(n, page * pageSize, better).slice((page - 1) * pageSize);

    const pageHits = shown.map((c): SearchHit => {
      const doc = docOf(c);
      const hit: SearchHit = { id: doc.id, title: doc.title, score: Math.round((fs[c] as number) * 1e6) / 1e6 };
      if (doc.price !== undefined) hit.price = doc.price;
      if (doc.category !== undefined) hit.category = doc.category;
      if (doc.brand !== undefined) hit.brand = doc.brand;
      if (doc.inStock !== undefined) hit.inStock = doc.inStock;
      if (request.highlight !== false && highlightTerms.size > 0) {
        hit.highlights = { title: this.highlight(doc.title, highlightTerms) };
        if (doc.description) hit.highlights.description = this.highlight(this.snippet(doc.description, highlightTerms), highlightTerms);
      }
      return hit;
    });
    const response: SearchResponse = {
      searchId: randomId('s_'),
      query: q,
      total: n,
      page,
      pageSize,
      hits: pageHits,
      filters,
      understood,
      categoryIntent: [...intent]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([value, v]) => ({ value, count: Math.round(v * 1000) / 1000 })),
      tookMs: 0,
    };
    if (recovery) response.recovery = recovery;
    if (didYouMean !== undefined && didYouMean !== normalizeQueryKey(q)) response.didYouMean = didYouMean;
    if (request.facets !== false) response.facets = this.facets(scored, groups, n > 0 ? recovery : undefined, filters, slots);
    if (n > 0 && !recoveredTrending && q.trim() !== '') {
      const key = normalizeQueryKey(q);
      this.queryLog.set(key, (this.queryLog.get(key) ?? 0) + 1);
      if (this.queryLog.size > 50_000) this.queryLog.delete(this.queryLog.keys().next().value as string);
    }
    response.tookMs = Math.round((performance.now() - started) * 100) / 100;
    return response;
  }

  /** Per-slot facet values as interned ids, rebuilt when the index changes (O(items)). */
  private facetTable(): FacetTable {
    if (this.facetCache && this.facetCache.version === this.index.version) return this.facetCache;
    this.refreshDictionary();
    const facetKeys = new Set<string>();
    for (const list of this.dictionary?.values.values() ?? []) for (const x of list) if (x.field !== 'brand') facetKeys.add(x.field);
    const slots = this.index.slots;
    const edges = this.options.priceEdges ?? DEFAULT_PRICE_EDGES;
    const intern = (m: Map<string, number>, list: string[], v: string) => {
      let id = m.get(v);
      if (id === undefined) {
        id = list.length;
        m.set(v, id);
        list.push(v);
      }
      return id;
    };
    const catIds = new Map<string, number>();
    const brandIds = new Map<string, number>();
    const pairIds = new Map<string, number>();
    const t: FacetTable = {
      version: this.index.version,
      categories: [],
      brands: [],
      pairs: [],
      catOffsets: new Int32Array(slots + 1),
      catList: new Int32Array(0),
      brand: new Int32Array(slots).fill(-1),
      priceBucket: new Int8Array(slots).fill(-1),
      inStock: new Uint8Array(slots),
      pairOffsets: new Int32Array(slots + 1),
      pairList: new Int32Array(0),
      pairKey: [],
    };
    const cats: number[] = [];
    const pairs: number[] = [];
    for (let s = 0; s < slots; s++) {
      const d = this.index.isAlive(s) ? this.index.docAt(s) : undefined;
      if (d) {
        if (d.category) {
          const lv = categoryLevels(d.category);
          for (let i = 1; i <= lv.length; i++) cats.push(intern(catIds, t.categories, lv.slice(0, i).join(' > ')));
        }
        if (d.brand) t.brand[s] = intern(brandIds, t.brands, d.brand);
        if (d.price !== undefined) {
          let b = 0;
          while (b < edges.length && d.price >= (edges[b] as number)) b++;
          t.priceBucket[s] = b;
        }
        t.inStock[s] = d.inStock === false ? 0 : 1;
        if (d.attrs) {
          for (const [k, v] of Object.entries(d.attrs)) {
            if (!facetKeys.has(k)) continue;
            const before = t.pairs.length;
            const id = intern(pairIds, t.pairs, `${k}\u0000${String(v)}`);
            if (t.pairs.length > before) t.pairKey.push(k);
            pairs.push(id);
          }
        }
      }
      t.catOffsets[s + 1] = cats.length;
      t.pairOffsets[s + 1] = pairs.length;
    }
    t.catList = Int32Array.from(cats);
    t.pairList = Int32Array.from(pairs);
    this.facetCache = t;
    return t;
  }

  /**
   * Disjunctive facets: the counts for a field ignore the filters on that same field (so picking one brand still
   * shows the other brands' counts), and honour every other filter.
   */
  private facets(scored: ScoredDocs | undefined, groups: number, recovery: SearchResponse['recovery'], filters: SearchFilter[], candidateSlots: Int32Array): NonNullable<SearchResponse['facets']> {
    const minMatched = recovery === 'relaxed' ? 1 : groups;
    let pool: Int32Array | number[];
    if (scored) {
      const p: number[] = [];
      for (const d of scored.touched) if ((scored.matched[d] as number) >= minMatched) p.push(d);
      pool = p;
    } else if (recovery === 'trending' || filters.length === 0) pool = candidateSlots;
    else pool = [...this.index.liveSlots()];
    const t = this.facetTable();
    const edges = this.options.priceEdges ?? DEFAULT_PRICE_EDGES;
    const catCount = new Int32Array(t.categories.length);
    const brandCount = new Int32Array(t.brands.length);
    const pairCount = new Int32Array(t.pairs.length);
    const priceCount = new Int32Array(edges.length + 1);
    const stockCount = new Int32Array(2);
    const tests = this.compileFilters(filters);
    for (const slot of pool) {
      let failed: string | undefined;
      let failures = 0;
      if (!this.index.isAlive(slot)) continue;
      for (const x of tests) {
        if (!x.test(slot)) {
          if (failed !== x.field) failures++;
          failed = x.field;
        }
      }
      if (failures > 1) continue;
      // With one failed filter, the slot counts only towards that filter's own field (disjunctive facets).
      const all = failures === 0;
      if (all || failed === 'category') for (let i = t.catOffsets[slot] as number; i < (t.catOffsets[slot + 1] as number); i++) catCount[t.catList[i] as number]!++;
      const b = t.brand[slot] as number;
      if (b >= 0 && (all || failed === 'brand')) brandCount[b]!++;
      if (all || failed === 'inStock') stockCount[t.inStock[slot] as number]!++;
      const pb = t.priceBucket[slot] as number;
      if (pb >= 0 && (all || failed === 'price')) priceCount[pb]!++;
      for (let i = t.pairOffsets[slot] as number; i < (t.pairOffsets[slot + 1] as number); i++) {
        const id = t.pairList[i] as number;
        if (all || failed === t.pairKey[id]) pairCount[id]!++;
      }
    }
    const top = (names: readonly string[], counts: Int32Array, n: number, label: (i: number) => string = (i) => names[i] as string): FacetValue[] => {
      const ids = topK(counts.length, n, (a, b) => (counts[a] as number) > (counts[b] as number) || ((counts[a] as number) === (counts[b] as number) && label(a) < label(b)));
      return ids.filter((i) => (counts[i] as number) > 0).map((i) => ({ value: label(i), count: counts[i] as number }));
    };
    const attrFacets: Record<string, FacetValue[]> = {};
    const byKey = new Map<string, number[]>();
    t.pairKey.forEach((k, i) => {
      if ((pairCount[i] as number) === 0) return;
      let l = byKey.get(k);
      if (!l) byKey.set(k, (l = []));
      l.push(i);
    });
    for (const [k, ids] of byKey) {
      const value = (i: number) => (t.pairs[i] as string).slice(k.length + 1);
      attrFacets[k] = ids
        .sort((a, b) => (pairCount[b] as number) - (pairCount[a] as number) || (value(a) < value(b) ? -1 : 1))
        .slice(0, 10)
        .map((i) => ({ value: value(i), count: pairCount[i] as number }));
    }
    return {
      category: top(t.categories, catCount, 20),
      brand: top(t.brands, brandCount, 20),
      price: Array.from(priceCount)
        .map((count, i) => ({ from: i === 0 ? null : (edges[i - 1] as number), to: i === edges.length ? null : (edges[i] as number), count }))
        .filter((b) => b.count > 0),
      inStock: top(['false', 'true'], stockCount, 2),
      attrs: attrFacets,
    };
  }

  /** Wraps words of `text` whose analysed form is a query term in `<em>`; the rest is HTML-escaped. */
  highlight(text: string, terms: ReadonlySet<string>): string {
    let out = '';
    let last = 0;
    for (const { word, at } of wordSpans(text)) {
      const norm = normalizeText(word);
      const hit = terms.has(analyzeWord(norm, this.index.analyzerOptions)) || terms.has(norm);
      out += escapeHtml(text.slice(last, at));
      out += hit ? `<em>${escapeHtml(word)}</em>` : escapeHtml(word);
      last = at + word.length;
    }
    return out + escapeHtml(text.slice(last));
  }

  /** Up to ~160 characters of `text` around its first matched word. */
  private snippet(text: string, terms: ReadonlySet<string>): string {
    for (const { word, at } of wordSpans(text)) {
      if (terms.has(analyzeWord(normalizeText(word), this.index.analyzerOptions))) {
        const from = Math.max(0, at - 60);
        return (from > 0 ? '…' : '') + text.slice(from, from + 160) + (from + 160 < text.length ? '…' : '');
      }
    }
    return text.slice(0, 160) + (text.length > 160 ? '…' : '');
  }

  /**
   * Autocomplete for a prefix: popular past queries that start with it, catalogue words completing its last word,
   * and the best matching items (search-as-you-type retrieval).
   */
  autocomplete(prefix: string, limit = 5): { queries: string[]; words: string[]; items: { id: string; title: string }[] } {
    if (prefix.length > MAX_QUERY_CHARS) throw new CartwiseError('INVALID_PARAM', { name: 'q', reason: `at most ${MAX_QUERY_CHARS} characters` });
    const key = normalizeQueryKey(prefix);
    if (key === '') throw new CartwiseError('INVALID_PARAM', { name: 'q', reason: 'must not be empty' });
    const queries = [...this.queryLog]
      .filter(([q]) => q.startsWith(key) && q !== key)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([q]) => q);
    const lastWord = normalizeText(prefix).split(/\s+/).filter(Boolean).pop() ?? '';
    const words = /\s$/.test(prefix) ? [] : this.expander.completions(lastWord, limit);
    const t = this.textScores(prefix, { prefixLast: !/\s$/.test(prefix) });
    const best = [...t.scored.touched].sort((a, b) => (t.scored.scores[b] as number) - (t.scored.scores[a] as number) || a - b).slice(0, limit);
    const items = best.map((s) => ({ id: this.index.idAt(s), title: this.index.docAt(s)?.title ?? '' }));
    return { queries, words, items };
  }
}
