/**
 * Sparse helpers shared by the neighbourhood models: item co-occurrence rows computed from the binary user×item
 * matrix without ever materialising the dense item×item matrix.
 */
import type { Csr } from '../interactions/interaction-builder.ts';
import { transposeCsr } from '../interactions/interaction-builder.ts';

/** The binary pattern of a CSR matrix (values all 1). */
export function binaryCsr(m: Csr): Csr {
  return { rows: m.rows, cols: m.cols, indptr: m.indptr, indices: m.indices, values: new Float32Array(m.indices.length).fill(1) };
}

/** Per-column count of non-zeros: for a user×item matrix, the number of distinct users per item. */
export function columnCounts(m: Csr): Float64Array {
  const out = new Float64Array(m.cols);
  for (let p = 0; p < m.indices.length; p++) out[m.indices[p] as number]! += 1;
  return out;
}

/**
 * Computes co-occurrence rows one item at a time: `row(j, acc)` fills `acc[i]` with the number of users who
 * interacted with both j and i and returns the touched item indices (including j). Cost per row: the sum of the
 * history lengths of j's users.
 */
export class CooccurrenceRows {
  private readonly userItems: Csr;
  private readonly itemUsers: Csr;
  private readonly touched: Int32Array;
  private readonly mark: Uint8Array;

  constructor(userItems: Csr) {
    this.userItems = userItems;
    this.itemUsers = transposeCsr(userItems);
    this.touched = new Int32Array(userItems.cols);
    this.mark = new Uint8Array(userItems.cols);
  }

  /** Fills `acc` (which must be zero where not previously touched) and returns the touched count; indices in `touchedItems()`. */
  row(j: number, acc: Float64Array): number {
    const { indptr: uptr, indices: uidx } = this.itemUsers;
    const { indptr: iptr, indices: iidx } = this.userItems;
    let nt = 0;
    for (let p = uptr[j] as number; p < (uptr[j + 1] as number); p++) {
      const u = uidx[p] as number;
      for (let q = iptr[u] as number; q < (iptr[u + 1] as number); q++) {
        const i = iidx[q] as number;
        if (!this.mark[i]) {
          this.mark[i] = 1;
          this.touched[nt++] = i;
        }
        acc[i]! += 1;
      }
    }
    return nt;
  }

  /** The items touched by the last `row` call: `touchedItems().subarray(0, count)`. */
  touchedItems(): Int32Array {
    return this.touched;
  }

  /** Resets `acc` and the marks for the last row's touched items. */
  reset(count: number, acc: Float64Array): void {
    for (let t = 0; t < count; t++) {
      const i = this.touched[t] as number;
      acc[i] = 0;
      this.mark[i] = 0;
    }
  }
}

/** Adds `weight × row r of m` into the dense `out` (the hot loop of every neighbourhood scorer). */
export function axpyRow(m: Csr, r: number, weight: number, out: Float64Array): void {
  const { indptr, indices, values } = m;
  for (let p = indptr[r] as number; p < (indptr[r + 1] as number); p++) out[indices[p] as number]! += weight * (values[p] as number);
}
