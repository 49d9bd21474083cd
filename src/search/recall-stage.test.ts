import { describe, expect, it } from 'vitest';
import { feedbackTerms } from './recall-stage.ts';
import { SearchEngine } from './search-engine.ts';
import { SearchIndex } from './search-index.ts';
import { TermAssociations } from './term-associations.ts';

const titled = (titles: string[]) => titles.map((title, i) => ({ id: `p${i}`, title }));

/** Slots sorted by score (ties by slot), as the evaluation ranks them. */
function ranking(scores: Float64Array, slots: number): number[] {
  return Array.from({ length: slots }, (_, i) => i)
    .filter((i) => (scores[i] as number) > 0)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

describe('SearchIndex.scoreGroupsFor', () => {
  it('gives the same scores and match counts as scoreGroups on the chosen slots (walk and binary-search paths)', () => {
    const words = ['steel', 'hood', 'range', 'black', 'white', 'kitchen', 'filter', 'coat'];
    const titles = Array.from({ length: 300 }, (_, i) => `${words[i % 8]} ${words[(i * 3) % 8]} ${words[(i * 5 + 1) % 8]} item${i % 17}`);
    const index = new SearchIndex();
    index.upsert(titled(titles));
    const groups = [
      [{ term: 'steel', weight: 1 }, { term: 'white', weight: 0.4 }],
      [{ term: 'hood', weight: 1 }],
      [{ term: 'item3', weight: 0.7 }],
    ];
    const full = index.scoreGroups(groups);
    for (const slots of [Int32Array.from([1, 2, 5, 40, 41, 299]), Int32Array.from({ length: 150 }, (_, i) => i * 2)]) {
      const scores = new Float64Array(slots.length);
      const matched = new Uint8Array(slots.length);
      index.scoreGroupsFor(groups, slots, scores, matched);
      slots.forEach((s, j) => {
        expect(scores[j]).toBeCloseTo(full.scores[s] as number, 12);
        expect(matched[j]).toBe(full.matched[s]);
      });
    }
  });
});

describe('TermAssociations', () => {
  it('ranks the words that predict a term by P(term | word) and forgets them when the index changes', () => {
    const titles = [
      ...Array.from({ length: 6 }, (_, i) => `Kitchen Range Hood model ${i}`),
      ...Array.from({ length: 2 }, (_, i) => `Range Cooker model ${i}`),
      ...Array.from({ length: 4 }, (_, i) => `Kitchen Sink Faucet model ${i}`),
      ...Array.from({ length: 4 }, (_, i) => `Bathroom Sink model ${i}`),
    ];
    const index = new SearchIndex();
    index.upsert(titled(titles));
    const assoc = new TermAssociations(index, { minDocFreq: 2, minCooccurrence: 2 });
    const kitchen = index.termId('kitchen') as number;
    const got = assoc.predictors(kitchen).map((a) => [index.termAt(a.termId), Math.round(a.probability * 1000) / 1000]);
    // hood and faucet only occur with kitchen (P = 1); range 6 of 8; sink 4 of 8; model 10 of 16.
    expect(got).toEqual([
      [index.termAt(index.termId('hood') as number), 1],
      ['faucet', 1],
      ['rang', 0.75],
      ['model', 0.625],
      ['sink', 0.5],
    ].sort((a, b) => (b[1] as number) - (a[1] as number) || (index.termId(a[0] as string) as number) - (index.termId(b[0] as string) as number)));
    expect(assoc.predictors(index.termId('0') ?? -1)).toEqual([]);
    index.upsert(titled(['Kitchen Island Cart']).map((x) => ({ ...x, id: 'new' })));
    expect(assoc.predictors(kitchen).find((a) => index.termAt(a.termId) === 'hood')?.probability).toBe(1);
    expect(assoc.predictors(kitchen).find((a) => index.termAt(a.termId) === 'model')?.probability).toBeCloseTo(10 / 16, 9);
  });
});

describe('feedbackTerms', () => {
  it('weights the words of the best results by their score share and leaves out query terms', () => {
    const index = new SearchIndex();
    index.upsert(titled(['Range Hood Black', 'Range Hood Steel', 'Rain Coat']));
    const scores = new Float64Array([3, 1, 0]);
    const terms = feedbackTerms(index, [0, 1], scores, new Set(['hood']), 5);
    expect(terms[0]).toEqual({ term: 'rang', weight: 1 });
    expect(terms.map((t) => t.term)).toEqual(['rang', 'black', 'steel']);
    expect(terms[1]?.weight).toBeCloseTo(3 / 4, 9);
    expect(terms[2]?.weight).toBeCloseTo(1 / 4, 9);
  });
});

describe('SearchEngine recall stage', () => {
  const titles = [
    'Kitchen Range Hood', // 0: both query words
    'Kitchen Range Hood Black', // 1: both query words
    'Hooded Rain Coat', // 2: hood only, nothing kitchen-like
    'Range Hood Filter', // 3: hood only, but "range" predicts kitchen and is a feedback word
    ...Array.from({ length: 6 }, (_, i) => `Kitchen Range Cooker ${i}`),
  ];
  const index = new SearchIndex();
  index.upsert(titled(titles));
  const engine = new SearchEngine(index, { recallStage: { head: 2, associationMinDocs: 2 } });

  it('keeps the head, re-orders the tail by associations and feedback, and leaves match counts alone', () => {
    const off = engine.textScores('kitchen hood', { feedback: false, associations: false }).scored;
    const offRank = ranking(off.scores, index.slots);
    const offMatched = Array.from(off.matched.subarray(0, index.slots));
    expect(offRank.slice(0, 2)).toEqual([0, 1]);
    expect(offRank.indexOf(2)).toBeLessThan(offRank.indexOf(3));

    const on = engine.textScores('kitchen hood').scored;
    const onRank = ranking(on.scores, index.slots);
    expect(onRank.slice(0, 2)).toEqual([0, 1]);
    expect(onRank.indexOf(3)).toBeLessThan(onRank.indexOf(2));
    expect(Array.from(on.matched.subarray(0, index.slots))).toEqual(offMatched);
    expect(new Set(onRank)).toEqual(new Set(offRank));
    for (const [name, o] of [['associations only', { feedback: false }], ['feedback only', { associations: false }]] as const) {
      const r = ranking(engine.textScores('kitchen hood', o).scored.scores, index.slots);
      expect(r.slice(0, 2), name).toEqual([0, 1]);
      expect(r.indexOf(3), name).toBeLessThan(r.indexOf(2));
    }
  });

  it('in search(), re-orders only products that match every query word and shows no others', () => {
    const strict = new SearchEngine(index, { recallStage: { head: 1, associationMinDocs: 2 } });
    const res = strict.search({ q: 'kitchen range', facets: false, highlight: false });
    expect(res.total).toBe(8);
    expect(res.hits.every((h) => /kitchen range/i.test(h.title))).toBe(true);
    const off = strict.search({ q: 'kitchen range', facets: false, highlight: false }, {}, { feedback: false, associations: false });
    expect(res.hits[0]?.id).toBe(off.hits[0]?.id);
    expect(new Set(res.hits.map((h) => h.id))).toEqual(new Set(off.hits.map((h) => h.id)));
  });

  it('is skipped for search-as-you-type', () => {
    const typed = ranking(engine.textScores('kitchen hood', { prefixLast: true }).scored.scores, index.slots);
    expect(typed.indexOf(2)).toBeLessThan(typed.indexOf(3));
  });
});
