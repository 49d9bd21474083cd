import { describe, expect, it } from 'vitest';
import { SearchEngine } from './search-engine.ts';
import { SearchIndex } from './search-index.ts';
import { wordnetSynonyms } from './wordnet-synonyms.ts';
import { WORDNET_ARTIFACT_SYNSETS } from './wordnet-synonyms.data.ts';
import { analyzeWord } from './tokenizer.ts';

describe('wordnetSynonyms', () => {
  it('ships product-noun synsets and keeps only synonyms the catalogue uses, keyed by term', () => {
    expect(WORDNET_ARTIFACT_SYNSETS.split('\n')).toContain('range stove');
    const catalogue = new Set(['ranges', 'sofa'].map((w) => analyzeWord(w))); // a plural in titles still counts
    const map = wordnetSynonyms((t) => catalogue.has(t), (w) => analyzeWord(w));
    expect(map.get(analyzeWord('stove'))).toEqual(['range']);
    expect(map.get(analyzeWord('couch'))).toEqual(['sofa']); // lounge is not in the catalogue
    expect(map.has(analyzeWord('range'))).toBe(false); // stove is not in the catalogue either
  });
});

describe('built-in synonyms in search', () => {
  const index = new SearchIndex();
  index.upsert([
    { id: 'r1', title: 'GE 30 in. Gas Range' },
    { id: 'k1', title: 'Stove Top Kettle' },
    { id: 'h1', title: 'Garden Hose' },
  ]);
  it('finds ranges for "stoves" after the literal stove match, and not with wordnet off', () => {
    const engine = new SearchEngine(index);
    expect(engine.search({ q: 'stoves' }).hits.map((h) => h.id)).toEqual(['k1', 'r1']);
    expect(engine.search({ q: 'stoves' }, {}, { wordnet: false }).hits.map((h) => h.id)).toEqual(['k1']);
    expect(engine.search({ q: 'stoves' }, {}, { synonyms: false }).hits.map((h) => h.id)).toEqual(['k1']);
  });
});

describe('explaining synonyms', () => {
  it('says in understood which synonyms a search used and where they came from', () => {
    const index = new SearchIndex();
    index.upsert([{ id: 'r1', title: 'Gas Range' }, { id: 's1', title: 'Corner Sofa' }, { id: 'm1', title: 'Oak Moulding' }, { id: 'm2', title: 'Pine Molding' }]);
    const engine = new SearchEngine(index);
    expect(engine.search({ q: 'stove' }).understood).toEqual(['stove also matches range (WordNet synonym)']);
    expect(engine.search({ q: 'moulding' }).understood).toEqual(['moulding also matches molding (spelling variant)']);
    engine.expander.synonyms = new Map([['settee', [{ word: 'sofa', weight: 1 }]]]);
    expect(engine.search({ q: 'settee' }).understood).toEqual(['settee also matches sofa (synonym rule)']);
  });
});
