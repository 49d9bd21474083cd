import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import { computeClusters } from '../../analytics/clusters.ts';
import { checkEventFilter, parseDateParam, parseDuration, parseEventFilter, type EventFilter } from '../../analytics/filters.ts';
import { computeItemStats } from '../../analytics/item-stats.ts';
import { computeFunnel, funnelDropOffPaths, funnelDropOffs, type FunnelOptions } from '../../analytics/funnel.ts';
import { computeKpis, type KpiInterval, type TopSort } from '../../analytics/kpis.ts';
import { funnelOptionsFromParams, parseFunnelBreakdown, retentionOptionsFromParams, type FunnelParams } from '../../analytics/params.ts';
import { computePaths, type PathLabel } from '../../analytics/paths.ts';
import { computeUserProfile } from '../../analytics/profile.ts';
import { computeRetention } from '../../analytics/retention.ts';
import { computeReviewInsight } from '../../analytics/reviews.ts';
import { rfmSummary, rfmUsers } from '../../analytics/rfm.ts';
import { sessionSummary } from '../../analytics/sessions.ts';
import { defineRoutes } from '../route.ts';

const TAG = 'Analytics';
const date = z.string().max(40).optional().describe('ISO 8601 date/time or epoch ms');
const range = { since: date, until: date };
const segment = z.string().max(64).optional().describe('only users of this RFM segment (champions, loyal, …, no_purchase)');

const funnelQuery = z.object({
  steps: z.string().min(1).max(4000).describe('comma-separated steps, each `type` or `type[category=…,attr.K=V,prop.K=V,minPrice=…,maxPrice=…]`'),
  window: z.string().max(20).default('24h').describe('conversion window from step 1, e.g. 30m, 24h, 7d'),
  sameItem: z.enum(['true', 'false', '1', '0']).optional().describe('all steps on the step-1 item'),
  exclude: z.string().max(2000).optional().describe('exclusion steps `type[filters]@FROM-TO`, separated by `;`'),
  ...range,
  segment,
  breakdown: z.string().max(20).optional().describe('category | item_attr | prop | user_attr | first_touch | segment'),
  breakdownKey: z.string().max(64).optional(),
  breakdownLimit: z.coerce.number().int().min(1).max(100).optional(),
});

const stepSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);
const funnelBody = z
  .object({
    steps: z.array(stepSchema).min(2).max(20),
    window: z.union([z.string(), z.number()]).default('24h'),
    sameItem: z.boolean().optional(),
    exclusions: z.array(z.object({ step: stepSchema, fromStep: z.number().int(), toStep: z.number().int() })).optional(),
    since: z.union([z.string(), z.number()]).optional(),
    until: z.union([z.string(), z.number()]).optional(),
    segment: z.string().optional(),
    breakdown: z.object({ by: z.string(), key: z.string().optional(), limit: z.number().int().min(1).max(100).optional() }).optional(),
  })
  .strict();

function toFilter(step: string | Record<string, unknown>, field: string): EventFilter {
  return typeof step === 'string' ? parseEventFilter(step, field) : checkEventFilter(step, field);
}

/** A funnel from a JSON definition (POST), with errors naming the field. */
function funnelFromBody(body: unknown): FunnelOptions {
  const r = funnelBody.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CartwiseError('INVALID_PARAM', { name: (issue?.path ?? []).map(String).join('.') || 'body', reason: issue?.message ?? 'invalid' });
  }
  const b = r.data;
  return {
    steps: b.steps.map((s, i) => toFilter(s, `steps[${i}]`)),
    windowMs: parseDuration(b.window, 'window'),
    sameItem: b.sameItem ?? false,
    exclusions: (b.exclusions ?? []).map((x, i) => ({ filter: toFilter(x.step, `exclusions[${i}]`), fromStep: x.fromStep, toStep: x.toStep })),
    sinceMs: parseDateParam(b.since, 'since'),
    untilMs: parseDateParam(b.until, 'until'),
    segment: b.segment,
    ...(b.breakdown ? { breakdown: parseFunnelBreakdown(b.breakdown.by, b.breakdown.key, b.breakdown.limit) } : {}),
  };
}

/** Behaviour analytics over the event log, computed inside the store (admin key). */
export const analyticsRoutes = defineRoutes([
  {
    method: 'GET',
    url: '/v1/analytics/funnel',
    access: 'admin',
    tag: TAG,
    summary: 'Ordered funnel: users per step, conversion, time between steps, optional breakdown',
    description:
      'Every step-1 event starts an attempt; later steps must follow within the window of that attempt; a user counts at the furthest step over all attempts (the rule of `reference/analytics.py`).',
    query: funnelQuery,
    responseExample: { steps: ['view', 'add_to_cart', 'purchase'], windowMs: 86400000, sameItem: false, users: [812, 589, 279], stepConversion: [0.725369, 0.473684], overallConversion: 0.343596 },
    async handler(req, _reply, ctx) {
      return computeFunnel(ctx.store, funnelOptionsFromParams(req.query as FunnelParams));
    },
  },
  {
    method: 'POST',
    url: '/v1/analytics/funnel',
    access: 'admin',
    tag: TAG,
    summary: 'Funnel from a JSON definition (steps as strings or filter objects, exclusions, breakdown)',
    body: funnelBody,
    responseExample: { steps: ['view[category=Shoes]', 'purchase'], users: [120, 14] },
    async handler(req, _reply, ctx) {
      return computeFunnel(ctx.store, funnelFromBody(req.body));
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/funnel/dropoffs',
    access: 'admin',
    tag: TAG,
    summary: 'Users who reached step N but not N + 1, and the top paths they took next',
    query: funnelQuery.extend({
      afterStep: z.coerce.number().int().min(1).max(19),
      limit: z.coerce.number().int().min(1).max(10_000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
      pathDepth: z.coerce.number().int().min(1).max(10).default(3),
    }),
    responseExample: { afterStep: 2, total: 310, users: [{ userId: 'u1', reachedAt: 1511544070000 }], paths: [{ path: ['view', 'view', '(end)'], users: 40 }] },
    async handler(req, _reply, ctx) {
      const q = req.query as FunnelParams & { afterStep: number; limit: number; offset: number; pathDepth: number };
      const o = funnelOptionsFromParams(q);
      const list = await funnelDropOffs(ctx.store, o, q.afterStep, { limit: q.limit, offset: q.offset });
      const paths = await funnelDropOffPaths(ctx.store, o, q.afterStep, { depth: q.pathDepth });
      return { ...list, paths: paths.paths };
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/retention',
    access: 'admin',
    tag: TAG,
    summary: 'Cohort retention (bounded or unbounded), cohort sizes, revenue per cohort user, breakdown',
    query: z.object({
      period: z.enum(['day', 'week', 'month']).default('week'),
      periods: z.coerce.number().int().min(1).max(120).default(8),
      cohortType: z.string().max(500).optional().describe('event that places a user in a cohort (default ANY)'),
      returnType: z.string().max(500).optional().describe('event that counts as a return (default ANY)'),
      mode: z.enum(['bounded', 'unbounded']).default('bounded'),
      ...range,
      segment,
      breakdown: z.enum(['user_attr', 'first_touch', 'segment']).optional(),
      breakdownKey: z.string().max(64).optional(),
    }),
    responseExample: { period: 'week', periods: 8, cohorts: { '2025-01-06': { start: '2025-01-06', size: 120, retention: [1, 0.31, 0.22], revenuePerUser: [12.5, 15.1, 17.9] } } },
    async handler(req, _reply, ctx) {
      return computeRetention(ctx.store, retentionOptionsFromParams(req.query as Record<string, string>));
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/kpis',
    access: 'admin',
    tag: TAG,
    summary: 'KPIs over time with the previous period: users, sessions, conversion, revenue, orders, AOV, cart abandonment, top items and categories',
    query: z.object({
      ...range,
      interval: z.enum(['day', 'week']).default('day'),
      segment,
      top: z.coerce.number().int().min(1).max(1000).default(10),
      sort: z.enum(['views', 'add_to_cart', 'purchases', 'view_to_purchase', 'revenue']).default('views'),
      gap: z.string().max(20).optional().describe('session inactivity gap, default 30m'),
    }),
    responseExample: { interval: 'day', current: { users: 3, sessions: 5, conversionRate: 0.2, revenue: 20 }, change: { users: 2 } },
    async handler(req, _reply, ctx) {
      const q = req.query as { since?: string; until?: string; interval: KpiInterval; segment?: string; top: number; sort: TopSort; gap?: string };
      return computeKpis(ctx.store, {
        sinceMs: parseDateParam(q.since, 'since'),
        untilMs: parseDateParam(q.until, 'until'),
        interval: q.interval,
        segment: q.segment,
        top: q.top,
        sortBy: q.sort,
        gapMs: q.gap ? parseDuration(q.gap, 'gap') : undefined,
      });
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/sessions',
    access: 'admin',
    tag: TAG,
    summary: 'Session counts, length and bounce rate (client sessionId wins, else an inactivity gap)',
    query: z.object({ ...range, gap: z.string().max(20).default('30m') }),
    responseExample: { sessions: 5, users: 3, avgDurationMs: 120000, medianDurationMs: 60000, avgEventsPerSession: 1.8, bounceRate: 0.4, gapMs: 1800000 },
    async handler(req, _reply, ctx) {
      const q = req.query as { since?: string; until?: string; gap: string };
      return sessionSummary(ctx.store, { sinceMs: parseDateParam(q.since, 'since'), untilMs: parseDateParam(q.until, 'until'), gapMs: parseDuration(q.gap, 'gap') });
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/paths',
    access: 'admin',
    tag: TAG,
    summary: 'Most common next or previous events, categories or items around an anchor event (Sankey nodes and links)',
    query: z.object({
      anchor: z.string().min(1).max(500).describe('anchor event, `type` or `type[filters]`'),
      direction: z.enum(['next', 'previous']).default('next'),
      depth: z.coerce.number().int().min(1).max(6).default(3),
      by: z.enum(['type', 'category', 'item', 'page']).default('type'),
      width: z.coerce.number().int().min(1).max(50).default(8),
      ...range,
      gap: z.string().max(20).optional(),
    }),
    responseExample: { anchor: 'view', direction: 'next', depth: 2, sessions: 3, nodes: [{ id: '0:view', step: 0, label: 'view', count: 3 }], links: [{ source: '0:view', target: '1:add_to_cart', value: 1 }] },
    async handler(req, _reply, ctx) {
      const q = req.query as { anchor: string; direction: 'next' | 'previous'; depth: number; by: PathLabel; width: number; since?: string; until?: string; gap?: string };
      return computePaths(ctx.store, {
        anchor: parseEventFilter(q.anchor, 'anchor'),
        direction: q.direction,
        depth: q.depth,
        by: q.by,
        width: q.width,
        sinceMs: parseDateParam(q.since, 'since'),
        untilMs: parseDateParam(q.until, 'until'),
        gapMs: q.gap ? parseDuration(q.gap, 'gap') : undefined,
      });
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/segments',
    access: 'admin',
    tag: TAG,
    summary: 'RFM segments: sizes, revenue shares and score distributions',
    query: z.object({ ...range, asOf: date }),
    responseExample: { buyers: 5, nonBuyers: 1, revenue: 1500, segments: [{ segment: 'champions', name: 'Champions', users: 1, revenueShare: 0.33 }] },
    async handler(req, _reply, ctx) {
      const q = req.query as { since?: string; until?: string; asOf?: string };
      return rfmSummary(ctx.store, { sinceMs: parseDateParam(q.since, 'since'), untilMs: parseDateParam(q.until, 'until'), asOfMs: parseDateParam(q.asOf, 'asOf') });
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/segments/users',
    access: 'admin',
    tag: TAG,
    summary: 'Users with their RFM scores, optionally of one segment, by monetary value',
    query: z.object({ segment, limit: z.coerce.number().int().min(1).max(10_000).default(100), offset: z.coerce.number().int().min(0).default(0) }),
    responseExample: { users: [{ userId: 'A', segment: 'champions', recencyDays: 0, frequency: 5, monetary: 500, r: 5, f: 5, m: 5 }] },
    async handler(req, _reply, ctx) {
      const q = req.query as { segment?: string; limit: number; offset: number };
      return { users: await rfmUsers(ctx.store, { segment: q.segment, limit: q.limit, offset: q.offset }) };
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/clusters',
    access: 'admin',
    tag: TAG,
    summary: 'k-means behaviour clusters (k by silhouette), centroids described in words',
    query: z.object({
      kMin: z.coerce.number().int().min(2).max(20).default(2),
      kMax: z.coerce.number().int().min(2).max(20).default(8),
      seed: z.coerce.number().int().min(0).default(42),
      ...range,
    }),
    responseExample: { users: 40, k: 2, scores: [{ k: 2, silhouette: 0.91 }], clusters: [{ id: 0, size: 20, share: 0.5, revenueShare: 1, description: 'Frequent buyers (8.0 orders), high spend (7,200)' }] },
    async handler(req, _reply, ctx) {
      const q = req.query as { kMin: number; kMax: number; seed: number; since?: string; until?: string };
      return computeClusters(ctx.store, { kMin: q.kMin, kMax: q.kMax, seed: q.seed, sinceMs: parseDateParam(q.since, 'since'), untilMs: parseDateParam(q.until, 'until') });
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/reviews',
    access: 'admin',
    tag: TAG,
    summary: 'Review insight per item or category: average rating, distribution, sentiment, trend',
    query: z.object({
      by: z.enum(['item', 'category']).default('item'),
      itemId: z.string().max(256).optional(),
      category: z.string().max(1000).optional(),
      interval: z.enum(['week', 'month']).default('month'),
      top: z.coerce.number().int().min(1).max(1000).default(20),
      ...range,
    }),
    responseExample: { method: 'AFINN-165 via the sentiment npm package', overall: { reviews: 3, avgRating: 3.33, distribution: { '1': 1, '4': 1, '5': 1 } } },
    async handler(req, _reply, ctx) {
      const q = req.query as { by: 'item' | 'category'; itemId?: string; category?: string; interval: 'week' | 'month'; top: number; since?: string; until?: string };
      return computeReviewInsight(ctx.store, {
        by: q.by,
        itemId: q.itemId,
        category: q.category,
        interval: q.interval,
        top: q.top,
        sinceMs: parseDateParam(q.since, 'since'),
        untilMs: parseDateParam(q.until, 'until'),
      });
    },
  },
  {
    method: 'GET',
    url: '/v1/analytics/items/:id/stats',
    access: 'admin',
    tag: TAG,
    summary: "One item's views, viewers, add-to-carts, purchases, buyers, view→purchase rate and revenue",
    responseExample: { itemId: 'i1', views: 120, viewers: 80, addToCarts: 14, purchases: 6, buyers: 5, viewToPurchase: 0.0625, revenue: 75, reviews: 2 },
    async handler(req, _reply, ctx) {
      return computeItemStats(ctx.store, (req.params as { id: string }).id);
    },
  },
  {
    method: 'GET',
    url: '/v1/users/:id/profile',
    access: 'admin',
    tag: TAG,
    summary: 'A user’s profile: segment, RFM, favourite categories and brands, price band, recent items, lifetime value, last seen',
    query: z.object({ recent: z.coerce.number().int().min(1).max(100).default(10) }),
    responseExample: { userId: 'u1', segment: 'champions', lifetimeValue: 420, favouriteCategories: [{ category: 'Shoes > Running', score: 10 }], priceBand: { medianPrice: 20, band: 'mid' } },
    async handler(req, _reply, ctx) {
      const id = (req.params as { id: string }).id;
      return computeUserProfile(ctx.store, id, { recent: (req.query as { recent: number }).recent });
    },
  },
]);
