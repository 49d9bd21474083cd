/**
 * The one interaction builder (DESIGN.md "one interaction builder"): turns the event log — columnar batches from
 * `Store.scanInteractions` or plain rows `{user, item, ts, weight}` read from CSV — into compact typed arrays that
 * every model and the evaluator use: a CSR user×item matrix with per-event-type weights, optional exponential time
 * decay, duplicate handling and minimum-count filters; per-user time-ordered sequences; id maps.
 *
 * Item indices are assigned by descending interaction count (ties by id), so the most popular items have the
 * smallest indices and an item cap (`maxItems`) keeps a prefix. User indices follow the sorted user ids, so the
 * same rows in any order give the same indices.
 */
import { CartwiseError } from '../../core/errors.ts';
import type { Item } from '../../core/schemas/index.ts';
import { DAY_MS } from '../../core/time.ts';
import type { InteractionBatch } from '../../store/store.ts';

/** Default weights per event type: stronger intent counts more. `review` uses the rating when there is one. */
export const DefaultEventWeights: Readonly<Record<string, number>> = Object.freeze({
  view: 1,
  click: 1,
  add_to_cart: 4,
  purchase: 8,
  review: 3,
});

/** How repeated (user, item) interactions merge into one matrix cell. */
export const DuplicatePolicies = { sum: 'sum', max: 'max', last: 'last' } as const;
export type DuplicatePolicy = keyof typeof DuplicatePolicies;

export interface InteractionOptions {
  /** Weight per event type for store batches; types absent (or weighted 0) are skipped. Rows carry their own weight. */
  eventWeights?: Readonly<Record<string, number>>;
  /** `review` events weigh their rating (1–5) instead of `eventWeights.review` when a rating is present. */
  reviewWeightFromRating?: boolean;
  /** Exponential time decay of cell values: an interaction `halfLifeDays` older than `referenceTimeMs` counts half. */
  halfLifeDays?: number;
  /** Reference time for the decay (default: the latest interaction). */
  referenceTimeMs?: number;
  /** How duplicates of one (user, item) merge (default `sum`, what the reference script does). */
  duplicates?: DuplicatePolicy;
  /** Drops exact repeats (same user, item, type and timestamp) before merging, e.g. double-sent events. */
  dropRepeatedEvents?: boolean;
  /** Keep only users with at least this many interactions (after the item filter; iterated until stable). */
  minUserInteractions?: number;
  /** Keep only items with at least this many interactions. */
  minItemInteractions?: number;
  /** Keep only the most interacted items (the EASE item cap); the others are dropped from the matrix. */
  maxItems?: number;
  /** Catalogue items: their metadata is attached and items never interacted with get indices after the others. */
  catalog?: Iterable<Item>;
}

/** Compressed sparse rows. */
export interface Csr {
  rows: number;
  cols: number;
  /** [rows + 1] */
  indptr: Int32Array;
  /** [nnz] column indices, ascending within a row */
  indices: Int32Array;
  /** [nnz] */
  values: Float32Array;
}

/** What models fit on: matrices and sequences over dense indices, plus the id maps. */
export interface InteractionData {
  nUsers: number;
  nItems: number;
  /** [nUsers] external user id of each index */
  userIds: string[];
  /** [nItems] external item id of each index */
  itemIds: string[];
  userIndex: ReadonlyMap<string, number>;
  itemIndex: ReadonlyMap<string, number>;
  /** User×item matrix of merged (and optionally decayed) weights. */
  matrix: Csr;
  /**
   * Per-user time-ordered interactions (every kept row, not merged): user u's rows are
   * `seqIndptr[u] … seqIndptr[u+1]-1` in `seqItems`, `seqTs` (epoch ms) and `seqWeights` (undecayed weight).
   */
  seqIndptr: Int32Array;
  seqItems: Int32Array;
  seqTs: Float64Array;
  seqWeights: Float32Array;
  /** [nnz of seq] session index per row, -1 when absent (frequently-bought-together groups by it). */
  seqSessions: Int32Array;
  /** [nItems] number of kept rows per item */
  itemCounts: Int32Array;
  /** Latest interaction time (epoch ms), NaN when empty. */
  maxTs: number;
  /** [nItems] catalogue metadata where known (content-based models need it). */
  itemMeta?: (Item | undefined)[];
}

/** One plain interaction row, e.g. a CSV line `user,item,ts,weight`. `ts` is epoch ms. */
export interface InteractionRow {
  user: string;
  item: string;
  ts: number;
  weight?: number;
  type?: string;
  session?: string | null;
}

class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

class GrowableI32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

function intern(map: Map<string, number>, list: string[], key: string): number {
  let id = map.get(key);
  if (id === undefined) {
    id = list.length;
    map.set(key, id);
    list.push(key);
  }
  return id;
}

/**
 * Accumulates interactions (rows or store batches) and builds {@link InteractionData}. Use one builder per
 * dataset: `add`/`addBatch` as often as needed, then `build()` once.
 */
export class InteractionBuilder {
  private readonly options: InteractionOptions;
  private readonly weights: Readonly<Record<string, number>>;
  private readonly users = new Map<string, number>();
  private readonly userList: string[] = [];
  private readonly items = new Map<string, number>();
  private readonly itemList: string[] = [];
  private readonly sessions = new Map<string, number>();
  private readonly sessionList: string[] = [];
  private readonly types = new Map<string, number>();
  private readonly typeList: string[] = [];
  private readonly rowUser = new GrowableI32();
  private readonly rowItem = new GrowableI32();
  private readonly rowType = new GrowableI32();
  private readonly rowSession = new GrowableI32();
  private readonly rowTs = new GrowableF64();
  private readonly rowWeight = new GrowableF64();

  constructor(options: InteractionOptions = {}) {
    this.options = options;
    this.weights = options.eventWeights ?? DefaultEventWeights;
  }

  /** Rows added so far. */
  get size(): number {
    return this.rowUser.length;
  }

  /** Adds one row; its weight defaults to 1 (or the event type's weight when `type` is given and no weight). */
  add(row: InteractionRow): void {
    if (!row.user) throw new CartwiseError('VALIDATION_FAILED', { reason: `row ${this.size}: field "user" is empty` });
    if (!row.item) throw new CartwiseError('VALIDATION_FAILED', { reason: `row ${this.size}: field "item" is empty` });
    if (!Number.isFinite(row.ts)) throw new CartwiseError('VALIDATION_FAILED', { reason: `row ${this.size}: field "ts" is not a number` });
    const weight = row.weight ?? (row.type !== undefined ? (this.weights[row.type] ?? 0) : 1);
    if (!Number.isFinite(weight)) throw new CartwiseError('VALIDATION_FAILED', { reason: `row ${this.size}: field "weight" is not a number` });
    if (weight === 0) return;
    this.push(row.user, row.item, row.ts, weight, row.type ?? '', row.session ?? null);
  }

  /** Adds a columnar batch from `Store.scanInteractions`, weighting each event by its type. */
  addBatch(batch: InteractionBatch): void {
    const reviewFromRating = this.options.reviewWeightFromRating ?? true;
    for (let i = 0; i < batch.length; i++) {
      const type = batch.types[i] as string;
      let weight = this.weights[type] ?? 0;
      const rating = batch.rating[i] as number;
      if (type === 'review' && reviewFromRating && Number.isFinite(rating)) weight = rating;
      if (weight <= 0) continue;
      this.push(batch.userIds[i] as string, batch.itemIds[i] as string, batch.ts[i] as number, weight, type, batch.sessionIds[i] ?? null);
    }
  }

  private push(user: string, item: string, ts: number, weight: number, type: string, session: string | null): void {
    this.rowUser.push(intern(this.users, this.userList, user));
    this.rowItem.push(intern(this.items, this.itemList, item));
    this.rowType.push(intern(this.types, this.typeList, type));
    this.rowSession.push(session === null ? -1 : intern(this.sessions, this.sessionList, session));
    this.rowTs.push(ts);
    this.rowWeight.push(weight);
  }

  /** Builds the matrices. The builder can be built again after more rows are added. */
  build(): InteractionData {
    const o = this.options;
    const n = this.size;
    const rowUser = this.rowUser.view();
    const rowItem = this.rowItem.view();
    const rowTs = this.rowTs.view();
    const rowWeight = this.rowWeight.view();
    const keep = new Uint8Array(n).fill(1);

    if (o.dropRepeatedEvents) {
      const seen = new Set<string>();
      const rowType = this.rowType.view();
      for (let r = 0; r < n; r++) {
        const key = `${rowUser[r]}\u0001${rowItem[r]}\u0001${rowType[r]}\u0001${rowTs[r]}`;
        if (seen.has(key)) keep[r] = 0;
        else seen.add(key);
      }
    }

    // Minimum-count filters, iterated until stable (removing users can push items under their minimum).
    const nU0 = this.userList.length;
    const nI0 = this.itemList.length;
    const userCount = new Int32Array(nU0);
    const itemCount = new Int32Array(nI0);
    const recount = () => {
      userCount.fill(0);
      itemCount.fill(0);
      for (let r = 0; r < n; r++) {
        if (!keep[r]) continue;
        userCount[rowUser[r] as number]!++;
        itemCount[rowItem[r] as number]!++;
      }
    };
    recount();
    const minU = o.minUserInteractions ?? 0;
    const minI = o.minItemInteractions ?? 0;
    for (let round = 0; round < 20 && (minU > 1 || minI > 1); round++) {
      let dropped = 0;
      for (let r = 0; r < n; r++) {
        if (keep[r] && ((itemCount[rowItem[r] as number] as number) < minI || (userCount[rowUser[r] as number] as number) < minU)) {
          keep[r] = 0;
          dropped++;
        }
      }
      recount();
      if (dropped === 0) break;
    }

    // Items: by descending count, ties by id; then the cap; then catalogue-only items.
    const itemOrder: number[] = [];
    for (let i = 0; i < nI0; i++) if ((itemCount[i] as number) > 0) itemOrder.push(i);
    const itemList = this.itemList;
    itemOrder.sort((a, b) => (itemCount[b] as number) - (itemCount[a] as number) || (itemList[a]! < itemList[b]! ? -1 : itemList[a]! > itemList[b]! ? 1 : 0));
    if (o.maxItems !== undefined && o.maxItems > 0 && itemOrder.length > o.maxItems) itemOrder.length = o.maxItems;
    const itemRemap = new Int32Array(nI0).fill(-1);
    const itemIds: string[] = [];
    for (const i of itemOrder) {
      itemRemap[i] = itemIds.length;
      itemIds.push(itemList[i] as string);
    }
    let itemMeta: (Item | undefined)[] | undefined;
    if (o.catalog) {
      const byId = new Map<string, Item>();
      for (const it of o.catalog) byId.set(it.id, it);
      for (const id of byId.keys()) if (!this.items.has(id)) itemIds.push(id);
      // Interacted items dropped by the filters stay dropped; unseen catalogue items are appended.
      itemMeta = itemIds.map((id) => byId.get(id));
    }
    for (let r = 0; r < n; r++) if (keep[r] && itemRemap[rowItem[r] as number] === -1) keep[r] = 0;

    // Users: sorted ids of users with at least one kept row.
    const userList = this.userList;
    const userOrder: number[] = [];
    recount();
    for (let u = 0; u < nU0; u++) if ((userCount[u] as number) > 0) userOrder.push(u);
    userOrder.sort((a, b) => (userList[a]! < userList[b]! ? -1 : userList[a]! > userList[b]! ? 1 : 0));
    const userRemap = new Int32Array(nU0).fill(-1);
    const userIds: string[] = [];
    for (const u of userOrder) {
      userRemap[u] = userIds.length;
      userIds.push(userList[u] as string);
    }
    const nUsers = userIds.length;
    const nItems = itemIds.length;

    // Per-user sequences, stable-sorted by time (counting sort by user, then sort within each user).
    const seqIndptr = new Int32Array(nUsers + 1);
    let kept = 0;
    let maxTs = Number.NaN;
    for (let r = 0; r < n; r++) {
      if (!keep[r]) continue;
      kept++;
      seqIndptr[(userRemap[rowUser[r] as number] as number) + 1]!++;
      const t = rowTs[r] as number;
      if (!(t <= maxTs)) maxTs = Number.isNaN(maxTs) ? t : Math.max(maxTs, t);
    }
    for (let u = 0; u < nUsers; u++) seqIndptr[u + 1]! += seqIndptr[u] as number;
    const cursor = seqIndptr.slice(0, nUsers);
    const order = new Int32Array(kept);
    for (let r = 0; r < n; r++) {
      if (!keep[r]) continue;
      const u = userRemap[rowUser[r] as number] as number;
      order[cursor[u]!++] = r;
    }
    for (let u = 0; u < nUsers; u++) {
      const s = seqIndptr[u] as number;
      const e = seqIndptr[u + 1] as number;
      let sorted = true;
      for (let p = s + 1; p < e; p++) if ((rowTs[order[p] as number] as number) < (rowTs[order[p - 1] as number] as number)) sorted = false;
      if (!sorted) {
        const part = Array.from(order.subarray(s, e));
        part.sort((a, b) => (rowTs[a] as number) - (rowTs[b] as number) || a - b);
        order.set(part, s);
      }
    }
    const seqItems = new Int32Array(kept);
    const seqTs = new Float64Array(kept);
    const seqWeights = new Float32Array(kept);
    const seqSessions = new Int32Array(kept);
    const rowSession = this.rowSession.view();
    const itemCounts = new Int32Array(nItems);
    for (let p = 0; p < kept; p++) {
      const r = order[p] as number;
      const it = itemRemap[rowItem[r] as number] as number;
      seqItems[p] = it;
      seqTs[p] = rowTs[r] as number;
      seqWeights[p] = rowWeight[r] as number;
      seqSessions[p] = rowSession[r] as number;
      itemCounts[it]!++;
    }

    const matrix = mergeToCsr(nUsers, nItems, seqIndptr, seqItems, seqTs, rowWeight, order, o, maxTs);
    const userIndex = new Map<string, number>();
    userIds.forEach((id, i) => userIndex.set(id, i));
    const itemIndex = new Map<string, number>();
    itemIds.forEach((id, i) => itemIndex.set(id, i));
    return {
      nUsers,
      nItems,
      userIds,
      itemIds,
      userIndex,
      itemIndex,
      matrix,
      seqIndptr,
      seqItems,
      seqTs,
      seqWeights,
      seqSessions,
      itemCounts,
      maxTs,
      ...(itemMeta ? { itemMeta } : {}),
    };
  }
}

function mergeToCsr(
  nUsers: number,
  nItems: number,
  seqIndptr: Int32Array,
  seqItems: Int32Array,
  seqTs: Float64Array,
  rowWeight: Float64Array,
  order: Int32Array,
  o: InteractionOptions,
  maxTs: number,
): Csr {
  const policy = o.duplicates ?? 'sum';
  const decay = o.halfLifeDays !== undefined && o.halfLifeDays > 0;
  const t0 = o.referenceTimeMs ?? maxTs;
  const hlMs = (o.halfLifeDays ?? 1) * DAY_MS;
  const indptr = new Int32Array(nUsers + 1);
  const indices = new GrowableI32();
  const values = new GrowableF64();
  // Dense scratch keyed by item, reset per user through the touched list.
  const acc = new Float64Array(nItems);
  const mark = new Int32Array(nItems).fill(-1);
  const touched: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    touched.length = 0;
    for (let p = seqIndptr[u] as number; p < (seqIndptr[u + 1] as number); p++) {
      const it = seqItems[p] as number;
      let w = rowWeight[order[p] as number] as number;
      if (decay) w *= Math.pow(2, -(t0 - (seqTs[p] as number)) / hlMs);
      if (mark[it] !== u) {
        mark[it] = u;
        acc[it] = w;
        touched.push(it);
      } else if (policy === 'sum') acc[it]! += w;
      else if (policy === 'max') acc[it] = Math.max(acc[it] as number, w);
      else acc[it] = w; // 'last': rows are in time order
    }
    touched.sort((a, b) => a - b);
    for (const it of touched) {
      indices.push(it);
      values.push(acc[it] as number);
    }
    indptr[u + 1] = indices.length;
  }
  return { rows: nUsers, cols: nItems, indptr, indices: indices.view().slice(), values: Float32Array.from(values.view()) };
}

/** Builds {@link InteractionData} from plain rows (CSV, tests). */
export function buildFromRows(rows: Iterable<InteractionRow>, options: InteractionOptions = {}): InteractionData {
  const b = new InteractionBuilder(options);
  for (const r of rows) b.add(r);
  return b.build();
}

/** Builds {@link InteractionData} from the store's interaction batches, weighting events by type. */
export async function buildFromBatches(batches: AsyncIterable<InteractionBatch>, options: InteractionOptions = {}, signal?: AbortSignal): Promise<InteractionData> {
  const b = new InteractionBuilder(options);
  for await (const batch of batches) {
    if (signal?.aborted) throw new CartwiseError('ABORTED');
    b.addBatch(batch);
  }
  return b.build();
}

/** Transposes a CSR matrix (item×user from user×item). */
export function transposeCsr(m: Csr): Csr {
  const indptr = new Int32Array(m.cols + 1);
  const nnz = m.indices.length;
  for (let p = 0; p < nnz; p++) indptr[(m.indices[p] as number) + 1]!++;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c] as number;
  const cursor = indptr.slice(0, m.cols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r] as number; p < (m.indptr[r + 1] as number); p++) {
      const c = m.indices[p] as number;
      const q = cursor[c]!++;
      indices[q] = r;
      values[q] = m.values[p] as number;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}
