import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import { topK } from '../recommender.ts';
import { applyRules, capPerCategory, fastTopK, mmr } from './rerank.ts';

describe('fastTopK', () => {
  it('returns exactly what topK returns: dense, sparse with ties, -Infinity, filters that reject most items', () => {
    const rng = createRng(3);
    const n = 50_000;
    const cases: Float64Array[] = [
      Float64Array.from({ length: n }, () => rng.normal()),
      Float64Array.from({ length: n }, () => (rng.next() < 0.01 ? Math.floor(rng.next() * 5) : 0)),
      Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -Infinity : rng.next())),
      new Float64Array(n),
    ];
    const filters = [undefined, (i: number) => i % 2 === 0, (i: number) => i % 997 === 0, () => false];
    for (const scores of cases) {
      for (const filter of filters) {
        for (const k of [1, 20, 100]) {
          const a = topK(scores, k, filter);
          const b = fastTopK(scores, k, filter);
          expect(Array.from(b.items)).toEqual(Array.from(a.items));
          expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
        }
      }
    }
  });
});

describe('re-ranking', () => {
  const pool = { items: Int32Array.from([10, 11, 12, 13]), scores: Float64Array.from([4, 3, 2, 1]) };

  it('applies multiplicative rules on normalised scores and drops factor 0', () => {
    const r = applyRules(pool, (i) => (i === 13 ? 20 : i === 10 ? 0 : 1));
    expect(Array.from(r.items)).toEqual([13, 11, 12]);
    expect(r.scores[0]).toBeCloseTo(0.1 * 20);
  });

  it('MMR trades relevance for novelty', () => {
    // 10 and 11 are near-duplicates; with a low lambda 12 comes before 11.
    const sim = (a: number, b: number) => ((a === 10 && b === 11) || (a === 11 && b === 10) ? 1 : 0);
    expect(Array.from(mmr(pool, 3, 1, sim))).toEqual([10, 11, 12]);
    expect(Array.from(mmr(pool, 3, 0.3, sim))).toEqual([10, 12, 13]);
  });

  it('caps items per category and fills up with the capped ones', () => {
    const cat = (i: number) => (i < 12 ? 'A' : 'B');
    expect(Array.from(capPerCategory(pool, 2, 1, cat))).toEqual([10, 12]);
    expect(Array.from(capPerCategory(pool, 4, 1, cat))).toEqual([10, 12, 11, 13]);
  });
});
