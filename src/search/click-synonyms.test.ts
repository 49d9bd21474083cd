import { describe, expect, it } from 'vitest';
import { learnClickSynonyms } from './click-synonyms.ts';
import { SearchEngine } from './search-engine.ts';
import { SearchIndex } from './search-index.ts';

/** 100 filler products with "with" in every title, plus cooktops, a drill and a hob kettle. */
function catalogue(): SearchIndex {
  const index = new SearchIndex();
  const items = [
    { id: 'r1', title: 'GE 30 in. Gas Cooktop with Self-Cleaning Oven' },
    { id: 'r2', title: 'Whirlpool Electric Cooktop with Convection' },
    { id: 'r3', title: 'Samsung Slide-In Gas Cooktop with Air Fry' },
    { id: 'r4', title: 'Frigidaire Freestanding Electric Cooktop with Griddle' },
    { id: 'k1', title: 'Hob Top Kettle with Whistle' },
    { id: 'd1', title: 'Cordless Drill with Battery' },
  ];
  for (let i = 0; i < 100; i++) items.push({ id: `f${i}`, title: `Garden Hose ${i} ft. with Nozzle` });
  index.upsert(items);
  return index;
}

describe('learnClickSynonyms', () => {
  it('learns what titles call a query word from clicks on multi-word queries, and not words every title has', () => {
    const log = [
      { query: 'gas hob', clicked: ['r1', 'r3'] },
      { query: '30 inch electric hob', clicked: ['r2', 'r4'] },
      { query: 'hob', clicked: ['r1'] },
    ];
    const synonyms = learnClickSynonyms(catalogue(), log);
    const hob = synonyms.get('hob') ?? [];
    expect(hob[0]?.word).toBe('cooktop');
    expect(hob[0]?.weight).toBeCloseTo(0.7);
    // "with" is in every clicked title but also in every other title: no lift.
    expect(hob.map((s) => s.word)).not.toContain('with');
    // "gas"/"electric" were in their own titles, so nothing is learned for them.
    expect(synonyms.has('gas')).toBe(false);
    expect(synonyms.has('electric')).toBe(false);
  });

  it('needs minClicks clicked titles', () => {
    const log = [{ query: 'gas hob', clicked: ['r1', 'r3'] }];
    expect(learnClickSynonyms(catalogue(), log).has('hob')).toBe(false);
    expect(learnClickSynonyms(catalogue(), log, { minClicks: 2 }).get('hob')?.[0]?.word).toBe('cooktop');
  });

  it('ignores clicks on unknown ids and queries without words', () => {
    const log = [
      { query: 'hob', clicked: ['nope', 'r1', 'r2'] },
      { query: '30 40', clicked: ['r2'] },
    ];
    const synonyms = learnClickSynonyms(catalogue(), log, { minClicks: 2 });
    expect([...synonyms.keys()]).toEqual(['hob']);
    expect(synonyms.get('hob')?.map((s) => s.word)).toEqual(['cooktop']);
  });

  it('lets a search for the query word find the products it learned, ranked after literal matches', () => {
    const index = catalogue();
    const engine = new SearchEngine(index);
    expect(engine.search({ q: 'hob' }).hits.map((h) => h.id)).toEqual(['k1']);
    engine.expander.synonyms = learnClickSynonyms(index, [
      { query: 'gas hob', clicked: ['r1', 'r3'] },
      { query: 'electric hob', clicked: ['r2', 'r4'] },
    ]);
    const ids = engine.search({ q: 'hob' }).hits.map((h) => h.id);
    expect(ids[0]).toBe('k1');
    expect(ids.slice(1).sort()).toEqual(['r1', 'r2', 'r3', 'r4']);
  });

  it('never learns a maker\'s name: the item\'s brand words, or a leading brand word of the catalogue', () => {
    const index = new SearchIndex();
    const items = [
      { id: 'a1', title: 'Summit Supply Insulated Bottle', attrs: { brand: 'Summit Supply' } },
      { id: 'a2', title: 'Summit Supply Insulated Flask', attrs: { brand: 'Summit Supply' } },
      { id: 'a3', title: 'Summit Supply Insulated Jug', attrs: { brand: 'Summit Supply' } },
      { id: 'b1', title: 'Glowe Lip Tint' },
      { id: 'b2', title: 'Glowe Lip Gloss' },
      { id: 'b3', title: 'Glowe Lip Balm' },
    ];
    for (let i = 0; i < 100; i++) items.push({ id: `f${i}`, title: `Garden Hose ${i} ft.` });
    index.upsert(items);
    const synonyms = learnClickSynonyms(index, [
      { query: 'water bottle', clicked: ['a1', 'a2', 'a3'] },
      { query: 'lipstick', clicked: ['b1', 'b2', 'b3'] },
    ]);
    expect(synonyms.get('water')?.map((s) => s.word)).toEqual(['insulated']);
    expect(synonyms.get('lipstick')?.map((s) => s.word)).toEqual(['lip']);
  });
});
