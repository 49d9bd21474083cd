import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { decodeArtifact, encodeArtifact } from '../store/artifact-codec.ts';
import { REFERENCE_BM25 } from './search-eval.ts';
import { SEARCH_INDEX_VERSION, SearchIndex } from './search-index.ts';

const titles = ['red apple', 'green apple pie', 'red red wine', 'apple', 'banana bread'];

/** Plain BM25 (k1 1.2, b 0.75) computed independently for the known answers. */
function bm25(docs: string[][], query: string[], k1 = 1.2, b = 0.75): number[] {
  const N = docs.length;
  const avg = docs.reduce((a, d) => a + d.length, 0) / N;
  return docs.map((d) =>
    [...new Set(query)].reduce((s, t) => {
      const n = docs.filter((x) => x.includes(t)).length;
      if (n === 0) return s;
      const tf = d.filter((x) => x === t).length;
      const idf = Math.log(1 + (N - n + 0.5) / (n + 0.5));
      return s + (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / avg));
    }, 0),
  );
}

function referenceIndex(): SearchIndex {
  const index = new SearchIndex({ analyzer: 'reference', bm25f: REFERENCE_BM25 });
  index.upsert(titles.map((title, i) => ({ id: `d${i}`, title })));
  return index;
}

describe('SearchIndex', () => {
  it('gives BM25 known answers in single-field mode', () => {
    const index = referenceIndex();
    const expected = bm25(titles.map((t) => t.split(' ')), ['red', 'apple']);
    const s = index.scoreGroups([[{ term: 'red', weight: 1 }], [{ term: 'apple', weight: 1 }]]);
    for (let i = 0; i < titles.length; i++) expect(s.scores[i]).toBeCloseTo(expected[i] as number, 12);
    expect(s.matched[0]).toBe(2);
    expect(s.matched[4]).toBe(0);
    expect(index.idf('apple')).toBeCloseTo(Math.log(1 + (5 - 3 + 0.5) / 3.5), 12);
  });

  it('takes the best alternative per group and weights it', () => {
    const index = referenceIndex();
    const one = index.scoreGroups([[{ term: 'wine', weight: 1 }]]).scores[2] as number;
    const both = index.scoreGroups([[{ term: 'wine', weight: 1 }, { term: 'red', weight: 0.1 }]]).scores[2] as number;
    expect(both).toBeCloseTo(one, 12);
    expect(index.scoreGroups([[{ term: 'wine', weight: 0.5 }]]).scores[2]).toBeCloseTo(one / 2, 12);
  });

  it('weights fields (BM25F): a title match beats a description match', () => {
    const index = new SearchIndex();
    index.upsert([
      { id: 'a', title: 'Garden hose', description: 'A sturdy drill for concrete' },
      { id: 'b', title: 'Cordless drill', description: 'Drives screws' },
      { id: 'c', title: 'Hammer', category: 'Tools > Drills' },
    ]);
    const s = index.scoreGroups([[{ term: 'drill', weight: 1 }]]);
    expect(s.scores[1]).toBeGreaterThan(s.scores[2] as number);
    expect(s.scores[2]).toBeGreaterThan(s.scores[0] as number);
    expect(s.scores[0]).toBeGreaterThan(0);
  });

  it('updates incrementally: upsert replaces, remove deletes, df follows', () => {
    const index = referenceIndex();
    expect(index.docFreq('apple')).toBe(3);
    index.upsert([{ id: 'd3', title: 'pear' }]);
    expect(index.docFreq('apple')).toBe(2);
    expect(index.docFreq('pear')).toBe(1);
    expect(index.size).toBe(5);
    expect(index.remove(['d0', 'missing'])).toBe(1);
    expect(index.size).toBe(4);
    const s = index.scoreGroups([[{ term: 'red', weight: 1 }]]);
    const hits = [...s.touched].map((d) => index.idAt(d));
    expect(hits).toEqual(['d2']);
    // Same scores as an index built from scratch with the surviving documents.
    const fresh = new SearchIndex({ analyzer: 'reference', bm25f: REFERENCE_BM25 });
    fresh.upsert([{ id: 'd1', title: 'green apple pie' }, { id: 'd2', title: 'red red wine' }, { id: 'd4', title: 'banana bread' }, { id: 'd3', title: 'pear' }]);
    const a = fresh.scoreGroups([[{ term: 'red', weight: 1 }]]).scores[fresh.slotOfId('d2') as number];
    expect(s.scores[index.slotOfId('d2') as number]).toBeCloseTo(a as number, 12);
    index.compact();
    expect(index.slots).toBe(4);
    expect(index.scoreGroups([[{ term: 'red', weight: 1 }]]).scores[index.slotOfId('d2') as number]).toBeCloseTo(a as number, 12);
  });

  it('round-trips through an artifact and the store with identical scores', async () => {
    const index = new SearchIndex();
    index.upsert([
      { id: 'a', title: 'Bamboo roll-up shade 96 in.', category: 'Home > Blinds', price: 40, attrs: { brand: 'Hampton Bay', color: 'Natural' } },
      { id: 'b', title: 'Steel angle bracket', tags: ['hardware'], price: 3 },
      { id: 'c', title: '不锈钢水槽' },
    ]);
    index.remove(['b']);
    const store = await DuckDbStore.open(':memory:');
    try {
      await store.saveArtifact('search-index', index.toArtifact());
      const loaded = SearchIndex.fromArtifact(decodeArtifact(encodeArtifact((await store.loadArtifact('search-index'))!)));
      expect(loaded.size).toBe(2);
      expect(loaded.docAt(loaded.slotOfId('a')!)).toMatchObject({ brand: 'Hampton Bay', price: 40 });
      const q = [[{ term: 'bamboo', weight: 1 }], [{ term: '96in', weight: 1 }]];
      const x = index.scoreGroups(q);
      const y = loaded.scoreGroups(q);
      expect(y.scores[loaded.slotOfId('a')!]).toBeCloseTo(x.scores[index.slotOfId('a')!] as number, 12);
      expect(loaded.docFreq('不锈钢')).toBe(1);
      expect(Array.from(loaded.titleTermIds(loaded.slotOfId('a')!)).map((t) => loaded.termAt(t))).toEqual(['bamboo', 'roll', 'up', 'rollup', 'shade', '96in', '96']);
      loaded.upsert([{ id: 'd', title: 'bamboo mat' }]);
      expect(loaded.docFreq('bamboo')).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('rejects a foreign artifact with a clear error', () => {
    expect(() => SearchIndex.fromArtifact({ manifest: { kind: 'ease', version: 1 }, buffers: {} })).toThrow(/not a search index/);
  });

  it('writes SEARCH_INDEX_VERSION and refuses an artifact of another or no version (terms of another analyser)', () => {
    const index = new SearchIndex();
    index.upsert([{ id: 'a', title: 'Steel Shelving Unit' }]);
    const artifact = index.toArtifact();
    expect(artifact.manifest['version']).toBe(SEARCH_INDEX_VERSION);
    expect(SearchIndex.outdatedReason(artifact.manifest)).toBeUndefined();
    expect(SearchIndex.fromArtifact(artifact).docFreq('shelf')).toBe(1);
    const older = { ...artifact, manifest: { ...artifact.manifest, version: SEARCH_INDEX_VERSION - 1 } };
    expect(SearchIndex.outdatedReason(older.manifest)).toBe(`saved with index version ${SEARCH_INDEX_VERSION - 1}, this build writes ${SEARCH_INDEX_VERSION}`);
    expect(() => SearchIndex.fromArtifact(older)).toThrow(/outdated.*rebuild it from the catalogue/);
    const { version: _dropped, ...unversioned } = artifact.manifest;
    expect(SearchIndex.outdatedReason(unversioned)).toMatch(/index version \(none\)/);
    expect(SearchIndex.outdatedReason({ ...artifact.manifest, fields: ['title'] })).toMatch(/fields/);
  });
});
