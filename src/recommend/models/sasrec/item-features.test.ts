import { describe, expect, it } from 'vitest';
import { buildItemFeatures, featureTokens, mergeFeatures, neighbourFeatures } from './item-features.ts';

const row = (f: { indptr: Int32Array; indices: Int32Array }, i: number) => Array.from(f.indices.subarray(f.indptr[i]!, f.indptr[i + 1]!));

describe('catalogue features', () => {
  it('takes category prefixes, brand, attributes and tags, dropping features of a single item', () => {
    expect(featureTokens({ id: 'a', title: 'Tent', category: 'Sports > Camping', attrs: { brand: 'Acme', size: 'L' }, tags: ['Sale'] })).toEqual([
      'cat:sports',
      'cat:sports>camping',
      'brand:acme',
      'attr:size=l',
      'tag:sale',
    ]);
    const { features, nFeatures, vocabulary } = buildItemFeatures(
      [{ id: 'a', title: 'A', category: 'Sports > Camping' }, undefined, { id: 'c', title: 'C', category: 'Sports > Golf' }],
      3,
    );
    expect(vocabulary).toEqual(['cat:sports']);
    expect(nFeatures).toBe(1);
    expect([row(features, 0), row(features, 1), row(features, 2)]).toEqual([[0], [], [0]]);
  });
});

describe('neighbour features', () => {
  it("gives each item its most frequent sequence neighbours, leaving every shopper's last item out", () => {
    // Users: [0 1 2 3], [0 1 2], [1 0 4]: last items 3, 2, 4 are left out of the counts.
    const indptr = Int32Array.from([0, 4, 7, 10]);
    const items = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 1, 0, 4]);
    const f = neighbourFeatures(indptr, items, 5, 1, 100, 2, 2);
    // Pairs within 2 positions: 0–1 three times, 0–2 once, 1–2 once (the 2 of user 2 is its last item).
    expect(row(f, 0)).toEqual([101]);
    expect(row(f, 1)).toEqual([100]);
    expect(row(f, 2)).toEqual([]);
    expect(row(f, 3)).toEqual([]);
    expect(row(f, 4)).toEqual([]);
  });

  it('merges two feature sets item by item', () => {
    const a = { indptr: Int32Array.from([0, 1, 1]), indices: Int32Array.from([7]) };
    const b = { indptr: Int32Array.from([0, 1, 3]), indices: Int32Array.from([8, 9, 10]) };
    const m = mergeFeatures(a, b);
    expect([row(m, 0), row(m, 1)]).toEqual([[7, 8], [9, 10]]);
  });
});
