/**
 * "Frequently bought together" neighbours for serving: items co-occurring in the same basket (an order or session;
 * rows without a session are grouped by user and calendar day), scored by basket cosine
 * co(i, j) / √(n_i · n_j) (Agrawal-style association with a symmetric normalisation), top `neighbors` per item.
 * Built on the served model's item index so that lookups need no id translation.
 * Complexity: O(Σ_b |b|² + nItems · d log d) time, O(nItems · neighbors) memory.
 */
import { DAY_MS } from '../../core/time.ts';
import type { Csr } from '../interactions/interaction-builder.ts';
import { CooccurrenceRows, columnCounts } from '../linalg/sparse.ts';
import { keepTopN } from '../models/item-knn.ts';

export interface BasketRows {
  length: number;
  users: readonly string[];
  items: readonly string[];
  types: readonly string[];
  sessions: readonly (string | null)[];
  /** [length] epoch ms */
  ts: ArrayLike<number>;
}

export interface BoughtTogetherOptions {
  /** Event types that put an item in a basket (default purchase; add_to_cart is used when there are no purchases). */
  types?: readonly string[];
  /** Neighbours kept per item (default 20). */
  neighbors?: number;
  /** Pairs seen in fewer baskets are dropped (default 1). */
  minBaskets?: number;
}

/** An empty item×item CSR over `n` items. */
export function emptyCsr(rows: number, cols: number): Csr {
  return { rows, cols, indptr: new Int32Array(rows + 1), indices: new Int32Array(0), values: new Float32Array(0) };
}

/**
 * Builds the item×item bought-together matrix (row i: i's companions, values the basket cosine) over the item
 * index `itemIndex` (ids not in it are ignored).
 */
export function boughtTogether(rows: BasketRows, itemIndex: ReadonlyMap<string, number>, nItems: number, options: BoughtTogetherOptions = {}): Csr {
  const neighbors = options.neighbors ?? 20;
  const minBaskets = options.minBaskets ?? 1;
  let types = new Set(options.types ?? ['purchase']);
  if (!options.types && !rows.types.some((t) => t === 'purchase')) types = new Set(['add_to_cart']);
  const baskets = new Map<string, number>();
  const bRow: number[] = [];
  const bItem: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    if (!types.has(rows.types[r] as string)) continue;
    const it = itemIndex.get(rows.items[r] as string);
    if (it === undefined) continue;
    const key = rows.sessions[r] ?? `${rows.users[r]}\u0001${Math.floor((rows.ts[r] as number) / DAY_MS)}`;
    let b = baskets.get(key);
    if (b === undefined) baskets.set(key, (b = baskets.size));
    bRow.push(b);
    bItem.push(it);
  }
  const nB = baskets.size;
  if (nB === 0) return emptyCsr(nItems, nItems);
  // Basket×item binary CSR (duplicates within a basket merged).
  const order = Array.from({ length: bRow.length }, (_, p) => p).sort((a, b) => (bRow[a] as number) - (bRow[b] as number) || (bItem[a] as number) - (bItem[b] as number));
  const indptr = new Int32Array(nB + 1);
  const idx: number[] = [];
  let last = -1;
  let lastItem = -1;
  for (const p of order) {
    const b = bRow[p] as number;
    const it = bItem[p] as number;
    if (b === last && it === lastItem) continue;
    idx.push(it);
    indptr[b + 1]!++;
    last = b;
    lastItem = it;
  }
  for (let b = 0; b < nB; b++) indptr[b + 1]! += indptr[b] as number;
  const basketItems: Csr = { rows: nB, cols: nItems, indptr, indices: Int32Array.from(idx), values: new Float32Array(idx.length).fill(1) };
  const counts = columnCounts(basketItems);
  const co = new CooccurrenceRows(basketItems);
  const acc = new Float64Array(nItems);
  const rowIdx = new Int32Array(nItems);
  const rowVal = new Float64Array(nItems);
  const outPtr = new Int32Array(nItems + 1);
  const parts: { idx: Int32Array; val: Float64Array }[] = [];
  for (let j = 0; j < nItems; j++) {
    let c = 0;
    if ((counts[j] as number) > 0) {
      const nt = co.row(j, acc);
      const touched = co.touchedItems();
      for (let t = 0; t < nt; t++) {
        const i = touched[t] as number;
        const together = acc[i] as number;
        if (i === j || together < minBaskets) continue;
        rowIdx[c] = i;
        rowVal[c] = together / Math.sqrt((counts[i] as number) * (counts[j] as number));
        c++;
      }
      co.reset(nt, acc);
    }
    const kept = keepTopN(rowIdx, rowVal, c, neighbors);
    parts.push(kept);
    outPtr[j + 1] = (outPtr[j] as number) + kept.idx.length;
  }
  const nnz = outPtr[nItems] as number;
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  parts.forEach((p, j) => {
    indices.set(p.idx, outPtr[j] as number);
    values.set(p.val, outPtr[j] as number);
  });
  return { rows: nItems, cols: nItems, indptr: outPtr, indices, values };
}

/** Value of a sparse entry (row j, column i) by binary search in the sorted row; 0 when absent. */
export function csrValue(m: Csr, j: number, i: number): number {
  if (j < 0 || j >= m.rows) return 0;
  let lo = m.indptr[j] as number;
  let hi = (m.indptr[j + 1] as number) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = m.indices[mid] as number;
    if (v === i) return m.values[mid] as number;
    if (v < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}
