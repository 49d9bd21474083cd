/**
 * Inverted index over the catalogue with BM25F scoring (Robertson, Zaragoza & Taylor, "Simple BM25 extension to
 * multiple weighted fields", CIKM 2004): per-field term frequencies are length-normalised with the field's own `b`,
 * weighted, summed into one pseudo-frequency, then saturated once with `k1`.
 *
 * Layout: one posting list per term (`docs: Int32Array`, `tf: Uint16Array` [n × fields]); documents are dense slots.
 * Upsert of a known id tombstones its slot and appends a new one; tombstones are skipped while scoring and removed by
 * {@link SearchIndex.compact} (automatically once a quarter of the slots are dead). Complexity of a query term: O(df).
 * Persisted as an artifact: JSON manifest + CSR typed arrays, so reload is a few copies, not a rebuild. The manifest
 * carries {@link SEARCH_INDEX_VERSION}; an artifact of another version holds terms this build's analyser no longer
 * produces, so it is refused and the index rebuilt from the catalogue.
 */
import type { Item } from '../core/schemas/index.ts';
import type { Artifact } from '../store/store.ts';
import { bytesOf, float32Of, int32Of } from '../store/artifact-codec.ts';
import { analyze, analyzeWord, referenceTokens, words, type AnalyzerOptions } from './tokenizer.ts';

/**
 * Version of the terms a saved index holds. Bump when analysis (`tokenizer.ts`: normalisation, units, numbers,
 * stemming and stem merges, stop words) or the index layout changes what terms a document gets: an artifact saved
 * under another version would silently miss documents for queries analysed by the new code (an old `shelv` posting
 * never meets a query's `shelf`), so {@link SearchIndex.fromArtifact} refuses it and the search service rebuilds the
 * index from the catalogue.
 *
 * History: 1 — until the HTML-entity, thousands-separator and mixed-number rules and the stem merges
 * (`shelves` → `shelf`); 2 — with them.
 */
export const SEARCH_INDEX_VERSION = 2;

/** The searchable fields, in their fixed slot order. */
export const SEARCH_FIELDS = ['title', 'brand', 'category', 'tags', 'attrs', 'description'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
const F = SEARCH_FIELDS.length;

/** BM25F hyper-parameters: one saturation `k1`, and per field a weight (0 = not indexed) and a length norm `b`. */
export interface Bm25fParams {
  k1: number;
  fields: Record<SearchField, { weight: number; b: number }>;
}

/** Defaults tuned on the Home Depot dev split (titles) and kept sensible for the other fields. */
export const DEFAULT_BM25F: Bm25fParams = {
  k1: 1.2,
  fields: {
    title: { weight: 1, b: 0.75 },
    brand: { weight: 1, b: 0 },
    category: { weight: 0.5, b: 0.3 },
    tags: { weight: 0.6, b: 0.3 },
    attrs: { weight: 0.4, b: 0.5 },
    description: { weight: 0.2, b: 0.75 },
  },
};

/** How text becomes terms: the full pipeline, or the reference script's plain `[a-z0-9]+` tokens (parity mode). */
export type AnalyzerKind = 'full' | 'reference';

export interface SearchIndexOptions {
  analyzer?: AnalyzerKind;
  analyzerOptions?: AnalyzerOptions;
  bm25f?: Bm25fParams;
  /** Characters of description kept for highlighting (default 600). */
  storedDescriptionChars?: number;
}

/** What the index keeps of an item for filters, facets, sorting and display. */
export interface StoredDoc {
  id: string;
  title: string;
  description?: string;
  category?: string;
  brand?: string;
  price?: number;
  inStock?: boolean;
  tags?: string[];
  attrs?: Record<string, string | number | boolean>;
  createdAt?: number;
}

interface PostingList {
  docs: Int32Array;
  /** [capacity × F] */
  tf: Uint16Array;
  n: number;
}

/** One alternative for a query position: a term with the weight its match earns (1 = exact). */
export interface TermAlternative {
  term: string;
  weight: number;
}

/** Scores of one query: dense arrays over slots plus the list of slots that matched at least one group. */
export interface ScoredDocs {
  /** [slots] text score, 0 where unmatched */
  scores: Float64Array;
  /** [slots] number of query groups the slot matched */
  matched: Uint8Array;
  /** slots with a positive score, in first-touch order */
  touched: Int32Array;
}

const BRAND_KEYS = ['brand', 'manufacturer', 'make', 'vendor'];
const SURFACE_WORD = /^\p{L}+$/u;
const EMPTY = new Int32Array(0);

/** Finds an item's brand: `attrs.brand` (or manufacturer/make/vendor), case-insensitive key. */
export function brandOf(item: Pick<Item, 'attrs'>): string | undefined {
  if (!item.attrs) return undefined;
  for (const [k, v] of Object.entries(item.attrs)) {
    if (BRAND_KEYS.includes(k.toLowerCase()) && typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

function grow<T extends Int32Array | Uint16Array | Float64Array | Uint8Array>(a: T, need: number): T {
  if (a.length >= need) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 16));
  next.set(a);
  return next;
}

/**
 * The in-memory search index. Build with {@link SearchIndex.upsert}, remove with {@link SearchIndex.remove},
 * score with {@link SearchIndex.scoreGroups}; persist with {@link SearchIndex.toArtifact} and
 * {@link SearchIndex.fromArtifact}.
 */
export class SearchIndex {
  readonly analyzerKind: AnalyzerKind;
  readonly analyzerOptions: AnalyzerOptions;
  bm25f: Bm25fParams;
  private readonly descChars: number;

  private slotIds: string[] = [];
  private slotDocs: (StoredDoc | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private alive = new Uint8Array(16);
  private aliveCount = 0;
  /** [slots × F] analysed token counts */
  private fieldLen = new Float64Array(16 * F);
  private readonly sumFieldLen = new Float64Array(F);
  /** [slots × F] 1 / (1 − b + b·len/avg), rebuilt lazily */
  private norm = new Float64Array(0);
  private normDirty = true;

  private readonly termIds = new Map<string, number>();
  private termStrings: string[] = [];
  private postings: PostingList[] = [];
  private df = new Int32Array(16);
  /** title term ids in order per slot (for proximity) */
  private titleSeq: (Int32Array | undefined)[] = [];
  /** unique term ids per slot (for df bookkeeping on delete) */
  private docTerms: (Int32Array | undefined)[] = [];
  /** surface word → number of documents it appeared in (for typo correction, prefixes and did-you-mean) */
  readonly surface = new Map<string, number>();
  private sortedSurface: string[] | undefined;
  private readonly localRows = new Map<number, number>();
  private localCounts = new Uint16Array(64 * F);
  private readonly localSurface = new Set<string>();
  /** [slots] per-group best scores, all zero between calls */
  private groupScratch = new Float64Array(0);
  /** bumped on every change; caches keyed on it */
  version = 0;

  constructor(options: SearchIndexOptions = {}) {
    this.analyzerKind = options.analyzer ?? 'full';
    this.analyzerOptions = options.analyzerOptions ?? {};
    this.bm25f = options.bm25f ?? DEFAULT_BM25F;
    this.descChars = options.storedDescriptionChars ?? 600;
  }

  /** Number of live documents. */
  get size(): number {
    return this.aliveCount;
  }

  /** Number of slots (live + tombstoned); score arrays have this length. */
  get slots(): number {
    return this.slotIds.length;
  }

  /** Distinct terms. */
  get vocabularySize(): number {
    return this.termStrings.length;
  }

  /** Terms of a text under this index's analyzer. */
  analyze(text: string): string[] {
    return this.analyzerKind === 'reference' ? referenceTokens(text) : analyze(text, this.analyzerOptions);
  }

  /** Adds or replaces items (by id). */
  upsert(items: readonly Item[]): void {
    for (const item of items) {
      const prev = this.slotOf.get(item.id);
      if (prev !== undefined) this.kill(prev);
      this.add(item);
    }
    this.afterChange();
  }

  /** Removes items by id; returns how many were present. */
  remove(ids: readonly string[]): number {
    let n = 0;
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      this.kill(slot);
      n++;
    }
    if (n > 0) this.afterChange();
    return n;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Slot of a live item id. */
  slotOfId(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  idAt(slot: number): string {
    return this.slotIds[slot] as string;
  }

  docAt(slot: number): StoredDoc | undefined {
    return this.slotDocs[slot];
  }

  isAlive(slot: number): boolean {
    return this.alive[slot] === 1;
  }

  /** Live slots, in slot order. */
  *liveSlots(): Iterable<number> {
    for (let s = 0; s < this.slotIds.length; s++) if (this.alive[s] === 1) yield s;
  }

  /** The title's term ids in reading order (empty for a tombstone). */
  titleTermIds(slot: number): Int32Array {
    return this.titleSeq[slot] ?? EMPTY;
  }

  /** Distinct term ids of a live slot (empty for a tombstone). */
  termsOfSlot(slot: number): Int32Array {
    return this.docTerms[slot] ?? new Int32Array(0);
  }

  /** The term with this id. */
  termAt(id: number): string {
    return this.termStrings[id] as string;
  }

  termId(term: string): number | undefined {
    return this.termIds.get(term);
  }

  /** Documents with this term id, possibly tombstoned (check {@link isAlive}); a view, do not modify. */
  postingDocs(termId: number): Int32Array {
    const p = this.postings[termId];
    return p ? p.docs.subarray(0, p.n) : EMPTY;
  }

  /** Live documents containing the term with this id. */
  docFreqOf(termId: number): number {
    return (this.df[termId] as number | undefined) ?? 0;
  }

  /** Live documents containing the term (0 when unknown). */
  docFreq(term: string): number {
    const t = this.termIds.get(term);
    return t === undefined ? 0 : (this.df[t] as number);
  }

  /** BM25 idf, `ln(1 + (N − df + 0.5) / (df + 0.5))` (always positive). */
  idf(term: string): number {
    const n = this.docFreq(term);
    return n === 0 ? 0 : Math.log(1 + (this.aliveCount - n + 0.5) / (n + 0.5));
  }

  /** Surface words sorted, for prefix lookups (rebuilt lazily after changes). */
  sortedWords(): string[] {
    this.sortedSurface ??= [...this.surface.keys()].sort();
    return this.sortedSurface;
  }

  /** An alternative's posting list and its BM25 idf times the alternative's weight; undefined when it can match nothing. */
  private weightedPosting(alt: TermAlternative): { p: PostingList; idf: number } | undefined {
    const t = this.termIds.get(alt.term);
    if (t === undefined || alt.weight <= 0) return undefined;
    const dfT = this.df[t] as number;
    if (dfT === 0) return undefined;
    return { p: this.postings[t] as PostingList, idf: Math.log(1 + (this.aliveCount - dfT + 0.5) / (dfT + 0.5)) * alt.weight };
  }

  /**
   * Scores every live document against query groups. Each group is one position of the query with its
   * alternatives (the word, its typo corrections, synonyms, prefix completions); a document earns, per group, the
   * best weighted BM25F score among the alternatives it contains; group scores add up. Returns dense score arrays.
   */
  scoreGroups(groups: readonly (readonly TermAlternative[])[], scratch?: ScoredDocs): ScoredDocs {
    this.prepareNorms();
    const slots = this.slotIds.length;
    const out: ScoredDocs =
      scratch && scratch.scores.length >= slots
        ? scratch
        : { scores: new Float64Array(slots), matched: new Uint8Array(slots), touched: new Int32Array(0) };
    const { scores, matched } = out;
    const touched: number[] = [];
    if (this.groupScratch.length < slots) this.groupScratch = new Float64Array(Math.max(slots, this.groupScratch.length * 2));
    const group = this.groupScratch;
    const groupTouched: number[] = [];
    const k1 = this.bm25f.k1;
    const w = SEARCH_FIELDS.map((f) => this.bm25f.fields[f].weight);
    const norm = this.norm;
    const alive = this.alive;
    for (const alternatives of groups) {
      groupTouched.length = 0;
      for (const alt of alternatives) {
        const hit = this.weightedPosting(alt);
        if (hit === undefined) continue;
        const { p, idf } = hit;
        const { docs, tf } = p;
        for (let i = 0; i < p.n; i++) {
          const d = docs[i] as number;
          if (alive[d] !== 1) continue;
          let tilde = 0;
          const base = i * F;
          const nb = d * F;
          for (let f = 0; f < F; f++) {
            const x = tf[base + f] as number;
            if (x !== 0) tilde += ((w[f] as number) * x) * (norm[nb + f] as number);
          }
          if (tilde === 0) continue;
          const s = (idf * (tilde * (k1 + 1))) / (tilde + k1);
          const prev = group[d] as number;
          if (prev === 0) groupTouched.push(d);
          if (s > prev) group[d] = s;
        }
      }
      for (const d of groupTouched) {
        if (scores[d] === 0) touched.push(d);
        scores[d] = (scores[d] as number) + (group[d] as number);
        matched[d] = (matched[d] as number) + 1;
        group[d] = 0;
      }
    }
    out.touched = Int32Array.from(touched);
    return out;
  }

  /**
   * {@link scoreGroups} restricted to the given slots (ascending, live): the same per-group best weighted BM25F score,
   * summed, for these slots only, written to `scores[i]` / `matched[i]` (aligned with `slots`, zeroed first). Each term
   * is found in a slot by binary search in its (slot-ordered) posting list, or by a walk when the list is short, so a
   * frequent term costs O(slots · log df) instead of O(df).
   */
  scoreGroupsFor(groups: readonly (readonly TermAlternative[])[], slots: Int32Array, scores: Float64Array, matched: Uint8Array): void {
    this.prepareNorms();
    const n = slots.length;
    scores.fill(0, 0, n);
    matched.fill(0, 0, n);
    if (n === 0) return;
    const best = new Float64Array(n);
    const k1 = this.bm25f.k1;
    const w = SEARCH_FIELDS.map((f) => this.bm25f.fields[f].weight);
    const norm = this.norm;
    const first = slots[0] as number;
    const last = slots[n - 1] as number;
    const bm25 = (p: PostingList, i: number, d: number, idf: number): number => {
      let tilde = 0;
      const base = i * F;
      const nb = d * F;
      for (let f = 0; f < F; f++) {
        const x = p.tf[base + f] as number;
        if (x !== 0) tilde += ((w[f] as number) * x) * (norm[nb + f] as number);
      }
      return tilde === 0 ? 0 : (idf * (tilde * (k1 + 1))) / (tilde + k1);
    };
    for (const alternatives of groups) {
      best.fill(0);
      for (const alt of alternatives) {
        const hit = this.weightedPosting(alt);
        if (hit === undefined) continue;
        const { p, idf } = hit;
        const docs = p.docs;
        if (p.n <= 4 * n) {
          // Walk the list and the slots together (both ascending).
          let j = 0;
          for (let i = 0; i < p.n && j < n; i++) {
            const d = docs[i] as number;
            if (d < first || d > last) continue;
            while (j < n && (slots[j] as number) < d) j++;
            if (j < n && slots[j] === d) {
              const s = bm25(p, i, d, idf);
              if (s > (best[j] as number)) best[j] = s;
            }
          }
        } else {
          let lo = 0;
          for (let j = 0; j < n; j++) {
            const d = slots[j] as number;
            let hi = p.n;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if ((docs[mid] as number) < d) lo = mid + 1;
              else hi = mid;
            }
            if (lo < p.n && docs[lo] === d) {
              const s = bm25(p, lo, d, idf);
              if (s > (best[j] as number)) best[j] = s;
            }
          }
        }
      }
      for (let j = 0; j < n; j++) {
        const b = best[j] as number;
        if (b > 0) {
          scores[j] = (scores[j] as number) + b;
          matched[j] = (matched[j] as number) + 1;
        }
      }
    }
  }

  /** Resets a {@link ScoredDocs} for reuse (O(touched)). */
  static clearScores(s: ScoredDocs): void {
    for (const d of s.touched) {
      s.scores[d] = 0;
      s.matched[d] = 0;
    }
    s.touched = new Int32Array(0);
  }

  /** Drops tombstoned slots and renumbers the rest (keeps their order). */
  compact(): void {
    const slots = this.slotIds.length;
    if (this.aliveCount === slots) return;
    const remap = new Int32Array(slots).fill(-1);
    let next = 0;
    for (let s = 0; s < slots; s++) if (this.alive[s] === 1) remap[s] = next++;
    const ids: string[] = new Array<string>(next);
    const docs: (StoredDoc | undefined)[] = new Array<StoredDoc | undefined>(next);
    const docTerms: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(next);
    const titleSeq: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(next);
    const fieldLen = new Float64Array(Math.max(16, next) * F);
    for (let s = 0; s < slots; s++) {
      const to = remap[s] as number;
      if (to < 0) continue;
      ids[to] = this.slotIds[s] as string;
      docs[to] = this.slotDocs[s];
      docTerms[to] = this.docTerms[s];
      titleSeq[to] = this.titleSeq[s];
      fieldLen.set(this.fieldLen.subarray(s * F, s * F + F), to * F);
      this.slotOf.set(ids[to], to);
    }
    for (const p of this.postings) {
      let j = 0;
      for (let i = 0; i < p.n; i++) {
        const to = remap[p.docs[i] as number] as number;
        if (to < 0) continue;
        p.docs[j] = to;
        p.tf.copyWithin(j * F, i * F, i * F + F);
        j++;
      }
      p.n = j;
    }
    this.slotIds = ids;
    this.slotDocs = docs;
    this.docTerms = docTerms;
    this.titleSeq = titleSeq;
    this.fieldLen = fieldLen;
    this.alive = new Uint8Array(Math.max(16, next));
    this.alive.fill(1, 0, next);
    this.normDirty = true;
    this.version++;
  }

  /** Serialises the index (compacted) as manifest + CSR typed arrays. */
  toArtifact(): Artifact {
    this.compact();
    const nTerms = this.termStrings.length;
    const offsets = new Int32Array(nTerms + 1);
    for (let t = 0; t < nTerms; t++) offsets[t + 1] = (offsets[t] as number) + (this.postings[t] as PostingList).n;
    const total = offsets[nTerms] as number;
    const pDocs = new Int32Array(total);
    const pTf = new Uint16Array(total * F);
    for (let t = 0; t < nTerms; t++) {
      const p = this.postings[t] as PostingList;
      pDocs.set(p.docs.subarray(0, p.n), offsets[t] as number);
      pTf.set(p.tf.subarray(0, p.n * F), (offsets[t] as number) * F);
    }
    const n = this.slotIds.length;
    const dtOffsets = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) dtOffsets[s + 1] = (dtOffsets[s] as number) + (this.docTerms[s]?.length ?? 0);
    const dtIds = new Int32Array(dtOffsets[n] as number);
    for (let s = 0; s < n; s++) {
      const d = this.docTerms[s];
      if (d) dtIds.set(d, dtOffsets[s] as number);
    }
    const tsOffsets = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) tsOffsets[s + 1] = (tsOffsets[s] as number) + (this.titleSeq[s]?.length ?? 0);
    const tsIds = new Int32Array(tsOffsets[n] as number);
    for (let s = 0; s < n; s++) {
      const d = this.titleSeq[s];
      if (d) tsIds.set(d, tsOffsets[s] as number);
    }
    const enc = new TextEncoder();
    return {
      manifest: {
        kind: 'search-index',
        version: SEARCH_INDEX_VERSION,
        analyzer: this.analyzerKind,
        analyzerOptions: this.analyzerOptions,
        bm25f: this.bm25f,
        fields: SEARCH_FIELDS,
        docs: n,
        terms: nTerms,
        postings: total,
        storedDescriptionChars: this.descChars,
      },
      buffers: {
        ids: enc.encode(JSON.stringify(this.slotIds)),
        stored: enc.encode(JSON.stringify(this.slotDocs)),
        terms: enc.encode(JSON.stringify(this.termStrings)),
        surface: enc.encode(JSON.stringify([...this.surface])),
        fieldLen: bytesOf(new Float32Array(this.fieldLen.subarray(0, n * F))),
        postingOffsets: bytesOf(offsets),
        postingDocs: bytesOf(pDocs),
        postingTf: bytesOf(pTf),
        docTermOffsets: bytesOf(dtOffsets),
        docTermIds: bytesOf(dtIds),
        titleOffsets: bytesOf(tsOffsets),
        titleIds: bytesOf(tsIds),
      },
    };
  }

  /**
   * Why a saved search index cannot be loaded as it is by this build, or `undefined` when it can: it was written
   * under another {@link SEARCH_INDEX_VERSION} (a missing version counts as an older one) or with other fields. Its
   * terms then come from another analyser, so the index must be rebuilt from the catalogue. Foreign artifacts are
   * {@link SearchIndex.fromArtifact}'s to reject.
   */
  static outdatedReason(manifest: Artifact['manifest']): string | undefined {
    const v = manifest['version'];
    if (v !== SEARCH_INDEX_VERSION) return `saved with index version ${v === undefined ? '(none)' : JSON.stringify(v)}, this build writes ${SEARCH_INDEX_VERSION}`;
    if (JSON.stringify(manifest['fields']) !== JSON.stringify(SEARCH_FIELDS)) return `saved with fields ${JSON.stringify(manifest['fields'])}, this build indexes ${JSON.stringify(SEARCH_FIELDS)}`;
    return undefined;
  }

  /**
   * Rebuilds an index from {@link SearchIndex.toArtifact} output; throws on a foreign or corrupt artifact, and on
   * one that is outdated ({@link SearchIndex.outdatedReason}): its terms would not match this build's queries.
   */
  static fromArtifact(artifact: Artifact): SearchIndex {
    const m = artifact.manifest;
    if (m['kind'] !== 'search-index') throw new Error(`not a search index artifact (kind ${String(m['kind'])}, version ${String(m['version'])})`);
    const outdated = SearchIndex.outdatedReason(m);
    if (outdated !== undefined) throw new Error(`search index artifact is outdated (${outdated}); rebuild it from the catalogue`);
    const index = new SearchIndex({
      analyzer: m['analyzer'] as AnalyzerKind,
      analyzerOptions: m['analyzerOptions'] as AnalyzerOptions,
      bm25f: m['bm25f'] as Bm25fParams,
      storedDescriptionChars: m['storedDescriptionChars'] as number,
    });
    const b = artifact.buffers;
    const need = (name: string): Uint8Array => {
      const x = b[name];
      if (!x) throw new Error(`search index artifact lacks buffer ${name}`);
      return x;
    };
    const dec = new TextDecoder();
    const ids = JSON.parse(dec.decode(need('ids'))) as string[];
    const stored = JSON.parse(dec.decode(need('stored'))) as (StoredDoc | null)[];
    const terms = JSON.parse(dec.decode(need('terms'))) as string[];
    const surface = JSON.parse(dec.decode(need('surface'))) as [string, number][];
    const fieldLen = float32Of(need('fieldLen'));
    const offsets = int32Of(need('postingOffsets'));
    const pDocs = int32Of(need('postingDocs'));
    const tfBytes = need('postingTf');
    const pTf = new Uint16Array(tfBytes.buffer.slice(tfBytes.byteOffset, tfBytes.byteOffset + tfBytes.byteLength));
    const dtOffsets = int32Of(need('docTermOffsets'));
    const dtIds = int32Of(need('docTermIds'));
    const n = ids.length;
    if (fieldLen.length !== n * F || dtOffsets.length !== n + 1 || offsets.length !== terms.length + 1) throw new Error('search index artifact is corrupt (array sizes disagree)');
    index.slotIds = ids;
    index.slotDocs = stored.map((d) => d ?? undefined);
    index.alive = new Uint8Array(Math.max(16, n));
    index.alive.fill(1, 0, n);
    index.aliveCount = n;
    index.fieldLen = new Float64Array(Math.max(16, n) * F);
    index.fieldLen.set(fieldLen);
    for (let s = 0; s < n; s++) {
      index.slotOf.set(ids[s] as string, s);
      for (let f = 0; f < F; f++) index.sumFieldLen[f] = (index.sumFieldLen[f] as number) + (fieldLen[s * F + f] as number);
    }
    index.termStrings = terms;
    index.df = new Int32Array(Math.max(16, terms.length));
    for (let t = 0; t < terms.length; t++) {
      index.termIds.set(terms[t] as string, t);
      const a = offsets[t] as number;
      const z = offsets[t + 1] as number;
      index.postings.push({ docs: pDocs.slice(a, z), tf: pTf.slice(a * F, z * F), n: z - a });
      index.df[t] = z - a;
    }
    for (let s = 0; s < n; s++) index.docTerms.push(dtIds.slice(dtOffsets[s] as number, dtOffsets[s + 1] as number));
    const tsOffsets = int32Of(need('titleOffsets'));
    const tsIds = int32Of(need('titleIds'));
    if (tsOffsets.length !== n + 1) throw new Error('search index artifact is corrupt (title offsets)');
    for (let s = 0; s < n; s++) index.titleSeq.push(tsIds.subarray(tsOffsets[s] as number, tsOffsets[s + 1] as number));
    for (const [w, c] of surface) index.surface.set(w, c);
    index.normDirty = true;
    return index;
  }

  private fieldTexts(item: Item, brand: string | undefined): Record<SearchField, string> {
    const attrs = item.attrs
      ? Object.entries(item.attrs)
          .filter(([k, v]) => !BRAND_KEYS.includes(k.toLowerCase()) && typeof v !== 'boolean')
          .map(([, v]) => String(v))
          .join(' . ')
      : '';
    return {
      title: item.title,
      brand: brand ?? '',
      category: item.category ? item.category.replace(/>/g, ' . ') : '',
      tags: item.tags ? item.tags.join(' . ') : '',
      attrs,
      description: item.description ?? '',
    };
  }

  private add(item: Item): void {
    const slot = this.slotIds.length;
    const brand = brandOf(item);
    this.slotIds.push(item.id);
    this.slotOf.set(item.id, slot);
    const doc: StoredDoc = { id: item.id, title: item.title };
    if (item.description !== undefined) doc.description = item.description.slice(0, this.descChars);
    if (item.category !== undefined) doc.category = item.category;
    if (brand !== undefined) doc.brand = brand;
    if (item.price !== undefined) doc.price = item.price;
    if (item.inStock !== undefined) doc.inStock = item.inStock;
    if (item.tags !== undefined) doc.tags = item.tags;
    if (item.attrs !== undefined) doc.attrs = item.attrs;
    if (item.createdAt !== undefined) doc.createdAt = item.createdAt;
    this.slotDocs.push(doc);
    this.alive = grow(this.alive, slot + 1);
    this.alive[slot] = 1;
    this.aliveCount++;
    this.fieldLen = grow(this.fieldLen, (slot + 1) * F);

    const texts = this.fieldTexts(item, brand);
    // term id → row in the per-document count scratch [rows × F]
    const local = this.localRows;
    local.clear();
    const full = this.analyzerKind === 'full';
    const seen = this.localSurface;
    seen.clear();
    for (let f = 0; f < F; f++) {
      const field = SEARCH_FIELDS[f] as SearchField;
      if (this.bm25f.fields[field].weight <= 0) continue;
      const text = texts[field];
      if (!text) continue;
      let terms: string[];
      if (full) {
        // One pass of word splitting serves both the terms and the surface vocabulary.
        const ws = words(text, this.analyzerOptions);
        terms = [];
        for (const wd of ws) {
          const term = analyzeWord(wd, this.analyzerOptions);
          if (term !== '') terms.push(term);
          if (field !== 'description' && wd.length >= 2 && SURFACE_WORD.test(wd)) seen.add(wd);
        }
      } else terms = referenceTokens(text);
      this.fieldLen[slot * F + f] = terms.length;
      this.sumFieldLen[f] = (this.sumFieldLen[f] as number) + terms.length;
      const seq = f === 0 ? new Int32Array(terms.length) : undefined;
      let k = 0;
      for (const term of terms) {
        let t = this.termIds.get(term);
        if (t === undefined) {
          t = this.termStrings.length;
          this.termIds.set(term, t);
          this.termStrings.push(term);
          this.postings.push({ docs: new Int32Array(2), tf: new Uint16Array(2 * F), n: 0 });
          this.df = grow(this.df, t + 1);
        }
        let row = local.get(t);
        if (row === undefined) {
          row = local.size;
          local.set(t, row);
          if ((row + 1) * F > this.localCounts.length) this.localCounts = grow(this.localCounts, (row + 1) * F);
          this.localCounts.fill(0, row * F, row * F + F);
        }
        const at = row * F + f;
        if ((this.localCounts[at] as number) < 65535) this.localCounts[at] = (this.localCounts[at] as number) + 1;
        if (seq) seq[k++] = t;
      }
      if (seq) this.titleSeq[slot] = seq;
    }
    const unique = new Int32Array(local.size);
    let u = 0;
    for (const [t, row] of local) {
      unique[u++] = t;
      const p = this.postings[t] as PostingList;
      if (p.n === p.docs.length) {
        p.docs = grow(p.docs, p.n + 1);
        p.tf = grow(p.tf, p.docs.length * F);
      }
      p.docs[p.n] = slot;
      p.tf.set(this.localCounts.subarray(row * F, row * F + F), p.n * F);
      p.n++;
      this.df[t] = (this.df[t] as number) + 1;
    }
    this.docTerms[slot] = unique;
    for (const wd of seen) this.surface.set(wd, (this.surface.get(wd) ?? 0) + 1);
  }

  private kill(slot: number): void {
    if (this.alive[slot] !== 1) return;
    this.alive[slot] = 0;
    this.aliveCount--;
    const id = this.slotIds[slot] as string;
    if (this.slotOf.get(id) === slot) this.slotOf.delete(id);
    for (const t of this.docTerms[slot] ?? []) this.df[t] = (this.df[t] as number) - 1;
    for (let f = 0; f < F; f++) this.sumFieldLen[f] = (this.sumFieldLen[f] as number) - (this.fieldLen[slot * F + f] as number);
    this.docTerms[slot] = undefined;
    this.titleSeq[slot] = undefined;
    this.slotDocs[slot] = undefined;
  }

  private afterChange(): void {
    this.normDirty = true;
    this.sortedSurface = undefined;
    this.version++;
    const dead = this.slotIds.length - this.aliveCount;
    if (dead > 1000 && dead * 4 > this.slotIds.length) this.compact();
  }

  private prepareNorms(): void {
    if (!this.normDirty) return;
    const n = this.slotIds.length;
    if (this.norm.length < n * F) this.norm = new Float64Array(Math.max(n * F, this.norm.length * 2));
    for (let f = 0; f < F; f++) {
      const b = this.bm25f.fields[SEARCH_FIELDS[f] as SearchField].b;
      const avg = this.aliveCount > 0 ? (this.sumFieldLen[f] as number) / this.aliveCount : 0;
      for (let s = 0; s < n; s++) {
        const len = this.fieldLen[s * F + f] as number;
        this.norm[s * F + f] = avg > 0 ? 1 / (1 - b + (b * len) / avg) : 1;
      }
    }
    this.normDirty = false;
  }
}
