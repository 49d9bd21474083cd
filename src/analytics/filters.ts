/**
 * What every analytics query shares: event filters (type, item category, item attribute, event property,
 * price range), date ranges, durations such as `24h`, and the compact step syntax used by the CLI and the
 * HTTP query string: `view[category=Sports > Running,attr.brand=Acme,minPrice=10],add_to_cart,purchase`.
 */
import { z } from 'zod';
import { CartwiseError } from '../core/errors.ts';
import { parseTimestamp } from '../core/time.ts';
import { EventTypes } from '../core/schemas/event.ts';
import type { Store } from '../store/store.ts';
import { JSON_KEY_RE, dialectOf, join, raw, run, sql, type Sql } from './sql.ts';

const flatValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const keyed = z.record(z.string().regex(JSON_KEY_RE, { error: 'property names are letters, digits, _ . -' }), flatValue);

/** One event matcher: an event type plus optional filters on the event's item and properties. */
export const eventFilterSchema = z
  .object({
    type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { error: 'must be an event type such as view or add_to_cart' }),
    /** Item category path or a prefix of it (`Sports` matches `Sports > Running`). */
    category: z.string().min(1).max(500).optional(),
    /** Item attributes that must equal these values (`{ brand: 'Acme' }`). */
    attrs: keyed.optional(),
    /** Event properties that must equal these values (`{ device: 'mobile' }`). */
    props: keyed.optional(),
    /** Price of the event, or of its item when the event has none. */
    minPrice: z.number().finite().optional(),
    maxPrice: z.number().finite().optional(),
  })
  .strict();
export type EventFilter = z.output<typeof eventFilterSchema>;

/** Whether a filter needs the items table joined (as `i`). */
export function needsItems(f: EventFilter): boolean {
  return f.category !== undefined || f.attrs !== undefined || f.minPrice !== undefined || f.maxPrice !== undefined;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The SQL condition of one event filter over `e` (events) and `i` (items, left-joined on `e.item_id`). Every
 * value is bound; property names are checked against {@link JSON_KEY_RE} and bound as JSON paths.
 */
export function eventFilterSql(store: Store, f: EventFilter, alias = 'e'): Sql {
  const d = dialectOf(store.dialect);
  const parts: Sql[] = [sql`${raw(alias)}.type = ${f.type}`];
  if (f.category !== undefined) parts.push(sql`(i.category = ${f.category} OR i.category LIKE ${escapeLike(f.category) + ' > %'} ESCAPE '\\')`);
  for (const [k, v] of Object.entries(f.attrs ?? {})) parts.push(sql`${d.jsonText('i.attrs', k)} = ${v}`);
  for (const [k, v] of Object.entries(f.props ?? {})) parts.push(sql`${d.jsonText(`${alias}.props`, k)} = ${v}`);
  if (f.minPrice !== undefined) parts.push(sql`coalesce(${raw(alias)}.price, i.price) >= ${f.minPrice}`);
  if (f.maxPrice !== undefined) parts.push(sql`coalesce(${raw(alias)}.price, i.price) <= ${f.maxPrice}`);
  return sql`(${join(parts, ' AND ')})`;
}

/** A half-open time range in epoch ms; either end may be open. */
export interface TimeRange {
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
}

/** The condition `since <= ts < until` on an events alias (TRUE when the range is open). */
export function rangeSql(store: Store, range: TimeRange, alias = 'e'): Sql {
  const d = dialectOf(store.dialect);
  const parts: Sql[] = [];
  if (range.sinceMs !== undefined) parts.push(sql`${raw(alias)}.ts >= ${raw(d.fromEpochMs('?'))}`);
  if (range.untilMs !== undefined) parts.push(sql`${raw(alias)}.ts < ${raw(d.fromEpochMs('?'))}`);
  const params = [range.sinceMs, range.untilMs].filter((v) => v !== undefined);
  if (parts.length === 0) return raw('TRUE');
  return { text: parts.map((p) => p.text).join(' AND '), params };
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d|w)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses a duration such as `30m`, `24h`, `7d`, `1w` or plain milliseconds; throws INVALID_PARAM naming `field`. */
export function parseDuration(value: string | number, field: string): number {
  const m = typeof value === 'number' ? [String(value), String(value), 'ms'] : DURATION_RE.exec(value.trim());
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1) : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new CartwiseError('INVALID_PARAM', { name: field, reason: `\`${value}\` is not a positive duration (examples: 30m, 24h, 7d)` });
  }
  return Math.round(ms);
}

/** Parses a date bound (epoch ms or ISO 8601); throws INVALID_PARAM naming `field`. */
export function parseDateParam(value: string | number | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) throw new CartwiseError('INVALID_PARAM', { name: field, reason: `\`${value}\` is not a date (ISO 8601 or epoch ms)` });
  return ms;
}

/** Splits on commas outside square brackets. */
export function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}

/**
 * Parses one step of the compact syntax — `type` or `type[key=value,…]` with keys `category`, `minPrice`,
 * `maxPrice`, `attr.NAME`, `prop.NAME` — into an {@link EventFilter}; errors name `field`.
 */
export function parseEventFilter(text: string, field: string): EventFilter {
  const m = /^([^[\]]+?)\s*(?:\[(.*)\])?$/.exec(text.trim());
  if (!m || !m[1]) throw new CartwiseError('INVALID_PARAM', { name: field, reason: `\`${text}\` is not \`type\` or \`type[key=value,…]\`` });
  const raw: Record<string, unknown> = { type: m[1].trim() };
  if (m[2] !== undefined && m[2].trim() !== '') {
    for (const pair of m[2].split(',')) {
      const eq = pair.indexOf('=');
      if (eq < 0) throw new CartwiseError('INVALID_PARAM', { name: field, reason: `filter \`${pair}\` needs key=value` });
      const key = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (key === 'category') raw['category'] = value;
      else if (key === 'minPrice' || key === 'maxPrice') raw[key] = Number(value);
      else if (key.startsWith('attr.')) raw['attrs'] = { ...(raw['attrs'] as object), [key.slice(5)]: value };
      else if (key.startsWith('prop.')) raw['props'] = { ...(raw['props'] as object), [key.slice(5)]: value };
      else throw new CartwiseError('INVALID_PARAM', { name: field, reason: `unknown filter \`${key}\` (use category, minPrice, maxPrice, attr.NAME, prop.NAME)` });
    }
  }
  return checkEventFilter(raw, field);
}

/** Validates a JSON event filter; errors name the field (`steps[1].minPrice`). */
export function checkEventFilter(value: unknown, field: string): EventFilter {
  const r = eventFilterSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = [field, ...(issue?.path ?? []).map(String)].join('.');
    throw new CartwiseError('INVALID_PARAM', { name: path, reason: issue?.message ?? 'invalid' });
  }
  if (r.data.minPrice !== undefined && r.data.maxPrice !== undefined && r.data.minPrice > r.data.maxPrice) {
    throw new CartwiseError('INVALID_PARAM', { name: `${field}.minPrice`, reason: 'must not exceed maxPrice' });
  }
  return r.data;
}

/**
 * Rejects event types that are neither built in nor present in the store, so a typo (`purchse`) gives a 400
 * naming the field instead of an empty result.
 */
export async function assertKnownTypes(store: Store, types: readonly { type: string; field: string }[]): Promise<void> {
  const builtIn = new Set<string>(Object.keys(EventTypes));
  const unknown = types.filter((t) => !builtIn.has(t.type));
  if (unknown.length === 0) return;
  const rows = await run<{ type: string }>(store, sql`SELECT DISTINCT type FROM events WHERE type IN (${join(unknown.map((t) => sql`${t.type}`), ', ')})`);
  const present = new Set(rows.map((r) => r.type));
  const missing = unknown.find((t) => !present.has(t.type));
  if (missing) {
    throw new CartwiseError('INVALID_PARAM', {
      name: missing.field,
      reason: `unknown event type \`${missing.type}\`: it is not built in (${[...builtIn].join(', ')}) and no stored event has it`,
    });
  }
}
