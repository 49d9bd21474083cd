/**
 * Reads the store's interaction log into one columnar table for training: every event that names an item, weighted
 * by its type (the interaction builder's default weights; a review weighs its rating), with its type and session
 * kept so that serving can tell purchases apart and group baskets. Model selection splits this table by time;
 * the final fit builds the served model's {@link InteractionData} from all of it.
 */
import { CartwiseError } from '../../core/errors.ts';
import type { Item } from '../../core/schemas/index.ts';
import type { Store } from '../../store/store.ts';
import type { InteractionTable } from '../interactions/csv-rows.ts';
import { DefaultEventWeights, InteractionBuilder, type InteractionData, type InteractionOptions } from '../interactions/interaction-builder.ts';

/** An {@link InteractionTable} that also keeps each row's event type and session. */
export interface EventTable extends InteractionTable {
  /** [length] event type of each row */
  types: string[];
  /** [length] session id, null where absent */
  sessions: (string | null)[];
}

export interface ReadEventsOptions {
  /** Weight per event type; types absent or weighted 0 are skipped (default: the builder's defaults). */
  eventWeights?: Readonly<Record<string, number>>;
  signal?: AbortSignal;
  /** Called after each batch with the rows read so far. */
  onRows?: (rows: number) => void;
}

/**
 * Streams `store.scanInteractions` into an {@link EventTable} (time order). Cost: one pass over the log; memory
 * about 40 bytes per row plus the interned id strings.
 */
export async function readEventTable(store: Store, options: ReadEventsOptions = {}): Promise<EventTable> {
  const weights = options.eventWeights ?? DefaultEventWeights;
  const types = Object.keys(weights).filter((t) => (weights[t] ?? 0) > 0);
  const users: string[] = [];
  const items: string[] = [];
  const rowTypes: string[] = [];
  const sessions: (string | null)[] = [];
  let ts = new Float64Array(4096);
  let w = new Float64Array(4096);
  let n = 0;
  for await (const batch of store.scanInteractions({ types })) {
    if (options.signal?.aborted) throw new CartwiseError('ABORTED');
    if (n + batch.length > ts.length) {
      const size = Math.max(ts.length * 2, n + batch.length);
      const t2 = new Float64Array(size);
      t2.set(ts.subarray(0, n));
      ts = t2;
      const w2 = new Float64Array(size);
      w2.set(w.subarray(0, n));
      w = w2;
    }
    for (let i = 0; i < batch.length; i++) {
      const type = batch.types[i] as string;
      const rating = batch.rating[i] as number;
      const weight = type === 'review' && Number.isFinite(rating) ? rating : (weights[type] ?? 0);
      if (!(weight > 0)) continue;
      users.push(batch.userIds[i] as string);
      items.push(batch.itemIds[i] as string);
      rowTypes.push(type);
      sessions.push(batch.sessionIds[i] ?? null);
      ts[n] = batch.ts[i] as number;
      w[n] = weight;
      n++;
    }
    options.onRows?.(n);
  }
  return { length: n, users, items, ts: ts.slice(0, n), weights: w.slice(0, n), types: rowTypes, sessions };
}

/** Reads the whole catalogue (id order). */
export async function readCatalogue(store: Store, signal?: AbortSignal): Promise<Item[]> {
  const out: Item[] = [];
  for await (const batch of store.scanItems(10_000)) {
    if (signal?.aborted) throw new CartwiseError('ABORTED');
    for (const it of batch) out.push(it);
  }
  return out;
}

/**
 * Builds the interaction data of an event table (all rows, or the given row indices) with the one interaction
 * builder; catalogue items nobody interacted with get indices after the others so that content similarity and
 * filters can reach them.
 */
export function buildEventData(table: InteractionTable & { sessions?: readonly (string | null)[] }, options: InteractionOptions = {}, rows?: ArrayLike<number>): InteractionData {
  const b = new InteractionBuilder(options);
  const n = rows ? rows.length : table.length;
  for (let k = 0; k < n; k++) {
    const r = rows ? (rows[k] as number) : k;
    b.add({ user: table.users[r] as string, item: table.items[r] as string, ts: table.ts[r] as number, weight: table.weights[r] as number, session: table.sessions?.[r] ?? null });
  }
  return b.build();
}
