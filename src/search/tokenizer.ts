/**
 * Text analysis for product search: the same pipeline turns catalogue text and shopper queries into index terms.
 *
 * Steps (each can be switched off for ablations): HTML character references decoded (`&amp;`, `&#39;`: catalogue
 * feeds often carry them); Unicode NFKC + lower case + diacritics folded; thousands separators dropped
 * (`5,000 BTU` → `5000btu`); units glued to their numbers (`96 in.` / `96"` / `96-inch` → `96in`, `12-gauge` →
 * `12ga`, `1/2"` → `0.5in`, `1-1/2 in.` → `1.5in`); mixed numbers without a unit read as one decimal
 * (`1 1/2`, `1-7/8` → `1.5`, `1.875`); dimensions split (`2x4` → `2 4`); hyphenated words give their parts and their join
 * (`strong-tie` → `strong tie strongtie`); CJK runs segmented with `Intl.Segmenter`; English stop words dropped;
 * Porter2 (Snowball English) stemming, so plurals and inflections meet (`brackets` → `bracket`), plus a few merges
 * Porter2 misses (`shelves` → `shelf`, `wooden` → `wood`).
 */
import { stem as porter2 } from 'porter2';

/** Switches of the analysis pipeline; every one defaults to on. */
export interface AnalyzerOptions {
  /** Porter2 stemming of Latin words. */
  stem?: boolean;
  /** Drop English stop words. */
  stopWords?: boolean;
  /** Glue numbers to units and normalise unit spellings. */
  units?: boolean;
  /** Hyphenated words also give their concatenation (`deck-over` → `deckover`). */
  joinHyphenated?: boolean;
}

/** English stop words that carry no product meaning (kept short: `in`, `x`, `on` matter only after unit rewriting). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an and are as at be but by for from has have how i if in into is it its of on or our so that the their then there ' +
    'these this to was we what when where which who will with without you your x w/ w').split(' '),
);

/**
 * Unit spellings → canonical unit token suffix. Longest alternatives first inside each pattern; matching is on
 * lower-cased text. `"` and `''` mean inches, `'` feet.
 */
const UNIT_ALIASES: readonly [RegExp, string][] = [
  [/^(?:inches|inch|in\.?|"|''|”|in)$/, 'in'],
  [/^(?:feet|foot|ft\.?|')$/, 'ft'],
  [/^(?:sq\.?\s*ft\.?|square\s+feet|square\s+foot|sqft|sf)$/, 'sqft'],
  [/^(?:cu\.?\s*ft\.?|cubic\s+feet|cubic\s+foot|cuft)$/, 'cuft'],
  [/^(?:gallons|gallon|gal\.?)$/, 'gal'],
  [/^(?:gauge|ga\.?)$/, 'ga'],
  [/^(?:pounds|pound|lbs\.?|lb\.?)$/, 'lb'],
  [/^(?:ounces|ounce|oz\.?)$/, 'oz'],
  [/^(?:volts|volt|v)$/, 'v'],
  [/^(?:watts|watt|w)$/, 'w'],
  [/^(?:amps|amp|amperes|a)$/, 'amp'],
  [/^(?:millimeters|millimeter|mm)$/, 'mm'],
  [/^(?:centimeters|centimeter|cm)$/, 'cm'],
  [/^(?:meters|meter|m)$/, 'm'],
  [/^(?:yards|yard|yd\.?)$/, 'yd'],
  [/^(?:quarts|quart|qt\.?)$/, 'qt'],
  [/^(?:pints|pint|pt\.?)$/, 'pt'],
  [/^(?:btus|btu)$/, 'btu'],
  [/^(?:psi)$/, 'psi'],
  [/^(?:mph)$/, 'mph'],
  [/^(?:cfm)$/, 'cfm'],
  [/^(?:degrees|degree|deg\.?|°)$/, 'deg'],
  [/^(?:packs|pack|pk\.?|pcs?\.?|pieces|piece|count|ct\.?)$/, 'pk'],
  [/^(?:liters|liter|litres|litre|l)$/, 'l'],
  [/^(?:kg|kilograms|kilogram)$/, 'kg'],
  [/^(?:hp|horsepower)$/, 'hp'],
  [/^(?:tb|gb|mb)$/, ''],
];

// A number (integer, decimal, fraction, mixed number), optional separator, then a unit word or symbol.
const NUMBER = String.raw`(\d+(?:[.,]\d+)?(?:[\s-]+\d+\/\d+)?|\d+\/\d+)`;
const UNIT_WORD = String.raw`(sq\.?\s*ft\.?|square\s+f(?:ee|oo)t|cu\.?\s*ft\.?|cubic\s+f(?:ee|oo)t|[a-z]+\.?|"|''|”|'|°)`;
const NUMBER_UNIT = new RegExp(String.raw`(?<![\p{L}\d.])` + NUMBER + String.raw`\s*-?\s*` + UNIT_WORD + String.raw`(?![\p{L}\d])`, 'gu');
const DIMENSION = /(\d)\s*x\s*(?=\d)/g;
// `5,000` / `1,250,000`: a comma before exactly three digits groups thousands (`2,5` stays a decimal comma).
const THOUSANDS = /(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d]|[.,]\d)/g;
// `1 1/2`, `1-7/8` with no unit after them (those with one are read by NUMBER_UNIT first).
const BARE_MIXED = /(?<![\p{L}\d.\/-])(\d+(?:[\s-]+)\d+\/\d+)(?![\p{L}\d\/])/gu;
const HTML_ENTITY = /&(?:#(\d{1,6})|#x([\da-f]{1,6})|(amp|quot|apos|lt|gt|nbsp));/gi;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: ' ' };
const POSSESSIVE = /(\p{L})['’]s\b/gu;
const DIACRITICS = /\p{M}+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}]+(?:[.\/]\p{N}+[\p{L}\p{N}]*)*(?:-[\p{L}\p{N}]+)*/gu;

let segmenter: Intl.Segmenter | undefined;
const stemCache = new Map<string, string>();

function canonicalUnit(raw: string): string | undefined {
  const u = raw.replace(/\s+/g, ' ').trim();
  for (const [re, out] of UNIT_ALIASES) if (re.test(u)) return out;
  return undefined;
}

/** `1-1/2` → 1.5, `3/4` → 0.75, `2,5` → 2.5; returns the shortest decimal spelling. */
export function numberValue(raw: string): number {
  const mixed = /^(\d+(?:[.,]\d+)?)[\s-]+(\d+)\/(\d+)$/.exec(raw);
  if (mixed) return Number(mixed[1]!.replace(',', '.')) + Number(mixed[2]) / Math.max(1, Number(mixed[3]));
  const frac = /^(\d+)\/(\d+)$/.exec(raw);
  if (frac) return Number(frac[1]) / Math.max(1, Number(frac[2]));
  return Number(raw.replace(',', '.'));
}

/** `3/4`, `5/8`, `15/16`: a proper fraction with a power-of-two denominator (not `35/28` or `24/7`). */
function isFraction(raw: string): boolean {
  const m = /(\d+)\/(\d+)$/.exec(raw);
  if (!m) return true;
  const num = Number(m[1]);
  const den = Number(m[2]);
  return num < den && den <= 64 && (den & (den - 1)) === 0;
}

function numberToken(value: number): string {
  if (!Number.isFinite(value)) return '';
  return String(Math.round(value * 1000) / 1000);
}

/** `&amp;` → `&`, `&#39;` → `'`, `&#x27;` → `'`: the references catalogue exports leave in plain-text titles. */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(HTML_ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = dec !== undefined ? Number(dec) : parseInt(hex as string, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Decodes HTML character references, lower-cases, applies NFKC and folds Latin diacritics (CJK and Hangul untouched). */
export function normalizeText(text: string): string {
  let s = decodeHtmlEntities(text).normalize('NFKC').toLowerCase();
  // Fold diacritics only where there are some: NFD + NFC round trips are not free.
  if (/[\u00c0-\u024f\u1e00-\u1eff]/.test(s)) s = s.normalize('NFD').replace(DIACRITICS, '').normalize('NFC');
  return s;
}

/** Rewrites number+unit spans to single tokens (`96 in.` → ` 96in 96 `); keeps the bare number too. */
function rewriteUnits(s: string): string {
  if (s.includes(',')) s = s.replace(THOUSANDS, (m) => m.replace(/,/g, ''));
  s = s.replace(DIMENSION, '$1 x ');
  s = s.replace(NUMBER_UNIT, (whole, num: string, unit: string) => {
    const canon = canonicalUnit(unit);
    if (canon === undefined || !isFraction(num)) return whole;
    const n = numberToken(numberValue(num));
    if (n === '') return whole;
    return canon === '' ? ` ${n}${unit.replace(/\.$/, '')} ${n} ` : ` ${n}${canon} ${n} `;
  });
  if (!s.includes('/')) return s;
  return s.replace(BARE_MIXED, (whole, num: string) => {
    if (!isFraction(num)) return whole;
    const n = numberToken(numberValue(num));
    return n === '' ? whole : ` ${n} `;
  });
}

/**
 * Stems Porter2 leaves apart although shoppers and titles use them for one thing: `-f`/`-fe` nouns whose plural is
 * `-ves` (`shelves`, `shelving` → `shelv` but `shelf` → `shelf`; `knives` → `knive`) and material adjectives in `-en`
 * (`wooden` vs `wood`). Applied to Porter2's output, so every inflection of either side meets.
 */
const STEM_MERGES: ReadonlyMap<string, string> = new Map([
  ['shelv', 'shelf'],
  ['knive', 'knife'],
  ['leav', 'leaf'],
  ['halv', 'half'],
  ['calv', 'calf'],
  ['wolv', 'wolf'],
  ['scarv', 'scarf'],
  ['loav', 'loaf'],
  ['hoov', 'hoof'],
  ['dwarv', 'dwarf'],
  ['wooden', 'wood'],
  ['woolen', 'wool'],
  ['woollen', 'wool'],
]);

function stemWord(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^[a-z]+$/.test(word) && word.length > 3 ? porter2(word) : word;
    s = STEM_MERGES.get(s) ?? s;
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

function segmentCjk(run: string, out: string[]): void {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  for (const seg of segmenter.segment(run)) {
    if (seg.isWordLike) out.push(seg.segment);
  }
}

/**
 * The words of `text` with their offsets, for highlighting: letter/digit runs, CJK runs cut into `Intl.Segmenter`
 * words (so `无线蓝牙耳机` yields `无线`, `蓝牙`, `耳机` at their own positions).
 */
export function* wordSpans(text: string): Generator<{ word: string; at: number }> {
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const at = m.index ?? 0;
    if (!CJK.test(m[0])) {
      yield { word: m[0], at };
      continue;
    }
    segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
    for (const seg of segmenter.segment(m[0])) if (seg.isWordLike) yield { word: seg.segment, at: at + seg.index };
  }
}

/**
 * Splits text into raw word tokens (before stop words and stemming): units glued, fractions as decimals,
 * hyphenated words split (plus their join when `joinHyphenated`), CJK runs segmented. Exposed for highlighting
 * and query parsing, which need the words the shopper typed.
 */
export function words(text: string, options: AnalyzerOptions = {}): string[] {
  let s = normalizeText(text).replace(POSSESSIVE, '$1');
  if (options.units !== false) s = rewriteUnits(s);
  const out: string[] = [];
  for (const m of s.matchAll(WORD)) {
    const w = m[0];
    if (CJK.test(w)) {
      segmentCjk(w, out);
      continue;
    }
    if (w.includes('-')) {
      const parts = w.split('-').filter((p) => p.length > 0);
      for (const p of parts) pushNumberish(p, out);
      if (options.joinHyphenated !== false && parts.length > 1 && parts.every((p) => /^\p{L}+$/u.test(p))) out.push(parts.join(''));
      continue;
    }
    pushNumberish(w, out);
  }
  return out;
}

function pushNumberish(w: string, out: string[]): void {
  if (/^\d+\/\d+$/.test(w)) {
    if (isFraction(w)) out.push(numberToken(numberValue(w)));
    else out.push(...w.split('/'));
  }
  else if (/^\d+(?:\.\d+)?$/.test(w)) out.push(numberToken(Number(w)));
  else if (/^\d+\.\d+\p{L}+$/u.test(w)) out.push(w);
  else if (w.includes('.') || w.includes('/')) {
    for (const p of w.split(/[./]/)) if (p) out.push(p);
  } else out.push(w);
}

/**
 * Analyses text into index terms: {@link words}, then stop words removed and Porter2 stems. The same function
 * must be used for documents and queries so both meet in one vocabulary; options allow ablations.
 */
export function analyze(text: string, options: AnalyzerOptions = {}): string[] {
  const ws = words(text, options);
  const out: string[] = [];
  const dropStop = options.stopWords !== false;
  const doStem = options.stem !== false;
  for (const w of ws) {
    if (dropStop && STOP_WORDS.has(w)) continue;
    out.push(doStem ? stemWord(w) : w);
  }
  return out;
}

/** Analyses one already-split word (a query token) the way {@link analyze} would, or '' for a stop word. */
export function analyzeWord(word: string, options: AnalyzerOptions = {}): string {
  if (options.stopWords !== false && STOP_WORDS.has(word)) return '';
  return options.stem !== false ? stemWord(word) : word;
}

const REFERENCE_TOKEN = /[a-z0-9]+/g;

/**
 * The reference tokeniser of `shared/reference/search.py`: lower-cased runs of ASCII letters and digits, nothing
 * else. Used by the `bm25-title` evaluation mode so Cartwise can reproduce the reference numbers exactly.
 */
export function referenceTokens(text: string): string[] {
  return text.toLowerCase().match(REFERENCE_TOKEN) ?? [];
}
