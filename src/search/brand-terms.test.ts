import { describe, expect, it } from 'vitest';
import { BrandTerms } from './brand-terms.ts';
import { SearchEngine } from './search-engine.ts';
import { SearchIndex } from './search-index.ts';

const titled = (titles: string[]) => titles.map((title, i) => ({ id: `p${i}`, title }));

describe('BrandTerms', () => {
  it('learns brands as the words titles open with, and forgets them when the index changes', () => {
    const index = new SearchIndex();
    index.upsert(
      titled([
        'Acme 30 in. Electric Range',
        'Acme Gas Range in White',
        'Acme Dishwasher',
        'Range Hood by Acme', // acme leads 3 of its 4 titles: 0.75
        'Zenith Wood Stove',
        'Zenith Pellet Stove',
        'Zenith Stove Pipe',
        'Solo Widget', // leads its only title: too rare to be a brand
      ]),
    );
    const brands = new BrandTerms(index);
    const id = (w: string) => index.termId(index.analyze(w)[0] as string) as number;
    expect(brands.leadShare(id('acme'))).toBeCloseTo(0.75, 6);
    expect(brands.leadShare(id('zenith'))).toBe(1);
    expect(brands.leadShare(id('stove'))).toBe(0);
    expect(brands.leadShare(id('range'))).toBeCloseTo(1 / 3, 6);
    expect(brands.isBrand(id('zenith'))).toBe(true);
    expect(brands.isBrand(id('acme'))).toBe(false);
    expect(brands.isBrand(id('solo'))).toBe(false);
    expect(brands.isBrand(id('stove'))).toBe(false);
    index.upsert([{ id: 'new', title: 'Acme Toaster' }]);
    expect(brands.leadShare(id('acme'))).toBeCloseTo(0.8, 6);
    expect(brands.isBrand(id('acme'))).toBe(true);
  });
});

describe('SearchEngine recall stage: brands', () => {
  // Query `zenith stove`: no title has both words. The head is the best single match; below it, Zenith's products
  // (which lack `stove`) should come before other makers' stoves once brandMissing is on.
  const titles = [
    'Zenith Electric Range', // 0
    'Zenith Gas Range', // 1
    'Zenith Range Hood', // 2
    'Pellet Stove', // 3
    'Wood Stove', // 4
    'Camping Stove', // 5
    'Stove Pipe', // 6
    'Zenith Dishwasher Rack Assembly With Long Title', // 7
  ];
  const index = new SearchIndex();
  index.upsert(titled(titles));
  const rank = (engine: SearchEngine) => {
    // The stage runs with associations on, but none is learned (minimum 1,000 items), and WordNet's stove = range is
    // off, so only the brand rule acts.
    const s = engine.textScores('zenith stove', { feedback: false, wordnet: false }).scored.scores;
    return Array.from({ length: index.slots }, (_, i) => i)
      .filter((i) => (s[i] as number) > 0)
      .sort((a, b) => (s[b] as number) - (s[a] as number) || a - b);
  };

  it('ranks the named brand ahead of other brands below the head, and leaves the head alone', () => {
    const off = rank(new SearchEngine(index, { recallStage: { head: 1, associationMinDocs: 1000, brandMissing: 0 } }));
    const on = rank(new SearchEngine(index, { recallStage: { head: 1, associationMinDocs: 1000, brandMissing: 0.5 } }));
    expect(on[0]).toBe(off[0]);
    expect(new Set(on)).toEqual(new Set(off));
    // `stove` is rarer than `zenith` here, so plain BM25 puts the stoves first.
    expect(off.slice(1, 4).every((d) => d >= 3 && d <= 6)).toBe(true);
    const zenith = [0, 1, 2, 7].filter((d) => d !== on[0]);
    expect(on.slice(1, 1 + zenith.length).sort()).toEqual(zenith.sort());
  });
});
