/**
 * The real-time feed of the serving layer: tails the store's event log (rows received since the last poll, by
 * `received_at`) into small per-user and per-session buffers of their latest item events, so that a request reads a
 * shopper's newest events from memory instead of querying the store. A poll every second makes events count within
 * about a second of ingestion, and keeps the store out of the request path (the per-request lookup costs a few
 * milliseconds on DuckDB and serialises on its reader connection).
 *
 * Each poll reads rows with `received_at` ≥ the latest one seen and skips ids already read. `received_at` is the
 * writing transaction's start; one process serialises its writes (the DuckDB adapter holds a write lock), so the
 * rows of a later poll never carry an earlier time and the re-read is only the last transaction's rows. Several
 * writer processes (PostgreSQL scale-out) can commit out of order: give them `overlapMs` (e.g. 5000) to re-read
 * that window, deduplicated by id. Memory is bounded: at most `maxKeys` users and sessions (least recently updated
 * dropped), `perKey` events each.
 */
import type { Store } from '../../store/store.ts';

/** One buffered event: what serving needs of it. */
export interface RecentEvent {
  type: string;
  itemId: string;
  /** epoch ms */
  ts: number;
  /** True when the served model was trained on this event; undefined when unknown (judged by time). */
  known?: boolean;
}

export interface RecentEventsOptions {
  /** Events kept per user or session (default 50). */
  perKey?: number;
  /** Users + sessions kept (default 200,000). */
  maxKeys?: number;
  /** Re-read window behind the watermark, to catch out-of-order commits of several writers (default 0). */
  overlapMs?: number;
}

function toMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  const s = String(value);
  return Date.parse(s.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? '' : 'Z'));
}

function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Per-user and per-session buffers of the latest item events, fed by {@link poll}. */
export class RecentEvents {
  private readonly byUser = new Map<string, RecentEvent[]>();
  private readonly bySession = new Map<string, RecentEvent[]>();
  private readonly options: Required<RecentEventsOptions>;
  private watermarkMs: number;
  /** id → received time of rows inside the overlap window */
  private readonly seen = new Map<string, number>();
  private polling: Promise<number> | undefined;

  /** Starts tailing from `sinceMs` (received time, epoch ms; default now). */
  constructor(
    private readonly store: Store,
    sinceMs = Date.now(),
    options: RecentEventsOptions = {},
  ) {
    this.watermarkMs = sinceMs;
    this.options = { perKey: options.perKey ?? 50, maxKeys: options.maxKeys ?? 200_000, overlapMs: options.overlapMs ?? 0 };
  }

  /** Reads the events received since the last poll; returns how many were new. Concurrent calls share one read. */
  poll(): Promise<number> {
    this.polling ??= this.read().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async read(): Promise<number> {
    const from = this.watermarkMs - this.options.overlapMs;
    const rows = await this.store.query<{ id: string; user_id: string; session_id: string | null; item_id: string; type: string; ts: unknown; received_at: unknown }>(
      'SELECT id, user_id, session_id, item_id, type, ts, received_at FROM events WHERE item_id IS NOT NULL AND received_at >= CAST(? AS TIMESTAMP) ORDER BY received_at, ts',
      [sqlTimestamp(from)],
    );
    let added = 0;
    let maxReceived = this.watermarkMs;
    for (const r of rows) {
      const id = String(r.id);
      const received = toMs(r.received_at);
      if (received > maxReceived) maxReceived = received;
      if (this.seen.has(id)) continue;
      this.seen.set(id, received);
      const e: RecentEvent = { type: String(r.type), itemId: String(r.item_id), ts: toMs(r.ts) };
      this.push(this.byUser, String(r.user_id), e);
      if (r.session_id !== null && r.session_id !== undefined) this.push(this.bySession, String(r.session_id), e);
      added++;
    }
    // Only ids inside the next overlap window matter for deduplication.
    const horizon = maxReceived - this.options.overlapMs;
    for (const [id, t] of this.seen) if (t < horizon) this.seen.delete(id);
    this.watermarkMs = maxReceived;
    return added;
  }

  private push(map: Map<string, RecentEvent[]>, key: string, e: RecentEvent): void {
    let list = map.get(key);
    if (list) map.delete(key); // re-insert: most recently updated last
    else list = [];
    // Newest first by event time.
    let p = 0;
    while (p < list.length && (list[p] as RecentEvent).ts > e.ts) p++;
    list.splice(p, 0, e);
    if (list.length > this.options.perKey) list.length = this.options.perKey;
    map.set(key, list);
    if (this.byUser.size + this.bySession.size > this.options.maxKeys) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }

  /** A user's buffered events, newest first (empty when none arrived since tailing started). */
  user(userId: string): readonly RecentEvent[] {
    return this.byUser.get(userId) ?? [];
  }

  /** A session's buffered events, newest first. */
  session(sessionId: string): readonly RecentEvent[] {
    return this.bySession.get(sessionId) ?? [];
  }

  /** Forgets a user (after a right-to-erasure deletion). */
  forget(userId: string): void {
    this.byUser.delete(userId);
  }
}
