/**
 * The serving layer (STYLE.md: filters, fallbacks and business rules live here, never inside a model). It holds
 * the served model and the catalogue view as one immutable state that a retrain replaces in one assignment (hot
 * swap: a request captures the state once, so it never mixes two models), and answers requests by external ids:
 *
 * - personal scores = the model's scores for the user's trained history, blended with its scores for the user's
 *   latest items read from the store at request time (real time: events ingested seconds ago count without
 *   retraining), plus any items the request names;
 * - cold start: no history and no recent items → trending popularity, within the browsed category when one is given;
 * - exclusions (purchased, viewed, explicit ids), filters (category prefix, price, stock, attributes), boost/bury
 *   rules (server-wide and per request), diversity (MMR or category caps), explanations and a `recId`.
 */
import { CartwiseError } from '../../core/errors.ts';
import { randomId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Item } from '../../core/schemas/index.ts';
import { DAY_MS } from '../../core/time.ts';
import { validate } from '../../core/schemas/index.ts';
import type { Store } from '../../store/store.ts';
import { topK } from '../recommender.ts';
import { csrValue } from './bought-together.ts';
import { CatalogueView, categoryAt } from './catalogue-view.ts';
import {
  itemListRequestSchema,
  recommendRequestSchema,
  rulesSchema,
  type BoostRule,
  type Explanation,
  type ItemListRequest,
  type ParsedRecommendRequest,
  type RecommendedItem,
  type RecommendRequest,
  type RecommendResponse,
  type Strategy,
} from './request.ts';
import type { ImpressionLog, Surface } from './impression-log.ts';
import { RecentEvents, type RecentEvent } from './recent-events.ts';
import { applyRules, capPerCategory, fastTopK, mmr, type Pool } from './rerank.ts';
import { ModelArtifacts, servedModelFromArtifact, type ServedModel, type ServedModelInfo } from './served-model.ts';

export interface RecommendationServiceOptions {
  log?: Logger;
  /** How many of the user's latest events are read per request (default 50). */
  recentEvents?: number;
  /** How many distinct latest items count as the session (default 10). */
  recentItems?: number;
  /** Events further apart than this end the session: older ones are history, not session (default 30 minutes). */
  sessionGapMs?: number;
  /** Weight of the session scores against the history scores, both max-normalised (default 1). */
  recentWeight?: number;
  /**
   * Where a request finds the shopper's latest events: `query` reads them from the store per request (simple, exact;
   * a few ms on DuckDB); `tail` reads them from memory, fed by {@link RecommendationService.pollRecent} (the server
   * polls every second) plus the model's trained last items. Default `query`.
   */
  realtime?: 'query' | 'tail';
  /**
   * The customer segment of a shopper (the analytics' RFM segment), for rules limited to `segments`; looked up only
   * when such a rule applies, and remembered for 10 minutes.
   */
  segmentOf?: (userId: string) => Promise<string | undefined>;
  /** Stores every served list as an `impression` event (attribution of clicks and purchases by `recId`). */
  impressions?: ImpressionLog;
}

/** One consistent serving state: swapped as a whole. */
interface ServingState {
  model: ServedModel;
  catalogue: CatalogueView;
  /** [nItems] scratch score buffers; safe to reuse because scoring never awaits. */
  a: Float64Array;
  b: Float64Array;
  /** [nItems] scratch indices for top-k */
  idx: Int32Array;
}

/** Event types that count as a shopper's interest in an item, and the verb of their explanation. */
const InterestVerbs: Readonly<Record<string, string>> = { view: 'viewed', click: 'viewed', add_to_cart: 'added', purchase: 'bought', review: 'reviewed' };

interface ProfileItem {
  item: number;
  weight: number;
  verb: string;
  recent: boolean;
}

function parse<T>(schema: import('zod').ZodType<T>, input: unknown, what: string): T {
  const r = validate(schema, input, what);
  if (!r.ok) throw new CartwiseError('VALIDATION_FAILED', { reason: `${r.issues[0]?.path} ${r.issues[0]?.message}` }, { issues: r.issues });
  return r.value as T;
}

/**
 * Answers recommendation requests from the served model; see the module comment. Create with {@link open}; call
 * {@link swap} after training, {@link refreshCatalogue} after catalogue changes.
 */
export class RecommendationService {
  private state: ServingState | undefined;
  private catalogueItems: Item[] = [];
  private rules: BoostRule[] = [];
  private readonly store: Store;
  private readonly options: RecommendationServiceOptions;
  private tail: RecentEvents | undefined;
  private catalogueSeen = '';
  private modelSavedAt: string | undefined;

  private constructor(store: Store, options: RecommendationServiceOptions) {
    this.store = store;
    this.options = options;
  }

  /**
   * Opens the service on a store: reads the catalogue and the server-wide rules, loads the saved model, or — when
   * none is saved — computes a popularity model from the events (not saved), so the service answers at once.
   */
  static async open(store: Store, options: RecommendationServiceOptions = {}): Promise<RecommendationService> {
    const s = new RecommendationService(store, options);
    await s.loadCatalogue();
    const rules = await store.loadArtifact(ModelArtifacts.rules);
    if (rules) s.rules = parse(rulesSchema, rules.manifest.rules ?? [], 'rules');
    const loaded = await s.reload();
    if (!loaded) await s.refreshFallback();
    if (options.realtime === 'tail') {
      // Events received after the model's data was read are not in it: tail from then (at most one day back).
      const info = s.state?.model.info;
      const readAt = Date.parse(info?.eventsReadAt ?? info?.trainedAt ?? '') || Date.now();
      // PostgreSQL may have several writer processes (replicas) committing out of order: re-read a 5-second window.
      s.tail = new RecentEvents(store, Math.max(readAt - 1000, Date.now() - DAY_MS), store.dialect === 'postgres' ? { overlapMs: 5000 } : {});
      await s.tail.poll();
    }
    return s;
  }

  /** Reads events received since the last poll into the real-time buffers (`realtime: 'tail'`); returns how many. */
  async pollRecent(): Promise<number> {
    return this.tail ? this.tail.poll() : 0;
  }

  /** The served model's description, or null when there is none (empty store). */
  get modelInfo(): ServedModelInfo | null {
    return this.state?.model.info ?? null;
  }

  /** Loads the saved model from the store and swaps it in; false when none is saved. */
  async reload(): Promise<boolean> {
    await this.noteSavedModel();
    const artifact = await this.store.loadArtifact(ModelArtifacts.served);
    if (!artifact) return false;
    this.swap(servedModelFromArtifact(artifact));
    return true;
  }

  /**
   * Replaces the served model atomically: in-flight requests finish on the model they started with, the next ones
   * see the new one.
   */
  swap(model: ServedModel): void {
    const n = model.itemIds.length;
    this.state = { model, catalogue: new CatalogueView(model.itemIds, this.catalogueItems), a: new Float64Array(n), b: new Float64Array(n), idx: new Int32Array(n) };
    this.options.log?.info({ model: model.info.id, algo: model.info.algo, source: model.info.source }, 'serving model');
  }

  /** Computes and serves a popularity model from the store when no trained model is served. */
  async refreshFallback(): Promise<void> {
    if (this.state && this.state.model.info.source === 'trained') return;
    const { trainServedModel } = await import('../selection/train-model.ts');
    try {
      const out = await trainServedModel(this.store, { algo: 'pop', params: { mode: 'trending', halfLifeDays: 7 } }, { save: false, source: 'fallback' });
      if (this.state?.model.info.source === 'trained') return; // a trained model arrived meanwhile
      this.swap(out.model);
    } catch (err) {
      if ((err as CartwiseError).code !== 'VALIDATION_FAILED') throw err;
      this.options.log?.info('no events yet: recommendations are empty until events arrive');
    }
  }

  /** Re-reads the catalogue (prices, stock, categories) into the serving state. */
  async refreshCatalogue(): Promise<boolean> {
    const version = await this.catalogueVersion();
    if (version === this.catalogueSeen) return false;
    await this.loadCatalogue();
    const s = this.state;
    if (s) this.state = { ...s, catalogue: new CatalogueView(s.model.itemIds, this.catalogueItems) };
    return true;
  }

  /** A cheap fingerprint of the catalogue (size and latest update): a refresh with no change reads nothing else. */
  private async catalogueVersion(): Promise<string> {
    const rows = await this.store.query<{ n: unknown; m: unknown }>('SELECT count(*) AS n, max(updated_at) AS m FROM items');
    return `${String(rows[0]?.n)}|${String(rows[0]?.m instanceof Date ? rows[0].m.getTime() : rows[0]?.m)}`;
  }

  private async loadCatalogue(): Promise<void> {
    const version = await this.catalogueVersion();
    const items: Item[] = [];
    for await (const batch of this.store.scanItems(10_000)) for (const it of batch) items.push(it);
    this.catalogueItems = items;
    this.catalogueSeen = version;
  }

  /**
   * Swaps in the saved model when another process (`cartwise train`, a training worker of another replica) saved a
   * different one. Returns whether it did.
   */
  async reloadIfChanged(): Promise<boolean> {
    const saved = (await this.store.listArtifacts()).find((a) => a.name === ModelArtifacts.served);
    if (!saved || saved.savedAt === this.modelSavedAt) return false;
    this.modelSavedAt = saved.savedAt;
    const artifact = await this.store.loadArtifact(ModelArtifacts.served);
    const id = (artifact?.manifest.info as { id?: string } | undefined)?.id;
    if (!artifact || id === this.state?.model.info.id) return false;
    this.swap(servedModelFromArtifact(artifact));
    return true;
  }

  /** Remembers the saved model's time after this process saved it (so {@link reloadIfChanged} does not reload it). */
  async noteSavedModel(): Promise<void> {
    this.modelSavedAt = (await this.store.listArtifacts()).find((a) => a.name === ModelArtifacts.served)?.savedAt;
  }

  /** The server-wide boost/bury rules. */
  getRules(): BoostRule[] {
    return this.rules;
  }

  /** Validates, saves and applies server-wide boost/bury rules. */
  async setRules(input: unknown): Promise<BoostRule[]> {
    const rules = parse(rulesSchema, input, 'rules');
    await this.store.saveArtifact(ModelArtifacts.rules, { manifest: { rules }, buffers: {} });
    this.rules = rules;
    return rules;
  }

  /** Records a response as an impression (when impressions are logged) and returns it. */
  private shown(response: RecommendResponse, surface: Surface, who: { userId?: string; sessionId?: string; itemId?: string }): RecommendResponse {
    this.options.impressions?.record(response, surface, who);
    return response;
  }

  private modelRef(state: ServingState | undefined): RecommendResponse['model'] {
    if (!state) return null;
    const i = state.model.info;
    return { id: i.id, algo: i.algo, source: i.source, trainedAt: i.trainedAt };
  }

  /** The shopper's latest item events from the store (newest first): `realtime: 'query'`. */
  private async queryEvents(userId: string | undefined, sessionId: string | undefined): Promise<RecentEvent[]> {
    const limit = this.options.recentEvents ?? 50;
    if (userId) return (await this.store.userEvents(userId, limit)).flatMap((e) => (e.itemId === undefined ? [] : [{ type: e.type, itemId: e.itemId, ts: e.ts }]));
    if (!sessionId) return [];
    const rows = await this.store.query<{ item_id: string; type: string }>(
      'SELECT item_id, type FROM events WHERE session_id = ? AND item_id IS NOT NULL ORDER BY ts DESC LIMIT ?',
      [sessionId, limit],
    );
    return rows.map((r) => ({ type: r.type, itemId: String(r.item_id), ts: 0 }));
  }

  /** The shopper's latest item events from memory (newest first): buffered new events, then trained last items. */
  private tailEvents(tail: RecentEvents, model: ServedModel, userId: string | undefined, sessionId: string | undefined): RecentEvent[] {
    const fresh = userId ? tail.user(userId) : sessionId ? tail.session(sessionId) : [];
    const u = userId ? model.userIndex.get(userId) : undefined;
    if (u === undefined) return [...fresh];
    const trained: RecentEvent[] = [];
    for (let p = model.lastIndptr[u] as number; p < (model.lastIndptr[u + 1] as number); p++) {
      const it = model.lastItems[p] as number;
      trained.push({ type: csrValue(model.purchases, u, it) > 0 ? 'purchase' : 'view', itemId: model.itemIds[it] as string, ts: model.lastTs[p] as number, known: true });
    }
    return [...fresh, ...trained].sort((a, b) => b.ts - a.ts);
  }

  /** The rules that apply to this shopper: rules limited to segments apply only to shoppers of those segments. */
  private async rulesFor(userId: string | undefined, rules: BoostRule[]): Promise<BoostRule[]> {
    if (!rules.some((r) => r.segments)) return rules;
    const segment = userId ? await this.segmentFor(userId) : undefined;
    return rules.filter((r) => !r.segments || (segment !== undefined && r.segments.includes(segment)));
  }

  private readonly segmentCache = new Map<string, { segment: string | undefined; at: number }>();

  private async segmentFor(userId: string): Promise<string | undefined> {
    const lookup = this.options.segmentOf;
    if (!lookup) return undefined;
    const hit = this.segmentCache.get(userId);
    if (hit && Date.now() - hit.at < 10 * 60_000) return hit.segment;
    const segment = await lookup(userId);
    if (this.segmentCache.size >= 100_000) this.segmentCache.delete(this.segmentCache.keys().next().value as string);
    this.segmentCache.set(userId, { segment, at: Date.now() });
    return segment;
  }

  /**
   * Recommendations for a user and/or context (`GET`/`POST /v1/recommendations`). Throws `VALIDATION_FAILED`
   * naming the field for a bad request.
   */
  async recommend(input: RecommendRequest): Promise<RecommendResponse> {
    const req: ParsedRecommendRequest = parse(recommendRequestSchema, input, 'request');
    const recId = randomId('rec_', 9);
    const base = { recId, ...(req.userId ? { userId: req.userId } : {}) };
    let state = this.state;
    let events: RecentEvent[];
    if (this.tail && state) events = this.tailEvents(this.tail, state.model, req.userId, req.context?.sessionId);
    else {
      events = await this.queryEvents(req.userId, req.context?.sessionId);
      state = this.state; // captured once after the await: a concurrent swap does not affect this request
    }
    if (!state) return { ...base, strategy: 'none', model: null, items: [] };
    const { model, catalogue } = state;
    const n = model.itemIds.length;
    const u = req.userId ? (model.userIndex.get(req.userId) ?? -1) : -1;

    // The session: items the request names, then the latest events' items (newest first, distinct).
    const maxRecent = this.options.recentItems ?? 10;
    const recent: ProfileItem[] = [];
    const seenRecent = new Set<number>();
    const purchasedNow: number[] = [];
    const viewedNow: number[] = [];
    for (const id of req.context?.recentItems ?? []) {
      const i = model.itemIndex.get(id);
      if (i !== undefined && !seenRecent.has(i) && recent.length < maxRecent) {
        seenRecent.add(i);
        recent.push({ item: i, weight: 2, verb: 'viewed', recent: true });
      }
    }
    // The session: the run of latest events with no gap longer than `gap`, newest first. It is scored separately
    // only when it holds something the model has not seen (new events, or items the request names); otherwise the
    // trained history already contains it and one scoring pass suffices.
    const gap = this.options.sessionGapMs ?? 30 * 60_000;
    const knownUntil = u >= 0 ? (Date.parse(model.info.lastEventAt ?? '') || -Infinity) : -Infinity;
    let scoreSession = recent.length > 0;
    let inSession = true;
    let previousTs = Number.NaN;
    for (const e of events) {
      if (inSession && e.ts > 0 && previousTs - e.ts > gap) inSession = false;
      if (e.ts > 0) previousTs = e.ts;
      const i = model.itemIndex.get(e.itemId);
      if (i === undefined) continue;
      const verb = InterestVerbs[e.type];
      if (e.type === 'purchase') purchasedNow.push(i);
      if (verb) viewedNow.push(i);
      if (inSession && verb && !seenRecent.has(i) && recent.length < maxRecent) {
        seenRecent.add(i);
        recent.push({ item: i, weight: 2, verb, recent: true });
        if (!(e.known ?? e.ts <= knownUntil)) scoreSession = true;
      }
    }

    // Scores: history and session, each max-normalised, summed.
    const scores = state.a;
    let strategy: Strategy;
    const hasHistory = u >= 0 && model.main.score(u, scores);
    let hasRecent = false;
    if (scoreSession && recent.length > 0) {
      const b = state.b;
      hasRecent = model.main.score({ recentItems: Int32Array.from(recent, (r) => r.item) }, b);
      if (hasRecent && hasHistory) {
        let ma = 0;
        let mb = 0;
        for (let i = 0; i < n; i++) {
          const x = Math.abs(scores[i] as number);
          const y = Math.abs(b[i] as number);
          if (x > ma && x !== Infinity) ma = x;
          if (y > mb && y !== Infinity) mb = y;
        }
        const wa = 1 / (ma || 1);
        const wb = (this.options.recentWeight ?? 1) / (mb || 1);
        for (let i = 0; i < n; i++) scores[i] = (scores[i] as number) * wa + (b[i] as number) * wb;
      } else if (hasRecent) scores.set(b);
    }
    let coldCategory: string | undefined;
    const personal = (hasHistory || hasRecent) && model.info.algo !== 'pop';
    if (personal) strategy = hasHistory ? 'personalized' : 'session';
    else {
      scores.set(model.trending.popularity);
      coldCategory = req.context?.category;
      strategy = coldCategory ? 'popular_in_category' : 'popular';
    }

    // Exclusions.
    if (req.excludePurchased) {
      if (u >= 0) for (let p = model.purchases.indptr[u] as number; p < (model.purchases.indptr[u + 1] as number); p++) scores[model.purchases.indices[p] as number] = -Infinity;
      for (const i of purchasedNow) scores[i] = -Infinity;
    }
    let history: ProfileItem[] = [];
    if (u >= 0) {
      const prof = model.related.profileOf(u);
      history = Array.from(prof.items, (item, p) => ({ item, weight: prof.values[p] as number, verb: csrValue(model.purchases, u, item) > 0 ? 'bought' : 'viewed', recent: false }));
    }
    if (req.excludeViewed) {
      for (const h of history) scores[h.item] = -Infinity;
      for (const i of viewedNow) scores[i] = -Infinity;
      for (const r of recent) scores[r.item] = -Infinity;
    }
    for (const id of req.exclude ?? []) {
      const i = model.itemIndex.get(id);
      if (i !== undefined) scores[i] = -Infinity;
    }

    const filter = catalogue.filterFor(req.filters, coldCategory);
    const rules = await this.rulesFor(req.userId, [...this.rules, ...(req.rules ?? [])]);
    const ranked = this.rank(state, scores, req.k, filter, rules, req.diversity);
    const profile = [...recent, ...history.sort((x, y) => y.weight - x.weight).slice(0, 50)];
    const items = ranked.items.length > 0 ? this.present(state, ranked, req.explain ? (i) => this.explain(state, i, profile, personal) : undefined) : [];
    return this.shown({ ...base, strategy, model: this.modelRef(state), items }, 'recommendations', { ...(req.userId ? { userId: req.userId } : {}), ...(req.context?.sessionId ? { sessionId: req.context.sessionId } : {}) });
  }

  /**
   * Top-k with filters, then rules and diversity over a pool of candidates. Scores are only read, except for
   * items set to -Infinity by the caller.
   */
  private rank(state: ServingState, scores: Float64Array, k: number, filter: ((i: number) => boolean) | undefined, rules: BoostRule[], diversity: ParsedRecommendRequest['diversity']): Pool {
    const { model, catalogue } = state;
    const rerank = rules.length > 0 || diversity !== undefined;
    const poolSize = rerank ? Math.max(4 * k, 50) : k;
    const top = fastTopK(scores, poolSize, filter, state.idx);
    if (!rerank) return { items: top.items, scores: Float64Array.from(top.scores) };
    let pool: Pool = { items: top.items, scores: Float64Array.from(top.scores) };
    if (rules.length > 0) {
      // Boosted items beyond the pool may still deserve a place: add the best k matching items of each boost rule.
      const extra = new Set<number>(pool.items);
      const addItems: number[] = [];
      const addScores: number[] = [];
      for (const rule of rules) {
        if (rule.factor <= 1) continue;
        const more = topK(scores, k, (i) => (!filter || filter(i)) && catalogue.matches(i, rule.match, model.itemIds[i] as string));
        for (let p = 0; p < more.items.length; p++) {
          const i = more.items[p] as number;
          if (extra.has(i)) continue;
          extra.add(i);
          addItems.push(i);
          addScores.push(more.scores[p] as number);
        }
      }
      if (addItems.length > 0) {
        pool = { items: Int32Array.from([...pool.items, ...addItems]), scores: Float64Array.from([...pool.scores, ...addScores]) };
      }
      pool = applyRules(pool, (i) => {
        let f = 1;
        for (const rule of rules) if (catalogue.matches(i, rule.match, model.itemIds[i] as string)) f *= rule.factor;
        return f;
      });
    }
    let chosen: Int32Array;
    if (diversity?.method === 'mmr') chosen = mmr(pool, k, diversity.lambda, (a, b) => this.similarity(state, a, b));
    else if (diversity?.method === 'category') chosen = capPerCategory(pool, k, diversity.maxPerCategory, (i) => categoryAt(catalogue.item(i)?.category, diversity.level));
    else chosen = pool.items.subarray(0, k);
    const scoreOf = new Map<number, number>();
    pool.items.forEach((i, p) => scoreOf.set(i, pool.scores[p] as number));
    return { items: chosen, scores: Float64Array.from(chosen, (i) => scoreOf.get(i) ?? 0) };
  }

  /** Item-item similarity for diversity: item-kNN cosine either way, bought-together, or 0.5 for the same leaf category. */
  private similarity(state: ServingState, a: number, b: number): number {
    const { related } = state.model;
    let s = Math.max(csrValue(related.sim, a, b), csrValue(related.sim, b, a), csrValue(state.model.together, a, b));
    const ca = state.catalogue.categoryKeys[a];
    if (ca && ca === state.catalogue.categoryKeys[b]) s = Math.max(s, 0.5);
    return s;
  }

  private titleOf(state: ServingState, i: number): string {
    return state.catalogue.item(i)?.title ?? (state.model.itemIds[i] as string);
  }

  /** Why item i: bought together with a bought/carted item, else the profile item contributing most, else popularity. */
  private explain(state: ServingState, i: number, profile: ProfileItem[], personal: boolean): Explanation {
    const { model } = state;
    if (personal) {
      let bestTogether = 0;
      let togetherWith = -1;
      let best = 0;
      let because: ProfileItem | undefined;
      for (const p of profile) {
        if (p.item === i) continue;
        if (p.verb === 'bought' || p.verb === 'added') {
          const t = csrValue(model.together, p.item, i);
          if (t > bestTogether) {
            bestTogether = t;
            togetherWith = p.item;
          }
        }
        const s = Math.max(csrValue(model.related.sim, p.item, i), csrValue(model.together, p.item, i)) * (p.recent ? 2 : 1) * Math.max(p.weight, 1e-6) ** 0.25;
        if (s > best) {
          best = s;
          because = p;
        }
      }
      if (togetherWith >= 0) {
        return { type: 'bought_together', text: `bought together with "${this.titleOf(state, togetherWith)}"`, itemId: model.itemIds[togetherWith] as string };
      }
      if (because) return { type: 'history', text: `because you ${because.verb} "${this.titleOf(state, because.item)}"`, itemId: model.itemIds[because.item] as string };
    }
    const leaf = state.catalogue.item(i)?.category;
    if (leaf) return { type: 'popular_in_category', text: `popular in ${categoryAt(leaf).split(' > ').pop()}` };
    return { type: 'trending', text: 'trending now' };
  }

  private present(state: ServingState, ranked: Pool, explain?: (i: number) => Explanation): RecommendedItem[] {
    return Array.from(ranked.items, (i, p) => {
      const it = state.catalogue.item(i);
      return {
        id: state.model.itemIds[i] as string,
        score: Math.round((ranked.scores[p] as number) * 1e6) / 1e6,
        ...(it?.title ? { title: it.title } : {}),
        ...(it?.category ? { category: it.category } : {}),
        ...(it?.price !== undefined ? { price: it.price } : {}),
        ...(explain ? { explanation: explain(i) } : {}),
      };
    });
  }

  private itemIndexOrThrow(state: ServingState | undefined, itemId: string): number {
    const i = state?.model.itemIndex.get(itemId);
    if (i !== undefined) return i;
    if (state?.catalogue.unknown.has(itemId)) return -1;
    throw new CartwiseError('NOT_FOUND', { what: 'Item', id: itemId });
  }

  /** Popular items of a category (or of the item's own category) as the last resort of item-centred lists. */
  private popularFill(state: ServingState, k: number, category: string | undefined, filter: ((i: number) => boolean) | undefined, exclude: Set<number>): Pool {
    const catFilter = state.catalogue.filterFor({ inStock: false, ...(category ? { category } : {}) });
    const top = topK(state.model.trending.popularity, k + exclude.size, (i) => !exclude.has(i) && (!filter || filter(i)) && (!catFilter || catFilter(i)));
    return { items: top.items.subarray(0, k), scores: Float64Array.from(top.scores.subarray(0, k)) };
  }

  /**
   * Items similar to an item (`GET /v1/items/:id/similar`): the model's item similarities when it has them, else the
   * item-kNN neighbours; completed with popular items of the same category (cold items). `NOT_FOUND` for an id
   * neither the model nor the catalogue knows.
   */
  async similar(itemId: string, input: ItemListRequest = {}): Promise<RecommendResponse> {
    const req = parse(itemListRequestSchema, input, 'request');
    const state = this.state;
    const recId = randomId('rec_', 9);
    const i = this.itemIndexOrThrow(state, itemId);
    if (!state) return { recId, strategy: 'none', model: null, items: [] };
    const { model, catalogue } = state;
    const filter = catalogue.filterFor(req.filters);
    const exclude = new Set<number>(i >= 0 ? [i] : []);
    for (const id of req.exclude ?? []) {
      const x = model.itemIndex.get(id);
      if (x !== undefined) exclude.add(x);
    }
    const keep = (x: number) => !exclude.has(x) && (!filter || filter(x));
    const items: number[] = [];
    const scores: number[] = [];
    const why: Explanation[] = [];
    const title = i >= 0 ? this.titleOf(state, i) : (catalogue.unknown.get(itemId)?.title ?? itemId);
    const add = (list: { items: Int32Array; scores: Float32Array | Float64Array }, e: Explanation) => {
      for (let p = 0; p < list.items.length && items.length < req.k; p++) {
        const x = list.items[p] as number;
        if (!keep(x)) continue;
        exclude.add(x);
        items.push(x);
        scores.push(list.scores[p] as number);
        why.push(e);
      }
    };
    const similarE: Explanation = { type: 'similar', text: `similar to "${title}"`, itemId };
    if (i >= 0) {
      const depth = req.k + exclude.size + 20;
      if (model.main.similarItems) add(model.main.similarItems(i, depth), similarE);
      if (items.length < req.k) add(model.related.similarItems(i, depth), similarE);
      // Items with few or no interactions: their text (title, description, category, tags, attributes).
      if (items.length < req.k && model.content?.similarItems) add(model.content.similarItems(i, depth), { ...similarE, type: 'content' });
    }
    let strategy: Strategy = 'similar';
    if (items.length < req.k) {
      const category = i >= 0 ? catalogue.item(i)?.category : catalogue.unknown.get(itemId)?.category;
      if (items.length === 0) strategy = category ? 'popular_in_category' : 'popular';
      const fill = this.popularFill(state, req.k - items.length, category, filter, exclude);
      add(fill, category ? { type: 'popular_in_category', text: `popular in ${categoryAt(category).split(' > ').pop()}` } : { type: 'trending', text: 'trending now' });
    }
    const ranked: Pool = { items: Int32Array.from(items), scores: Float64Array.from(scores) };
    return this.shown({ recId, strategy, model: this.modelRef(state), items: this.present(state, ranked, (x) => why[items.indexOf(x)] as Explanation) }, 'similar', { itemId });
  }

  /**
   * Items bought together with an item (`GET /v1/items/:id/bought-together`): basket co-occurrence; when the item
   * has no baskets, its item-kNN neighbours, labelled as such.
   */
  async boughtTogether(itemId: string, input: ItemListRequest = {}): Promise<RecommendResponse> {
    const req = parse(itemListRequestSchema, input, 'request');
    const state = this.state;
    const recId = randomId('rec_', 9);
    const i = this.itemIndexOrThrow(state, itemId);
    if (!state || i < 0) return { recId, strategy: 'none', model: this.modelRef(state), items: [] };
    const { model, catalogue } = state;
    const filter = catalogue.filterFor(req.filters);
    const excluded = new Set<number>([i]);
    for (const id of req.exclude ?? []) {
      const x = model.itemIndex.get(id);
      if (x !== undefined) excluded.add(x);
    }
    const title = this.titleOf(state, i);
    const t = model.together;
    const cand = new Float64Array(model.itemIds.length).fill(-Infinity);
    for (let p = t.indptr[i] as number; p < (t.indptr[i + 1] as number); p++) cand[t.indices[p] as number] = t.values[p] as number;
    const keep = (x: number) => !excluded.has(x) && (!filter || filter(x));
    let top = topK(cand, req.k, keep);
    let strategy: Strategy = 'bought_together';
    let e: Explanation = { type: 'bought_together', text: `bought together with "${title}"`, itemId };
    if (top.items.length === 0) {
      top = model.related.similarItems(i, req.k + excluded.size + 20);
      const items = Array.from(top.items).filter(keep).slice(0, req.k);
      const scoreOf = new Map(Array.from(top.items, (x, p) => [x, top.scores[p] as number]));
      top = { items: Int32Array.from(items), scores: Float32Array.from(items, (x) => scoreOf.get(x) ?? 0) };
      strategy = 'similar';
      e = { type: 'similar', text: `often viewed with "${title}"`, itemId };
    }
    return this.shown({ recId, strategy, model: this.modelRef(state), items: this.present(state, { items: top.items, scores: Float64Array.from(top.scores) }, () => e) }, 'bought_together', { itemId });
  }

  /** Trending items (`GET /v1/trending`), within a category path prefix when given. */
  async trending(input: ItemListRequest & { category?: string } = {}): Promise<RecommendResponse> {
    const { category, ...rest } = input;
    const req = parse(itemListRequestSchema, rest, 'request');
    const state = this.state;
    const recId = randomId('rec_', 9);
    if (!state) return { recId, strategy: 'none', model: null, items: [] };
    const filter = state.catalogue.filterFor(req.filters, category);
    const exclude = new Set<number>();
    for (const id of req.exclude ?? []) {
      const x = state.model.itemIndex.get(id);
      if (x !== undefined) exclude.add(x);
    }
    const top = topK(state.model.trending.popularity, req.k, (i) => !exclude.has(i) && (!filter || filter(i)));
    const e: Explanation = category ? { type: 'popular_in_category', text: `popular in ${categoryAt(category).split(' > ').pop()}` } : { type: 'trending', text: 'trending now' };
    const response: RecommendResponse = {
      recId,
      strategy: category ? 'popular_in_category' : 'popular',
      model: this.modelRef(state),
      items: this.present(state, { items: top.items, scores: Float64Array.from(top.scores) }, () => e),
    };
    return this.shown(response, 'trending', {});
  }
}
