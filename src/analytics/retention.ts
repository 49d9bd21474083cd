/**
 * Cohort retention, computed in the store (the rule of `../shared/reference/analytics.py retention`).
 * A user's cohort is the UTC period (day, ISO week starting Monday, or calendar month) of their first
 * cohort event (any event, or those matching a filter). Bounded retention at n is the share of the cohort
 * with a return event in period c + n exactly; unbounded ("n or later") the share with one in any period
 * ≥ c + n. Period 0 is 1.0 by definition. The revenue variant gives cumulative purchase revenue per cohort
 * user through period n (LTV curves).
 */
import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { assertKnownTypes, checkEventFilter, eventFilterSql, needsItems, rangeSql, type EventFilter, type TimeRange } from './filters.ts';
import { assertSegment, revenueSql, segmentOfUsersSql, segmentUsersSql } from './rfm.ts';
import { dialectOf, raw, run, sql, type Sql } from './sql.ts';

export const RetentionPeriods = { day: 'day', week: 'week', month: 'month' } as const;
export type RetentionPeriod = keyof typeof RetentionPeriods;

export const RetentionBreakdowns = { user_attr: 'user_attr', first_touch: 'first_touch', segment: 'segment' } as const;
export type RetentionBreakdownBy = keyof typeof RetentionBreakdowns;

export interface RetentionOptions extends TimeRange {
  period: RetentionPeriod;
  /** Periods after the cohort period to report (1–120). */
  periods: number;
  /** Events that place a user in a cohort (default: any event). */
  cohortEvent?: EventFilter | undefined;
  /** Events that count as a return (default: any event). */
  returnEvent?: EventFilter | undefined;
  /** `bounded`: exactly period n; `unbounded`: period n or later. */
  mode?: 'bounded' | 'unbounded' | undefined;
  segment?: string | undefined;
  breakdown?: { by: RetentionBreakdownBy; key?: string | undefined; limit?: number | undefined } | undefined;
}

export interface RetentionCohort {
  /** First day of the cohort period (YYYY-MM-DD, UTC). */
  start: string;
  size: number;
  /** [periods + 1] share of the cohort retained at n (index 0 = 1.0). */
  retention: number[];
  /** [periods + 1] cumulative purchase revenue per cohort user through period n. */
  revenuePerUser: number[];
}

export interface RetentionCurve {
  /** Users of cohorts old enough to observe period n. */
  users: number[];
  /** Retained users / observable users at each n. */
  retention: (number | null)[];
}

export interface RetentionResult {
  period: RetentionPeriod;
  periods: number;
  mode: 'bounded' | 'unbounded';
  cohortType: string;
  returnType: string;
  /** Cohorts keyed by their start date, oldest first. */
  cohorts: Record<string, RetentionCohort>;
  /** Size-weighted retention over the cohorts that can observe each period. */
  average: RetentionCurve;
  breakdown?: { by: RetentionBreakdownBy; key?: string; groups: ({ value: string; size: number } & RetentionCurve)[] };
}

/** Checks retention options; errors name the field. */
export function checkRetentionOptions(o: RetentionOptions): void {
  if (!(o.period in RetentionPeriods)) throw new CartwiseError('INVALID_PARAM', { name: 'period', reason: 'must be day, week or month' });
  if (!Number.isInteger(o.periods) || o.periods < 1 || o.periods > 120) throw new CartwiseError('INVALID_PARAM', { name: 'periods', reason: 'must be an integer from 1 to 120' });
  if (o.cohortEvent) checkEventFilter(o.cohortEvent, 'cohortType');
  if (o.returnEvent) checkEventFilter(o.returnEvent, 'returnType');
  if (o.mode !== undefined && o.mode !== 'bounded' && o.mode !== 'unbounded') throw new CartwiseError('INVALID_PARAM', { name: 'mode', reason: 'must be bounded or unbounded' });
  if (o.segment) assertSegment(o.segment, 'segment');
  if (o.breakdown && !(o.breakdown.by in RetentionBreakdowns)) throw new CartwiseError('INVALID_PARAM', { name: 'breakdown', reason: `must be one of ${Object.keys(RetentionBreakdowns).join(', ')}` });
  if (o.breakdown?.by === 'user_attr' && !o.breakdown.key) throw new CartwiseError('INVALID_PARAM', { name: 'breakdownKey', reason: 'breakdown by user_attr needs a property name' });
}

/** The period index of epoch-ms expression `ms`, and the epoch-ms start of period `p` (in JS). */
function periodIndexSql(store: Store, period: RetentionPeriod, ms: string): string {
  const d = dialectOf(store.dialect);
  const day = d.floorDiv(ms, '86400000');
  if (period === 'day') return day;
  if (period === 'week') return d.floorDiv(`${day} + 3`, '7'); // 1970-01-01 was a Thursday: weeks start on Monday
  return d.monthIndex(ms);
}

/** First day (YYYY-MM-DD) of period index `p`. */
export function periodStart(period: RetentionPeriod, p: number): string {
  if (period === 'day') return new Date(p * 86_400_000).toISOString().slice(0, 10);
  if (period === 'week') return new Date((p * 7 - 3) * 86_400_000).toISOString().slice(0, 10);
  return new Date(Date.UTC(1970 + Math.floor(p / 12), p % 12, 1)).toISOString().slice(0, 10);
}

/**
 * Computes the retention table in the store: cohort sizes, bounded or unbounded retention, revenue per cohort
 * user, the size-weighted average curve and, optionally, curves per breakdown group (user attribute,
 * first-touch property, RFM segment).
 */
export async function computeRetention(store: Store, o: RetentionOptions): Promise<RetentionResult> {
  checkRetentionOptions(o);
  const typed = [o.cohortEvent && { type: o.cohortEvent.type, field: 'cohortType' }, o.returnEvent && { type: o.returnEvent.type, field: 'returnType' }];
  await assertKnownTypes(store, typed.filter((t): t is { type: string; field: string } => Boolean(t)));
  const d = dialectOf(store.dialect);
  const N = o.periods;
  const mode = o.mode ?? 'bounded';
  const withItems = (o.cohortEvent && needsItems(o.cohortEvent)) || (o.returnEvent && needsItems(o.returnEvent));
  const cohortCond = o.cohortEvent ? eventFilterSql(store, o.cohortEvent) : raw('TRUE');
  const returnCond = o.returnEvent ? eventFilterSql(store, o.returnEvent) : raw('TRUE');
  const segmentCond = o.segment ? sql` AND e.user_id IN (${segmentUsersSql(store, o.segment)})` : raw('');
  const b = o.breakdown;
  // The group of each cohort user, joined once (a correlated subquery here is re-run per user on PostgreSQL).
  let gExpr: Sql = raw("''");
  let gJoin: Sql = raw('');
  if (b?.by === 'user_attr') {
    gExpr = d.jsonText('us.attrs', b.key ?? '');
    gJoin = raw(' LEFT JOIN users us ON us.id = coh.u');
  } else if (b?.by === 'first_touch') {
    gExpr = raw('f.v');
    gJoin = sql` LEFT JOIN (SELECT x.user_id, ${d.jsonText('x.props', b.key ?? 'source')} AS v, row_number() OVER (PARTITION BY x.user_id ORDER BY x.ts, x.id) AS rn
      FROM events x WHERE ${d.jsonText('x.props', b.key ?? 'source')} IS NOT NULL) f ON f.rn = 1 AND f.user_id = coh.u`;
  } else if (b?.by === 'segment') {
    gExpr = raw('sg.segment');
    gJoin = sql` LEFT JOIN (${segmentOfUsersSql(store)}) sg ON sg.user_id = coh.u`;
  }

  // One row per (user, period) first: every later step works on that small table instead of the events.
  const base = sql`WITH up AS (
      SELECT e.user_id AS u, ${raw(periodIndexSql(store, o.period, d.epochMs('e.ts')))} AS p,
        max(CASE WHEN ${cohortCond} THEN 1 ELSE 0 END) AS is_c, max(CASE WHEN ${returnCond} THEN 1 ELSE 0 END) AS is_r,
        sum(CASE WHEN e.type = 'purchase' THEN ${raw(revenueSql())} ELSE 0 END) AS rev
      FROM events e${raw(withItems ? ' LEFT JOIN items i ON i.id = e.item_id' : '')}
      WHERE ${rangeSql(store, o)}${segmentCond}
      GROUP BY e.user_id, ${raw(periodIndexSql(store, o.period, d.epochMs('e.ts')))}),
    coh0 AS (SELECT u, min(p) AS c FROM up WHERE is_c = 1 GROUP BY u),
    coh AS (SELECT coh.u, coh.c, coalesce(CAST(${gExpr} AS VARCHAR), '(none)') AS g FROM coh0 coh${gJoin}),
    ret AS (SELECT up.u, coh.c, coh.g, up.p - coh.c AS n FROM up JOIN coh ON coh.u = up.u WHERE up.is_r = 1 AND up.p - coh.c >= 1)`;
  const nExpr = mode === 'bounded' ? 'n' : `CASE WHEN n > ${N} THEN ${N} ELSE n END`;
  const retCounts =
    mode === 'bounded'
      ? sql`SELECT g, c, n, count(*) AS users FROM ret WHERE n <= ${N} GROUP BY g, c, n`
      : sql`SELECT g, c, ${raw(nExpr)} AS n, count(*) AS users FROM (SELECT u, g, c, max(n) AS n FROM ret GROUP BY u, g, c) m GROUP BY g, c, ${raw(nExpr)}`;
  const q = sql`${base},
    sizes AS (SELECT g, c, count(*) AS users FROM coh GROUP BY g, c),
    rc AS (${retCounts}),
    rv AS (SELECT coh.g, coh.c, up.p - coh.c AS n, sum(up.rev) AS rev FROM up JOIN coh ON coh.u = up.u WHERE up.p - coh.c BETWEEN 0 AND ${N} GROUP BY coh.g, coh.c, up.p - coh.c),
    lastp AS (SELECT max(p) AS lp FROM up)
    SELECT 's' AS kind, g, c, 0 AS n, users AS v, (SELECT lp FROM lastp) AS lp FROM sizes
    UNION ALL SELECT 'r', g, c, n, users, NULL FROM rc
    UNION ALL SELECT 'v', g, c, n, rev, NULL FROM rv`;
  const rows = await run<{ kind: string; g: string; c: number; n: number; v: number; lp: number | null }>(store, q);

  // Assemble per (group, cohort) arrays; unbounded counts become "n or later" by a suffix sum.
  type Cell = { size: number; ret: Float64Array; rev: Float64Array };
  const cells = new Map<string, Map<number, Cell>>();
  let lastP = -Infinity;
  const cell = (g: string, c: number): Cell => {
    let m = cells.get(g);
    if (!m) cells.set(g, (m = new Map()));
    let x = m.get(c);
    if (!x) m.set(c, (x = { size: 0, ret: new Float64Array(N + 1), rev: new Float64Array(N + 1) }));
    return x;
  };
  for (const r of rows) {
    const x = cell(String(r.g), Number(r.c));
    if (r.kind === 's') {
      x.size = Number(r.v);
      if (r.lp !== null) lastP = Math.max(lastP, Number(r.lp));
    } else if (r.kind === 'r') x.ret[Number(r.n)] = Number(r.v);
    else x.rev[Number(r.n)] = Number(r.v);
  }
  for (const m of cells.values())
    for (const x of m.values()) {
      if (mode === 'unbounded') for (let n = N - 1; n >= 1; n--) x.ret[n] = (x.ret[n] ?? 0) + (x.ret[n + 1] ?? 0);
      for (let n = 1; n <= N; n++) x.rev[n] = (x.rev[n] ?? 0) + (x.rev[n - 1] ?? 0);
    }
  const curve = (m: Map<number, Cell>): RetentionCurve => {
    const users = new Array<number>(N + 1).fill(0);
    const kept = new Array<number>(N + 1).fill(0);
    for (const [c, x] of m)
      for (let n = 0; n <= N; n++)
        if (c + n <= lastP) {
          users[n] = (users[n] ?? 0) + x.size;
          kept[n] = (kept[n] ?? 0) + (n === 0 ? x.size : (x.ret[n] ?? 0));
        }
    return { users, retention: users.map((u, n) => (u > 0 ? round6((kept[n] ?? 0) / u) : null)) };
  };

  const all = new Map<number, Cell>();
  for (const m of cells.values())
    for (const [c, x] of m) {
      const t = all.get(c) ?? { size: 0, ret: new Float64Array(N + 1), rev: new Float64Array(N + 1) };
      t.size += x.size;
      for (let n = 0; n <= N; n++) {
        t.ret[n] = (t.ret[n] ?? 0) + (x.ret[n] ?? 0);
        t.rev[n] = (t.rev[n] ?? 0) + (x.rev[n] ?? 0);
      }
      all.set(c, t);
    }
  const cohorts: Record<string, RetentionCohort> = {};
  for (const c of [...all.keys()].sort((a, b) => a - b)) {
    const x = all.get(c) as Cell;
    cohorts[periodStart(o.period, c)] = {
      start: periodStart(o.period, c),
      size: x.size,
      retention: Array.from(x.ret, (v, n) => (n === 0 ? 1 : round6(v / x.size))),
      revenuePerUser: Array.from(x.rev, (v) => round6(v / x.size)),
    };
  }
  const result: RetentionResult = {
    period: o.period,
    periods: N,
    mode,
    cohortType: o.cohortEvent?.type ?? 'ANY',
    returnType: o.returnEvent?.type ?? 'ANY',
    cohorts,
    average: curve(all),
  };
  if (b) {
    result.breakdown = {
      by: b.by,
      ...(b.key ? { key: b.key } : {}),
      groups: [...cells.entries()]
        .map(([value, m]) => ({ value, size: [...m.values()].reduce((s, x) => s + x.size, 0), ...curve(m) }))
        .sort((a, z) => z.size - a.size || a.value.localeCompare(z.value))
        .slice(0, b.limit ?? 10),
    };
  }
  return result;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
