import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import { parseFilterString, SEARCH_SORTS, MAX_QUERY_CHARS } from '../../search/search-engine.ts';
import { MAX_SYNONYM_RULES, SearchService } from '../../search/search-service.ts';
import { parseRankingWeights } from '../../search/ranking.ts';
import { embedderFromConfig } from '../../search/embedder-config.ts';
import type { Store } from '../../store/store.ts';
import { defineRoutes, type AppContext } from '../route.ts';
import { SEARCH_PLAYGROUND_HTML } from './search-playground.ts';

/**
 * One search service per store, created on the first search (the index is loaded or built lazily then). It keeps
 * itself current by syncing with the catalogue (items changed through any route, import or replica) before searches.
 */
const services = new WeakMap<Store, SearchService>();

/** The search service of a server context (created on first use). */
export function searchServiceOf(ctx: AppContext): SearchService {
  let s = services.get(ctx.store);
  if (!s) {
    const embedder = embedderFromConfig(ctx.config);
    s = new SearchService(ctx.store, {
      log: ctx.log,
      engine: { weights: parseRankingWeights(ctx.config.searchWeights) },
      recommendationScores: (userId) => recommendationScoresFor(ctx, userId),
      ...(embedder ? { embedder } : {}),
    });
    services.set(ctx.store, s);
  }
  return s;
}

/** Items of a shopper's recommendations that the search ranking uses (the recommendation API's largest `k`). */
export const SEARCH_RECOMMENDATION_K = 100;

/**
 * The recommendation engine's view of a shopper, as 0..1 scores of their top {@link SEARCH_RECOMMENDATION_K} items
 * (score / best score), for the search ranking's `recommendation` term. Only personalised answers count: a cold
 * shopper's popularity list would duplicate the search's own popularity signal. A failing recommendation never
 * fails the search: it is logged and the search goes on without the term.
 */
async function recommendationScoresFor(ctx: AppContext, userId: string): Promise<Map<string, number> | undefined> {
  const service = ctx.recommendations;
  if (!service) return undefined;
  let r: Awaited<ReturnType<typeof service.recommend>>;
  try {
    r = await service.recommend({ userId, k: SEARCH_RECOMMENDATION_K });
  } catch (err) {
    ctx.log.warn({ err, userId }, 'recommendation scores for search failed; searching without them');
    return undefined;
  }
  if (r.strategy !== 'personalized' || r.items.length === 0) return undefined;
  const best = Math.max(...r.items.map((i) => i.score));
  if (!(best > 0)) return undefined;
  return new Map(r.items.map((i) => [i.id, Math.max(0, i.score) / best]));
}

/** Installs a prebuilt service for a store (benchmarks and tests that index outside the store). */
export function setSearchService(store: Store, service: SearchService): void {
  services.set(store, service);
}

const boolish = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const searchQuery = z
  .object({
    q: z.string().max(MAX_QUERY_CHARS, { error: `must be at most ${MAX_QUERY_CHARS} characters` }).default('').describe('what the shopper typed'),
    filters: z.string().max(2000).optional().describe('field:v1|v2;price:10..50;inStock:true (fields: category, brand, price, inStock, tags, any attribute)'),
    sort: z.enum(SEARCH_SORTS).default('relevance').describe(SEARCH_SORTS.join(' | ')),
    page: z.coerce.number().int().min(1).max(1000).default(1).describe('1-based page'),
    pageSize: z.coerce.number().int().min(1).max(100).default(20).describe('results per page'),
    userId: z.string().min(1).max(256).optional().describe('personalise for this user and record the search for click learning'),
    prefix: boolish.optional().describe('search-as-you-type: complete the last word'),
    facets: boolish.optional().describe('include facets (default true)'),
    parse: boolish.optional().describe('turn "under 50", colours, brands… into filters (default true)'),
  })
  .strict();

const autocompleteQuery = z
  .object({
    q: z.string().min(1, { error: 'must not be empty' }).max(MAX_QUERY_CHARS, { error: `must be at most ${MAX_QUERY_CHARS} characters` }).describe('the prefix typed so far'),
    limit: z.coerce.number().int().min(1).max(20).default(5).describe('suggestions per kind'),
  })
  .strict();

const queriesQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(3650).default(30).describe('look back this many days'),
    limit: z.coerce.number().int().min(1).max(500).default(20).describe('queries per list'),
  })
  .strict();

const synonymsBody = z
  .object({
    rules: z.array(z.string()).max(MAX_SYNONYM_RULES).describe('synonym rules, replacing the current ones: "couch, sofa" (equivalent) or "fridge => refrigerator" (one way)'),
  })
  .strict();

export const searchRoutes = defineRoutes([
  {
    method: 'GET',
    url: '/v1/search',
    access: 'write',
    tag: 'Search',
    summary: 'Search the catalogue',
    description:
      'Typo-tolerant, unit-aware product search with facets, filters, sorting, pagination, highlighting, did-you-mean and zero-result recovery. Every response has a `searchId`: send clicks as events with `recId` = searchId so the ranking learns from them.',
    query: searchQuery,
    responseExample: {
      searchId: 's_3f9a…',
      query: 'bamboo shade 96 in under 50',
      total: 3,
      page: 1,
      pageSize: 20,
      hits: [{ id: 'i1', title: 'Bamboo Rollup Shade - 96 in. W', score: 1.08, price: 39, highlights: { title: '<em>Bamboo</em> Rollup <em>Shade</em> - <em>96 in</em>. W' } }],
      filters: [{ field: 'price', max: 50 }],
      understood: ['price ≤ 50'],
      categoryIntent: [{ value: 'Home > Window Treatments', count: 0.9 }],
      tookMs: 1.7,
    },
    async handler(req, _reply, ctx) {
      const q = req.query as z.infer<typeof searchQuery>;
      return searchServiceOf(ctx).search({
        q: q.q,
        ...(q.filters ? { filters: parseFilterString(q.filters) } : {}),
        sort: q.sort,
        page: q.page,
        pageSize: q.pageSize,
        ...(q.userId ? { userId: q.userId } : {}),
        ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
        ...(q.facets !== undefined ? { facets: q.facets } : {}),
        ...(q.parse !== undefined ? { parseConstraints: q.parse } : {}),
      });
    },
  },
  {
    method: 'GET',
    url: '/v1/autocomplete',
    access: 'write',
    tag: 'Search',
    summary: 'Suggestions while typing: popular queries, word completions and matching items',
    query: autocompleteQuery,
    responseExample: { queries: ['bamboo shade'], words: ['bamboo'], items: [{ id: 'i1', title: 'Bamboo Rollup Shade - 96 in. W' }] },
    async handler(req, _reply, ctx) {
      const q = req.query as z.infer<typeof autocompleteQuery>;
      return searchServiceOf(ctx).autocomplete(q.q, q.limit);
    },
  },
  {
    method: 'GET',
    url: '/search/playground',
    access: 'public',
    tag: 'Search',
    summary: 'Search playground page: try queries, facets and autocomplete with your key',
    produces: 'text/html; charset=utf-8',
    async handler() {
      return SEARCH_PLAYGROUND_HTML;
    },
  },
  {
    method: 'GET',
    url: '/v1/search/queries',
    access: 'admin',
    tag: 'Search',
    summary: 'Search analytics: top queries with click-through, and queries that found nothing',
    description:
      'Over search events of the last `days`: the server records a search made with a `userId`; the storefront SDK records its own. A search counts as clicked when a click, add-to-cart or purchase carries its `searchId` as `recId`. It found nothing when it had no result or was answered by recovery (relaxed terms, dropped filters, trending items); fix those with synonym rules.',
    query: queriesQuery,
    responseExample: {
      days: 30,
      truncated: false,
      searches: 1200,
      queries: 340,
      clickThrough: 0.41,
      noMatchRate: 0.06,
      top: [{ query: 'bamboo shade', searches: 42, users: 30, clicked: 21, clickThrough: 0.5, noMatch: 0 }],
      noMatch: [{ query: 'hob', searches: 9, users: 7, clicked: 0, clickThrough: 0, noMatch: 9 }],
    },
    async handler(req, _reply, ctx) {
      const q = req.query as z.infer<typeof queriesQuery>;
      return searchServiceOf(ctx).queryReport({ days: q.days, limit: q.limit });
    },
  },
  {
    method: 'GET',
    url: '/v1/search/synonyms',
    access: 'admin',
    tag: 'Search',
    summary: 'Synonym rules in force: the store\'s (editable), the configured ones, and those learned from clicks',
    responseExample: { rules: ['couch, sofa', 'fridge => refrigerator'], configured: [], learned: [{ word: 'hob', synonyms: ['cooktop'] }] },
    async handler(_req, _reply, ctx) {
      return searchServiceOf(ctx).synonyms();
    },
  },
  {
    method: 'PUT',
    url: '/v1/search/synonyms',
    access: 'admin',
    tag: 'Search',
    summary: 'Replace the store\'s synonym rules',
    description:
      'Each rule is `a, b, c` (all equivalent) or `a, b => c` (one way). Every rule is checked first: a bad one is named by its index (`rules.3`) and nothing is saved. Rules are kept in the store, so they survive restarts; other replicas pick them up at their next signal refresh (at most 5 minutes).',
    body: synonymsBody,
    responseExample: { rules: 2, words: 3 },
    async handler(req, _reply, ctx) {
      const r = synonymsBody.safeParse(req.body);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new CartwiseError('INVALID_PARAM', { name: (issue?.path ?? []).map(String).join('.') || 'body', reason: issue?.message ?? 'invalid' });
      }
      return searchServiceOf(ctx).setSynonymRules(r.data.rules);
    },
  },
  {
    method: 'POST',
    url: '/v1/search/rebuild',
    access: 'admin',
    tag: 'Search',
    summary: 'Rebuild the search index from the catalogue and relearn ranking signals',
    responseExample: { indexed: 1200 },
    async handler(_req, _reply, ctx) {
      const s = searchServiceOf(ctx);
      const indexed = await s.rebuild();
      await s.refreshSignals();
      return { indexed };
    },
  },
]);
