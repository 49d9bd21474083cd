/**
 * Sessionisation inside the store. A session is the client's `sessionId` where the event has one (scoped to
 * the user), otherwise a run of the user's session-less events with no gap longer than `gapMs` (default 30
 * minutes). Every analytics query that needs sessions selects from {@link sessionizedEventsSql}.
 */
import type { Store } from '../store/store.ts';
import { rangeSql, type TimeRange } from './filters.ts';
import { dialectOf, raw, run, sql, type Sql } from './sql.ts';

export const DEFAULT_SESSION_GAP_MS = 30 * 60_000;

export interface SessionOptions extends TimeRange {
  /** Inactivity gap that starts a new session, in ms (default 30 min). */
  gapMs?: number | undefined;
  /** Extra condition on the events (alias `e`), e.g. a segment filter. */
  where?: Sql | undefined;
}

/**
 * A SELECT of the events in range with columns `user_id, type, item_id, t` (epoch ms), `revenue, price,
 * quantity, props, id` and `session_key` (a string unique per session). Client session ids win; other events
 * are split by the inactivity gap, counted over the user's session-less events only.
 */
export function sessionizedEventsSql(store: Store, options: SessionOptions = {}): Sql {
  const d = dialectOf(store.dialect);
  const gap = options.gapMs ?? DEFAULT_SESSION_GAP_MS;
  const where = options.where ?? raw('TRUE');
  return sql`
    SELECT user_id, type, item_id, t, revenue, price, quantity, props, id,
      CASE WHEN session_id IS NOT NULL THEN 's:' || user_id || chr(31) || session_id
           ELSE 'g:' || user_id || chr(31) || CAST(sum(brk) OVER (PARTITION BY user_id, session_id IS NULL ORDER BY t, id ROWS UNBOUNDED PRECEDING) AS VARCHAR)
      END AS session_key
    FROM (
      SELECT b.*,
        CASE WHEN session_id IS NULL AND (lag(t) OVER (PARTITION BY user_id, session_id IS NULL ORDER BY t, id) IS NULL
          OR t - lag(t) OVER (PARTITION BY user_id, session_id IS NULL ORDER BY t, id) > ${gap}) THEN 1 ELSE 0 END AS brk
      FROM (
        SELECT e.id, e.user_id, e.session_id, e.type, e.item_id, ${raw(d.epochMs('e.ts'))} AS t, e.revenue, e.price, e.quantity, e.props
        FROM events e WHERE ${rangeSql(store, options)} AND ${where}
      ) b
    ) g`;
}

/** Aggregate session statistics over a range. */
export interface SessionSummary {
  sessions: number;
  users: number;
  /** Mean and median time from first to last event of a session, ms. */
  avgDurationMs: number;
  medianDurationMs: number;
  avgEventsPerSession: number;
  /** Share of sessions with a single event. */
  bounceRate: number;
  gapMs: number;
}

/** Counts sessions, their length and bounce rate in the store (one query). */
export async function sessionSummary(store: Store, options: SessionOptions = {}): Promise<SessionSummary> {
  const q = sql`
    SELECT count(*) AS sessions, count(DISTINCT user_id) AS users, avg(dur) AS avg_dur,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY dur) AS med_dur, avg(n) AS avg_n,
      avg(CASE WHEN n = 1 THEN 1.0 ELSE 0.0 END) AS bounce
    FROM (SELECT session_key, min(user_id) AS user_id, max(t) - min(t) AS dur, count(*) AS n FROM (${sessionizedEventsSql(store, options)}) s GROUP BY session_key) x`;
  const [r] = await run<Record<string, number | null>>(store, q);
  return {
    sessions: Number(r?.['sessions'] ?? 0),
    users: Number(r?.['users'] ?? 0),
    avgDurationMs: Number(r?.['avg_dur'] ?? 0),
    medianDurationMs: Number(r?.['med_dur'] ?? 0),
    avgEventsPerSession: Number(r?.['avg_n'] ?? 0),
    bounceRate: Number(r?.['bounce'] ?? 0),
    gapMs: options.gapMs ?? DEFAULT_SESSION_GAP_MS,
  };
}
