import { describe, expect, it } from 'vitest';
import type { Item } from '../core/schemas/index.ts';
import { parseConstraints, buildValueDictionary } from './constraints.ts';
import { learnSpellingVariants, parseSynonyms } from './query-expansion.ts';
import { examinationPropensity, learnClickModel } from './ranking.ts';
import { parseFilterString, SearchEngine } from './search-engine.ts';
import { SearchIndex } from './search-index.ts';
import { editDistance, maxEditsFor, TypoCorrector } from './typo.ts';

const catalogue: Item[] = [
  { id: 'br1', title: 'Simpson Strong-Tie 12-Gauge Angle Bracket', category: 'Hardware > Brackets', price: 4, attrs: { brand: 'Simpson', color: 'Silver' } },
  { id: 'br2', title: 'Everbilt Zinc Corner Brace', category: 'Hardware > Brackets', price: 3, attrs: { brand: 'Everbilt', color: 'Silver' } },
  { id: 'sh1', title: 'Hampton Bay Bamboo Rollup Shade - 96 in. W x 72 in. L', category: 'Home > Window > Shades', price: 45, attrs: { brand: 'Hampton Bay', color: 'Natural' } },
  { id: 'sh2', title: 'Bamboo Roman Shade 48 in. W', category: 'Home > Window > Shades', price: 120, attrs: { brand: 'Hampton Bay', color: 'Brown' } },
  { id: 'dr1', title: 'DEWALT 20-Volt Cordless Drill', category: 'Tools > Power Tools > Drills', price: 99, inStock: true, attrs: { brand: 'DEWALT', color: 'Yellow' } },
  { id: 'dr2', title: 'Makita 18-Volt Cordless Drill', category: 'Tools > Power Tools > Drills', price: 129, inStock: false, attrs: { brand: 'Makita', color: 'Blue' } },
  { id: 'dr3', title: 'Red Cordless Drill Kit', category: 'Tools > Power Tools > Drills', price: 45, attrs: { brand: 'Ryobi', color: 'Red' }, description: 'A light drill with a red case and two batteries.' },
  { id: 'pt1', title: 'BEHR Premium DeckOver 1 gal. Wood Coating', category: 'Paint > Exterior', price: 35, attrs: { brand: 'BEHR', color: 'Brown' } },
  { id: 'pp1', title: '1/2 in. Copper Pipe 10 ft.', category: 'Plumbing > Pipe', price: 25, attrs: { brand: 'Mueller', color: 'Copper' } },
  { id: 'cn1', title: '不锈钢水槽 厨房', category: 'Kitchen > Sinks', price: 80, attrs: { brand: 'Acme', color: 'Steel' } },
];

function engine(): SearchEngine {
  const index = new SearchIndex();
  index.upsert(catalogue);
  return new SearchEngine(index);
}
const ids = (r: { hits: { id: string }[] }) => r.hits.map((h) => h.id);

describe('typo tolerance', () => {
  it('computes restricted Damerau–Levenshtein distance with a cap', () => {
    expect(editDistance('bracket', 'bracket', 2)).toBe(0);
    expect(editDistance('brakcet', 'bracket', 2)).toBe(1); // transposition
    expect(editDistance('brcket', 'bracket', 2)).toBe(1);
    expect(editDistance('bracket', 'blanket', 1)).toBe(2); // capped at max + 1
    expect([maxEditsFor(3), maxEditsFor(5), maxEditsFor(9)]).toEqual([0, 1, 2]);
  });

  it('corrects by word length, closest then most frequent', () => {
    const c = new TypoCorrector(new Map([['drill', 5], ['drywall', 3], ['grill', 1], ['cordless', 4]]));
    expect(c.corrections('dril')[0]?.word).toBe('drill');
    expect(c.corrections('cordlss')[0]?.word).toBe('cordless');
    expect(c.corrections('dri')).toEqual([]); // 3 letters: no edits allowed
  });

  it('finds products despite typos and says what it meant', () => {
    const r = engine().search({ q: 'cordles dril' });
    expect(ids(r).slice(0, 3).sort()).toEqual(['dr1', 'dr2', 'dr3']);
    expect(r.didYouMean).toBe('cordless drill');
  });

  it('splits run-together words and joins split ones', () => {
    const e = engine();
    expect(ids(e.search({ q: 'bambooshade' }))[0]).toMatch(/^sh/);
    expect(ids(e.search({ q: 'deck over coating' }))[0]).toBe('pt1');
  });

  it('completes the last word when searching as you type', () => {
    const e = engine();
    expect(e.search({ q: 'cordless dri', prefix: true }).total).toBe(3);
    expect(e.search({ q: 'bamb', prefix: true }).hits[0]?.id).toMatch(/^sh/);
    const ac = e.autocomplete('bam');
    expect(ac.words).toContain('bamboo');
    expect(ac.items.map((i) => i.id)).toContain('sh1');
  });
});

describe('units, numbers and CJK', () => {
  it('matches units written differently in query and title', () => {
    expect(ids(engine().search({ q: 'bamboo shade 96"' }))[0]).toBe('sh1');
    expect(ids(engine().search({ q: 'bamboo shade 96 inch' }))[0]).toBe('sh1');
    expect(ids(engine().search({ q: '12 gauge bracket' }))[0]).toBe('br1');
    expect(ids(engine().search({ q: '0.5 inch copper pipe' }))[0]).toBe('pp1');
  });

  it('finds Chinese text and highlights the matched word inside an unspaced run', () => {
    const r = engine().search({ q: '水槽' });
    expect(ids(r)).toEqual(['cn1']);
    expect(r.hits[0]?.highlights?.title).toContain('<em>水槽</em>');
  });
});

describe('constraints', () => {
  it('parses price constraints in many spellings', () => {
    expect(parseConstraints('drill under 50').filters).toEqual([{ field: 'price', max: 50 }]);
    expect(parseConstraints('drill < $30').filters).toEqual([{ field: 'price', max: 30 }]);
    expect(parseConstraints('drill over 100 dollars').filters).toEqual([{ field: 'price', min: 100 }]);
    expect(parseConstraints('drill 50-100').filters).toEqual([{ field: 'price', min: 50, max: 100 }]);
    expect(parseConstraints('drill $20 to $40').filters).toEqual([{ field: 'price', min: 20, max: 40 }]);
    expect(parseConstraints('between 10 and 20 lamp').filters).toEqual([{ field: 'price', min: 10, max: 20 }]);
    expect(parseConstraints('drill under 50').text).toBe('drill');
  });

  it('leaves numbers that are not prices alone', () => {
    expect(parseConstraints('12-2 wire').filters).toEqual([]);
    expect(parseConstraints('2-3 ton ac').filters).toEqual([]);
    expect(parseConstraints('10-50 ft hose').filters).toEqual([]);
    expect(parseConstraints('under 50 ft hose').filters).toEqual([]);
  });

  it('turns catalogue attribute values and brands into filters', () => {
    const dict = buildValueDictionary([{ brand: 'Hampton Bay', attrs: { color: 'Red' } }, { brand: 'DEWALT', attrs: { color: 'Blue' } }]);
    const p = parseConstraints('red hampton bay lamp', dict);
    expect(p.filters).toEqual(expect.arrayContaining([{ field: 'brand', values: ['Hampton Bay'] }, { field: 'color', values: ['Red'] }]));
    expect(p.text).toBe('lamp');
  });

  it('applies parsed constraints as filters in a search', () => {
    const e = engine();
    const r = e.search({ q: 'cordless drill under 100' });
    expect(ids(r).sort()).toEqual(['dr1', 'dr3']);
    expect(r.understood).toContain('price ≤ 100');
    const red = e.search({ q: 'red drill' });
    expect(ids(red)).toEqual(['dr3']);
    const brand = e.search({ q: 'makita drill' });
    expect(ids(brand)).toEqual(['dr2']);
    expect(brand.filters).toEqual([{ field: 'brand', values: ['Makita'] }]);
  });
});

describe('results', () => {
  it('returns disjunctive facets with counts', () => {
    const r = engine().search({ q: 'drill', filters: [{ field: 'brand', values: ['DEWALT'] }] });
    expect(ids(r)).toEqual(['dr1']);
    expect(r.facets?.brand).toEqual([
      { value: 'DEWALT', count: 1 },
      { value: 'Makita', count: 1 },
      { value: 'Ryobi', count: 1 },
    ]);
    expect(r.facets?.category).toContainEqual({ value: 'Tools > Power Tools > Drills', count: 1 });
    expect(r.facets?.price).toEqual([{ from: 50, to: 100, count: 1 }]);
    expect(r.facets?.attrs['color']).toEqual([{ value: 'Yellow', count: 1 }]);
  });

  it('filters, sorts and paginates', () => {
    const e = engine();
    const byPrice = e.search({ q: 'drill', sort: 'price_asc', parseConstraints: false });
    expect(ids(byPrice)).toEqual(['dr3', 'dr1', 'dr2']);
    expect(ids(e.search({ q: 'drill', sort: 'price_desc' }))).toEqual(['dr2', 'dr1', 'dr3']);
    const p2 = e.search({ q: 'drill', sort: 'price_asc', page: 2, pageSize: 2 });
    expect(ids(p2)).toEqual(['dr2']);
    expect(p2.total).toBe(3);
    expect(ids(e.search({ q: 'drill', filters: parseFilterString('price:40..100;inStock:true') })).sort()).toEqual(['dr1', 'dr3']);
    expect(ids(e.search({ q: 'drill', filters: parseFilterString('category:Tools > Power Tools;color:Blue') }))).toEqual(['dr2']);
    expect(ids(e.search({ q: '', filters: parseFilterString('category:Hardware') })).sort()).toEqual(['br1', 'br2']);
  });

  it('highlights matched words and escapes HTML', () => {
    const r = engine().search({ q: 'cordless drills' });
    expect(r.hits[0]?.highlights?.title).toMatch(/<em>Cordless<\/em> <em>Drill<\/em>/);
    const e = engine();
    expect(e.highlight('Drill <b>', new Set(['drill']))).toBe('<em>Drill</em> &lt;b&gt;');
  });

  it('recovers from zero results: relax terms, then trending', () => {
    const e = engine();
    const relaxed = e.search({ q: 'cordless drill unicorn' });
    expect(relaxed.recovery).toBe('relaxed');
    expect(relaxed.total).toBe(3);
    e.signals.popularity.set('sh1', 1);
    const trending = e.search({ q: 'zzqx' });
    expect(trending.recovery).toBe('trending');
    expect(ids(trending)).toEqual(['sh1']);
  });

  it('gives every response a searchId and rejects bad input clearly', () => {
    const e = engine();
    const a = e.search({ q: 'drill' });
    const b = e.search({ q: 'drill' });
    expect(a.searchId).toMatch(/^s_/);
    expect(a.searchId).not.toBe(b.searchId);
    expect(() => e.search({ q: '   ' })).toThrow(/`q`: must not be empty/);
    expect(() => e.search({ q: 'x'.repeat(10_000) })).toThrow(/`q`: at most 512/);
    expect(() => e.search({ q: 'drill', filters: [{ field: 'flavour', values: ['mint'] }] })).toThrow(/unknown filter field "flavour"/);
    expect(() => parseFilterString('brand')).toThrow(/not field:value/);
  });

  it('learns British/American spelling variants that both occur in the catalogue', () => {
    const vocab = new Map(['moulding', 'molding', 'colour', 'color', 'grey', 'gray', 'four', 'for', 'pour', 'scoring', 'scouring', 'harbour'].map((w) => [w, 1]));
    const m = learnSpellingVariants(vocab);
    expect(m.get('moulding')).toEqual([{ word: 'molding', weight: 0.9 }]);
    expect(m.get('color')).toEqual([{ word: 'colour', weight: 0.9 }]);
    expect(m.get('grey')).toEqual([{ word: 'gray', weight: 0.9 }]);
    for (const w of ['four', 'for', 'pour', 'scoring', 'harbour']) expect(m.has(w)).toBe(false);
    const index = new SearchIndex();
    index.upsert([{ id: 'm1', title: 'Pine Crown Moulding' }, { id: 'm2', title: 'MDF Base Molding' }]);
    expect(ids(new SearchEngine(index).search({ q: 'molding' })).sort()).toEqual(['m1', 'm2']);
  });

  it('infers category intent and uses configured synonyms', () => {
    const index = new SearchIndex();
    index.upsert(catalogue);
    const e = new SearchEngine(index, { synonyms: parseSynonyms(['blind => shade']) });
    const r = e.search({ q: 'bamboo blind' });
    expect(ids(r)[0]).toMatch(/^sh/);
    expect(r.categoryIntent[0]?.value).toBe('Home > Window > Shades');
  });
});

describe('ranking signals', () => {
  it('rewards query words that stand next to each other in the title', () => {
    const index = new SearchIndex();
    index.upsert([
      { id: 'apart', title: 'Angle grinder with mounting bracket' },
      { id: 'together', title: 'Steel angle bracket for shelving units' },
    ]);
    const plain = new SearchEngine(index, { weights: { proximity: 0 } }).textScores('angle bracket').scored.scores;
    const withProximity = new SearchEngine(index).textScores('angle bracket').scored.scores;
    const a = index.slotOfId('apart') as number;
    const t = index.slotOfId('together') as number;
    expect(withProximity[a]).toBeCloseTo(plain[a] as number, 12);
    expect((withProximity[t] as number) - (plain[t] as number)).toBeCloseTo(0.1 * Math.max(plain[a] as number, plain[t] as number), 9);
  });

  it('learns click-through with position-bias correction', () => {
    expect(examinationPropensity(1)).toBe(1);
    expect(examinationPropensity(4)).toBe(0.25);
    const model = learnClickModel([
      { query: 'Drill', items: ['dr1', 'dr2', 'dr3'], clicked: new Set(['dr3']) },
      { query: 'drill ', items: ['dr1', 'dr2', 'dr3'], clicked: new Set(['dr1']) },
    ]);
    const m = model.get('drill');
    // One click each, but dr3 was seen at rank 3 (less examined): it earns more credit.
    expect(m?.get('dr3')).toBe(1);
    expect(m?.get('dr1')).toBeLessThan(1);
    expect(m?.has('dr2')).toBe(false);
    // A click on page 2 (rank 11) is credited as a rank-11 impression.
    const paged = learnClickModel([
      { query: 'q', items: ['x'], clicked: new Set(['x']), offset: 10 },
      { query: 'q', items: ['y'], clicked: new Set(['y']) },
    ]).get('q');
    expect(paged?.get('x')).toBe(1);
    expect(paged?.get('y')).toBeCloseTo(0.5 / (11 / 12), 9); // ctr_y = 1/2, best ctr_x = 1/(1/11 + 1)
  });

  it('moves clicked, popular and in-stock items up', () => {
    const e = engine();
    const base = ids(e.search({ q: 'cordless drill' }));
    const last = base[base.length - 1] as string;
    e.clicks = new Map([['cordless drill', new Map([[last, 1]])]]);
    expect(ids(e.search({ q: 'cordless drill' }))[0]).toBe(last);
  });

  it('personalises by category and brand affinity', () => {
    const e = engine();
    const r = e.search({ q: 'cordless drill' }, { user: { categories: new Map(), brands: new Map([['Ryobi', 1]]) } });
    expect(ids(r)[0]).toBe('dr3');
  });

  it('fuses a vector ranking by reciprocal rank', () => {
    const e = engine();
    const r = e.search({ q: 'cordless drill' }, { vectorRanking: ['dr2', 'sh1'] });
    expect(ids(r)[0]).toBe('dr2');
    expect(ids(r)).toContain('sh1');
  });
});
