/**
 * Ordered conversion funnels, computed in the store.
 *
 * The rule (the one of `../shared/reference/analytics.py`): for each user, every event matching step 1 starts
 * an attempt; each later step is the first matching event at or after the previous step's event and no later
 * than `windowMs` after the attempt's step-1 event (inclusive); events with equal timestamps are taken in step
 * order. A user's level is the furthest step reached over all attempts. With `sameItem`, every step of an
 * attempt must be on the step-1 item. Greedy "first match" is optimal for a fixed start, so the level of an
 * attempt is the length of its greedy chain.
 *
 * In SQL each chain link is an as-of join ("first matching event after this key", DuckDB `ASOF JOIN`,
 * PostgreSQL a running `min` window over left keys and right rows) on an ordering key `t * 64 + firstStepIndex`, so ties at equal
 * timestamps resolve in step order and one event never serves two steps; step times are read back as `key >> 6`
 * (arithmetic shift, so floor division for any sign). Cost: one sort-merge per step. On DuckDB the links match
 * users by a hash of the id, checked per match (see {@link attemptsSql}).
 *
 * Exclusion steps (`{ filter, fromStep, toStep }`, 1-based): an attempt is discarded when an exclusion event
 * happens at or after its `fromStep` event and before its `toStep` event (or, if the attempt never reached
 * `toStep`, before its window closes). A user whose every attempt is discarded is not in the funnel.
 */
import { z } from 'zod';
import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { assertKnownTypes, checkEventFilter, eventFilterSql, needsItems, rangeSql, type EventFilter, type TimeRange } from './filters.ts';
import { segmentUsersSql, segmentOfUsersSql, assertSegment } from './rfm.ts';
import { dialectOf, join, raw, run, sql, type Sql } from './sql.ts';

export const MAX_FUNNEL_STEPS = 20;

/** What a funnel may be broken down by. */
export const FunnelBreakdowns = {
  /** The step-1 item's category path. */
  category: 'category',
  /** An attribute of the step-1 item (`key`, e.g. brand). */
  item_attr: 'item_attr',
  /** A property of the step-1 event (`key`, e.g. device). */
  prop: 'prop',
  /** A user attribute (`key`, e.g. country). */
  user_attr: 'user_attr',
  /** The first value of an event property the user ever sent (`key`, default `source`). */
  first_touch: 'first_touch',
  /** The user's RFM segment. */
  segment: 'segment',
} as const;
export type FunnelBreakdownBy = keyof typeof FunnelBreakdowns;

export interface FunnelBreakdown {
  by: FunnelBreakdownBy;
  key?: string | undefined;
  /** Most groups returned, largest first (default 10). */
  limit?: number | undefined;
}

export interface FunnelExclusion {
  filter: EventFilter;
  /** 1-based step after which the exclusion applies. */
  fromStep: number;
  /** 1-based step before which the exclusion applies (> fromStep). */
  toStep: number;
}

export interface FunnelOptions extends TimeRange {
  steps: EventFilter[];
  /** Conversion window from the step-1 event, ms (> 0). */
  windowMs: number;
  sameItem?: boolean | undefined;
  exclusions?: FunnelExclusion[] | undefined;
  /** Only users of this RFM segment. */
  segment?: string | undefined;
  breakdown?: FunnelBreakdown | undefined;
}

export interface FunnelStepTiming {
  fromStep: number;
  toStep: number;
  /** Users timed (those who reached `toStep`), on their earliest best attempt. */
  users: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface FunnelGroup {
  value: string;
  users: number[];
  overallConversion: number | null;
}

export interface FunnelResult {
  steps: string[];
  windowMs: number;
  sameItem: boolean;
  /** Users reaching each step. */
  users: number[];
  /** users[i] / users[i - 1] for i ≥ 1 (null when the previous step has no user). */
  stepConversion: (number | null)[];
  overallConversion: number | null;
  /** Users who reached step i (1-based) but not step i + 1. */
  dropOff: number[];
  timing: FunnelStepTiming[];
  breakdown?: { by: FunnelBreakdownBy; key?: string; groups: FunnelGroup[] };
}

const exclusionSchema = z.object({ fromStep: z.number().int().min(1), toStep: z.number().int().min(2) });

/** Checks a funnel definition; errors name the field (`steps`, `steps[2].type`, `windowMs`, `exclusions[0].toStep`). */
export function checkFunnelOptions(o: FunnelOptions): void {
  if (!Array.isArray(o.steps) || o.steps.length < 2) throw new CartwiseError('INVALID_PARAM', { name: 'steps', reason: 'a funnel needs at least two steps' });
  if (o.steps.length > MAX_FUNNEL_STEPS) throw new CartwiseError('INVALID_PARAM', { name: 'steps', reason: `at most ${MAX_FUNNEL_STEPS} steps` });
  o.steps.forEach((s, i) => checkEventFilter(s, `steps[${i}]`));
  if (!Number.isFinite(o.windowMs) || o.windowMs <= 0) throw new CartwiseError('INVALID_PARAM', { name: 'window', reason: 'must be a positive duration' });
  (o.exclusions ?? []).forEach((x, i) => {
    checkEventFilter(x.filter, `exclusions[${i}]`);
    const r = exclusionSchema.safeParse(x);
    if (!r.success || x.toStep <= x.fromStep || x.toStep > o.steps.length) {
      throw new CartwiseError('INVALID_PARAM', { name: `exclusions[${i}]`, reason: `fromStep/toStep must satisfy 1 ≤ fromStep < toStep ≤ ${o.steps.length}` });
    }
  });
  if (o.breakdown && !(o.breakdown.by in FunnelBreakdowns)) {
    throw new CartwiseError('INVALID_PARAM', { name: 'breakdown', reason: `must be one of ${Object.keys(FunnelBreakdowns).join(', ')}` });
  }
  if (o.breakdown && o.breakdown.by !== 'category' && o.breakdown.by !== 'segment' && o.breakdown.by !== 'first_touch' && !o.breakdown.key) {
    throw new CartwiseError('INVALID_PARAM', { name: 'breakdownKey', reason: `breakdown by ${o.breakdown.by} needs a property name` });
  }
  if (o.sinceMs !== undefined && o.untilMs !== undefined && o.sinceMs >= o.untilMs) throw new CartwiseError('INVALID_PARAM', { name: 'since', reason: 'must be before until' });
}

/** Human label of a step filter (`view[category=Shoes]`). */
export function stepLabel(f: EventFilter): string {
  const parts: string[] = [];
  if (f.category !== undefined) parts.push(`category=${f.category}`);
  for (const [k, v] of Object.entries(f.attrs ?? {})) parts.push(`attr.${k}=${v}`);
  for (const [k, v] of Object.entries(f.props ?? {})) parts.push(`prop.${k}=${v}`);
  if (f.minPrice !== undefined) parts.push(`minPrice=${f.minPrice}`);
  if (f.maxPrice !== undefined) parts.push(`maxPrice=${f.maxPrice}`);
  return parts.length ? `${f.type}[${parts.join(',')}]` : f.type;
}

/**
 * An as-of join, per dialect: each row of `left` with the nearest row of `right` whose `rightKey` is after
 * (`>`) or before (`<`) the left row's `leftKey`, on the equality conditions `on` (written with `a.` for left
 * and `s.` for right). DuckDB: `ASOF [LEFT] JOIN`; PostgreSQL: {@link pgWindowAsof}, or `[LEFT] JOIN LATERAL (… ORDER BY … LIMIT 1)`
 * when a condition is not a plain column equality.
 */
function asofJoin(store: Store, j: { left: string; right: string; cols: string; on: string[]; cmp: '>' | '<'; leftKey: string; rightKey: string; alias: string; outer: boolean }): Sql {
  const cond = `s.${j.rightKey} ${j.cmp} a.${j.leftKey}`;
  if (store.dialect === 'postgres') {
    const keys = j.on.map((c) => /^a\.(\w+) = s\.(\w+)$/.exec(c));
    if (keys.every((m) => m !== null)) return raw(pgWindowAsof(j, keys.map((m) => [m[1] as string, m[2] as string])));
    const order = `s.${j.rightKey}${j.cmp === '<' ? ' DESC' : ''}`;
    return raw(`SELECT a.*, ${j.cols} FROM ${j.left} a ${j.outer ? 'LEFT ' : ''}JOIN LATERAL (SELECT * FROM ${j.right} s WHERE ${[...j.on, cond].join(' AND ')} ORDER BY ${order} LIMIT 1) ${j.alias} ON TRUE`);
  }
  const on = [...j.on, cond].map((c) => c.replaceAll('s.', `${j.alias}.`));
  return raw(`SELECT a.*, ${j.cols} FROM ${j.left} a ASOF ${j.outer ? 'LEFT ' : ''}JOIN ${j.right} ${j.alias} ON ${on.join(' AND ')}`);
}

/**
 * The as-of join on PostgreSQL without a per-row LATERAL (which re-scans the user's events for every left row:
 * about 10× DuckDB's time on funnels). The distinct left keys and the right rows go through one sorted window
 * per partition (the equality keys): for each left key, `min` (or `max`) of the right keys strictly after (or
 * before) it, a running aggregate; then hash joins bring back the left rows and one right row per (keys, key).
 * Exact as long as `cols` read only columns fixed by the right key (the funnel's `t` and `k`).
 */
function pgWindowAsof(j: { left: string; right: string; cols: string; cmp: '>' | '<'; leftKey: string; rightKey: string; alias: string; outer: boolean }, keys: [string, string][]): string {
  const p = keys.map((_, i) => `p${i}`);
  const after = j.cmp === '>';
  const lj = j.outer ? 'LEFT JOIN' : 'JOIN';
  const marks = `SELECT DISTINCT ${keys.map(([l], i) => `${l} AS p${i}, `).join('')}${j.leftKey} AS key, 0 AS side, CAST(NULL AS BIGINT) AS rk FROM ${j.left}
    UNION ALL SELECT ${keys.map(([, r], i) => `${r} AS p${i}, `).join('')}${j.rightKey} AS key, 1 AS side, ${j.rightKey} AS rk FROM ${j.right}`;
  // Right rows sort after left rows of the same key, so "preceding" never includes an equal key (strict > or <).
  const nearest = `SELECT ${p.map((c) => `${c}, `).join('')}key, nk FROM (SELECT w.*, ${after ? 'min' : 'max'}(rk) OVER (PARTITION BY ${p.join(', ')}
    ORDER BY key ${after ? 'DESC' : 'ASC'}, side ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS nk FROM (${marks}) w) w2 WHERE side = 0`;
  const right = `SELECT DISTINCT ON (${keys.map(([, r]) => `${r}, `).join('')}${j.rightKey}) * FROM ${j.right}`;
  return `SELECT a.*, ${j.cols} FROM ${j.left} a
    ${lj} (${nearest}) m ON ${keys.map(([l], i) => `m.p${i} = a.${l} AND `).join('')}m.key = a.${j.leftKey}
    ${lj} (${right}) ${j.alias} ON ${keys.map(([l, r]) => `${j.alias}.${r} = a.${l} AND `).join('')}${j.alias}.${j.rightKey} = m.nk`;
}

/** The first row of `right` whose key `k` is greater than the left row's `leftKey` (left join). */
function nextJoin(store: Store, left: string, right: string, cols: string, on: string[], leftKey: string, alias: string): Sql {
  return asofJoin(store, { left, right, cols, on, cmp: '>', leftKey, rightKey: 'k', alias, outer: true });
}

/** How the as-of joins match a user: by id, or (DuckDB) by a 64-bit hash of the id, checked (see {@link attemptsSql}). */
export type FunnelUserKey = 'id' | 'hash';

/** The message of the error a `'hash'` funnel query raises when two users' ids hash alike; {@link runAttempts} then reruns by id. */
const USER_KEY_COLLISION = 'cartwise: funnel user key collision';

/**
 * The CTEs shared by every funnel query, ending in `lv(u, bval, t0..t{n-1}, lvl)`: one row per valid attempt
 * with its level and step times. `bval` is the breakdown value ('' without a breakdown).
 *
 * With `userKey` `'hash'` (DuckDB only) the step links join on `hash(user_id)` instead of the VARCHAR id: the
 * as-of join sorts all step-1 events by user and key, and integer keys sort about a third faster. Still exact:
 * each link also reads the matched event's user id and the query fails with {@link USER_KEY_COLLISION} when it
 * differs from the attempt's. When no link matched another user's event, every match is the nearest among the
 * user's own events (the nearest over a superset, and it is the user's), and a link without a match has none
 * of the user's events either; so the result equals the one by id. On the error, {@link runAttempts} reruns by id.
 */
export function attemptsSql(store: Store, o: FunnelOptions, userKey: FunnelUserKey = 'id'): Sql {
  const byHash = userKey === 'hash' && store.dialect !== 'postgres';
  const d = dialectOf(store.dialect);
  const n = o.steps.length;
  const W = Math.round(o.windowMs);
  const exclusions = o.exclusions ?? [];
  const withItems = o.steps.some(needsItems) || exclusions.some((x) => needsItems(x.filter)) || o.breakdown?.by === 'category' || o.breakdown?.by === 'item_attr';
  const stepConds = o.steps.map((s) => eventFilterSql(store, s));
  const exConds = exclusions.map((x) => eventFilterSql(store, x.filter));
  const types = [...new Set([...o.steps.map((s) => s.type), ...exclusions.map((x) => x.filter.type)])];

  const b = o.breakdown;
  let bval: Sql = raw("''");
  let extraJoin: Sql = raw('');
  // Per-user breakdowns computed over all events (first touch, RFM segment) join step 1 only: joined into `ev`,
  // they would be computed again for every step's rows (on PostgreSQL, once per as-of lookup).
  let s0Bval: Sql = raw('ev.bval');
  let s0Join: Sql = raw('');
  if (b) {
    const key = b.key ?? (b.by === 'first_touch' ? 'source' : '');
    if (b.by === 'category') bval = raw('i.category');
    else if (b.by === 'item_attr') bval = d.jsonText('i.attrs', key);
    else if (b.by === 'prop') bval = d.jsonText('e.props', key);
    else if (b.by === 'user_attr') {
      bval = d.jsonText('us.attrs', key);
      extraJoin = raw(' LEFT JOIN users us ON us.id = e.user_id');
    } else if (b.by === 'first_touch') {
      s0Bval = raw('ft.v');
      s0Join = sql` LEFT JOIN (SELECT user_id, v FROM (SELECT x.user_id, ${d.jsonText('x.props', key)} AS v,
        row_number() OVER (PARTITION BY x.user_id ORDER BY x.ts, x.id) AS rn FROM events x WHERE ${d.jsonText('x.props', key)} IS NOT NULL) f WHERE rn = 1) ft ON ft.user_id = ev.u`;
    } else if (b.by === 'segment') {
      s0Bval = raw("coalesce(sg.segment, 'no_purchase')");
      s0Join = sql` LEFT JOIN (${segmentOfUsersSql(store)}) sg ON sg.user_id = ev.u`;
    }
  }
  const segmentCond = o.segment ? sql` AND e.user_id IN (${segmentUsersSql(store, o.segment)})` : raw('');
  const caseSteps = join(stepConds.map((c, i) => sql`WHEN ${c} THEN ${raw(String(i))}`), ' ');
  const flags = join([...stepConds.map((c, i) => sql`${c} AS m${raw(String(i))}`), ...exConds.map((c, j) => sql`${c} AS x${raw(String(j))}`)], ', ');

  const ctes: Sql[] = [];
  ctes.push(sql`ev AS NOT MATERIALIZED (
    SELECT e.user_id AS u,${raw(!byHash ? '' : o.sameItem ? ' CASE WHEN e.item_id IS NOT NULL THEN hash(e.user_id, e.item_id) END AS uh,' : ' hash(e.user_id) AS uh,')} e.item_id AS item, ${raw(d.epochMs('e.ts'))} AS t, CAST(${bval} AS VARCHAR) AS bval,
      CASE ${caseSteps} ELSE NULL END AS ms, ${flags}
    FROM events e${raw(withItems ? ' LEFT JOIN items i ON i.id = e.item_id' : '')}${extraJoin}
    WHERE e.type IN (${join(types.map((t) => sql`${t}`), ', ')}) AND ${rangeSql(store, o)}${segmentCond})`);
  ctes.push(sql`s0 AS (SELECT ev.u,${raw(byHash ? ' ev.uh,' : '')} ev.item, CAST(${s0Bval} AS VARCHAR) AS bval, ev.t * 64 + ev.ms AS k0 FROM ev${s0Join} WHERE ev.m0)`);
  for (let i = 1; i < n; i++) ctes.push(raw(`s${i} AS (SELECT u,${byHash ? ' uh,' : ''} item, t * 64 + ms AS k FROM ev WHERE m${i})`));
  exclusions.forEach((_, j) => ctes.push(raw(`x${j} AS (SELECT u, t, t * 64 + 63 AS k FROM ev WHERE x${j})`)));
  let prev = 's0';
  // By hash with `sameItem`, `uh` hashes the user and the item (NULL without an item, which matches nothing).
  const itemOn = o.sameItem && !byHash ? ['a.item = s.item'] : [];
  for (let i = 1; i < n; i++) {
    const on = [byHash ? 'a.uh = s.uh' : 'a.u = s.u', ...itemOn];
    const link = nextJoin(store, prev, `s${i}`, `j${i}.k AS k${i}${byHash ? `, j${i}.u AS ju${i}, j${i}.item AS jitem${i}` : ''}`, on, i === 1 ? 'k0' : `k${i - 1}`, `j${i}`);
    // An error rather than a flag: every consumer reads all of `a{i}`'s rows, so none can miss it.
    const other = `ju${i} <> u${o.sameItem ? ` OR jitem${i} <> item` : ''}`;
    const check = byHash ? ` WHERE CASE WHEN ${other} THEN error('${USER_KEY_COLLISION}') ELSE TRUE END` : '';
    ctes.push(byHash ? sql`a${raw(String(i))} AS (SELECT * FROM (${link}) c${raw(`${i}${check}`)})` : sql`a${raw(String(i))} AS (${link})`);
    prev = `a${i}`;
    if (i === 1 && exclusions.length === 0) {
      // Attempts that find the same step-2 event follow the same chain from there on; the latest of them has the
      // latest window end, so it reaches at least as far. Keeping only it (per breakdown value) is exact for
      // levels and shrinks the rest of the query to at most one attempt per step-2 event. (Not with exclusions:
      // a later start can see an exclusion event that an earlier one does not.)
      const item = o.sameItem ? 'item' : 'NULL AS item';
      ctes.push(raw(`r1 AS (SELECT u,${byHash ? ' any_value(uh) AS uh,' : ''} ${item}, bval, max(k0) AS k0, k1 FROM a1 GROUP BY u, ${o.sameItem ? 'item, ' : ''}bval, k1)`));
      prev = 'r1';
    }
  }
  exclusions.forEach((x, j) => {
    const fromKey = x.fromStep === 1 ? 'k0' : `k${x.fromStep - 1}`;
    ctes.push(sql`e${raw(String(j))} AS (${nextJoin(store, prev, `x${j}`, `y${j}.t AS xt${j}`, ['a.u = s.u'], fromKey, `y${j}`)})`);
    prev = `e${j}`;
  });
  // Cumulative conditions: an as-of join from a missing key may still match, so step i counts only if every
  // earlier link exists and is inside the window.
  const lvlTerms = Array.from(
    { length: n - 1 },
    (_, i) => `CASE WHEN ${Array.from({ length: i + 1 }, (_, j) => `t${j + 1} <= t0 + ${W}`).join(' AND ')} THEN 1 ELSE 0 END`,
  ).join(' + ');
  const times = Array.from({ length: n }, (_, i) => `k${i} >> 6 AS t${i}`).join(', ');
  ctes.push(raw(`l0 AS (SELECT *, 1 + ${lvlTerms} AS lvl FROM (SELECT *, ${times} FROM ${prev}) tk)`));
  const exCond = exclusions
    .map((x, j) => `(lvl >= ${x.fromStep} AND xt${j} IS NOT NULL AND ((lvl >= ${x.toStep} AND xt${j} < t${x.toStep - 1}) OR (lvl < ${x.toStep} AND xt${j} <= t0 + ${W})))`)
    .join(' OR ');
  const tcols = Array.from({ length: n }, (_, i) => `t${i}`).join(', ');
  ctes.push(raw(`lv AS (SELECT u, coalesce(bval, '(none)') AS bval, ${tcols}, lvl FROM l0${exCond ? ` WHERE NOT (${exCond})` : ''})`));
  return sql`WITH ${join(ctes, ',\n')}`;
}

/**
 * Runs a query built on {@link attemptsSql}: on DuckDB with users keyed by hash, rerun by id in the (never yet
 * seen) case that two users' ids hash alike and a link matched the other user's event.
 */
async function runAttempts<T extends Record<string, unknown>>(store: Store, build: (userKey: FunnelUserKey) => Sql): Promise<T[]> {
  if (store.dialect === 'postgres') return run<T>(store, build('id'));
  try {
    return await run<T>(store, build('hash'));
  } catch (err) {
    if (!String((err as Error).message).includes(USER_KEY_COLLISION)) throw err;
    return run<T>(store, build('id'));
  }
}

async function validateFunnel(store: Store, o: FunnelOptions): Promise<void> {
  checkFunnelOptions(o);
  await assertKnownTypes(store, [
    ...o.steps.map((s, i) => ({ type: s.type, field: `steps[${i}]` })),
    ...(o.exclusions ?? []).map((x, i) => ({ type: x.filter.type, field: `exclusions[${i}]` })),
  ]);
  if (o.segment) assertSegment(o.segment, 'segment');
}

/**
 * Computes a funnel in the store: users per step, step and overall conversion, drop-off counts, median and
 * p90 time between consecutive steps (on each user's earliest best attempt) and, optionally, the same per
 * breakdown group. Throws INVALID_PARAM naming the field for a bad definition.
 */
export async function computeFunnel(store: Store, o: FunnelOptions): Promise<FunnelResult> {
  await validateFunnel(store, o);
  const n = o.steps.length;
  const counts = Array.from({ length: n }, (_, i) => `sum(CASE WHEN lvl >= ${i + 1} THEN 1 ELSE 0 END) AS n${i}`).join(', ');
  const timings = Array.from(
    { length: n - 1 },
    (_, i) =>
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN lvl > ${i + 1} THEN t${i + 1} - t${i} END) AS med${i}, ` +
      `percentile_cont(0.9) WITHIN GROUP (ORDER BY CASE WHEN lvl > ${i + 1} THEN t${i + 1} - t${i} END) AS p90_${i}`,
  ).join(', ');
  const tcols = Array.from({ length: n }, (_, i) => `t${i}`).join(', ');
  const q = (userKey: FunnelUserKey): Sql => sql`${attemptsSql(store, o, userKey)},
    best AS (SELECT u, bval, ${raw(tcols)}, lvl FROM (SELECT lv.*, row_number() OVER (PARTITION BY u, bval ORDER BY lvl DESC, t0) AS rn FROM lv) r WHERE rn = 1),
    tot AS (SELECT bval, ${raw(counts)}${raw(o.breakdown ? '' : `, ${timings}`)} FROM best GROUP BY bval)
    SELECT * FROM tot`;
  const rows = await runAttempts<Record<string, unknown>>(store, q);
  const num = (v: unknown): number => Number(v ?? 0);
  const usersOf = (r: Record<string, unknown>) => Array.from({ length: n }, (_, i) => num(r[`n${i}`]));
  const ratio = (a: number, b: number): number | null => (b > 0 ? round6(a / b) : null);

  let users: number[];
  let timingRow: Record<string, unknown> | undefined;
  if (!o.breakdown) {
    timingRow = rows[0];
    users = timingRow ? usersOf(timingRow) : new Array<number>(n).fill(0);
  } else {
    // Overall numbers must not double-count users present in several groups: one more query without groups.
    const overall = await computeFunnel(store, { ...o, breakdown: undefined });
    users = overall.users;
    return {
      ...overall,
      breakdown: {
        by: o.breakdown.by,
        ...(o.breakdown.key ? { key: o.breakdown.key } : {}),
        groups: rows
          .map((r) => ({ value: String(r['bval']), users: usersOf(r), overallConversion: null as number | null }))
          .map((g) => ({ ...g, overallConversion: ratio(g.users[n - 1] ?? 0, g.users[0] ?? 0) }))
          .sort((a, b) => (b.users[0] ?? 0) - (a.users[0] ?? 0) || a.value.localeCompare(b.value))
          .slice(0, o.breakdown.limit ?? 10),
      },
    };
  }
  return {
    steps: o.steps.map(stepLabel),
    windowMs: o.windowMs,
    sameItem: o.sameItem ?? false,
    users,
    stepConversion: users.slice(1).map((u, i) => ratio(u, users[i] ?? 0)),
    overallConversion: ratio(users[n - 1] ?? 0, users[0] ?? 0),
    dropOff: users.map((u, i) => u - (users[i + 1] ?? 0)).slice(0, n - 1),
    timing: Array.from({ length: n - 1 }, (_, i) => ({
      fromStep: i + 1,
      toStep: i + 2,
      users: users[i + 1] ?? 0,
      medianMs: timingRow?.[`med${i}`] == null ? null : Math.round(Number(timingRow[`med${i}`])),
      p90Ms: timingRow?.[`p90_${i}`] == null ? null : Math.round(Number(timingRow[`p90_${i}`])),
    })),
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** One user who dropped off, with the time they reached their last step. */
export interface DropOffUser {
  userId: string;
  /** Epoch ms of the step reached (on the user's earliest best attempt). */
  reachedAt: number;
}

/**
 * Lists users who reached step `afterStep` (1-based) but went no further, ordered by id, with paging. Uses
 * the same attempts as {@link computeFunnel}, so `total` equals its `dropOff[afterStep - 1]`.
 */
export async function funnelDropOffs(store: Store, o: FunnelOptions, afterStep: number, page: { limit?: number; offset?: number } = {}): Promise<{ afterStep: number; total: number; users: DropOffUser[] }> {
  await validateFunnel(store, o);
  checkAfterStep(afterStep, o.steps.length);
  const q = (userKey: FunnelUserKey): Sql => sql`${attemptsSql(store, { ...o, breakdown: undefined }, userKey)},
    best AS (SELECT u, max(lvl) AS lvl FROM lv GROUP BY u),
    reached AS (SELECT lv.u, min(lv.t${raw(String(afterStep - 1))}) AS reached_at FROM lv JOIN best b ON b.u = lv.u AND b.lvl = lv.lvl WHERE b.lvl = ${afterStep} GROUP BY lv.u)
    SELECT u AS user_id, reached_at, count(*) OVER () AS total FROM reached ORDER BY u LIMIT ${page.limit ?? 100} OFFSET ${page.offset ?? 0}`;
  const rows = await runAttempts<{ user_id: string; reached_at: number; total: number }>(store, q);
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && (page.offset ?? 0) > 0) {
    const c = await runAttempts<{ n: number }>(store, (userKey) => sql`${attemptsSql(store, { ...o, breakdown: undefined }, userKey)} SELECT count(*) AS n FROM (SELECT u FROM lv GROUP BY u HAVING max(lvl) = ${afterStep}) z`);
    total = Number(c[0]?.n ?? 0);
  }
  return { afterStep, total, users: rows.map((r) => ({ userId: String(r.user_id), reachedAt: Number(r.reached_at) })) };
}

function checkAfterStep(afterStep: number, n: number): void {
  if (!Number.isInteger(afterStep) || afterStep < 1 || afterStep >= n) {
    throw new CartwiseError('INVALID_PARAM', { name: 'afterStep', reason: `must be an integer from 1 to ${n - 1}` });
  }
}

/** A path (sequence of event types) taken after dropping off, with how many users took it. */
export interface DropOffPath {
  path: string[];
  users: number;
}

/**
 * The most common sequences of the next `depth` event types users did after their last reached step, for
 * those who dropped off after step `afterStep`; `(end)` marks a path that stops early.
 */
export async function funnelDropOffPaths(store: Store, o: FunnelOptions, afterStep: number, options: { depth?: number; limit?: number } = {}): Promise<{ afterStep: number; paths: DropOffPath[] }> {
  await validateFunnel(store, o);
  checkAfterStep(afterStep, o.steps.length);
  const d = dialectOf(store.dialect);
  const depth = Math.min(Math.max(options.depth ?? 3, 1), 10);
  const stepCols = Array.from({ length: depth }, (_, i) => `max(CASE WHEN rn = ${i + 1} THEN type END) AS p${i}`).join(', ');
  const q = (userKey: FunnelUserKey): Sql => sql`${attemptsSql(store, { ...o, breakdown: undefined }, userKey)},
    best AS (SELECT u, max(lvl) AS lvl FROM lv GROUP BY u),
    reached AS (SELECT lv.u, min(lv.t${raw(String(afterStep - 1))}) AS ra FROM lv JOIN best b ON b.u = lv.u AND b.lvl = lv.lvl WHERE b.lvl = ${afterStep} GROUP BY lv.u),
    nxt AS (SELECT r.u, e.type, row_number() OVER (PARTITION BY r.u ORDER BY e.ts, e.id) AS rn
            FROM reached r JOIN events e ON e.user_id = r.u AND ${raw(d.epochMs('e.ts'))} > r.ra),
    paths AS (SELECT u, ${raw(stepCols)} FROM nxt WHERE rn <= ${depth} GROUP BY u
              UNION ALL SELECT r.u, ${raw(Array.from({ length: depth }, () => 'NULL').join(', '))} FROM reached r WHERE NOT EXISTS (SELECT 1 FROM nxt WHERE nxt.u = r.u))
    SELECT ${raw(Array.from({ length: depth }, (_, i) => `p${i}`).join(', '))}, count(*) AS users FROM paths
    GROUP BY ${raw(Array.from({ length: depth }, (_, i) => `p${i}`).join(', '))} ORDER BY users DESC, ${raw(Array.from({ length: depth }, (_, i) => `p${i}`).join(', '))} LIMIT ${options.limit ?? 10}`;
  const rows = await runAttempts<Record<string, unknown>>(store, q);
  return {
    afterStep,
    paths: rows.map((r) => {
      const path: string[] = [];
      for (let i = 0; i < depth; i++) {
        const v = r[`p${i}`];
        if (v === null || v === undefined) {
          path.push('(end)');
          break;
        }
        path.push(String(v));
      }
      return { path, users: Number(r['users']) };
    }),
  };
}
