import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import type { InteractionTable } from '../interactions/csv-rows.ts';
import { buildFromRows } from '../interactions/interaction-builder.ts';
import { buildTargets, evaluateTrainTest, sampleCandidates } from './evaluator.ts';

function table(rows: [string, string][]): InteractionTable {
  return { length: rows.length, users: rows.map((r) => r[0]), items: rows.map((r) => r[1]), ts: new Float64Array(rows.length), weights: new Float64Array(rows.length).fill(1) };
}

describe('evaluator targets', () => {
  it('drops items seen in training, skips unknown users, collapses unknown items into one unreachable target', () => {
    const data = buildFromRows([{ user: 'a', item: 'x', ts: 0 }, { user: 'a', item: 'y', ts: 1 }, { user: 'b', item: 'y', ts: 2 }, { user: 'c', item: 'z', ts: 3 }]);
    const t = buildTargets(data, table([['a', 'x'], ['a', 'z'], ['a', 'new1'], ['a', 'new2'], ['b', 'y'], ['zz', 'x']]));
    const a = data.userIndex.get('a') as number;
    expect([...(t.get(a) ?? [])].sort()).toEqual([-1, data.itemIndex.get('z')].sort());
    expect(t.has(data.userIndex.get('b') as number)).toBe(false); // its only test item was already seen
    expect(t.size).toBe(1);
  });
});

describe('sampled evaluation', () => {
  it('samples unseen non-target negatives plus the reachable targets, seeded', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ user: i < 5 ? 'a' : `u${i}`, item: `i${i}`, ts: i }));
    const data = buildFromRows(rows);
    const a = data.userIndex.get('a') as number;
    const target = data.itemIndex.get('i30') as number;
    const c1 = sampleCandidates(data, a, new Set([target, -1]), 10, createRng(1));
    const c2 = sampleCandidates(data, a, new Set([target, -1]), 10, createRng(1));
    expect(Array.from(c1)).toEqual(Array.from(c2));
    expect(c1.length).toBe(11);
    expect(Array.from(c1)).toContain(target);
    for (let i = 0; i < 5; i++) expect(Array.from(c1)).not.toContain(data.itemIndex.get(`i${i}`));
  });
  it('labels sampled metrics and omits the full-ranking keys', async () => {
    const rows: [string, string][] = [];
    for (let u = 0; u < 10; u++) for (let j = 0; j < 5; j++) rows.push([`u${u}`, `i${(u + j) % 12}`]);
    const train = table(rows);
    const test = table(Array.from({ length: 10 }, (_, u) => [`u${u}`, `i${(u + 5) % 12}`] as [string, string]));
    const full = await evaluateTrainTest(train, test, 'itemknn', {}, { ks: [5] });
    const sampled = await evaluateTrainTest(train, test, 'itemknn', {}, { ks: [5], sampledNegatives: 3 });
    expect(sampled).toHaveProperty('sampled_ndcg@5');
    expect(sampled).not.toHaveProperty('ndcg@5');
    expect(sampled.sampled_negatives).toBe(3);
    expect(sampled['sampled_hr@5'] as number).toBeGreaterThanOrEqual(full['hr@5'] as number);
  });
});
