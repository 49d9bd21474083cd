import type { Item, StoredEvent, User } from '../core/schemas/index.ts';
import type { InteractionBatch, StoreStats } from './store.ts';

/** Row ↔ entity mapping shared by the SQL adapters (snake_case columns, JSON columns as text). */
export function parseJsonColumn<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}

function toMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  return Date.parse(String(value).replace(' ', 'T') + (String(value).includes('Z') ? '' : 'Z'));
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | null | undefined): void {
  if (value !== null && value !== undefined) target[key] = value;
}

export function itemFromRow(row: Record<string, unknown>): Item {
  const item: Item = { id: String(row['id']), title: String(row['title']) };
  setIf(item, 'description', row['description'] as string | null);
  setIf(item, 'category', row['category'] as string | null);
  setIf(item, 'price', row['price'] as number | null);
  setIf(item, 'currency', row['currency'] as string | null);
  setIf(item, 'inStock', row['in_stock'] as boolean | null);
  setIf(item, 'tags', parseJsonColumn<string[]>(row['tags']));
  setIf(item, 'attrs', parseJsonColumn<Record<string, string | number | boolean>>(row['attrs']));
  if (row['created_at'] !== null && row['created_at'] !== undefined) item.createdAt = toMs(row['created_at']);
  return item;
}

export function userFromRow(row: Record<string, unknown>): User {
  const user: User = { id: String(row['id']) };
  setIf(user, 'attrs', parseJsonColumn<Record<string, string | number | boolean>>(row['attrs']));
  return user;
}

export function eventFromRow(row: Record<string, unknown>): StoredEvent {
  const e: StoredEvent = { id: String(row['id']), type: String(row['type']), userId: String(row['user_id']), ts: toMs(row['ts_ms'] ?? row['ts']) };
  setIf(e, 'sessionId', row['session_id'] as string | null);
  setIf(e, 'itemId', row['item_id'] as string | null);
  setIf(e, 'quantity', row['quantity'] as number | null);
  setIf(e, 'price', row['price'] as number | null);
  setIf(e, 'revenue', row['revenue'] as number | null);
  setIf(e, 'query', row['query'] as string | null);
  setIf(e, 'rating', row['rating'] as number | null);
  setIf(e, 'text', row['text'] as string | null);
  setIf(e, 'props', parseJsonColumn<Record<string, string | number | boolean>>(row['props']));
  setIf(e, 'recId', row['rec_id'] as string | null);
  return e;
}

/**
 * Rewrites `?` placeholders to PostgreSQL's `$1, $2, …`, leaving question marks inside string literals,
 * quoted identifiers and comments alone.
 */
export function toDollarParams(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** An empty columnar interaction batch with room for `capacity` rows. */
export function emptyBatch(capacity: number): InteractionBatch {
  return {
    length: 0, userIds: [], itemIds: [], types: [], sessionIds: [],
    ts: new Float64Array(capacity), rating: new Float64Array(capacity), quantity: new Float64Array(capacity),
  };
}

/** A batch's typed arrays cut to its length (the last, partial batch of a scan). */
export function trimBatch(b: InteractionBatch): InteractionBatch {
  return { ...b, ts: b.ts.slice(0, b.length), rating: b.rating.slice(0, b.length), quantity: b.quantity.slice(0, b.length) };
}

/** Assembles {@link StoreStats} from the adapters' count queries (same column aliases in every dialect). */
export function statsFromRows(
  totals: Record<string, unknown> | undefined,
  byType: Record<string, unknown>[],
  items: unknown,
  profiles: unknown,
): StoreStats {
  return {
    events: Number(totals?.['events'] ?? 0),
    eventsByType: Object.fromEntries(byType.map((r) => [String(r['type']), Number(r['n'])])),
    users: Number(totals?.['users'] ?? 0),
    items: Number(items ?? 0),
    userProfiles: Number(profiles ?? 0),
    firstEventAt: (totals?.['first'] as string | null) ?? null,
    lastEventAt: (totals?.['last'] as string | null) ?? null,
  };
}
