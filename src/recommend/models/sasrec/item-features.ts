/**
 * Item side features for SASRec from catalogue metadata: every category level as a path prefix
 * (`cat:sports`, `cat:sports>camping`), the brand (`brand:…`, from `attrs.brand`), tags (`tag:…`) and other
 * attribute values (`attr:key=value`). Features carried by fewer than `minItems` items are dropped (they cannot
 * share anything). Complexity O(total features).
 */
import type { Item } from '../../../core/schemas/index.ts';
import type { ItemFeatures } from './network.ts';

/** The feature tokens of one item (deduplicated, in a stable order). */
export function featureTokens(item: Item): string[] {
  const out = new Set<string>();
  if (item.category) {
    const levels = item.category.split('>').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
    for (let l = 0; l < levels.length; l++) out.add(`cat:${levels.slice(0, l + 1).join('>')}`);
  }
  for (const [k, v] of Object.entries(item.attrs ?? {})) {
    const key = k.toLowerCase();
    out.add(key === 'brand' ? `brand:${String(v).toLowerCase()}` : `attr:${key}=${String(v).toLowerCase()}`);
  }
  for (const tag of item.tags ?? []) out.add(`tag:${tag.toLowerCase()}`);
  return [...out];
}

/** Builds the item→feature CSR over `nItems` items (metadata may be missing for some) and its vocabulary size. */
export function buildItemFeatures(meta: readonly (Item | undefined)[], nItems: number, minItems = 2): { features: ItemFeatures; nFeatures: number; vocabulary: string[] } {
  const tokens: string[][] = [];
  const df = new Map<string, number>();
  for (let i = 0; i < nItems; i++) {
    const t = meta[i] ? featureTokens(meta[i] as Item) : [];
    tokens.push(t);
    for (const x of t) df.set(x, (df.get(x) ?? 0) + 1);
  }
  const vocabulary = [...df.entries()].filter(([, c]) => c >= minItems).map(([t]) => t).sort();
  const id = new Map(vocabulary.map((t, i) => [t, i]));
  const indptr = new Int32Array(nItems + 1);
  const indices: number[] = [];
  for (let i = 0; i < nItems; i++) {
    for (const x of tokens[i]!) {
      const f = id.get(x);
      if (f !== undefined) indices.push(f);
    }
    indptr[i + 1] = indices.length;
  }
  return { features: { indptr, indices: Int32Array.from(indices) }, nFeatures: vocabulary.length, vocabulary };
}

/**
 * Co-occurrence neighbours as side features, for stores without a catalogue: item i gets the ids of its `k` most
 * frequent neighbours (items within `window` positions of it in some shopper's sequence, seen together at least
 * `minCount` times) as features, so a rarely seen item borrows the vectors of the items it appears with — one hop of
 * graph smoothing. Each shopper's last item is left out of the counts, so the held-out next item that early
 * stopping validates on never shapes the features. Feature ids are `offset + item index`. O(Σ len · window).
 */
export function neighbourFeatures(seqIndptr: Int32Array, seqItems: Int32Array, nItems: number, k: number, offset: number, window = 2, minCount = 2): ItemFeatures {
  const counts: Map<number, number>[] = Array.from({ length: nItems }, () => new Map());
  const nUsers = seqIndptr.length - 1;
  for (let u = 0; u < nUsers; u++) {
    const start = seqIndptr[u]!;
    const end = seqIndptr[u + 1]! - 1;
    for (let p = start; p < end; p++) {
      const a = seqItems[p]!;
      for (let q = p + 1; q < Math.min(end, p + window + 1); q++) {
        const b = seqItems[q]!;
        if (a === b) continue;
        counts[a]!.set(b, (counts[a]!.get(b) ?? 0) + 1);
        counts[b]!.set(a, (counts[b]!.get(a) ?? 0) + 1);
      }
    }
  }
  const indptr = new Int32Array(nItems + 1);
  const indices: number[] = [];
  for (let i = 0; i < nItems; i++) {
    const top = [...counts[i]!.entries()].filter(([, c]) => c >= minCount).sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k);
    for (const [j] of top) indices.push(offset + j);
    indptr[i + 1] = indices.length;
  }
  return { indptr, indices: Int32Array.from(indices) };
}

/** Concatenates two feature sets over the same items (item i's features: those of `a`, then those of `b`). */
export function mergeFeatures(a: ItemFeatures, b: ItemFeatures): ItemFeatures {
  const n = a.indptr.length - 1;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(a.indices.length + b.indices.length);
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) indices[o++] = a.indices[p]!;
    for (let p = b.indptr[i]!; p < b.indptr[i + 1]!; p++) indices[o++] = b.indices[p]!;
    indptr[i + 1] = o;
  }
  return { indptr, indices };
}
