import { describe, expect, it } from 'vitest';
import { catalogCoverage, hitRateAtK, mapAtK, mrrAtK, ndcgAtK, novelty, precisionAtK, rankingMetrics, recallAtK } from './metrics.ts';

describe('ranking metrics (recs.py definitions)', () => {
  const ranked = [5, 1, 7, 2, 9];
  const rel = new Set([1, 2, 3]);
  it('computes hand-checked values', () => {
    expect(precisionAtK(ranked, rel, 5)).toBeCloseTo(2 / 5, 12);
    expect(recallAtK(ranked, rel, 5)).toBeCloseTo(2 / 3, 12);
    expect(hitRateAtK(ranked, rel, 1)).toBe(0);
    expect(hitRateAtK(ranked, rel, 2)).toBe(1);
    expect(mrrAtK(ranked, rel, 5)).toBe(0.5);
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(ranked, rel, 5)).toBeCloseTo(dcg / idcg, 12);
    expect(mapAtK(ranked, rel, 5)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 12);
    // K below |rel|: MAP and IDCG normalise by K.
    expect(mapAtK([1, 2], rel, 2)).toBe(1);
    expect(ndcgAtK([1, 2], rel, 2)).toBeCloseTo(1, 12);
  });
  it('uses K (not the list length) for precision on short lists', () => {
    expect(precisionAtK([1], rel, 10)).toBeCloseTo(0.1, 12);
  });
  it('declares every metric higher-is-better', () => {
    expect(rankingMetrics.map((m) => m.name)).toEqual(['precision', 'recall', 'ndcg', 'map', 'hr', 'mrr']);
    expect(rankingMetrics.every((m) => m.higherIsBetter)).toBe(true);
  });
  it('computes coverage and novelty', () => {
    expect(catalogCoverage([[0, 1], [1, 2]], 10, 2)).toBeCloseTo(0.3, 12);
    expect(novelty([[0], [1]], [4, 1], 4, 1)).toBeCloseTo((0 + 2) / 2, 12);
  });
});
