/**
 * RFM scoring and named segments, computed in the store. Recency = days from the user's last purchase to the
 * reference time (the newest event unless given); frequency = distinct orders; monetary = purchase revenue.
 * Scores are quintiles 1–5 by rank (ties share the lower score; higher is better, so recent buyers score 5).
 * Named segments follow the common R × FM grid (FM = round-half-up of (F + M) / 2). Users with events but no
 * purchase form the segment `no_purchase`. Segments are reusable as filters through {@link segmentUsersSql}.
 */
import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { rangeSql, type TimeRange } from './filters.ts';
import { dialectOf, raw, run, sql, type Sql } from './sql.ts';

/** Named RFM segments: slug → display name and the R × FM cells it covers. */
export const RfmSegments = {
  champions: { name: 'Champions', cells: ['5:4', '5:5'] },
  loyal: { name: 'Loyal', cells: ['3:4', '3:5', '4:4', '4:5'] },
  potential_loyalists: { name: 'Potential loyalists', cells: ['4:2', '4:3', '5:2', '5:3'] },
  new_customers: { name: 'New customers', cells: ['5:1'] },
  promising: { name: 'Promising', cells: ['4:1'] },
  need_attention: { name: 'Need attention', cells: ['3:3'] },
  about_to_sleep: { name: 'About to sleep', cells: ['3:1', '3:2'] },
  at_risk: { name: 'At risk', cells: ['1:3', '1:4', '2:3', '2:4'] },
  cannot_lose: { name: 'Cannot lose them', cells: ['1:5', '2:5'] },
  hibernating: { name: 'Hibernating', cells: ['2:1', '2:2'] },
  lost: { name: 'Lost', cells: ['1:1', '1:2'] },
} as const satisfies Record<string, { name: string; cells: readonly string[] }>;
export type RfmSegment = keyof typeof RfmSegments;
/** Every segment name a filter accepts: the RFM segments plus users who never bought. */
export const SEGMENT_NAMES: readonly string[] = [...Object.keys(RfmSegments), 'no_purchase'];

/** Throws INVALID_PARAM naming `field` unless `name` is a known segment. */
export function assertSegment(name: string, field: string): void {
  if (!SEGMENT_NAMES.includes(name)) throw new CartwiseError('INVALID_PARAM', { name: field, reason: `unknown segment \`${name}\`; known: ${SEGMENT_NAMES.join(', ')}` });
}

/**
 * The key that identifies one order of a purchase event `alias`: an `orderId`/`order_id` property, else the
 * client session id, else the user's purchases within the same clock hour.
 */
export function orderKeySql(store: Store, alias = 'e'): Sql {
  const d = dialectOf(store.dialect);
  return sql`coalesce(${d.jsonText(`${alias}.props`, 'orderId')}, ${d.jsonText(`${alias}.props`, 'order_id')}, ${raw(alias)}.session_id, CAST(${raw(d.floorDiv(d.epochMs(`${alias}.ts`), '3600000'))} AS VARCHAR))`;
}

/** Revenue of a purchase event: `revenue`, else `price × quantity` (quantity 1 when absent), else 0. */
export function revenueSql(alias = 'e'): string {
  return `coalesce(${alias}.revenue, ${alias}.price * coalesce(${alias}.quantity, 1), 0)`;
}

export interface RfmOptions extends TimeRange {
  /** Reference time for recency, epoch ms (default: the newest event in the store). */
  asOfMs?: number | undefined;
}

const SCORE = (col: string, order: 'ASC' | 'DESC' = 'ASC') =>
  `1 + CAST(floor(5.0 * (rank() OVER (ORDER BY ${col} ${order}) - 1) / count(*) OVER ()) AS INTEGER)`;

/**
 * A SELECT with one row per purchasing user: `user_id, last_t, recency_days, frequency, monetary, r, f, m,
 * segment` (the segment slug).
 */
export function rfmSql(store: Store, o: RfmOptions = {}): Sql {
  const d = dialectOf(store.dialect);
  const asOf = o.asOfMs !== undefined ? sql`${o.asOfMs}` : sql`(SELECT max(${raw(d.epochMs('ts'))}) FROM events)`;
  const cases = Object.entries(RfmSegments)
    .map(([slug, s]) => `WHEN ${s.cells.map((c) => `(r = ${c.split(':')[0]} AND fm = ${c.split(':')[1]})`).join(' OR ')} THEN '${slug}'`)
    .join(' ');
  return sql`
    SELECT user_id, last_t, (${asOf} - last_t) / 86400000.0 AS recency_days, frequency, monetary, r, f, m, CASE ${raw(cases)} ELSE 'lost' END AS segment
    FROM (
      SELECT sc.*, CAST(floor((f + m) / 2.0 + 0.5) AS INTEGER) AS fm FROM (
        SELECT p.*, ${raw(SCORE('last_t'))} AS r, ${raw(SCORE('frequency'))} AS f, ${raw(SCORE('monetary'))} AS m FROM (
          SELECT e.user_id, max(${raw(d.epochMs('e.ts'))}) AS last_t, count(DISTINCT ${orderKeySql(store)}) AS frequency, sum(${raw(revenueSql())}) AS monetary
          FROM events e WHERE e.type = 'purchase' AND ${rangeSql(store, o)} GROUP BY e.user_id
        ) p
      ) sc
    ) z`;
}

/** A SELECT of `user_id, segment` for every user with an event (non-buyers get `no_purchase`). */
export function segmentOfUsersSql(store: Store, o: RfmOptions = {}): Sql {
  return sql`SELECT u.user_id, coalesce(r.segment, 'no_purchase') AS segment FROM (SELECT DISTINCT user_id FROM events) u LEFT JOIN (${rfmSql(store, o)}) r ON r.user_id = u.user_id`;
}

/** A SELECT of the `user_id`s in a named segment, for `user_id IN (…)` filters in funnels, retention and KPIs. */
export function segmentUsersSql(store: Store, segment: string, o: RfmOptions = {}): Sql {
  assertSegment(segment, 'segment');
  if (segment === 'no_purchase') return sql`SELECT DISTINCT user_id FROM events WHERE user_id NOT IN (SELECT user_id FROM events WHERE type = 'purchase')`;
  return sql`SELECT user_id FROM (${rfmSql(store, o)}) rs WHERE segment = ${segment}`;
}

export interface RfmSegmentRow {
  segment: string;
  name: string;
  users: number;
  userShare: number;
  revenue: number;
  revenueShare: number;
  avgRecencyDays: number;
  avgFrequency: number;
  avgMonetary: number;
}

export interface RfmSummary {
  asOf: number | null;
  buyers: number;
  nonBuyers: number;
  revenue: number;
  segments: RfmSegmentRow[];
  /** Users per R score (index 0 = score 1), likewise F and M. */
  scoreCounts: { r: number[]; f: number[]; m: number[] };
}

/** Segment sizes and revenue shares, plus score distributions (two queries). */
export async function rfmSummary(store: Store, o: RfmOptions = {}): Promise<RfmSummary> {
  const rows = await run<Record<string, unknown>>(
    store,
    sql`SELECT segment, count(*) AS users, sum(monetary) AS revenue, avg(recency_days) AS rec, avg(frequency) AS freq, avg(monetary) AS mon
        FROM (${rfmSql(store, o)}) x GROUP BY segment`,
  );
  const dist = await run<Record<string, unknown>>(
    store,
    sql`SELECT 'r' AS s, r AS score, count(*) AS n FROM (${rfmSql(store, o)}) a GROUP BY r
        UNION ALL SELECT 'f', f, count(*) FROM (${rfmSql(store, o)}) b GROUP BY f
        UNION ALL SELECT 'm', m, count(*) FROM (${rfmSql(store, o)}) c GROUP BY m`,
  );
  const d = dialectOf(store.dialect);
  const [meta] = await run<Record<string, unknown>>(
    store,
    sql`SELECT count(DISTINCT user_id) AS users, max(${raw(d.epochMs('ts'))}) AS last FROM events e WHERE ${rangeSql(store, o)}`,
  );
  const buyers = rows.reduce((s, r) => s + Number(r['users']), 0);
  const revenue = rows.reduce((s, r) => s + Number(r['revenue'] ?? 0), 0);
  const scoreCounts = { r: [0, 0, 0, 0, 0], f: [0, 0, 0, 0, 0], m: [0, 0, 0, 0, 0] };
  for (const r of dist) scoreCounts[String(r['s']) as 'r' | 'f' | 'm'][Number(r['score']) - 1] = Number(r['n']);
  const bySlug = new Map(rows.map((r) => [String(r['segment']), r]));
  return {
    asOf: o.asOfMs ?? (meta?.['last'] == null ? null : Number(meta['last'])),
    buyers,
    nonBuyers: Math.max(0, Number(meta?.['users'] ?? 0) - buyers),
    revenue,
    scoreCounts,
    segments: Object.entries(RfmSegments)
      .map(([slug, s]) => {
        const r = bySlug.get(slug);
        const users = Number(r?.['users'] ?? 0);
        const rev = Number(r?.['revenue'] ?? 0);
        return {
          segment: slug,
          name: s.name,
          users,
          userShare: buyers ? users / buyers : 0,
          revenue: rev,
          revenueShare: revenue ? rev / revenue : 0,
          avgRecencyDays: Number(r?.['rec'] ?? 0),
          avgFrequency: Number(r?.['freq'] ?? 0),
          avgMonetary: Number(r?.['mon'] ?? 0),
        };
      })
      .sort((a, b) => b.revenue - a.revenue || b.users - a.users),
  };
}

export interface RfmUser {
  userId: string;
  segment: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
}

/** Users with their RFM scores, optionally of one segment, ordered by monetary value (paged). */
export async function rfmUsers(store: Store, o: RfmOptions & { segment?: string | undefined; userId?: string | undefined; limit?: number; offset?: number } = {}): Promise<RfmUser[]> {
  if (o.segment) assertSegment(o.segment, 'segment');
  const conds: Sql[] = [];
  if (o.segment) conds.push(sql`segment = ${o.segment}`);
  if (o.userId !== undefined) conds.push(sql`user_id = ${o.userId}`);
  const where = conds.length ? sql`WHERE ${conds.reduce((a, b) => sql`${a} AND ${b}`)}` : raw('');
  const rows = await run<Record<string, unknown>>(
    store,
    sql`SELECT * FROM (${rfmSql(store, o)}) x ${where} ORDER BY monetary DESC, user_id LIMIT ${o.limit ?? 100} OFFSET ${o.offset ?? 0}`,
  );
  return rows.map((r) => ({
    userId: String(r['user_id']),
    segment: String(r['segment']),
    recencyDays: Number(r['recency_days']),
    frequency: Number(r['frequency']),
    monetary: Number(r['monetary']),
    r: Number(r['r']),
    f: Number(r['f']),
    m: Number(r['m']),
  }));
}
