/**
 * Typo tolerance: optimal-string-alignment (restricted Damerau–Levenshtein) distance with an early exit, and a
 * length-bucketed vocabulary scan. The edit budget grows with word length (1–3 letters: none, 4–7: one, 8+: two),
 * the rule most search engines use so short words are not "corrected" into unrelated ones.
 */

/** Edits allowed for a word of this length. */
export function maxEditsFor(length: number): number {
  return length <= 3 ? 0 : length <= 7 ? 1 : 2;
}

/**
 * Optimal string alignment distance between `a` and `b` (insertions, deletions, substitutions, adjacent
 * transpositions), or `max + 1` as soon as it must exceed `max`. O(|a|·|b|) worst case, O(|a|·max) typically.
 */
export function editDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  let prev2 = new Int32Array(lb + 1);
  let prev = new Int32Array(lb + 1);
  let cur = new Int32Array(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb] as number;
}

/** A vocabulary word close to a misspelt one. */
export interface Correction {
  word: string;
  distance: number;
  /** documents containing the word */
  frequency: number;
}

/**
 * Finds vocabulary words within the length-based edit budget of `word`, closest first, then most frequent.
 * The vocabulary is bucketed by length once (rebuild by creating a new instance when it changes).
 */
export class TypoCorrector {
  private readonly byLength: string[][] = [];
  private readonly cache = new Map<string, Correction[]>();

  constructor(private readonly vocabulary: ReadonlyMap<string, number>) {
    for (const w of vocabulary.keys()) {
      (this.byLength[w.length] ??= []).push(w);
    }
  }

  /** Up to `limit` corrections for `word` (never the word itself). */
  corrections(word: string, limit = 3, maxEdits = maxEditsFor(word.length)): Correction[] {
    if (maxEdits <= 0) return [];
    const key = `${word}\u0000${limit}\u0000${maxEdits}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const found: Correction[] = [];
    for (let len = Math.max(1, word.length - maxEdits); len <= word.length + maxEdits; len++) {
      for (const w of this.byLength[len] ?? []) {
        if (w === word) continue;
        // Cheap filter: share the first or the second letter (typos rarely hit both).
        if (w.charCodeAt(0) !== word.charCodeAt(0) && w.charCodeAt(1) !== word.charCodeAt(1) && maxEdits < 2) continue;
        const d = editDistance(word, w, maxEdits);
        if (d <= maxEdits) found.push({ word: w, distance: d, frequency: this.vocabulary.get(w) ?? 0 });
      }
    }
    found.sort((a, b) => a.distance - b.distance || b.frequency - a.frequency || (a.word < b.word ? -1 : 1));
    const out = found.slice(0, limit);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }
}
