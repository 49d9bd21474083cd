/**
 * The store-backed search service: loads the persisted index (or builds it from the catalogue) on first use, keeps it
 * current as items are upserted or deleted, persists it as the `search-index` artifact, learns ranking signals from
 * events with SQL aggregates (popularity, conversion), learns click-through with position-bias correction from
 * search events and the clicks that carry their `recId`, computes the user's affinities, and records each search
 * with a `userId` as a `search` event whose id is the response's `searchId` (so clicks can be attributed).
 *
 * A saved index is used only when it reflects the current catalogue and was written under this build's
 * {@link SEARCH_INDEX_VERSION}; otherwise it is rebuilt from the catalogue before the first search is answered (an
 * index from an older analyser would silently miss documents), and the reason is logged and kept in
 * {@link SearchService.lastLoad}.
 *
 * Synonyms come from three places, merged: rules given in code or the CLI (`options.synonyms`), rules a store manages
 * through `PUT /v1/search/synonyms` (saved as the `search-synonyms` artifact, so they survive restarts and reach every
 * replica at its next signal refresh), and synonyms learned from clicks (`click-synonyms.ts`).
 */
import type { Item } from '../core/schemas/index.ts';
import { categoryLevels } from '../core/schemas/index.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../store/store.ts';
import { HashingEmbedder, VectorIndex, type Embedder } from './embedder.ts';
import { parseSynonyms, synonymRuleProblem, type SynonymMap } from './query-expansion.ts';
import { CartwiseError } from '../core/errors.ts';
import { learnClickSynonyms } from './click-synonyms.ts';
import { queryReport, type QueryReport } from './query-report.ts';
import { learnClickModel, normalizeQueryKey, type UserAffinity } from './ranking.ts';
import { SearchEngine, type SearchEngineOptions, type SearchRequest, type SearchResponse } from './search-engine.ts';
import { SEARCH_INDEX_VERSION, SearchIndex, type SearchIndexOptions } from './search-index.ts';

export const SEARCH_ARTIFACT = 'search-index';

/** Why the service built its index from the catalogue instead of loading the saved one. */
export const INDEX_REBUILD_REASONS = ['no-artifact', 'requested', 'catalogue-changed', 'analyser-changed', 'unreadable'] as const;
export type IndexRebuildReason = (typeof INDEX_REBUILD_REASONS)[number];

/** How the service got its index the last time it loaded one. */
export interface SearchIndexLoad {
  /** `artifact`: the saved index, used as it is; `catalogue`: built from the store's items (and saved). */
  source: 'artifact' | 'catalogue';
  /** Set when `source` is `catalogue`. `analyser-changed`: the artifact was saved under another index version. */
  reason?: IndexRebuildReason;
  /** In words, e.g. "saved with index version 1, this build writes 2". */
  detail?: string;
  /** Live items in the index. */
  items: number;
}

export interface SearchServiceOptions {
  index?: SearchIndexOptions;
  engine?: SearchEngineOptions;
  /** Synonym rules (`a, b` or `a => b`), merged with the ones learned from clicks. */
  synonyms?: string[];
  /** Semantic retrieval fused with the lexical one; `'hashing'` uses the built-in embedder. */
  embedder?: Embedder | 'hashing';
  /** Re-learn signals at most this often (default 5 minutes). */
  signalsTtlMs?: number;
  /** Scores from the recommendation engine for a user, 0..1 per item id. */
  recommendationScores?(userId: string): Promise<Map<string, number> | undefined>;
  log?: Logger;
  /** Record searches with a userId as `search` events (default true). */
  recordSearches?: boolean;
  /**
   * Check the catalogue for changes made by other writers (imports, other replicas) at most this often before a
   * search (default 1000 ms; 0 = every search; negative = never).
   */
  syncIntervalMs?: number;
  /** How long a shopper's affinities and recommendation scores are reused across their searches (default 30 s; 0 = never). */
  personalTtlMs?: number;
}

/** Artifact holding the synonym rules a store manages through the API. */
export const SYNONYMS_ARTIFACT = 'search-synonyms';

/** Most search events one query report reads. */
export const MAX_REPORT_SEARCHES = 200_000;

/** Most synonym rules a store may keep. */
export const MAX_SYNONYM_RULES = 10_000;

/** Items per artifact save debounce. */
const SAVE_DELAY_MS = 2_000;

/** See the module header. One per process; safe to call concurrently (loading is shared). */
export class SearchService {
  private engine: SearchEngine | undefined;
  private loading: Promise<SearchEngine> | undefined;
  private signalsAt = 0;
  private signalsLoading: Promise<void> | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private vectors: VectorIndex | undefined;
  private readonly embedder: Embedder | undefined;
  private readonly recording = new Set<Promise<void>>();
  private loaded: SearchIndexLoad | undefined;
  private rebuildRequested = false;
  private storedRules: string[] = [];
  private embedWarnedAt = 0;
  private vectorsReady = false;
  private embedding: Promise<void> | undefined;
  private clickSynonyms: SynonymMap = new Map();

  constructor(
    private readonly store: Store,
    private readonly options: SearchServiceOptions = {},
  ) {
    this.embedder = options.embedder === 'hashing' ? new HashingEmbedder({ dimensions: 128 }) : options.embedder;
  }

  /**
   * A service over an index built elsewhere (benchmarks, bulk evaluation): it is used as is and, unless
   * `syncIntervalMs` is given, not synced with the store's catalogue.
   */
  static withIndex(store: Store, index: SearchIndex, options: SearchServiceOptions = {}): SearchService {
    const s = new SearchService(store, { syncIntervalMs: -1, ...options });
    s.engine = new SearchEngine(index, options.engine);
    s.applySynonyms(s.engine);
    s.startEmbedding(index);
    return s;
  }

  /** How the current index was obtained: undefined before the first load, and for {@link SearchService.withIndex}. */
  get lastLoad(): SearchIndexLoad | undefined {
    return this.loaded;
  }

  /** The engine, loading or building the index on first call. */
  ready(): Promise<SearchEngine> {
    if (this.engine) return Promise.resolve(this.engine);
    this.loading ??= this.load().then(
      (e) => {
        this.engine = e;
        return e;
      },
      (err: unknown) => {
        // A failed load (store unreachable mid-rebuild) must not stick: the next call tries again.
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }

  private epochMsSql(column: string): string {
    return this.store.dialect === 'postgres' ? `(extract(epoch from ${column}) * 1000)` : `epoch_ms(${column})`;
  }

  private async catalogueState(): Promise<{ count: number; updatedMs: number }> {
    const rows = await this.store.query<{ n: unknown; u: unknown }>(`SELECT count(*) AS n, max(${this.epochMsSql('updated_at')}) AS u FROM items`);
    return { count: Number(rows[0]?.n ?? 0), updatedMs: Number(rows[0]?.u ?? 0) };
  }

  private static stampOf(s: { count: number; updatedMs: number }): string {
    return `${s.count}@${s.updatedMs}`;
  }

  private syncedState: { count: number; updatedMs: number } | undefined;
  private syncAt = 0;
  private syncing: Promise<void> | undefined;

  /**
   * Brings a loaded index up to date with the store: items updated since the last sync are re-indexed, items no
   * longer in the store are removed. Cheap when nothing changed (one aggregate query).
   */
  async sync(): Promise<{ upserted: number; removed: number }> {
    const engine = await this.ready();
    const before = this.syncedState ?? { count: 0, updatedMs: 0 };
    const now = await this.catalogueState();
    let upserted = 0;
    let removed = 0;
    if (now.updatedMs > before.updatedMs) {
      const rows = await this.store.query<{ id: string }>(`SELECT id FROM items WHERE ${this.epochMsSql('updated_at')} > ?`, [before.updatedMs]);
      for (let i = 0; i < rows.length; i += 1000) {
        const items = await this.store.getItems(rows.slice(i, i + 1000).map((r) => r.id));
        engine.index.upsert(items);
        await this.embedItems(engine.index, items.map((it) => it.id));
        upserted += items.length;
      }
    }
    if (now.count !== engine.index.size) {
      const ids = new Set((await this.store.query<{ id: string }>('SELECT id FROM items')).map((r) => r.id));
      const gone: string[] = [];
      for (const s of engine.index.liveSlots()) if (!ids.has(engine.index.idAt(s))) gone.push(engine.index.idAt(s));
      removed = engine.index.remove(gone);
      for (const id of gone) this.vectors?.delete(id);
    }
    this.syncedState = now;
    if (upserted + removed > 0) this.scheduleSave();
    return { upserted, removed };
  }

  private async maybeSync(): Promise<void> {
    const every = this.options.syncIntervalMs ?? 1000;
    if (every < 0 || Date.now() - this.syncAt < every) return;
    this.syncAt = Date.now();
    this.syncing ??= this.sync()
      .then(() => undefined)
      .catch((err: unknown) => this.options.log?.warn({ err }, 'search index sync failed'))
      .finally(() => {
        this.syncing = undefined;
      });
    await this.syncing;
  }

  private async load(): Promise<SearchEngine> {
    const state = await this.catalogueState();
    this.syncedState = state;
    const stamp = SearchService.stampOf(state);
    let index: SearchIndex | undefined;
    let reason: IndexRebuildReason = this.rebuildRequested ? 'requested' : 'no-artifact';
    this.rebuildRequested = false;
    let detail: string | undefined;
    const saved = await this.store.loadArtifact(SEARCH_ARTIFACT);
    if (saved) {
      // Version first: an index from another analyser is wrong even when the catalogue has not changed.
      const outdated = saved.manifest['kind'] === 'search-index' ? SearchIndex.outdatedReason(saved.manifest) : undefined;
      if (outdated !== undefined) {
        reason = 'analyser-changed';
        detail = outdated;
      } else if (saved.manifest['catalogue'] !== stamp) {
        reason = 'catalogue-changed';
        detail = `saved for catalogue ${String(saved.manifest['catalogue'])}, now ${stamp}`;
      } else {
        try {
          index = SearchIndex.fromArtifact(saved);
        } catch (err) {
          reason = 'unreadable';
          detail = err instanceof Error ? err.message : String(err);
        }
      }
    }
    if (index) {
      this.loaded = { source: 'artifact', items: index.size };
    } else {
      index = new SearchIndex(this.options.index);
      for await (const batch of this.store.scanItems(5000)) index.upsert(batch);
      await this.persist(index, stamp);
      this.loaded = { source: 'catalogue', reason, items: index.size, ...(detail !== undefined ? { detail } : {}) };
      if (reason === 'analyser-changed') {
        this.options.log?.warn(
          { reason, detail, version: SEARCH_INDEX_VERSION, items: index.size },
          `search index rebuilt from the catalogue: the saved index was built by another analyser (${detail})`,
        );
      } else if (reason === 'unreadable') {
        this.options.log?.warn({ reason, detail, items: index.size }, `search index artifact unreadable (${detail}); rebuilt it from the catalogue`);
      } else {
        this.options.log?.info({ reason, detail, items: index.size }, 'search index built from the catalogue');
      }
    }
    const engine = new SearchEngine(index, this.options.engine);
    await this.loadSynonymRules();
    this.applySynonyms(engine);
    this.startEmbedding(index);
    return engine;
  }

  /** With an embedder, embeds the whole catalogue in the background (see {@link SearchService.whenEmbedded}). */
  private startEmbedding(index: SearchIndex): void {
    if (!this.embedder) return;
    // Embedding a large catalogue through a remote endpoint takes minutes: searches are lexical until it is done.
    const vectors = new VectorIndex(this.embedder.dimensions);
    this.vectors = vectors;
    this.vectorsReady = false;
    const started = Date.now();
    this.embedding = this.embedItems(index, [...index.liveSlots()].map((s) => index.idAt(s))).then(() => {
      if (this.vectors !== vectors) return; // a later load took over
      this.vectorsReady = true;
      this.options.log?.info({ items: index.size, ms: Date.now() - started, embedder: this.embedder?.name }, 'catalogue embedded; search is hybrid');
    });
  }

  /** Resolves when the catalogue's first embedding (started by the index load) is done; at once without an embedder. */
  async whenEmbedded(): Promise<void> {
    await this.ready();
    await this.embedding;
  }

  /**
   * Embeds items of the index (by id) into the vector index, 256 per call. An embedder that fails (an endpoint down)
   * never fails the search: the failure is logged and searches stay lexical until the next load.
   */
  private async embedItems(index: SearchIndex, ids: readonly string[]): Promise<void> {
    const vectors = this.vectors; // a reload replaces it: this run then fills the old one, never the new
    if (!this.embedder || !vectors) return;
    try {
      for (let i = 0; i < ids.length; i += 256) {
        const part = ids.slice(i, i + 256).filter((id) => index.slotOfId(id) !== undefined);
        const vs = await this.embedder.embed(part.map((id) => this.embedText(index, index.slotOfId(id) as number)));
        part.forEach((id, j) => vectors.set(id, vs[j] as Float32Array));
      }
    } catch (err) {
      if (this.vectors === vectors) this.vectors = undefined;
      this.options.log?.warn({ err, embedder: this.embedder.name }, 'embedding the catalogue failed; search is lexical only until the index reloads');
    }
  }

  private embedText(index: SearchIndex, slot: number): string {
    const d = index.docAt(slot);
    return d ? [d.title, d.brand ?? '', d.category ?? ''].join(' ') : '';
  }

  private async persist(index: SearchIndex, stamp?: string): Promise<void> {
    const artifact = index.toArtifact();
    // The stamp of the catalogue state the index reflects (not the store's current one, which may be ahead).
    artifact.manifest['catalogue'] = stamp ?? SearchService.stampOf(this.syncedState ?? { count: -1, updatedMs: 0 });
    await this.store.saveArtifact(SEARCH_ARTIFACT, artifact);
  }

  /** Rebuilds the index from the catalogue and saves it; returns the number of items indexed. */
  async rebuild(): Promise<number> {
    // Delete first: a search arriving meanwhile keeps the old engine instead of reloading the old artifact.
    await this.store.deleteArtifact(SEARCH_ARTIFACT);
    this.rebuildRequested = true;
    this.engine = undefined;
    this.loading = undefined;
    const e = await this.ready();
    return e.index.size;
  }

  /** Hook for item upserts (server, importers): updates a loaded index and schedules a save. */
  async onItemsUpserted(items: readonly Item[]): Promise<void> {
    if (!this.engine) return; // not loaded yet: the next load sees the store
    this.engine.index.upsert(items);
    await this.embedItems(this.engine.index, items.map((i) => i.id));
    this.scheduleSave();
  }

  /** Hook for item deletions. */
  onItemsDeleted(ids: readonly string[]): void {
    if (!this.engine) return;
    this.engine.index.remove(ids);
    for (const id of ids) this.vectors?.delete(id);
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flush().catch((err: unknown) => this.options.log?.warn({ err }, 'saving the search index failed'));
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  /** Waits for search events still being recorded, then saves the index (call before shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.recording]);
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    if (this.engine) await this.persist(this.engine.index);
  }

  /** Re-learns popularity, conversion, margin, clicks and click synonyms from the store. */
  async refreshSignals(): Promise<void> {
    const engine = await this.ready();
    await Promise.all([...this.recording]);
    const rows = await this.store.query<{ id: string; views: unknown; carts: unknown; purchases: unknown; users: unknown }>(
      `SELECT item_id AS id,
        count(*) FILTER (WHERE type IN ('view', 'click')) AS views,
        count(*) FILTER (WHERE type = 'add_to_cart') AS carts,
        count(*) FILTER (WHERE type = 'purchase') AS purchases,
        count(DISTINCT user_id) AS users
       FROM events WHERE item_id IS NOT NULL GROUP BY item_id`,
    );
    const popularity = new Map<string, number>();
    const conversion = new Map<string, number>();
    let maxUsers = 0;
    let maxConv = 0;
    for (const r of rows) maxUsers = Math.max(maxUsers, Number(r.users));
    for (const r of rows) {
      const users = Number(r.users);
      const views = Number(r.views);
      const purchases = Number(r.purchases) + 0.5 * Number(r.carts);
      popularity.set(r.id, maxUsers > 0 ? Math.log1p(users) / Math.log1p(maxUsers) : 0);
      // Beta-smoothed purchase-per-view rate: 10 pseudo-views at a 2% prior.
      const conv = (purchases + 0.2) / (views + 10);
      conversion.set(r.id, conv);
      maxConv = Math.max(maxConv, conv);
    }
    if (maxConv > 0) for (const [k, v] of conversion) conversion.set(k, v / maxConv);
    const margin = new Map<string, number>();
    for (const s of engine.index.liveSlots()) {
      const d = engine.index.docAt(s);
      const m = d?.attrs?.['margin'];
      const cost = d?.attrs?.['cost'];
      if (typeof m === 'number') margin.set(d!.id, Math.max(0, Math.min(1, m)));
      else if (typeof cost === 'number' && d?.price) margin.set(d.id, Math.max(0, Math.min(1, (d.price - cost) / d.price)));
    }
    engine.signals = { popularity, conversion, margin };

    // Click learning: search events carry the shown item ids; clicks carry recId = the search's id.
    const searches = await this.store.query<{ id: string; query: string; props: unknown }>(
      `SELECT id, query, props FROM events WHERE type = 'search' AND query IS NOT NULL ORDER BY ts DESC LIMIT 100000`,
    );
    const clicks = await this.store.query<{ rec_id: string; item_id: string }>(
      `SELECT rec_id, item_id FROM events WHERE rec_id IS NOT NULL AND item_id IS NOT NULL AND type IN ('click', 'add_to_cart', 'purchase')`,
    );
    const clickedBy = new Map<string, Set<string>>();
    for (const c of clicks) {
      let set = clickedBy.get(c.rec_id);
      if (!set) clickedBy.set(c.rec_id, (set = new Set()));
      set.add(c.item_id);
    }
    const impressions: { query: string; items: string[]; clicked: Set<string>; offset: number }[] = [];
    for (const s of searches) {
      const props = (typeof s.props === 'string' ? JSON.parse(s.props) : s.props) as Record<string, unknown> | null;
      const shown = typeof props?.['items'] === 'string' ? (props['items'] as string).split(',').filter(Boolean) : [];
      const offset = typeof props?.['offset'] === 'number' ? (props['offset'] as number) : 0;
      impressions.push({ query: s.query, items: shown, clicked: clickedBy.get(s.id) ?? new Set(), offset });
    }
    engine.clicks = learnClickModel(impressions);
    this.clickSynonyms = learnClickSynonyms(engine.index, impressions);
    await this.loadSynonymRules();
    this.applySynonyms(engine);
    for (const imp of impressions) {
      if (imp.clicked.size === 0) continue;
      const key = normalizeQueryKey(imp.query);
      engine.queryLog.set(key, (engine.queryLog.get(key) ?? 0) + 1);
    }
    this.signalsAt = Date.now();
  }

  /** Reads the store's synonym rules (another replica may have changed them); a missing artifact means none. */
  private async loadSynonymRules(): Promise<void> {
    const a = await this.store.loadArtifact(SYNONYMS_ARTIFACT);
    const rules = a?.manifest['rules'];
    this.storedRules = Array.isArray(rules) ? rules.filter((r): r is string => typeof r === 'string') : [];
  }

  private applySynonyms(engine: SearchEngine): void {
    engine.expander.synonyms = parseSynonyms([...(this.options.synonyms ?? []), ...this.storedRules]);
    engine.expander.learnedSynonyms = this.clickSynonyms;
  }

  /**
   * The synonym rules in force: the store's (editable, read afresh), the configured ones, and what was learned from
   * clicks at the last signal refresh (none before the first).
   */
  async synonyms(): Promise<{ rules: string[]; configured: string[]; learned: { word: string; synonyms: string[] }[] }> {
    await this.loadSynonymRules();
    if (this.engine) this.applySynonyms(this.engine);
    return {
      rules: [...this.storedRules],
      configured: [...(this.options.synonyms ?? [])],
      learned: [...this.clickSynonyms].map(([word, list]) => ({ word, synonyms: list.map((x) => x.word) })).sort((a, b) => (a.word < b.word ? -1 : 1)),
    };
  }

  /**
   * Replaces the store's synonym rules (`a, b` or `a => b`, see `query-expansion.ts`), saves them and applies them
   * to the next search (a service that has not loaded its index yet reads them when it does). Every rule is checked
   * first; a bad one names its index and nothing is saved.
   */
  async setSynonymRules(rules: readonly string[]): Promise<{ rules: number; words: number }> {
    if (rules.length > MAX_SYNONYM_RULES) throw new CartwiseError('VALIDATION_FAILED', { reason: `at most ${MAX_SYNONYM_RULES} synonym rules (got ${rules.length})` });
    const issues: { path: string; message: string }[] = [];
    rules.forEach((rule, i) => {
      const problem = synonymRuleProblem(rule);
      if (problem) issues.push({ path: `rules.${i}`, message: `${JSON.stringify(rule.slice(0, 80))} ${problem}` });
    });
    if (issues.length > 0) throw new CartwiseError('VALIDATION_FAILED', { reason: issues.slice(0, 5).map((x) => `${x.path} ${x.message}`).join('; ') }, { issues });
    const kept = rules.map((r) => r.trim());
    await this.store.saveArtifact(SYNONYMS_ARTIFACT, { manifest: { rules: kept, updatedAt: new Date().toISOString() }, buffers: {} });
    this.storedRules = kept;
    if (this.engine) this.applySynonyms(this.engine);
    return { rules: kept.length, words: parseSynonyms(kept).size };
  }

  private async maybeRefreshSignals(): Promise<void> {
    if (Date.now() - this.signalsAt < (this.options.signalsTtlMs ?? 300_000)) return;
    this.signalsLoading ??= this.refreshSignals()
      .catch((err: unknown) => this.options.log?.warn({ err }, 'learning search signals failed'))
      .finally(() => {
        this.signalsLoading = undefined;
      });
    await this.signalsLoading;
  }

  /** A user's category/brand/price affinities from their recent events (weights: purchase 3, cart 2, else 1). */
  async userAffinity(userId: string): Promise<UserAffinity | undefined> {
    const engine = await this.ready();
    const events = await this.store.userEvents(userId, 200);
    if (events.length === 0) return undefined;
    const categories = new Map<string, number>();
    const brands = new Map<string, number>();
    const prices: number[] = [];
    for (const e of events) {
      if (!e.itemId) continue;
      const slot = engine.index.slotOfId(e.itemId);
      const d = slot === undefined ? undefined : engine.index.docAt(slot);
      if (!d) continue;
      const w = e.type === 'purchase' ? 3 : e.type === 'add_to_cart' ? 2 : 1;
      for (const lvl of categoryLevels(d.category)) categories.set(lvl, (categories.get(lvl) ?? 0) + w);
      if (d.brand) brands.set(d.brand, (brands.get(d.brand) ?? 0) + w);
      if (d.price !== undefined) prices.push(d.price);
    }
    const scale = (m: Map<string, number>) => {
      const max = Math.max(0, ...m.values());
      if (max > 0) for (const [k, v] of m) m.set(k, v / max);
      return m;
    };
    prices.sort((a, b) => a - b);
    const out: UserAffinity = { categories: scale(categories), brands: scale(brands) };
    if (prices.length > 0) out.typicalPrice = prices[Math.floor(prices.length / 2)] as number;
    return out;
  }

  private readonly personal = new Map<string, { at: number; value: Promise<{ user?: UserAffinity; rec?: Map<string, number> }> }>();

  /**
   * A shopper's affinities and recommendation scores, looked up together and kept for `personalTtlMs` (default 30 s;
   * at most 10,000 shoppers, oldest dropped first): search-as-you-type sends a query per keystroke, and each would
   * otherwise read the shopper's events and ask the recommendation engine again.
   */
  private personalContext(userId: string): Promise<{ user?: UserAffinity; rec?: Map<string, number> }> {
    const now = Date.now();
    const hit = this.personal.get(userId);
    if (hit && now - hit.at < (this.options.personalTtlMs ?? 30_000)) return hit.value;
    const value = Promise.all([this.userAffinity(userId), this.options.recommendationScores?.(userId)]).then(([user, rec]) => ({
      ...(user ? { user } : {}),
      ...(rec ? { rec } : {}),
    }));
    // A failed lookup is not kept: the next search tries again.
    value.catch(() => this.personal.delete(userId));
    this.personal.delete(userId);
    this.personal.set(userId, { at: now, value });
    if (this.personal.size > 10_000) this.personal.delete(this.personal.keys().next().value as string);
    return value;
  }

  /** Runs a search with signals, personalisation and (when configured) hybrid retrieval; records it for click learning. */
  async search(request: SearchRequest): Promise<SearchResponse> {
    const engine = await this.ready();
    await this.maybeSync();
    await this.maybeRefreshSignals();
    const context: Parameters<SearchEngine['search']>[1] = {};
    if (request.userId) {
      const personal = await this.personalContext(request.userId);
      if (personal.user) context.user = personal.user;
      if (personal.rec) context.recommendationScores = personal.rec;
    }
    if (this.embedder && this.vectors && this.vectorsReady && request.q.trim() !== '') {
      try {
        const [qv] = await this.embedder.embed([request.q]);
        if (qv) context.vectorRanking = this.vectors.nearest(qv, 50).filter((x) => x.score > 0).map((x) => x.id);
      } catch (err) {
        // The query is answered lexically; warn at most once a minute, not once per keystroke.
        if (Date.now() - this.embedWarnedAt > 60_000) {
          this.embedWarnedAt = Date.now();
          this.options.log?.warn({ err, embedder: this.embedder.name }, 'embedding a query failed; answering it lexically');
        }
      }
    }
    const response = engine.search(request, context);
    if (request.userId && this.options.recordSearches !== false && request.q.trim() !== '') {
      // Recorded in the background: the shopper does not wait for the event log's durable write.
      const write = this.store
        .appendEvents([
          {
            id: response.searchId,
            type: 'search',
            userId: request.userId,
            ts: Date.now(),
            query: request.q.slice(0, 1000),
            props: {
              items: response.hits.map((h) => h.id).join(',').slice(0, 1000),
              offset: (response.page - 1) * response.pageSize,
              total: response.total,
              page: response.page,
              ...(response.recovery ? { recovery: response.recovery } : {}),
            },
          },
        ])
        .then(() => undefined)
        .catch((err: unknown) => this.options.log?.warn({ err }, 'recording the search event failed'))
        .finally(() => this.recording.delete(write));
      this.recording.add(write);
    }
    return response;
  }

  /**
   * Search analytics over the last `days` (see `query-report.ts`): top queries with click-through, and queries that
   * found nothing. Reads at most `MAX_REPORT_SEARCHES` search events (newest first); `truncated` says when more exist.
   */
  async queryReport(options: { days?: number; limit?: number; now?: number } = {}): Promise<QueryReport & { days: number; truncated: boolean }> {
    await Promise.all([...this.recording]);
    const days = options.days ?? 30;
    const since = (options.now ?? Date.now()) - days * 86_400_000;
    const rows = await this.store.query<{ id: string; rec_id: string | null; query: string; user_id: string; props: unknown }>(
      `SELECT id, rec_id, query, user_id, props FROM events WHERE type = 'search' AND query IS NOT NULL AND ${this.epochMsSql('ts')} >= ? ORDER BY ts DESC LIMIT ${MAX_REPORT_SEARCHES + 1}`,
      [since],
    );
    const truncated = rows.length > MAX_REPORT_SEARCHES;
    const searches = rows.slice(0, MAX_REPORT_SEARCHES).map((r) => ({
      id: r.id,
      recId: r.rec_id,
      query: r.query,
      userId: r.user_id,
      props: (typeof r.props === 'string' ? JSON.parse(r.props) : r.props) as Record<string, unknown> | null,
    }));
    const clicked = await this.store.query<{ rec_id: string }>(
      `SELECT DISTINCT rec_id FROM events WHERE rec_id IS NOT NULL AND type IN ('click', 'add_to_cart', 'purchase') AND ${this.epochMsSql('ts')} >= ?`,
      [since],
    );
    return { days, truncated, ...queryReport(searches, new Set(clicked.map((c) => c.rec_id)), options.limit ?? 20) };
  }

  async autocomplete(q: string, limit = 5): Promise<ReturnType<SearchEngine['autocomplete']>> {
    const engine = await this.ready();
    await this.maybeSync();
    return engine.autocomplete(q, limit);
  }
}
