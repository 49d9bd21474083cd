import { CartwiseError } from '../../core/errors.ts';
import type { EventInput, ItemInput } from '../../core/schemas/index.ts';
import { parseTimestamp } from '../../core/time.ts';
import { filePart, num, ok, rejected, type FormatOptionValues, type ImportFormat, type RowMapper } from './import-format.ts';

/** The event (and item) fields a `--map` can fill, and the column each comes from. */
export const CSV_MAP_KEYS = ['id', 'user', 'item', 'ts', 'type', 'session', 'rating', 'price', 'revenue', 'quantity', 'query', 'text', 'title', 'category'] as const;
export type CsvMapKey = (typeof CSV_MAP_KEYS)[number];

export interface CsvMapOptions {
  /** Column name (or 1-based number without a header) per field. */
  map: Partial<Record<CsvMapKey, string>>;
  /** The event type when no `type` column is mapped. */
  type?: string;
  delimiter: string;
  header: boolean;
  /** How numeric timestamps are read: `auto` takes values below 1e11 as seconds, larger ones as milliseconds. */
  tsUnit: 'ms' | 's' | 'auto';
}

/** Parses `user=COL,item=COL,…` into a field → column map; throws INVALID_PARAM naming the bad entry. */
export function parseColumnMap(text: string): Partial<Record<CsvMapKey, string>> {
  const map: Partial<Record<CsvMapKey, string>> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = entry.indexOf('=');
    const key = (eq === -1 ? '' : entry.slice(0, eq).trim()) as CsvMapKey;
    const col = eq === -1 ? '' : entry.slice(eq + 1).trim();
    if (!CSV_MAP_KEYS.includes(key) || col === '') {
      throw new CartwiseError('INVALID_PARAM', { name: '--map', reason: `\`${entry}\` must be FIELD=COLUMN with FIELD one of ${CSV_MAP_KEYS.join(', ')}` });
    }
    map[key] = col;
  }
  if (map.user === undefined || map.ts === undefined) {
    throw new CartwiseError('INVALID_PARAM', { name: '--map', reason: 'must map at least user=COLUMN and ts=COLUMN (and item=COLUMN for item events)' });
  }
  return map;
}

/** Reads a timestamp cell: ISO 8601, or a number of ms / seconds according to `unit`. */
export function readTimestamp(text: string, unit: CsvMapOptions['tsUnit']): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    const seconds = unit === 's' || (unit === 'auto' && n < 1e11);
    return Math.round(seconds ? n * 1000 : n);
  }
  return parseTimestamp(s);
}

/**
 * The mapper for a generic CSV file. Each mapped column fills one event field (`user` → userId, `item` →
 * itemId, `session` → sessionId, numbers parsed, `type` lower-cased); empty cells leave the field out. When
 * `title` is mapped, the row also describes its item (title, and `category` and `price` when mapped).
 * Throws IMPORT_FAILED when a mapped column is not in the header.
 */
export function createCsvMapper(header: readonly string[] | undefined, options: CsvMapOptions, file = 'csv file'): RowMapper {
  const index: Partial<Record<CsvMapKey, number>> = {};
  const names = (header ?? []).map((h) => h.trim().toLowerCase());
  for (const [key, col] of Object.entries(options.map) as [CsvMapKey, string][]) {
    let i: number;
    if (options.header) {
      i = names.indexOf(col.toLowerCase());
      if (i === -1) throw new CartwiseError('IMPORT_FAILED', { reason: `${file}: column \`${col}\` (for ${key}) is not in the header (found: ${(header ?? []).join(', ')})` });
    } else {
      i = Number(col) - 1;
      if (!Number.isInteger(i) || i < 0) throw new CartwiseError('INVALID_PARAM', { name: '--map', reason: `without a header, columns are 1-based numbers; got \`${col}\` for ${key}` });
    }
    index[key] = i;
  }
  if (index.type === undefined && options.type === undefined) {
    throw new CartwiseError('INVALID_PARAM', { name: '--type', reason: 'give --type when no type column is mapped' });
  }
  const cell = (fields: readonly string[], key: CsvMapKey): string | undefined => {
    const i = index[key];
    if (i === undefined) return undefined;
    const v = fields[i];
    return v === undefined ? undefined : v.trim();
  };
  const numbers = ['rating', 'price', 'revenue', 'quantity'] as const;
  return ({ fields }) => {
    const event: Record<string, unknown> = {};
    const typeCell = cell(fields, 'type');
    event['type'] = typeCell !== undefined && typeCell !== '' ? typeCell.toLowerCase() : options.type;
    if (event['type'] === undefined) return rejected('type is empty and no --type default was given');
    const tsText = cell(fields, 'ts') ?? '';
    const ts = readTimestamp(tsText, options.tsUnit);
    if (ts === undefined) return rejected(`ts \`${tsText}\` is not epoch ms/seconds or ISO 8601`);
    event['ts'] = ts;
    event['userId'] = cell(fields, 'user') ?? '';
    const pairs: [CsvMapKey, string][] = [['id', 'id'], ['item', 'itemId'], ['session', 'sessionId'], ['query', 'query'], ['text', 'text']];
    for (const [key, field] of pairs) {
      const v = cell(fields, key);
      if (v !== undefined && v !== '') event[field] = v;
    }
    for (const key of numbers) {
      const v = cell(fields, key);
      if (v === undefined || v === '') continue;
      const n = num(v);
      if (n === undefined) return rejected(`${key} \`${v}\` is not a number`);
      event[key] = n;
    }
    const items: ItemInput[] = [];
    const title = cell(fields, 'title');
    const itemId = event['itemId'];
    if (title !== undefined && title !== '' && typeof itemId === 'string') {
      const item: ItemInput = { id: itemId, title };
      const category = cell(fields, 'category');
      if (category) item.category = category;
      if (typeof event['price'] === 'number' && event['price'] >= 0) item.price = event['price'];
      items.push(item);
    }
    return ok([event as EventInput], items);
  };
}

function csvOptions(values: FormatOptionValues): CsvMapOptions {
  if (values['map'] === undefined) throw new CartwiseError('INVALID_PARAM', { name: '--map', reason: 'is required, e.g. --map user=customer,item=sku,ts=time,type=action' });
  const map = parseColumnMap(values['map']);
  const delimiterText = values['delimiter'] ?? ',';
  const delimiter = delimiterText === '\\t' || delimiterText === 'tab' ? '\t' : delimiterText;
  if (delimiter.length === 0 || delimiter === '"') throw new CartwiseError('INVALID_PARAM', { name: '--delimiter', reason: 'must be a non-empty string other than "' });
  const tsUnit = (values['tsUnit'] ?? 'auto') as CsvMapOptions['tsUnit'];
  if (!['ms', 's', 'auto'].includes(tsUnit)) throw new CartwiseError('INVALID_PARAM', { name: '--ts-unit', reason: 'must be ms, s or auto' });
  const type = values['type'];
  if (type !== undefined && !/^[a-z][a-z0-9_]{0,63}$/.test(type)) throw new CartwiseError('INVALID_PARAM', { name: '--type', reason: `\`${type}\` is not an event type` });
  const options: CsvMapOptions = { map, delimiter, header: values['header'] !== 'false', tsUnit };
  if (type !== undefined) options.type = type;
  return options;
}

export const csvFormat: ImportFormat = {
  name: 'csv',
  argument: 'file.csv[.gz]',
  summary: 'Any CSV of events, with --map FIELD=COLUMN,…',
  help: `Any delimited file of events (RFC 4180 quoting), one event per row. Name the columns with
--map user=COL,item=COL,ts=COL,type=COL[,rating=COL,price=COL,quantity=COL,revenue=COL,
      session=COL,query=COL,text=COL,id=COL,title=COL,category=COL]
COL is a header name (case-insensitive), or a 1-based column number with --no-header.

Mapping:
  user, item, session   → userId, itemId, sessionId
  ts                    → ts: ISO 8601, or a number (--ts-unit auto: below 1e11 = seconds, else ms)
  type                  → event type, lower-cased; --type gives it when there is no type column
  rating, price, quantity, revenue → numbers; query, text → text fields
  id                    → the event id (else a deterministic id from file, line and content)
  title [, category]    → also upsert the item (title, category, price)
Empty cells leave the field out; rows failing the Event schema are rejected with the field named.`,
  options: [
    { flags: '--map <fields>', description: 'FIELD=COLUMN pairs, comma-separated (user, item, ts, type, rating, price, …)' },
    { flags: '--type <type>', description: 'event type for rows without a type column' },
    { flags: '--delimiter <char>', description: 'field delimiter (`\\t` or tab for tabs)', defaultValue: ',' },
    { flags: '--ts-unit <unit>', description: 'numeric timestamps: ms, s or auto', defaultValue: 'auto' },
    { flags: '--no-header', description: 'the file has no header line; COLUMN is a 1-based number' },
  ],
  async plan(path, values) {
    const options = csvOptions(values);
    return [
      filePart('csv', path, {
        syntax: { kind: 'csv' }, split: { kind: 'csv', delimiter: options.delimiter }, header: options.header,
        createMapper: (header) => createCsvMapper(header, options, path),
      }),
    ];
  },
};
