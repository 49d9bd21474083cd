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
