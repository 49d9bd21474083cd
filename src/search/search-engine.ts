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
import { QueryExpander, type ExpansionOptions, type SynonymMap } from './query-expansion.ts';
import { DEFAULT_RANKING_WEIGHTS, normalizeQueryKey, type ClickModel, type ItemSignals, type RankingWeights, type UserAffinity } from './ranking.ts';
import { SearchIndex, type ScoredDocs, type StoredDoc } from './search-index.ts';
import { analyzeWord, normalizeText } from './tokenizer.ts';

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
}

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

  constructor(
    readonly index: SearchIndex,
    private readonly options: SearchEngineOptions = {},
  ) {
    this.expander = new QueryExpander(index, options.synonyms ?? new Map());
    this.weights = { ...DEFAULT_RANKING_WEIGHTS, ...options.weights };
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
  textScores(query: string, expansion: ExpansionOptions = {}): { scored: ScoredDocs; groups: number; corrected?: string; highlightTerms: Set<string> } {
    const expanded = this.expander.expand(query, { ...this.options.expansion, ...expansion });
    if (this.scratch) SearchIndex.clearScores(this.scratch);
    const scored = this.index.scoreGroups(expanded.groups, this.scratch);
    this.scratch = scored;
    const g = expanded.groups.length;
    const p = this.weights.coordPower;
    if (g > 1 && p > 0) {
      for (const d of scored.touched) scored.scores[d] = (scored.scores[d] as number) * Math.pow((scored.matched[d] as number) / g, p);
    }
    const highlightTerms = new Set<string>();
    for (const w of expanded.highlightWords) highlightTerms.add(analyzeWord(w, this.index.analyzerOptions));
    const out: { scored: ScoredDocs; groups: number; corrected?: string; highlightTerms: Set<string> } = { scored, groups: g, highlightTerms };
    if (expanded.corrected !== undefined) out.corrected = expanded.corrected;
    return out;
  }

  private checkFilters(filters: readonly SearchFilter[]): void {
    this.refreshDictionary();
    for (const f of filters) {
      const field = f.field.startsWith('attrs.') ? f.field.slice(6) : f.field;
      if (!BUILTIN_FIELDS.includes(f.field) && !this.attrKeys?.has(field)) {
        const known = [...BUILTIN_FIELDS.filter((x) => x !== 'id'), ...[...(this.attrKeys ?? [])].slice(0, 30)];
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

  /** Runs a search; throws INVALID_PARAM (400) for an empty or oversized query, a bad page or an unknown filter field. */
  search(request: SearchRequest, context: SearchContext = {}): SearchResponse {
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
    let candidates: { slot: number; text: number }[] = [];
    let groups = 0;
    let filters = [...requestFilters, ...parsedFilters];
    const collect = (minMatched: number, fs: SearchFilter[], scored: ScoredDocs): { slot: number; text: number }[] => {
      const out: { slot: number; text: number }[] = [];
      for (const d of scored.touched) {
        if ((scored.matched[d] as number) < minMatched) continue;
        const doc = this.index.docAt(d);
        if (!doc || !fs.every((f) => this.passes(doc, f))) continue;
        out.push({ slot: d, text: scored.scores[d] as number });
      }
      return out;
    };
    const browse = (fs: SearchFilter[]) => {
      const out: { slot: number; text: number }[] = [];
      for (const s of this.index.liveSlots()) {
        const doc = this.index.docAt(s);
        if (doc && fs.every((f) => this.passes(doc, f))) out.push({ slot: s, text: 0 });
      }
      return out;
    };
    let scored: ScoredDocs | undefined;
    if (text.trim() === '') {
      candidates = browse(filters);
    } else {
      const t = this.textScores(text, { prefixLast: request.prefix === true });
      scored = t.scored;
      groups = t.groups;
      highlightTerms = t.highlightTerms;
      if (t.corrected !== undefined) didYouMean = t.corrected;
      candidates = collect(groups, filters, scored);
      for (let m = groups - 1; candidates.length === 0 && m >= 1; m--) {
        candidates = collect(m, filters, scored);
        if (candidates.length > 0) recovery = 'relaxed';
      }
      if (candidates.length === 0 && parsedFilters.length > 0) {
        filters = [...requestFilters];
        candidates = collect(1, filters, scored);
        if (candidates.length > 0) recovery = 'dropped-filters';
      }
    }

    // Category intent: score-weighted categories of the best text matches, plus categories of clicked items.
    const intent = new Map<string, number>();
    if (scored) {
      const top = [...candidates].sort((a, b) => b.text - a.text).slice(0, 20);
      let total = 0;
      for (const c of top) {
        const cat = this.index.docAt(c.slot)?.category;
        if (!cat) continue;
        intent.set(cat, (intent.get(cat) ?? 0) + c.text);
        total += c.text;
      }
      const clicked = this.clicks.get(normalizeQueryKey(q));
      if (clicked) {
        for (const [id, v] of clicked) {
          const slot = this.index.slotOfId(id);
          const cat = slot === undefined ? undefined : this.index.docAt(slot)?.category;
          if (!cat) continue;
          intent.set(cat, (intent.get(cat) ?? 0) + v * (total || 1));
          total += v * (total || 1);
        }
      }
      if (total > 0) for (const [k, v] of intent) intent.set(k, v / total);
    }

    let recoveredTrending = false;
    if (candidates.length === 0) {
      // Last resort: trending items (by popularity) that pass the request's own filters.
      candidates = browse(requestFilters).filter((c) => (this.signals.popularity.get(this.index.idAt(c.slot)) ?? 0) > 0);
      if (candidates.length === 0) candidates = browse(requestFilters).slice(0, 1000);
      recoveredTrending = candidates.length > 0;
      recovery = 'trending';
    }

    // Final scores.
    let maxText = 0;
    for (const c of candidates) if (c.text > maxText) maxText = c.text;
    const clickRow = this.clicks.get(normalizeQueryKey(q));
    const user = context.user;
    const ranked = candidates.map((c) => {
      const doc = this.index.docAt(c.slot) as StoredDoc;
      const id = doc.id;
      let score = maxText > 0 ? c.text / maxText : 0;
      const p = doc.category ? (intent.get(doc.category) ?? 0) : 0;
      score *= 1 + w.categoryIntent * p;
      score += w.popularity * (this.signals.popularity.get(id) ?? 0);
      score += w.conversion * (this.signals.conversion.get(id) ?? 0);
      score += w.inStock * (doc.inStock === false ? 0 : 1);
      score += w.margin * (this.signals.margin.get(id) ?? 0);
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
      return { slot: c.slot, doc, score };
    });
    if (context.vectorRanking && context.vectorRanking.length > 0 && !recoveredTrending) {
      // Reciprocal rank fusion (Cormack et al., SIGIR 2009), k = 60, over the lexical order and the vector order.
      const lexical = [...ranked].sort((a, b) => b.score - a.score);
      const fused = new Map<number, number>();
      lexical.forEach((r, i) => fused.set(r.slot, 1 / (60 + i + 1)));
      context.vectorRanking.forEach((id, i) => {
        const slot = this.index.slotOfId(id);
        if (slot === undefined) return;
        const doc = this.index.docAt(slot);
        if (!doc || !filters.every((f) => this.passes(doc, f))) return;
        if (!fused.has(slot)) ranked.push({ slot, doc, score: 0 });
        fused.set(slot, (fused.get(slot) ?? 0) + 1 / (60 + i + 1));
      });
      for (const r of ranked) r.score = fused.get(r.slot) ?? 0;
    }
    const sort = request.sort ?? 'relevance';
    const pop = (r: { doc: StoredDoc }) => this.signals.popularity.get(r.doc.id) ?? 0;
    ranked.sort((a, b) => {
      switch (sort) {
        case 'price_asc':
          return (a.doc.price ?? Infinity) - (b.doc.price ?? Infinity) || b.score - a.score;
        case 'price_desc':
          return (b.doc.price ?? -Infinity) - (a.doc.price ?? -Infinity) || b.score - a.score;
        case 'newest':
          return (b.doc.createdAt ?? 0) - (a.doc.createdAt ?? 0) || b.score - a.score;
        case 'popularity':
          return pop(b) - pop(a) || b.score - a.score;
        default:
          return b.score - a.score || a.slot - b.slot;
      }
    });

    const pageHits = ranked.slice((page - 1) * pageSize, page * pageSize).map((r): SearchHit => {
      const hit: SearchHit = { id: r.doc.id, title: r.doc.title, score: Math.round(r.score * 1e6) / 1e6 };
      if (r.doc.price !== undefined) hit.price = r.doc.price;
      if (r.doc.category !== undefined) hit.category = r.doc.category;
      if (r.doc.brand !== undefined) hit.brand = r.doc.brand;
      if (r.doc.inStock !== undefined) hit.inStock = r.doc.inStock;
      if (request.highlight !== false && highlightTerms.size > 0) {
        hit.highlights = { title: this.highlight(r.doc.title, highlightTerms) };
        if (r.doc.description) hit.highlights.description = this.highlight(this.snippet(r.doc.description, highlightTerms), highlightTerms);
      }
      return hit;
    });

    const response: SearchResponse = {
      searchId: randomId('s_'),
      query: q,
      total: ranked.length,
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
    if (request.facets !== false) response.facets = this.facets(scored, groups, candidates.length > 0 ? recovery : undefined, filters, candidates);
    if (ranked.length > 0 && !recoveredTrending && q.trim() !== '') {
      const key = normalizeQueryKey(q);
      this.queryLog.set(key, (this.queryLog.get(key) ?? 0) + 1);
      if (this.queryLog.size > 50_000) this.queryLog.delete(this.queryLog.keys().next().value as string);
    }
    response.tookMs = Math.round((performance.now() - started) * 100) / 100;
    return response;
  }

  /**
   * Disjunctive facets: the counts for a field ignore the filters on that same field (so picking one brand still
   * shows the other brands' counts), and honour every other filter.
   */
  private facets(
    scored: ScoredDocs | undefined,
    groups: number,
    recovery: SearchResponse['recovery'],
    filters: SearchFilter[],
    candidates: { slot: number }[],
  ): NonNullable<SearchResponse['facets']> {
    const minMatched = recovery === 'relaxed' ? 1 : groups;
    const pool: number[] = [];
    if (scored) {
      for (const d of scored.touched) if ((scored.matched[d] as number) >= minMatched) pool.push(d);
    } else if (recovery === 'trending' || filters.length === 0) for (const c of candidates) pool.push(c.slot);
    else for (const s of this.index.liveSlots()) pool.push(s);
    const edges = this.options.priceEdges ?? DEFAULT_PRICE_EDGES;
    const category = new Map<string, number>();
    const brand = new Map<string, number>();
    const inStock = new Map<string, number>();
    const price = new Array<number>(edges.length + 1).fill(0);
    const attrs = new Map<string, Map<string, number>>();
    this.refreshDictionary();
    const facetKeys = new Set<string>();
    for (const list of this.dictionary?.values.values() ?? []) for (const x of list) if (x.field !== 'brand') facetKeys.add(x.field);
    const fieldOf = (f: SearchFilter) => (f.field.startsWith('attrs.') ? f.field.slice(6) : f.field);
    for (const slot of pool) {
      const d = this.index.docAt(slot);
      if (!d) continue;
      let failed: string | undefined;
      let failures = 0;
      for (const f of filters) {
        if (!this.passes(d, f)) {
          const field = fieldOf(f);
          if (failed !== field) failures++;
          failed = field;
        }
      }
      if (failures > 1) continue;
      const ok = (field: string) => failures === 0 || failed === field;
      if (d.category && ok('category')) {
        const lv = categoryLevels(d.category);
        for (let i = 1; i <= lv.length; i++) {
          const path = lv.slice(0, i).join(' > ');
          category.set(path, (category.get(path) ?? 0) + 1);
        }
      }
      if (d.brand && ok('brand')) brand.set(d.brand, (brand.get(d.brand) ?? 0) + 1);
      if (ok('inStock')) {
        const k = String(d.inStock ?? true);
        inStock.set(k, (inStock.get(k) ?? 0) + 1);
      }
      if (d.price !== undefined && ok('price')) {
        let b = 0;
        while (b < edges.length && d.price >= (edges[b] as number)) b++;
        price[b] = (price[b] as number) + 1;
      }
      if (d.attrs) {
        for (const [k, v] of Object.entries(d.attrs)) {
          if (!facetKeys.has(k) || !ok(k)) continue;
          let m = attrs.get(k);
          if (!m) attrs.set(k, (m = new Map()));
          const sv = String(v);
          m.set(sv, (m.get(sv) ?? 0) + 1);
        }
      }
    }
    const top = (m: Map<string, number>, n: number): FacetValue[] =>
      [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([value, count]) => ({ value, count }));
    const attrFacets: Record<string, FacetValue[]> = {};
    for (const [k, m] of attrs) attrFacets[k] = top(m, 10);
    return {
      category: top(category, 20),
      brand: top(brand, 20),
      price: price
        .map((count, i) => ({ from: i === 0 ? null : (edges[i - 1] as number), to: i === edges.length ? null : (edges[i] as number), count }))
        .filter((b) => b.count > 0),
      inStock: top(inStock, 2),
      attrs: attrFacets,
    };
  }

  /** Wraps words of `text` whose analysed form is a query term in `<em>`; the rest is HTML-escaped. */
  highlight(text: string, terms: ReadonlySet<string>): string {
    let out = '';
    let last = 0;
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const word = m[0];
      const at = m.index ?? 0;
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
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      if (terms.has(analyzeWord(normalizeText(m[0]), this.index.analyzerOptions))) {
        const at = m.index ?? 0;
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
