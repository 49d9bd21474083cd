import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import { algorithmNames, getFactory } from '../../recommend/models/index.ts';
import { parseSelectionMetric } from '../../recommend/selection/model-selection.ts';
import { parseBudgetMs, type TrainingJobs } from '../../recommend/selection/training-jobs.ts';
import type { RecommendationService } from '../../recommend/serving/recommendation-service.ts';
import { filtersSchema, recommendRequestSchema, rulesSchema } from '../../recommend/serving/request.ts';
import { ModelArtifacts } from '../../recommend/serving/served-model.ts';
import { validate } from '../../core/schemas/index.ts';
import { defineRoutes, type AppContext } from '../route.ts';

function service(ctx: AppContext): RecommendationService {
  if (!ctx.recommendations) throw new CartwiseError('MODEL_NOT_READY', { reason: 'the recommendation service is not running in this server' });
  return ctx.recommendations;
}

function jobs(ctx: AppContext): TrainingJobs {
  if (!ctx.training) throw new CartwiseError('MODEL_NOT_READY', { reason: 'training is not available in this server' });
  return ctx.training;
}

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
const boolish = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Filters given as query parameters (`category`, `priceMin`, `priceMax`, `inStock`, `attr.color=red`). */
function queryFilters(q: Record<string, unknown>, categoryKey = 'category'): z.infer<typeof filtersSchema> | undefined {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (k.startsWith('attr.') && typeof v === 'string') attrs[k.slice(5)] = v;
  const f = {
    ...(typeof q[categoryKey] === 'string' ? { category: q[categoryKey] as string } : {}),
    ...(q.priceMin !== undefined ? { priceMin: q.priceMin as number } : {}),
    ...(q.priceMax !== undefined ? { priceMax: q.priceMax as number } : {}),
    ...(q.inStock !== undefined ? { inStock: q.inStock as boolean } : {}),
    ...(Object.keys(attrs).length > 0 ? { attrs } : {}),
  };
  return Object.keys(f).length > 0 ? f : undefined;
}

const filterQuery = {
  priceMin: z.coerce.number().min(0).optional().describe('lowest price'),
  priceMax: z.coerce.number().min(0).optional().describe('highest price'),
  inStock: boolish.optional().describe('false: include out-of-stock items (default true: leave them out)'),
  exclude: z.string().optional().describe('comma-separated item ids to leave out'),
};

const itemListQuery = z.object({
  k: z.coerce.number().int().min(1).max(100).default(10).describe('number of items'),
  category: z.string().min(1).optional().describe('only items under this category path'),
  ...filterQuery,
});

const trainBody = z
  .object({
    algo: z.string().min(1).default('auto').describe('`auto` (model selection) or an algorithm name'),
    params: z.record(z.string(), z.unknown()).optional().describe('hyper-parameters of a single algorithm'),
    budget: z.union([z.string(), z.number()]).optional().describe('selection budget, e.g. `10m` (number: seconds)'),
    metric: z.string().optional().describe('selection metric, default ndcg@10'),
    algorithms: z.array(z.string()).optional().describe('algorithms to try (auto), default all'),
  })
  .strict();

const exampleRecs = {
  recId: 'rec_Q2x9f3kLmN0a',
  userId: 'u42',
  strategy: 'personalized',
  model: { id: 'mdl_x1Y2z3', algo: 'ease', source: 'trained', trainedAt: '2025-01-01T00:00:00.000Z' },
  items: [{ id: 'i9', score: 0.8123, title: 'Blue mug', category: 'Home > Kitchen > Mugs', price: 12.5, explanation: { type: 'history', text: 'because you viewed "Teapot"', itemId: 'i3' } }],
};

export const recommendRoutes = defineRoutes([
  {
    method: 'GET',
    url: '/v1/recommendations',
    access: 'write',
    tag: 'Recommendations',
    summary: 'Recommendations for a user (or a session)',
    description:
      "Personal recommendations from the served model, blended in real time with the user's latest events (no retraining needed). Unknown users get trending items (within `category` when given). Purchased and viewed items are left out by default. Send the returned `recId` back on the events it leads to (`recId` field) for attribution. Use the POST form for rules and diversity.",
    query: z.object({
      userId: z.string().min(1).optional().describe('the shopper'),
      sessionId: z.string().min(1).optional().describe('an anonymous session (when there is no userId)'),
      k: z.coerce.number().int().min(1).max(100).default(10).describe('number of items'),
      recentItems: z.string().optional().describe('comma-separated item ids the shopper is looking at, newest first'),
      category: z.string().min(1).optional().describe('only items under this category path (cold start: popular in it)'),
      excludePurchased: boolish.optional().describe('default true'),
      excludeViewed: boolish.optional().describe('default true'),
      explain: boolish.optional().describe('default true'),
      ...filterQuery,
    }),
    responseExample: exampleRecs,
    async handler(req, _reply, ctx) {
      const q = req.query as Record<string, unknown>;
      const filters = queryFilters(q);
      const recentItems = list(q.recentItems as string | undefined);
      const exclude = list(q.exclude as string | undefined);
      return service(ctx).recommend({
        ...(q.userId ? { userId: q.userId as string } : {}),
        k: q.k as number,
        context: {
          ...(recentItems ? { recentItems } : {}),
          ...(q.sessionId ? { sessionId: q.sessionId as string } : {}),
          ...(q.category ? { category: q.category as string } : {}),
        },
        ...(filters ? { filters } : {}),
        ...(exclude ? { exclude } : {}),
        ...(q.excludePurchased !== undefined ? { excludePurchased: q.excludePurchased as boolean } : {}),
        ...(q.excludeViewed !== undefined ? { excludeViewed: q.excludeViewed as boolean } : {}),
        ...(q.explain !== undefined ? { explain: q.explain as boolean } : {}),
      });
    },
  },
  {
    method: 'POST',
    url: '/v1/recommendations',
    access: 'write',
    tag: 'Recommendations',
    summary: 'Recommendations with a context, filters, rules and diversity',
    description:
      'The body: `userId`, `k`, `context` {recentItems, sessionId, category}, `filters` {category, priceMin, priceMax, inStock, attrs}, `exclude`, `excludePurchased`, `excludeViewed`, `rules` [{match, factor}] (boost > 1, bury < 1, remove 0), `diversity` {method: mmr|category, lambda, maxPerCategory, level}, `explain`.',
    body: recommendRequestSchema,
    responseExample: exampleRecs,
    async handler(req, _reply, ctx) {
      return service(ctx).recommend((req.body ?? {}) as never);
    },
  },
  {
    method: 'GET',
    url: '/v1/items/:id/similar',
    access: 'write',
    tag: 'Recommendations',
    summary: 'Items similar to an item',
    description: "The served model's item similarities (or item-kNN neighbours); items with no interactions get popular items of their category.",
    query: itemListQuery,
    responseExample: { ...exampleRecs, strategy: 'similar', items: [{ id: 'i7', score: 0.41, title: 'Green mug', explanation: { type: 'similar', text: 'similar to "Blue mug"', itemId: 'i9' } }] },
    async handler(req, _reply, ctx) {
      const q = req.query as Record<string, unknown>;
      const filters = queryFilters(q);
      const exclude = list(q.exclude as string | undefined);
      return service(ctx).similar((req.params as { id: string }).id, { k: q.k as number, ...(filters ? { filters } : {}), ...(exclude ? { exclude } : {}) });
    },
  },
  {
    method: 'GET',
    url: '/v1/items/:id/bought-together',
    access: 'write',
    tag: 'Recommendations',
    summary: 'Items frequently bought together with an item',
    description: 'Basket co-occurrence (same order or session); when the item was never bought with anything, its neighbours labelled "often viewed with".',
    query: itemListQuery,
    responseExample: { ...exampleRecs, strategy: 'bought_together', items: [{ id: 'i4', score: 0.52, title: 'Saucer', explanation: { type: 'bought_together', text: 'bought together with "Blue mug"', itemId: 'i9' } }] },
    async handler(req, _reply, ctx) {
      const q = req.query as Record<string, unknown>;
      const filters = queryFilters(q);
      const exclude = list(q.exclude as string | undefined);
      return service(ctx).boughtTogether((req.params as { id: string }).id, { k: q.k as number, ...(filters ? { filters } : {}), ...(exclude ? { exclude } : {}) });
    },
  },
  {
    method: 'GET',
    url: '/v1/trending',
    access: 'write',
    tag: 'Recommendations',
    summary: 'Trending items, overall or in a category',
    description: 'Interactions decayed with a 7-day half-life.',
    query: itemListQuery,
    responseExample: { ...exampleRecs, strategy: 'popular_in_category', items: [{ id: 'i9', score: 31.2, title: 'Blue mug', explanation: { type: 'popular_in_category', text: 'popular in Mugs' } }] },
    async handler(req, _reply, ctx) {
      const q = req.query as Record<string, unknown>;
      const filters = queryFilters(q, '_none');
      const exclude = list(q.exclude as string | undefined);
      return service(ctx).trending({ k: q.k as number, ...(q.category ? { category: q.category as string } : {}), ...(filters ? { filters } : {}), ...(exclude ? { exclude } : {}) });
    },
  },
  {
    method: 'GET',
    url: '/v1/recommendations/rules',
    access: 'admin',
    tag: 'Recommendations',
    summary: 'The server-wide boost/bury rules',
    responseExample: { rules: [{ name: 'push sale', match: { tag: 'sale' }, factor: 1.5 }] },
    async handler(_req, _reply, ctx) {
      return { rules: service(ctx).getRules() };
    },
  },
  {
    method: 'PUT',
    url: '/v1/recommendations/rules',
    access: 'admin',
    tag: 'Recommendations',
    summary: 'Replace the server-wide boost/bury rules',
    description: 'Rules apply to every `/v1/recommendations` response, before the request\'s own rules. `factor` > 1 boosts, < 1 buries, 0 removes.',
    body: z.object({ rules: rulesSchema }),
    responseExample: { rules: [{ name: 'bury clearance', match: { category: 'Clearance' }, factor: 0.3 }] },
    async handler(req, _reply, ctx) {
      const body = req.body as { rules?: unknown } | undefined;
      if (!body || !Array.isArray(body.rules)) throw new CartwiseError('VALIDATION_FAILED', { reason: 'the body must be {"rules": [...]}' });
      return { rules: await service(ctx).setRules(body.rules) };
    },
  },
  {
    method: 'GET',
    url: '/v1/models',
    access: 'admin',
    tag: 'Models',
    summary: 'The served model, the latest model-selection leaderboard, algorithms and training jobs',
    responseExample: {
      served: { id: 'mdl_x1Y2z3', algo: 'ease', params: { lambda: 300 }, source: 'trained', trainedAt: '2025-01-01T00:00:00.000Z', users: 943, items: 1682, interactions: 100000, validation: { metric: 'ndcg@10', value: 0.1234 } },
      leaderboard: { metric: 'ndcg@10', entries: [{ algo: 'ease', params: { lambda: 300 }, status: 'ok', score: 0.1234, fitS: 2.1 }] },
      algorithms: [{ name: 'ease', description: 'EASE…', defaults: { lambda: 500 } }],
      jobs: [],
    },
    async handler(_req, _reply, ctx) {
      const lb = await ctx.store.loadArtifact(ModelArtifacts.leaderboard);
      return {
        served: ctx.recommendations?.modelInfo ?? null,
        leaderboard: lb?.manifest ?? null,
        algorithms: algorithmNames().map((name) => {
          const f = getFactory(name);
          const defaults = f.paramsSchema.safeParse({});
          return { name, description: f.description, defaults: defaults.success ? defaults.data : {} };
        }),
        jobs: ctx.training?.list() ?? [],
      };
    },
  },
  {
    method: 'POST',
    url: '/v1/models/train',
    access: 'admin',
    tag: 'Models',
    summary: 'Start a training job in the background',
    description:
      '`{"algo": "auto", "budget": "10m"}` runs model selection (time-based validation split, small grids, best by `metric`) and serves the winner; `{"algo": "ease", "params": {"lambda": 300}}` trains one algorithm. The new model replaces the served one without downtime when the job succeeds. One job at a time (409 otherwise). Follow it at `GET /v1/models/jobs/:id`.',
    body: trainBody,
    status: 202,
    responseExample: { id: 'job_a1b2c3', status: 'running', phase: 'starting', done: 0, total: 0, startedAt: '2025-01-01T00:00:00.000Z', candidates: [], request: { algo: 'auto', budgetMs: 600000 } },
    async handler(req, _reply, ctx) {
      const r = validate(trainBody, req.body ?? {}, 'body');
      if (!r.ok) throw new CartwiseError('VALIDATION_FAILED', { reason: `${r.issues[0]?.path} ${r.issues[0]?.message}` }, { issues: r.issues });
      const b = r.value as z.infer<typeof trainBody>;
      if (b.algo !== 'auto') getFactory(b.algo).create(b.params ?? {});
      if (b.metric) parseSelectionMetric(b.metric);
      for (const a of b.algorithms ?? []) getFactory(a);
      return jobs(ctx).start({
        algo: b.algo,
        ...(b.params ? { params: b.params } : {}),
        ...(b.budget !== undefined ? { budgetMs: parseBudgetMs(b.budget) } : {}),
        ...(b.metric ? { metric: b.metric } : {}),
        ...(b.algorithms ? { algorithms: b.algorithms } : {}),
      });
    },
  },
  {
    method: 'GET',
    url: '/v1/models/jobs/:id',
    access: 'admin',
    tag: 'Models',
    summary: "A training job's progress and outcome",
    responseExample: { id: 'job_a1b2c3', status: 'succeeded', phase: 'save', done: 1, total: 1, candidates: [{ algo: 'ease', status: 'ok', score: 0.12 }], model: { id: 'mdl_x1Y2z3', algo: 'ease', params: { lambda: 300 } } },
    async handler(req, _reply, ctx) {
      return jobs(ctx).get((req.params as { id: string }).id);
    },
  },
  {
    method: 'DELETE',
    url: '/v1/models/jobs/:id',
    access: 'admin',
    tag: 'Models',
    summary: 'Cancel a running training job (nothing is saved; the served model stays)',
    responseExample: { id: 'job_a1b2c3', status: 'running' },
    async handler(req, _reply, ctx) {
      return jobs(ctx).cancel((req.params as { id: string }).id);
    },
  },
]);

