/**
 * Analytics parity across stores: the same demo event set loaded into DuckDB (`:memory:`) and a PostgreSQL
 * schema must give identical answers from every analytics function. Skips with a message when PostgreSQL is
 * unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeClusters } from '../../analytics/clusters.ts';
import { computeFunnel, funnelDropOffPaths, funnelDropOffs, type FunnelOptions } from '../../analytics/funnel.ts';
import { computeItemStats } from '../../analytics/item-stats.ts';
import { computeKpis } from '../../analytics/kpis.ts';
import { computePaths } from '../../analytics/paths.ts';
import { computeUserProfile } from '../../analytics/profile.ts';
import { computeRetention } from '../../analytics/retention.ts';
import { computeReviewInsight } from '../../analytics/reviews.ts';
import { rfmSummary, rfmUsers } from '../../analytics/rfm.ts';
import { sessionSummary } from '../../analytics/sessions.ts';
import { loadDemoStore } from '../../ingest/demo/load-demo-store.ts';
import { DuckDbStore } from '../duckdb/duckdb-store.ts';
import type { Store } from '../store.ts';
import type { PostgresStore } from './postgres-store.ts';
import { DEFAULT_TEST_PG_URL, dropSchemas, openTestStore, postgresUnavailable } from './testing.ts';

const PG_URL = process.env['CARTWISE_TEST_PG_URL'] ?? DEFAULT_TEST_PG_URL;
const why = await postgresUnavailable(PG_URL);
if (why) console.warn(`analytics parity (DuckDB vs PostgreSQL) skipped: ${why}`);

const END = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

describe.skipIf(why !== undefined)('analytics parity: DuckDB and PostgreSQL give identical results', () => {
  const schemas: string[] = [];
  let duck: DuckDbStore;
  let pg: PostgresStore;
  let userId: string;
  let itemId: string;

  beforeAll(async () => {
    duck = await DuckDbStore.open(':memory:');
    pg = await openTestStore(PG_URL, schemas);
    const demo = { seed: 3, items: 200, users: 800, days: 30, endMs: END };
    const [a, b] = await Promise.all([loadDemoStore(duck, demo), loadDemoStore(pg, demo)]);
    expect(b.inserted).toEqual(a.inserted);
    expect(a.inserted.events).toBeGreaterThan(5000);
    // The busiest purchaser and the most purchased item, for the per-user and per-item views.
    const [u] = await duck.query<{ user_id: string }>(`SELECT user_id FROM events WHERE type = 'purchase' GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`);
    const [i] = await duck.query<{ item_id: string }>(`SELECT item_id FROM events WHERE type = 'purchase' GROUP BY item_id ORDER BY count(*) DESC, item_id LIMIT 1`);
    userId = u?.user_id as string;
    itemId = i?.item_id as string;
  }, 120_000);

  afterAll(async () => {
    await duck?.close();
    await pg?.close();
    await dropSchemas(PG_URL, schemas);
  });

  /**
   * Runs `f` on both stores and expects the same result: same structure, strings, integers and order; other
   * numbers equal to 12 significant digits (the engines add floating-point sums in different orders, which
   * moves the last bit); wall-clock timings left out.
   */
  async function same<T>(f: (s: Store) => Promise<T>): Promise<T> {
    const [d, p] = await Promise.all([f(duck), f(pg)]);
    expect(comparable(p)).toEqual(comparable(d));
    return d;
  }

  it('stats and the raw interaction stream', async () => {
    await same((s) => s.stats());
    await same(async (s) => {
      const out: { users: string[]; ts: number[]; rating: number[] } = { users: [], ts: [], rating: [] };
      for await (const b of s.scanInteractions({ types: ['view', 'purchase', 'review'], sinceMs: END - 10 * DAY, batchSize: 4000 })) {
        out.users.push(...b.userIds);
        out.ts.push(...b.ts);
        out.rating.push(...b.rating);
      }
      return out;
    });
  });

  const funnel: FunnelOptions = { steps: [{ type: 'view' }, { type: 'add_to_cart' }, { type: 'purchase' }], windowMs: DAY };
  it.each<[string, FunnelOptions]>([
    ['plain', funnel],
    ['same item, ranged, with an exclusion', { ...funnel, sameItem: true, sinceMs: END - 20 * DAY, untilMs: END - 2 * DAY, exclusions: [{ filter: { type: 'remove_from_cart' }, fromStep: 1, toStep: 2 }] }],
    ['filtered by category, props and price', { steps: [{ type: 'view', props: { device: 'mobile' } }, { type: 'add_to_cart', minPrice: 10 }, { type: 'purchase' }], windowMs: 3 * DAY }],
    ['by category', { ...funnel, breakdown: { by: 'category' } }],
    ['by prop', { ...funnel, breakdown: { by: 'prop', key: 'source' } }],
    ['by user attribute', { ...funnel, breakdown: { by: 'user_attr', key: 'country' } }],
    ['by first touch', { ...funnel, breakdown: { by: 'first_touch' } }],
    ['by segment', { ...funnel, breakdown: { by: 'segment' } }],
    ['in a segment', { ...funnel, segment: 'champions' }],
  ])('funnel: %s', async (_name, o) => {
    const r = await same((s) => computeFunnel(s, o));
    expect(r.users[0]).toBeGreaterThan(0);
  });

  it('funnel drop-offs and their next paths', async () => {
    await same((s) => funnelDropOffs(s, funnel, 1, { limit: 20 }));
    await same((s) => funnelDropOffPaths(s, funnel, 2, { depth: 3 }));
  });

  it.each([
    ['day', {}],
    ['week', { cohortEvent: { type: 'purchase' }, returnEvent: { type: 'purchase' }, mode: 'unbounded' }],
    ['month', {}],
    ['day', { breakdown: { by: 'user_attr', key: 'device' } }],
    ['week', { breakdown: { by: 'first_touch' } }],
    ['week', { breakdown: { by: 'segment' } }],
  ] as const)('retention by %s %j', async (period, extra) => {
    await same((s) => computeRetention(s, { period, periods: 6, ...extra }));
  });

  it('KPIs by day and by week, each ranking', async () => {
    await same((s) => computeKpis(s, {}));
    await same((s) => computeKpis(s, { interval: 'week', sinceMs: END - 28 * DAY, untilMs: END, sortBy: 'view_to_purchase', minViews: 3 }));
    await same((s) => computeKpis(s, { sortBy: 'revenue', segment: 'loyal' }));
  });

  it('RFM summary and users, sessions', async () => {
    await same((s) => rfmSummary(s));
    await same((s) => rfmUsers(s, { limit: 50 }));
    await same((s) => rfmSummary(s, { asOfMs: END - 5 * DAY, sinceMs: END - 25 * DAY, untilMs: END - 5 * DAY }));
    await same((s) => rfmUsers(s, { segment: 'champions', asOfMs: END - 5 * DAY, limit: 10 }));
    await same((s) => sessionSummary(s, { sinceMs: END - 14 * DAY }));
    await same((s) => sessionSummary(s, { gapMs: 10 * 60_000, sinceMs: END - 7 * DAY, untilMs: END - DAY }));
  });

  it('paths by type, category, item and page, forwards and backwards', async () => {
    await same((s) => computePaths(s, { anchor: { type: 'add_to_cart' }, by: 'type', depth: 3 }));
    await same((s) => computePaths(s, { anchor: { type: 'purchase' }, direction: 'previous', by: 'category', depth: 2 }));
    await same((s) => computePaths(s, { anchor: { type: 'search' }, by: 'item', depth: 2 }));
    await same((s) => computePaths(s, { anchor: { type: 'view' }, by: 'page', depth: 2 }));
  });

  it('user profile, item stats, reviews, clusters', async () => {
    await same((s) => computeUserProfile(s, userId));
    await same((s) => computeItemStats(s, itemId));
    await same((s) => computeReviewInsight(s, {}));
    await same((s) => computeClusters(s, { seed: 7 }));
  });
});

const TIMING_KEYS = new Set(['timingMs', 'durationMs', 'tookMs']);

function comparable(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(comparable);
  if (v instanceof Float64Array || v instanceof Float32Array) return [...v].map(comparable);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).filter(([k]) => !TIMING_KEYS.has(k)).map(([k, x]) => [k, comparable(x)]));
  }
  return v;
}
