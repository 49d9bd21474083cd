import { describe, expect, it } from 'vitest';
import type { InteractionTable } from '../interactions/csv-rows.ts';
import { inferSplitProtocol } from './infer-protocol.ts';

function t(rows: [string, string, number][]): InteractionTable {
  return { length: rows.length, users: rows.map((r) => r[0]), items: rows.map((r) => r[1]), ts: Float64Array.from(rows.map((r) => r[2])), weights: new Float64Array(rows.length).fill(1) };
}

describe('inferSplitProtocol', () => {
  it('recognises a global time cut', () => {
    expect(inferSplitProtocol(t([['a', 'x', 1], ['b', 'y', 5]]), t([['a', 'z', 6], ['b', 'x', 7], ['b', 'z', 8]]))).toBe('time');
  });
  it('recognises leave-last-out: one test row per user, after their own history', () => {
    expect(inferSplitProtocol(t([['a', 'x', 1], ['a', 'y', 2], ['b', 'y', 9]]), t([['a', 'z', 3], ['b', 'x', 10]]))).toBe('loo');
  });
  it('falls back to random otherwise', () => {
    expect(inferSplitProtocol(t([['a', 'x', 1], ['a', 'y', 5], ['b', 'y', 9]]), t([['a', 'z', 3], ['b', 'x', 10]]))).toBe('random');
    expect(inferSplitProtocol(t([['a', 'x', 1], ['b', 'y', 9]]), t([['a', 'z', 3], ['a', 'q', 4], ['b', 'x', 10]]))).toBe('random');
  });
});
