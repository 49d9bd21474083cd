/**
 * Store KPIs over time with a comparison to the previous period of the same length, computed in the store:
 * users, sessions, conversion rate (sessions with a purchase / sessions), revenue, orders, average order
 * value, cart-abandonment rate (sessions with an add-to-cart but no purchase / sessions with an add-to-cart),
 * and the top items and categories by views, add-to-carts, purchases and view→purchase rate. A session is
 * counted in the period where it starts.
 */
import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { assertSegment, revenueSql, segmentUsersSql } from './rfm.ts';
import { DEFAULT_SESSION_GAP_MS, sessionizedEventsSql } from './sessions.ts';
import { rangeSql } from './filters.ts';
import { dialectOf, raw, run, sql, type Sql } from './sql.ts';

const DAY = 86_400_000;

export const KpiIntervals = { day: 'day', week: 'week' } as const;
export type KpiInterval = keyof typeof KpiIntervals;
export const TopSorts = { views: 'views', add_to_cart: 'add_to_cart', purchases: 'purchases', view_to_purchase: 'view_to_purchase', revenue: 'revenue' } as const;
export type TopSort = keyof typeof TopSorts;

export interface KpiOptions {
  /** Start of the period, epoch ms (default: `untilMs` minus 7 days, or 8 weeks by week). */
  sinceMs?: number | undefined;
  /** End of the period, exclusive (default: midnight after the newest event). */
  untilMs?: number | undefined;
  interval?: KpiInterval | undefined;
  gapMs?: number | undefined;
  segment?: string | undefined;
  /** Rows in the top items and categories lists (default 10). */
  top?: number | undefined;
  /** Ranking of the top lists (default views). */
  sortBy?: TopSort | undefined;
  /** Fewest views for an item to be ranked by view→purchase rate (default 5). */
  minViews?: number | undefined;
}

export interface KpiValues {
  users: number;
  sessions: number;
  conversionRate: number | null;
  revenue: number;
  orders: number;
  averageOrderValue: number | null;
  cartAbandonmentRate: number | null;
}

export interface TopRow {
  key: string;
  title?: string;
  views: number;
  addToCarts: number;
  purchases: number;
  revenue: number;
  viewToPurchase: number | null;
  previous: { views: number; addToCarts: number; purchases: number; revenue: number; viewToPurchase: number | null };
}

export interface KpiResult {
  interval: KpiInterval;
  range: { since: string; until: string };
  previousRange: { since: string; until: string };
  current: KpiValues;
  previous: KpiValues;
  /** Relative change current / previous − 1 (null when the previous value is 0 or missing). */
  change: Record<keyof KpiValues, number | null>;
  series: ({ start: string } & KpiValues)[];
  topItems: TopRow[];
  topCategories: TopRow[];
}

const METRICS: (keyof KpiValues)[] = ['users', 'sessions', 'conversionRate', 'revenue', 'orders', 'averageOrderValue', 'cartAbandonmentRate'];

function values(r: Record<string, unknown> | undefined): KpiValues {
  const n = (k: string) => Number(r?.[k] ?? 0);
  const sessions = n('sessions');
  const carted = n('carted');
  const orders = n('orders');
  return {
    users: n('users'),
    sessions,
    conversionRate: sessions ? n('bought') / sessions : null,
    revenue: n('revenue'),
    orders,
    averageOrderValue: orders ? n('revenue') / orders : null,
    cartAbandonmentRate: carted ? n('abandoned') / carted : null,
  };
}

/** Resolves the default range: the last 7 days (or 8 weeks) up to midnight after the newest event. */
async function resolveRange(store: Store, o: KpiOptions): Promise<{ since: number; until: number }> {
  const interval = o.interval ?? 'day';
  let until = o.untilMs;
  if (until === undefined) {
    const d = dialectOf(store.dialect);
    const [r] = await run<{ last: number | null }>(store, sql`SELECT max(${raw(d.epochMs('ts'))}) AS last FROM events`);
    const last = r?.last == null ? Date.now() : Number(r.last);
    until = (Math.floor(last / DAY) + 1) * DAY;
  }
  const since = o.sinceMs ?? until - (interval === 'week' ? 56 : 7) * DAY;
  if (since >= until) throw new CartwiseError('INVALID_PARAM', { name: 'since', reason: 'must be before until' });
  return { since, until };
}

/**
 * Computes the KPI block for a period and the previous period of equal length (three queries: sessions,
 * items, categories). Series buckets are UTC days or ISO weeks.
 */
export async function computeKpis(store: Store, o: KpiOptions = {}): Promise<KpiResult> {
  const interval = o.interval ?? 'day';
  if (!(interval in KpiIntervals)) throw new CartwiseError('INVALID_PARAM', { name: 'interval', reason: 'must be day or week' });
  const sortBy = o.sortBy ?? 'views';
  if (!(sortBy in TopSorts)) throw new CartwiseError('INVALID_PARAM', { name: 'sort', reason: `must be one of ${Object.keys(TopSorts).join(', ')}` });
  if (o.segment) assertSegment(o.segment, 'segment');
  const top = o.top ?? 10;
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw new CartwiseError('INVALID_PARAM', { name: 'top', reason: 'must be an integer from 1 to 1000' });
  const { since, until } = await resolveRange(store, o);
  const prevSince = since - (until - since);
  const d = dialectOf(store.dialect);
  const segmentCond = o.segment ? sql`e.user_id IN (${segmentUsersSql(store, o.segment)})` : undefined;
  const day = d.floorDiv('t0', String(DAY));
  const bucket = interval === 'day' ? day : d.floorDiv(`${day} + 3`, '7');
  const se = sessionizedEventsSql(store, { sinceMs: prevSince, untilMs: until, gapMs: o.gapMs ?? DEFAULT_SESSION_GAP_MS, where: segmentCond });
  const rows = await run<Record<string, unknown>>(
    store,
    sql`WITH se AS (${se}),
      ss AS (SELECT session_key, min(user_id) AS u, min(t) AS t0,
        max(CASE WHEN type = 'purchase' THEN 1 ELSE 0 END) AS bought,
        max(CASE WHEN type = 'add_to_cart' THEN 1 ELSE 0 END) AS carted,
        sum(CASE WHEN type = 'purchase' THEN ${raw(revenueSql('se'))} ELSE 0 END) AS revenue,
        count(DISTINCT CASE WHEN type = 'purchase' THEN coalesce(${d.jsonText('se.props', 'orderId')}, ${d.jsonText('se.props', 'order_id')}, session_key) END) AS orders
        FROM se GROUP BY session_key),
      sb AS (SELECT ss.*, CASE WHEN t0 >= ${since} THEN 1 ELSE 0 END AS cur, ${raw(bucket)} AS b FROM ss)
      SELECT cur, b, count(*) AS sessions, count(DISTINCT u) AS users, sum(bought) AS bought, sum(carted) AS carted,
        sum(CASE WHEN carted = 1 AND bought = 0 THEN 1 ELSE 0 END) AS abandoned, sum(revenue) AS revenue, sum(orders) AS orders
      FROM sb GROUP BY GROUPING SETS ((cur, b), (cur))`,
  );
  const totals = rows.filter((r) => r['b'] === null || r['b'] === undefined);
  const current = values(totals.find((r) => Number(r['cur']) === 1));
  const previous = values(totals.find((r) => Number(r['cur']) === 0));
  const change = Object.fromEntries(
    METRICS.map((k) => {
      const a = current[k];
      const b = previous[k];
      return [k, a === null || b === null || b === 0 ? null : Math.round((a / b - 1) * 1e6) / 1e6];
    }),
  ) as Record<keyof KpiValues, number | null>;
  const startOf = (b: number) => new Date((interval === 'day' ? b : b * 7 - 3) * DAY).toISOString().slice(0, 10);
  const series = rows
    .filter((r) => r['b'] !== null && r['b'] !== undefined && Number(r['cur']) === 1)
    .map((r) => ({ b: Number(r['b']), v: values(r) }))
    .sort((a, b) => a.b - b.b)
    .map((r) => ({ start: startOf(r.b), ...r.v }));

  const [topItems, topCategories] = await Promise.all([topRows(store, 'item', since, until, prevSince, top, sortBy, o), topRows(store, 'category', since, until, prevSince, top, sortBy, o)]);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    interval,
    range: { since: iso(since), until: iso(until) },
    previousRange: { since: iso(prevSince), until: iso(since) },
    current,
    previous,
    change,
    series,
    topItems,
    topCategories,
  };
}

async function topRows(store: Store, by: 'item' | 'category', since: number, until: number, prevSince: number, top: number, sortBy: TopSort, o: KpiOptions): Promise<TopRow[]> {
  const d = dialectOf(store.dialect);
  const key = raw(by === 'item' ? 'e.item_id' : 'i.category');
  const isCur: Sql = { text: `e.ts >= ${d.fromEpochMs('?')}`, params: [since] };
  const col = (type: string, cur: boolean, what = '1'): Sql =>
    sql`sum(CASE WHEN e.type = ${type} AND ${cur ? isCur : sql`NOT (${isCur})`} THEN ${raw(what)} ELSE 0 END)`;
  const order = {
    views: 'views DESC',
    add_to_cart: 'carts DESC',
    purchases: 'purchases DESC',
    revenue: 'revenue DESC',
    view_to_purchase: `CASE WHEN views >= ${Math.max(1, Math.floor(o.minViews ?? 5))} THEN CAST(purchases AS DOUBLE PRECISION) / views ELSE -1 END DESC, views DESC`,
  }[sortBy];
  const segmentCond = o.segment ? sql` AND e.user_id IN (${segmentUsersSql(store, o.segment)})` : raw('');
  const rows = await run<Record<string, unknown>>(
    store,
    sql`SELECT * FROM (
      SELECT ${key} AS k,
        ${col('view', true)} AS views, ${col('add_to_cart', true)} AS carts, ${col('purchase', true)} AS purchases,
        ${col('purchase', true, revenueSql())} AS revenue,
        ${col('view', false)} AS p_views, ${col('add_to_cart', false)} AS p_carts, ${col('purchase', false)} AS p_purchases,
        ${col('purchase', false, revenueSql())} AS p_revenue
      FROM events e${raw(by === 'category' ? ' JOIN items i ON i.id = e.item_id' : '')}
      WHERE e.item_id IS NOT NULL AND e.type IN ('view', 'add_to_cart', 'purchase')
        AND ${rangeSql(store, { sinceMs: prevSince, untilMs: until })}${raw(by === 'category' ? ' AND i.category IS NOT NULL' : '')}${segmentCond}
      GROUP BY ${key}) x
    WHERE views + carts + purchases > 0 ORDER BY ${raw(order)}, k LIMIT ${top}`,
  );
  const titles = by === 'item' ? new Map((await store.getItems(rows.map((r) => String(r['k'])))).map((i) => [i.id, i.title])) : new Map<string, string>();
  const rate = (p: number, v: number) => (v > 0 ? Math.round((p / v) * 1e6) / 1e6 : null);
  return rows.map((r) => {
    const n = (k: string) => Number(r[k] ?? 0);
    const row: TopRow = {
      key: String(r['k']),
      views: n('views'),
      addToCarts: n('carts'),
      purchases: n('purchases'),
      revenue: n('revenue'),
      viewToPurchase: rate(n('purchases'), n('views')),
      previous: { views: n('p_views'), addToCarts: n('p_carts'), purchases: n('p_purchases'), revenue: n('p_revenue'), viewToPurchase: rate(n('p_purchases'), n('p_views')) },
    };
    const title = titles.get(row.key);
    if (title !== undefined) row.title = title;
    return row;
  });
}
