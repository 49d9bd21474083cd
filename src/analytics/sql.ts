/**
 * The small SQL toolkit every analytics query is built with: bound parameters collected next to the text
 * that uses them, and the few expressions whose spelling differs between DuckDB and PostgreSQL. Every
 * dialect difference lives in {@link dialectOf}; the query modules write portable SQL around it.
 */
import { CartwiseError } from '../core/errors.ts';
import type { Store, StoreDialect } from '../store/store.ts';

/** A fragment of SQL with its `?` parameters, in order. Values are always bound, never spliced. */
export interface Sql {
  text: string;
  params: unknown[];
}

/** Builds {@link Sql} from a template literal: `${x}` binds `x` as a parameter unless it is already an `Sql`. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  values.forEach((v, i) => {
    if (isSql(v)) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v);
    }
    text += strings[i + 1] ?? '';
  });
  return { text, params };
}

/** Literal SQL text with no parameters (identifiers and keywords chosen by code, never by a caller). */
export function raw(text: string): Sql {
  return { text, params: [] };
}

/** Joins fragments with a separator. */
export function join(parts: readonly Sql[], separator: string): Sql {
  return { text: parts.map((p) => p.text).join(separator), params: parts.flatMap((p) => p.params) };
}

function isSql(v: unknown): v is Sql {
  return typeof v === 'object' && v !== null && 'text' in v && 'params' in v && Array.isArray((v as Sql).params);
}

/** Runs a built query on the store. */
export function run<T extends Record<string, unknown>>(store: Store, q: Sql): Promise<T[]> {
  return store.query<T>(q.text, q.params);
}

/** The expressions whose spelling differs between the SQL dialects the store supports. */
export interface Dialect {
  /** Epoch milliseconds (BIGINT) of a TIMESTAMP expression. */
  epochMs(expr: string): string;
  /** A TIMESTAMP from epoch milliseconds. */
  fromEpochMs(expr: string): string;
  /** The text value of a key of a JSON column; the key is bound as a parameter. */
  jsonText(column: string, key: string): Sql;
  /** Integer division rounding towards minus infinity, for period buckets of epoch values. */
  floorDiv(a: string, b: string): string;
  /** ISO date string (YYYY-MM-DD) of epoch milliseconds. */
  isoDate(msExpr: string): string;
  /** Months since 1970-01 of epoch milliseconds. */
  monthIndex(msExpr: string): string;
  /** UTC hour of day of epoch milliseconds. */
  hourOfDay(msExpr: string): string;
}

const duckdb: Dialect = {
  epochMs: (e) => `epoch_ms(${e})`,
  fromEpochMs: (e) => `epoch_ms(CAST(${e} AS BIGINT))`,
  jsonText: (column, key) => sql`json_extract_string(${raw(column)}, ${jsonPath(key)})`,
  floorDiv: (a, b) => `CAST(floor((${a}) / (${b})) AS BIGINT)`,
  isoDate: (ms) => `strftime(epoch_ms(CAST(${ms} AS BIGINT)), '%Y-%m-%d')`,
  monthIndex: (ms) => `((year(epoch_ms(CAST(${ms} AS BIGINT))) - 1970) * 12 + month(epoch_ms(CAST(${ms} AS BIGINT))) - 1)`,
  hourOfDay: (ms) => `hour(epoch_ms(CAST(${ms} AS BIGINT)))`,
};

const postgres: Dialect = {
  epochMs: (e) => `CAST(floor(extract(epoch FROM ${e}) * 1000) AS BIGINT)`,
  fromEpochMs: (e) => `to_timestamp((${e}) / 1000.0) AT TIME ZONE 'UTC'`,
  jsonText: (column, key) => sql`(${raw(column)}::jsonb ->> ${key})`,
  floorDiv: (a, b) => `CAST(floor((${a})::numeric / (${b})) AS BIGINT)`,
  isoDate: (ms) => `to_char(to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  monthIndex: (ms) =>
    `((extract(year FROM to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC')::int - 1970) * 12 + extract(month FROM to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC')::int - 1)`,
  hourOfDay: (ms) => `extract(hour FROM to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC')::int`,
};

/** The dialect helper of a store. */
export function dialectOf(d: StoreDialect): Dialect {
  return d === 'postgres' ? postgres : duckdb;
}

/** Names of JSON keys a caller may filter or break down by: plain identifiers, so a path can never escape. */
export const JSON_KEY_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

function jsonPath(key: string): string {
  if (!JSON_KEY_RE.test(key)) throw new CartwiseError('INVALID_PARAM', { name: 'key', reason: `\`${key}\` is not a valid property name` });
  return `$."${key}"`;
}
