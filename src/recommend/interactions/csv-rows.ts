/**
 * Reads interaction CSV files with a header `user,item,ts[,weight]` (what `recs.py split` writes; extra columns are
 * ignored, `.gz` files are decompressed). Timestamps may be epoch seconds, epoch milliseconds or ISO 8601; a file
 * whose largest numeric timestamp is above 1e11 is read as milliseconds, otherwise as seconds (the reference
 * script's rule), and every row's `ts` comes out in epoch milliseconds.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { splitCsvRecord } from '../../core/csv.ts';
import { CartwiseError } from '../../core/errors.ts';
import { parseTimestamp } from '../../core/time.ts';

/** Rows of an interaction CSV, columnar. `ts` in epoch ms; `weight` 1 where the file has no weight column. */
export interface InteractionTable {
  length: number;
  users: string[];
  items: string[];
  /** [length] epoch ms */
  ts: Float64Array;
  /** [length] */
  weights: Float64Array;
}

/**
 * Reads an interaction CSV into an {@link InteractionTable}. Bad input is an error naming the file, line and
 * field: a missing `user`/`item` column, an empty id, an unparsable timestamp or weight.
 */
export async function readInteractionCsv(path: string): Promise<InteractionTable> {
  if (!existsSync(path)) throw new CartwiseError('FILE_NOT_FOUND', { path });
  const input = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: string[] | undefined;
  let ui = -1;
  let ii = -1;
  let ti = -1;
  let wi = -1;
  const users: string[] = [];
  const items: string[] = [];
  let ts = new Float64Array(4096);
  let weights = new Float64Array(4096);
  let n = 0;
  let lineNo = 0;
  let numericMax = -Infinity;
  const isoTs = new Map<number, number>();
  const fail = (reason: string): never => {
    throw new CartwiseError('VALIDATION_FAILED', { reason: `${path} line ${lineNo}: ${reason}` }, { path, line: lineNo });
  };
  for await (const raw of lines) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    if (!header) {
      header = (splitCsvRecord(line.replace(/^\uFEFF/, '')) ?? fail('the header has an unclosed quote')).map((h) => h.trim());
      ui = header.indexOf('user');
      ii = header.indexOf('item');
      ti = header.indexOf('ts');
      wi = header.indexOf('weight');
      if (ui < 0) fail(`the header has no "user" column (got ${header.join(',')}); expected user,item,ts[,weight]`);
      if (ii < 0) fail(`the header has no "item" column (got ${header.join(',')}); expected user,item,ts[,weight]`);
      continue;
    }
    const cells = splitCsvRecord(line) ?? fail('a quoted field is not closed on this line');
    const user = cells[ui];
    const item = cells[ii];
    if (!user) fail('field "user" is empty');
    if (!item) fail('field "item" is empty');
    let t = 0;
    if (ti >= 0) {
      const cell = (cells[ti] ?? '').trim();
      const num = Number(cell);
      if (cell !== '' && Number.isFinite(num)) {
        t = num;
        if (num > numericMax) numericMax = num;
      } else {
        const parsed = parseTimestamp(cell);
        if (parsed === undefined) fail(`field "ts" is not a timestamp: "${cell}"`);
        t = Number.NaN; // ISO time, already in ms: kept aside so the numeric unit rule ignores it
        isoTs.set(n, parsed as number);
      }
    }
    let w = 1;
    if (wi >= 0) {
      const cell = (cells[wi] ?? '').trim();
      w = cell === '' ? 1 : Number(cell);
      if (!Number.isFinite(w)) fail(`field "weight" is not a number: "${cell}"`);
    }
    if (n === ts.length) {
      const t2 = new Float64Array(n * 2);
      t2.set(ts);
      ts = t2;
      const w2 = new Float64Array(n * 2);
      w2.set(weights);
      weights = w2;
    }
    users.push(user as string);
    items.push(item as string);
    ts[n] = t;
    weights[n] = w;
    n++;
  }
  if (!header) throw new CartwiseError('VALIDATION_FAILED', { reason: `${path} is empty; expected a header user,item,ts[,weight]` });
  // Numeric timestamps: seconds unless the file's largest value looks like milliseconds.
  const scale = numericMax > 1e11 ? 1 : 1000;
  for (let r = 0; r < n; r++) {
    const t = ts[r] as number;
    ts[r] = Number.isNaN(t) ? (isoTs.get(r) as number) : t * scale;
  }
  return { length: n, users, items, ts: ts.slice(0, n), weights: weights.slice(0, n) };
}

/** Iterates an {@link InteractionTable}'s rows (optionally a subset by index) as builder rows. */
export function* tableRows(table: InteractionTable, indices?: ArrayLike<number>): Generator<{ user: string; item: string; ts: number; weight: number }> {
  const n = indices ? indices.length : table.length;
  for (let k = 0; k < n; k++) {
    const r = indices ? (indices[k] as number) : k;
    yield { user: table.users[r] as string, item: table.items[r] as string, ts: table.ts[r] as number, weight: table.weights[r] as number };
  }
}
