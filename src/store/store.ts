import type { Item, StoredEvent, User } from '../core/schemas/index.ts';

/** Result of an idempotent append: events whose id was already stored are counted as duplicates and ignored. */
export interface AppendResult {
  inserted: number;
  duplicates: number;
}

/** Counts served by `GET /v1/stats` and `cartwise stats`. */
export interface StoreStats {
  events: number;
  eventsByType: Record<string, number>;
  /** Distinct user ids that sent at least one event. */
  users: number;
  /** Catalogue size. */
  items: number;
  /** Users with a profile (`PUT /v1/users`). */
  userProfiles: number;
  firstEventAt: string | null;
  lastEventAt: string | null;
}

/** A columnar slice of the interaction log, ordered by (ts, id): what the learning code reads. */
export interface InteractionBatch {
  length: number;
  userIds: string[];
  itemIds: string[];
  types: string[];
  /** [length] epoch ms */
  ts: Float64Array;
  /** [length] rating, NaN where absent */
  rating: Float64Array;
  /** [length] quantity, NaN where absent */
  quantity: Float64Array;
  sessionIds: (string | null)[];
}

export interface InteractionScanOptions {
  /** Only these event types (default: every event that names an item). */
  types?: readonly string[];
  sinceMs?: number;
  untilMs?: number;
  batchSize?: number;
}

/** A saved model or index: a JSON manifest plus named binary buffers (STYLE.md: artifacts = manifest + typed arrays). */
export interface Artifact {
  manifest: Record<string, unknown>;
  buffers: Record<string, Uint8Array>;
}

export interface ArtifactInfo {
  name: string;
  bytes: number;
  savedAt: string;
}

export interface ListItemsOptions {
  limit?: number;
  offset?: number;
  /** Matches id or title, case-insensitive substring. */
  text?: string;
  /** Category path prefix, e.g. `Home > Kitchen`. */
  category?: string;
}

export type StoreDialect = 'duckdb' | 'postgres';

/**
 * The Store port: everything the domains need from storage. Adapters (DuckDB embedded, PostgreSQL) implement
 * it and all pass `runStoreContract`. Only composition roots (server main, CLI context) choose an adapter.
 */
export interface Store {
  readonly dialect: StoreDialect;
  /** Appends validated events; ids already stored (or repeated in the batch) are ignored. Durable on return. */
  appendEvents(events: readonly StoredEvent[]): Promise<AppendResult>;
  /** Inserts or replaces items by id. */
  upsertItems(items: readonly Item[]): Promise<number>;
  upsertUsers(users: readonly User[]): Promise<number>;
  getItem(id: string): Promise<Item | undefined>;
  getItems(ids: readonly string[]): Promise<Item[]>;
  deleteItem(id: string): Promise<boolean>;
  getUser(id: string): Promise<User | undefined>;
  /** A page of the catalogue, ordered by id, optionally matching a text (id or title, case-insensitive) and a category prefix. */
  listItems(options?: ListItemsOptions): Promise<{ items: Item[]; total: number }>;
  /** Streams the catalogue in batches, ordered by id. */
  scanItems(batchSize?: number): AsyncIterable<Item[]>;
  /** A user's events, newest first. */
  userEvents(userId: string, limit?: number): Promise<StoredEvent[]>;
  /** Removes a user's events and profile; returns how many events were deleted and whether a profile existed. */
  deleteUser(userId: string): Promise<{ events: number; profile: boolean }>;
  /** Streams interactions in time order as columnar batches for training. */
  scanInteractions(options?: InteractionScanOptions): AsyncIterable<InteractionBatch>;
  stats(): Promise<StoreStats>;
  /** Runs a read-only analytics query; `?` placeholders become the adapter's own. */
  query<T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  saveArtifact(name: string, artifact: Artifact): Promise<void>;
  loadArtifact(name: string): Promise<Artifact | undefined>;
  listArtifacts(): Promise<ArtifactInfo[]>;
  deleteArtifact(name: string): Promise<boolean>;
  /** The schema version applied by migrations. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
