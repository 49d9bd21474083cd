/**
 * Train/test split protocols over an interaction table, following `recs.py split`: rows are ordered by (user, ts)
 * stably, users with fewer than `minUserInteractions` rows are dropped, then
 * - `loo`: each user's last row is the test row;
 * - `time`: a global cut at the (1 − testFraction) quantile of the timestamps (linear interpolation); rows after it
 *   are test rows, kept only for users who also have training rows;
 * - `random`: within each user (or item, `stratify`), rows ranked in a seeded random order; the first
 *   round(n · ratio) (half to even, like NumPy) are training rows.
 */
import { CartwiseError } from '../../core/errors.ts';
import { createRng } from '../../core/random.ts';
import type { InteractionTable } from '../interactions/csv-rows.ts';

export const SplitProtocols = { loo: 'loo', time: 'time', random: 'random' } as const;
export type SplitProtocol = keyof typeof SplitProtocols;

export interface SplitOptions {
  protocol: SplitProtocol;
  /** `time`: share of the time range's rows (by quantile) held out. Default 0.1. */
  testFraction?: number;
  /** `random`: share of each group's rows kept for training. Default 0.75. */
  ratio?: number;
  /** `random`: the group the ratio holds within. Default `user`. */
  stratify?: 'user' | 'item';
  /** Users with fewer rows are dropped before splitting. Default 2 (as the reference). */
  minUserInteractions?: number;
  seed?: number;
}

/** Row indices into the source table. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits a table's rows into train and test row indices by the protocol. */
export function splitInteractions(table: InteractionTable, options: SplitOptions): Split {
  const minUser = options.minUserInteractions ?? 2;
  const n = table.length;
  const order = Array.from({ length: n }, (_, r) => r);
  order.sort((a, b) => cmp(table.users[a] as string, table.users[b] as string) || (table.ts[a] as number) - (table.ts[b] as number) || a - b);
  // Drop small users.
  const rows: number[] = [];
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && table.users[order[e] as number] === table.users[order[s] as number]) e++;
    if (e - s >= minUser) for (let p = s; p < e; p++) rows.push(order[p] as number);
    s = e;
  }
  const train: number[] = [];
  const test: number[] = [];
  if (options.protocol === 'loo') {
    for (let p = 0; p < rows.length; p++) {
      const last = p === rows.length - 1 || table.users[rows[p + 1] as number] !== table.users[rows[p] as number];
      (last ? test : train).push(rows[p] as number);
    }
  } else if (options.protocol === 'time') {
    const frac = options.testFraction ?? 0.1;
    if (!(frac > 0 && frac < 1)) throw new CartwiseError('INVALID_PARAM', { name: 'testFraction', reason: `must be in (0, 1); got ${frac}` });
    const ts = Float64Array.from(rows, (r) => table.ts[r] as number).sort();
    const pos = (1 - frac) * (ts.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, ts.length - 1);
    const cut = ts.length === 0 ? 0 : (ts[lo] as number) + ((ts[hi] as number) - (ts[lo] as number)) * (pos - lo);
    const trainUsers = new Set<string>();
    for (const r of rows) if ((table.ts[r] as number) <= cut) {
      train.push(r);
      trainUsers.add(table.users[r] as string);
    }
    for (const r of rows) if ((table.ts[r] as number) > cut && trainUsers.has(table.users[r] as string)) test.push(r);
  } else if (options.protocol === 'random') {
    const ratio = options.ratio ?? 0.75;
    if (!(ratio > 0 && ratio < 1)) throw new CartwiseError('INVALID_PARAM', { name: 'ratio', reason: `must be in (0, 1); got ${ratio}` });
    const rng = createRng(options.seed ?? 42);
    const key = options.stratify === 'item' ? table.items : table.users;
    const rand = new Float64Array(table.length);
    for (const r of rows) rand[r] = rng.next();
    const groups = new Map<string, number[]>();
    for (const r of rows) {
      const g = key[r] as string;
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      list.push(r);
    }
    const isTrain = new Uint8Array(table.length);
    for (const list of groups.values()) {
      const sorted = list.slice().sort((a, b) => (rand[a] as number) - (rand[b] as number) || a - b);
      const keep = roundHalfEven(list.length * ratio);
      for (let t = 0; t < keep; t++) isTrain[sorted[t] as number] = 1;
    }
    for (const r of rows) (isTrain[r] ? train : test).push(r);
  } else {
    throw new CartwiseError('INVALID_PARAM', { name: 'protocol', reason: `unknown protocol "${String(options.protocol)}"; use loo, time or random` });
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** A table holding only the given rows (in that order). */
export function subsetTable(table: InteractionTable, rows: ArrayLike<number>): InteractionTable {
  const n = rows.length;
  const users: string[] = new Array<string>(n);
  const items: string[] = new Array<string>(n);
  const ts = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = rows[k] as number;
    users[k] = table.users[r] as string;
    items[k] = table.items[r] as string;
    ts[k] = table.ts[r] as number;
    weights[k] = table.weights[r] as number;
  }
  return { length: n, users, items, ts, weights };
}
