import { describe, expect, it } from 'vitest';
import type { InteractionTable } from '../interactions/csv-rows.ts';
import { splitInteractions, subsetTable } from './split.ts';

function table(rows: [string, string, number][]): InteractionTable {
  return { length: rows.length, users: rows.map((r) => r[0]), items: rows.map((r) => r[1]), ts: Float64Array.from(rows.map((r) => r[2])), weights: new Float64Array(rows.length).fill(1) };
}

const t = table([
  ['b', 'x', 5],
  ['a', 'x', 3],
  ['a', 'y', 1],
  ['a', 'z', 2],
  ['c', 'x', 9],
  ['b', 'y', 4],
]);

describe('split protocols', () => {
  it('loo holds out each user\'s last row and drops users under the minimum', () => {
    const s = splitInteractions(t, { protocol: 'loo' });
    expect(subsetTable(t, s.test).items).toEqual(['x', 'x']);
    expect(subsetTable(t, s.test).users).toEqual(['a', 'b']);
    expect(s.train.length).toBe(3);
    expect(splitInteractions(t, { protocol: 'loo', minUserInteractions: 1 }).test.length).toBe(3);
  });
  it('time cuts at the interpolated quantile and keeps test users seen in training', () => {
    const s = splitInteractions(t, { protocol: 'time', testFraction: 0.4, minUserInteractions: 1 });
    // ts sorted 1,2,3,4,5,9; quantile 0.6 → position 3 → 4: train ts ≤ 4; test 5 (b) and 9 (c, no training rows).
    expect(Array.from(subsetTable(t, s.test).ts)).toEqual([5]);
    expect(s.train.length).toBe(4);
  });
  it('random is seeded, stratified, and rounds half to even', () => {
    const many = table(Array.from({ length: 40 }, (_, i) => [`u${i % 4}`, `i${i}`, i] as [string, string, number]));
    const a = splitInteractions(many, { protocol: 'random', ratio: 0.75, seed: 1 });
    const b = splitInteractions(many, { protocol: 'random', ratio: 0.75, seed: 1 });
    const c = splitInteractions(many, { protocol: 'random', ratio: 0.75, seed: 2 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // 10 rows per user → round(7.5) = 8 (half to even) training rows each.
    const perUser = new Map<string, number>();
    for (const r of a.train) perUser.set(many.users[r] as string, (perUser.get(many.users[r] as string) ?? 0) + 1);
    expect([...perUser.values()]).toEqual([8, 8, 8, 8]);
    const byItem = splitInteractions(table([['a', 'x', 1], ['b', 'x', 2], ['c', 'x', 3], ['d', 'x', 4]]), { protocol: 'random', stratify: 'item', ratio: 0.5, minUserInteractions: 1 });
    expect(byItem.train.length).toBe(2);
  });
  it('rejects bad fractions naming the parameter', () => {
    expect(() => splitInteractions(t, { protocol: 'time', testFraction: 1.5 })).toThrow(/testFraction/);
    expect(() => splitInteractions(t, { protocol: 'random', ratio: 0 })).toThrow(/ratio/);
  });
});
