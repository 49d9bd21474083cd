import { describe, expect, it } from 'vitest';
import { analyze, numberValue, referenceTokens, words } from './tokenizer.ts';

describe('tokenizer', () => {
  it('stems plurals and inflections and drops stop words', () => {
    expect(analyze('The brackets for shelves')).toEqual(['bracket', 'shelf']);
    expect(analyze('bracket shelf')).toEqual(['bracket', 'shelf']);
    expect(analyze('Running lights')).toEqual(analyze('run light'));
    expect(analyze('running', { stem: false })).toEqual(['running']);
    expect(analyze('the lamp', { stopWords: false })).toEqual(['the', 'lamp']);
  });

  it('merges the -ves plurals and -en adjectives Porter2 leaves apart', () => {
    expect(analyze('shelves')).toEqual(analyze('shelf'));
    expect(analyze('wall shelving')).toEqual(analyze('wall shelf'));
    expect(analyze('Knives')).toEqual(analyze('knife'));
    expect(analyze('wooden')).toEqual(['wood']);
    expect(analyze('valves gloves')).toEqual(['valv', 'glove']);
    expect(analyze('wooden', { stem: false })).toEqual(['wooden']);
  });

  it('glues numbers to units in every common spelling', () => {
    for (const t of ['96 in.', '96in', '96"', '96 inch', '96 inches', '96-inch']) expect(words(t)).toEqual(['96in', '96']);
    expect(words('12-Gauge wire')).toEqual(['12ga', '12', 'wire']);
    expect(words('8 ft. ladder')).toEqual(['8ft', '8', 'ladder']);
    expect(words("8' ladder")).toEqual(['8ft', '8', 'ladder']);
    expect(words('1 gal. paint')).toEqual(['1gal', '1', 'paint']);
    expect(words('5 gallon bucket')).toEqual(['5gal', '5', 'bucket']);
  });

  it('reads fractions and mixed numbers as decimals, only when they are fractions', () => {
    expect(words('1/2" copper pipe')).toEqual(['0.5in', '0.5', 'copper', 'pipe']);
    expect(words('1-1/2 in. PVC')).toEqual(['1.5in', '1.5', 'pvc']);
    expect(words('5/8 in. drywall')).toEqual(['0.625in', '0.625', 'drywall']);
    expect(words('window 35/28')).toEqual(['window', '35', '28']);
    expect(numberValue('3/4')).toBe(0.75);
    expect(numberValue('2 1/4')).toBe(2.25);
  });

  it('reads mixed numbers without a unit as one decimal, so `1 1/2` meets `1-1/2 in.`', () => {
    expect(words('1 1/2 gr nail')).toEqual(['1.5', 'gr', 'nail']);
    expect(words('ball 1-7/8')).toEqual(['ball', '1.875']);
    expect(words('4 1/2 x 9 1/2 plinth block')).toEqual(['4.5', 'x', '9.5', 'plinth', 'block']);
    expect(analyze('1 1/2 coupling')[0]).toBe(analyze('1-1/2 in. Coupling')[1]);
    expect(words('16/3 wire')).toEqual(['16', '3', 'wire']);
  });

  it('drops thousands separators but keeps a decimal comma', () => {
    expect(words('5,000 BTU Window Air Conditioner').slice(0, 2)).toEqual(['5000btu', '5000']);
    expect(words('1,250,000 and 1,000, 2,000')).toEqual(['1250000', 'and', '1000', '2000']);
    expect(words('2,5 mm')).toEqual(['2.5mm', '2.5']);
  });

  it('decodes HTML character references left in catalogue text', () => {
    expect(words('Builder&#39;s Choice Tube &amp; Conduit')).toEqual(['builder', 'choice', 'tube', 'conduit']);
    expect(words('8&#39; ladder')).toEqual(['8ft', '8', 'ladder']);
    expect(words('12&quot; ruler')).toEqual(['12in', '12', 'ruler']);
    expect(words('AT&amp;T')).toEqual(words('AT&T'));
  });

  it('splits dimensions and hyphenated words, keeping the join', () => {
    expect(words('2x4 stud')).toEqual(['2', 'x', '4', 'stud']);
    expect(words('Simpson Strong-Tie')).toEqual(['simpson', 'strong', 'tie', 'strongtie']);
    expect(words('deck-over', { joinHyphenated: false })).toEqual(['deck', 'over']);
  });

  it('folds case, diacritics and possessives', () => {
    expect(words("Café CRÈME men's boots")).toEqual(['cafe', 'creme', 'men', 'boots']);
  });

  it('segments Chinese and Japanese text with Intl.Segmenter', () => {
    const zh = words('不锈钢水槽');
    expect(zh.length).toBeGreaterThan(1);
    expect(zh.join('')).toBe('不锈钢水槽');
    expect(analyze('厨房 不锈钢水槽')).toContain('厨房');
    expect(words('ステンレス シンク')).toEqual(['ステンレス', 'シンク']);
  });

  it('reproduces the reference tokens exactly', () => {
    expect(referenceTokens('Simpson Strong-Tie 12-Gauge Angle')).toEqual(['simpson', 'strong', 'tie', '12', 'gauge', 'angle']);
    expect(referenceTokens('Café 1/2"')).toEqual(['caf', '1', '2']);
  });
});
