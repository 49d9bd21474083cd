/**
 * Constraint parsing: finds price constraints ("under 50", "< $30", "over 100", "50-100", "$20 to $40", "between 10
 * and 20") and attribute values that exist in the catalogue (colours, sizes, brands, materials…) in a query, turns
 * them into filters and returns the rest of the query as text. Bare ranges like `12-2` are only read as prices when
 * written with a currency sign or word, or when both ends are at least 5 and the upper is larger (so `12-2 wire`
 * and `2-3 ton` stay text).
 */
import { normalizeText } from './tokenizer.ts';

/** A filter on one field: exact values (any of them) or a numeric range (inclusive). */
export type SearchFilter =
  | { field: string; values: string[] }
  | { field: string; min?: number; max?: number };

/** What constraint parsing found. */
export interface ParsedConstraints {
  /** The query with the constraint phrases removed. */
  text: string;
  filters: SearchFilter[];
  /** Human-readable list of what was understood (for the response's `understood`). */
  understood: string[];
}

/** Attribute values known to the catalogue, for turning query words into filters. */
export interface ValueDictionary {
  /** normalised value phrase → field + original value spellings */
  values: Map<string, { field: string; value: string }[]>;
  /** longest phrase in words */
  maxWords: number;
}

const NUM = String.raw`(\d+(?:[.,]\d{1,2})?)`;
const CUR = String.raw`(?:\$|€|£|usd|eur|gbp)?`;
const CUR_WORD = String.raw`(?:\s*(?:dollars?|bucks|usd|euros?|eur|gbp|pounds?))?`;
// A number followed by a unit is a size, not a price ("under 50 ft", "10-50 ft hose").
const NOT_UNIT = String.raw`(?!\s*(?:in\b|inch|ft\b|feet|foot|gal|ga\b|gauge|lb|oz|v\b|volt|w\b|watt|amp|mm|cm|m\b|pack|pk|piece|pc|ton|awg|btu|psi|sq|cu|\"|'))`;
const PRICE_PATTERNS: { re: RegExp; make(m: RegExpExecArray): { min?: number; max?: number } | undefined }[] = [
  { re: new RegExp(String.raw`\bbetween\s+${CUR}\s*${NUM}\s*${CUR_WORD}\s+and\s+${CUR}\s*${NUM}${CUR_WORD}`, 'i'), make: (m) => range(m[1], m[2]) },
  { re: new RegExp(String.raw`\bfrom\s+${CUR}\s*${NUM}${CUR_WORD}\s+to\s+${CUR}\s*${NUM}${CUR_WORD}`, 'i'), make: (m) => range(m[1], m[2]) },
  { re: new RegExp(String.raw`(?:\bunder|\bbelow|\bless\s+than|\bcheaper\s+than|\bmax(?:imum)?|\bup\s+to|<=?|≤)\s*${CUR}\s*${NUM}${CUR_WORD}(?![\w.%])${NOT_UNIT}`, 'i'), make: (m) => ({ max: num(m[1]) }) },
  { re: new RegExp(String.raw`(?:\bover|\babove|\bmore\s+than|\bat\s+least|\bmin(?:imum)?|>=?|≥)\s*${CUR}\s*${NUM}${CUR_WORD}(?![\w.%])${NOT_UNIT}`, 'i'), make: (m) => ({ min: num(m[1]) }) },
  { re: new RegExp(String.raw`(?:\$|€|£)\s*${NUM}\s*(?:-|–|to)\s*(?:\$|€|£)?\s*${NUM}(?![\w.%])`, 'i'), make: (m) => range(m[1], m[2]) },
  { re: new RegExp(String.raw`(?<![\w.\/-])${NUM}\s*(?:-|–|to)\s*${NUM}\s*(?:dollars?|bucks|usd|euros?|eur)\b`, 'i'), make: (m) => range(m[1], m[2]) },
  {
    re: new RegExp(String.raw`(?<![\w.\/-])${NUM}\s*(?:-|–)\s*${NUM}(?![\w.\/%-])${NOT_UNIT}`, 'i'),
    make: (m) => {
      const r = range(m[1], m[2]);
      return r && (r.min ?? 0) >= 5 && (r.max ?? 0) > (r.min ?? 0) ? r : undefined;
    },
  },
  { re: new RegExp(String.raw`(?:\$|€|£)\s*${NUM}\s*(?:or\s+less|and\s+under|max)\b`, 'i'), make: (m) => ({ max: num(m[1]) }) },
];

function num(s: string | undefined): number {
  return Number((s ?? '').replace(',', '.'));
}

function range(a: string | undefined, b: string | undefined): { min: number; max: number } | undefined {
  const x = num(a);
  const y = num(b);
  if (!Number.isFinite(x) || !Number.isFinite(y) || y < x) return undefined;
  return { min: x, max: y };
}

/** Builds the value dictionary from catalogue documents: brands and short categorical attribute values. */
export function buildValueDictionary(docs: Iterable<{ brand?: string; attrs?: Record<string, string | number | boolean> }>, maxDistinctPerField = 500): ValueDictionary {
  const perField = new Map<string, Map<string, string>>();
  const add = (field: string, value: string) => {
    const v = value.trim();
    if (v.length < 2 || v.length > 40 || /^\d+(\.\d+)?$/.test(v)) return;
    let m = perField.get(field);
    if (!m) perField.set(field, (m = new Map()));
    if (m.size <= maxDistinctPerField) m.set(normalizeText(v), v);
  };
  for (const d of docs) {
    if (d.brand) add('brand', d.brand);
    if (d.attrs) for (const [k, v] of Object.entries(d.attrs)) if (typeof v === 'string' && !/^(brand|manufacturer|make|vendor)$/i.test(k)) add(k, v);
  }
  const values = new Map<string, { field: string; value: string }[]>();
  let maxWords = 1;
  for (const [field, m] of perField) {
    if (m.size > maxDistinctPerField) continue; // free text, not a categorical attribute
    for (const [norm, original] of m) {
      const list = values.get(norm) ?? [];
      list.push({ field, value: original });
      values.set(norm, list);
      maxWords = Math.max(maxWords, norm.split(/\s+/).length);
    }
  }
  return { values, maxWords: Math.min(maxWords, 4) };
}

/**
 * Parses price constraints and known attribute values out of a query. Attribute phrases are matched on whole words,
 * longest first; a value that belongs to several fields becomes one filter per field only when unambiguous.
 */
export function parseConstraints(query: string, dictionary?: ValueDictionary, options: { prices?: boolean } = {}): ParsedConstraints {
  let text = query;
  const filters: SearchFilter[] = [];
  const understood: string[] = [];
  if (options.prices !== false) {
    for (const p of PRICE_PATTERNS) {
      const m = p.re.exec(text);
      if (!m) continue;
      const r = p.make(m);
      if (!r) continue;
      filters.push({ field: 'price', ...r });
      understood.push(r.min !== undefined && r.max !== undefined ? `price ${r.min}–${r.max}` : r.max !== undefined ? `price ≤ ${r.max}` : `price ≥ ${r.min}`);
      text = (text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length)).replace(/\s+/g, ' ').trim();
      break;
    }
  }
  if (dictionary && dictionary.values.size > 0) {
    const tokens = normalizeText(text).split(/\s+/).filter(Boolean);
    const keep: boolean[] = tokens.map(() => true);
    const byField = new Map<string, Set<string>>();
    for (let n = dictionary.maxWords; n >= 1; n--) {
      for (let i = 0; i + n <= tokens.length; i++) {
        if (!keep.slice(i, i + n).every(Boolean)) continue;
        const phrase = tokens.slice(i, i + n).join(' ');
        const hits = dictionary.values.get(phrase);
        if (!hits || hits.length !== 1) continue;
        const hit = hits[0] as { field: string; value: string };
        let set = byField.get(hit.field);
        if (!set) byField.set(hit.field, (set = new Set()));
        set.add(hit.value);
        for (let j = i; j < i + n; j++) keep[j] = false;
        understood.push(`${hit.field} = ${hit.value}`);
      }
    }
    if (byField.size > 0) {
      for (const [field, values] of byField) filters.push({ field, values: [...values] });
      text = tokens.filter((_, i) => keep[i]).join(' ');
    }
  }
  return { text, filters, understood };
}
