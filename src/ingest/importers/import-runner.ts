import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { CartwiseError, type FieldIssue } from '../../core/errors.ts';
import { deterministicEventId } from '../../core/ids.ts';
import { Limits } from '../../core/limits.ts';
import { eventSchema, itemSchema, userSchema, validate, type Item, type StoredEvent, type User } from '../../core/schemas/index.ts';
import { parseJsonColumn } from '../../store/rows.ts';
import type { Store } from '../../store/store.ts';
import { pseudonymize } from '../prepare-events.ts';
import { csvQuote, splitCsvRecord } from '../../core/csv.ts';
import type { FieldSplit, FormatOptionValues, ImportFormat, ImportPart, RowMapper } from './import-format.ts';
import { inspectSource, readRecords } from './record-reader.ts';

export interface ImportProgress {
  /** Raw bytes read so far over all files (compressed bytes for `.gz`). */
  bytesRead: number;
  bytesTotal: number;
  rowsRead: number;
  eventsInserted: number;
}

export interface ImportOptions {
  store: Store;
  format: ImportFormat;
  /** The file or directory given on the command line. */
  path: string;
  formatOptions?: FormatOptionValues;
  /** Read at most this many data rows from each file. */
  limit?: number;
  /** Events per `appendEvents` call (default {@link DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
  /** Write every rejected row with its reason here: JSON lines when the name ends in `.jsonl`/`.ndjson`, else CSV. */
  rejectsPath?: string;
  /** How many rejected rows the summary lists (all are counted; default 10). */
  maxRejectsShown?: number;
  /** When aborted, the import stops reading, stores the rows already read, and returns with `interrupted`. */
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Replace user ids by a keyed hash (the server's `pseudonymizeUserIds`). */
  pseudonymizeKey?: string;
  /** Epoch ms "now" for the future-skew check (tests). */
  nowMs?: number;
}

export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
}

export interface FileSummary {
  file: string;
  path: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsSkipped: number;
}

/**
 * What an import did. Every data row read is exactly one of accepted, rejected or skipped
 * (`rowsRead = rowsAccepted + rowsRejected + rowsSkipped`); accepted rows' events are either inserted or
 * ignored as duplicates (ids already stored).
 */
export interface ImportSummary {
  format: string;
  path: string;
  files: FileSummary[];
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsSkipped: number;
  /** Skipped rows by rule (`blank line`, `stock adjustment`, …). */
  skippedByRule: Record<string, number>;
  eventsInserted: number;
  /** Events whose id was already stored (a re-import) or repeated in a batch. */
  eventsDuplicate: number;
  /** Items written (new or changed). */
  itemsUpserted: number;
  /** Items found already stored with identical fields, so not written again. */
  itemsUnchanged: number;
  usersUpserted: number;
  usersUnchanged: number;
  /** Distinct user and item ids among the accepted events of this import. */
  distinctUsers: number;
  distinctItems: number;
  /** Format-specific rule counters (rows per tag, e.g. `guest`, `refund`). */
  counts: Record<string, number>;
  /** The first rejected rows (`maxRejectsShown`). */
  rejects: RejectedRow[];
  rejectsFile?: string;
  /** True when the import was stopped by the signal (Ctrl-C) before the end of the input. */
  interrupted: boolean;
  /** True when `limit` stopped the reading of at least one file. */
  limited: boolean;
  elapsedMs: number;
  rowsPerSecond: number;
}

const ITEM_LOOKUP_CHUNK = 500;
/**
 * Events per `appendEvents` call. DuckDB's `INSERT OR IGNORE` into the primary-key index costs much less per row
 * in large batches: on Online Retail the import took 13 s of CPU with 20k batches, 9 s with 200k (bench/RESULTS.md),
 * for ~125 MB more memory. A Ctrl-C still stops reading at once; only the rows already read are written.
 */
export const DEFAULT_BATCH_SIZE = 200_000;
/** A batch is also written once its rows' text reaches this many characters, so long rows (reviews) bound memory. */
const MAX_BATCH_CHARS = 64 * 1024 * 1024;

function splitter(split: FieldSplit): (text: string) => string[] | undefined {
  switch (split.kind) {
    case 'csv':
      return (text) => splitCsvRecord(text, split.delimiter);
    case 'separator': {
      const sep = split.separator;
      return (text) => text.split(sep);
    }
    case 'whole':
      return (text) => [text];
  }
}

/** `event.userId is required; event.ts must be …` — a missing field reads "is required", not zod's generic "Invalid input". */
function describeIssues(issues: FieldIssue[], what: string, raw: unknown): string {
  const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return issues
    .map((i) => {
      if (i.path === '(root)') return `${what} ${i.message}`;
      const missing = !i.path.includes('.') && !i.path.includes('[') && input[i.path] === undefined && /^Invalid input/.test(i.message);
      return `${what}.${i.path} ${missing ? 'is required' : i.message}`;
    })
    .join('; ');
}

function sortedJson(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const o = value as Record<string, unknown>;
  return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** True when a stored item equals the imported one field for field (so writing it again would change nothing). */
export function sameItem(a: Item, b: Item): boolean {
  return (
    a.id === b.id && a.title === b.title && a.description === b.description && a.category === b.category &&
    a.price === b.price && a.currency === b.currency && a.inStock === b.inStock && a.createdAt === b.createdAt &&
    sortedJson(a.tags) === sortedJson(b.tags) && sortedJson(a.attrs) === sortedJson(b.attrs)
  );
}

class RejectsWriter {
  private readonly stream: WriteStream;
  private readonly jsonl: boolean;

  constructor(readonly path: string) {
    this.jsonl = /\.(jsonl|ndjson)$/i.test(path);
    this.stream = createWriteStream(path);
    if (!this.jsonl) this.stream.write('file,line,reason,record\n');
  }

  async write(file: string, line: number, reason: string, record: string): Promise<void> {
    const text = this.jsonl
      ? JSON.stringify({ file, line, reason, record }) + '\n'
      : `${csvQuote(file)},${line},${csvQuote(reason)},${csvQuote(record)}\n`;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/**
 * Runs an import end to end: plans the input files, streams their records (plain or gzip), maps each row with
 * the format's mapper, validates events, items and users with the shared schemas, and appends in batches.
 * Event ids are `deterministicEventId(source, line, text)` (plus the event's position for rows with several
 * events) unless the row brings its own id, so importing the same file twice inserts nothing the second time.
 * Items and users are deduplicated (the first row that describes an id wins within an import), compared with
 * what is stored, and only new or changed ones are written — before the events that reference them. Returns
 * the summary; throws only for problems with the input as a whole (missing file, wrong header) or the store.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const { store, format, signal } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const limit = options.limit ?? Infinity;
  const maxShown = options.maxRejectsShown ?? 10;
  const nowMs = options.nowMs ?? Date.now();
  const pseudoKey = options.pseudonymizeKey;
  const parts: ImportPart[] = await format.plan(options.path, options.formatOptions ?? {});
  const infos = await Promise.all(parts.map((p) => inspectSource(p.path)));
  const bytesTotal = infos.reduce((s, i) => s + i.bytes, 0);

  const summary: ImportSummary = {
    format: format.name, path: options.path, files: [],
    rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsSkipped: 0, skippedByRule: {},
    eventsInserted: 0, eventsDuplicate: 0, itemsUpserted: 0, itemsUnchanged: 0, usersUpserted: 0, usersUnchanged: 0,
    distinctUsers: 0, distinctItems: 0, counts: {}, rejects: [],
    interrupted: false, limited: false, elapsedMs: 0, rowsPerSecond: 0,
  };
  const rejectsWriter = options.rejectsPath ? new RejectsWriter(options.rejectsPath) : undefined;
  if (rejectsWriter) summary.rejectsFile = rejectsWriter.path;

  const userIds = new Set<string>();
  const itemIds = new Set<string>();
  const seenCatalogItems = new Set<string>();
  const seenProfiles = new Set<string>();
  let pendingEvents: StoredEvent[] = [];
  let pendingItems: Item[] = [];
  let pendingUsers: User[] = [];
  let pendingChars = 0;

  // When the catalogue (or the profile table) is empty at the start, every item this import describes is new:
  // ids repeated within the import are already deduplicated, so there is nothing to look up.
  let catalogueEmpty = true;
  for await (const first of store.scanItems(1)) {
    catalogueEmpty = first.length === 0;
    break;
  }
  const profilesEmpty = (await store.query('SELECT id FROM users LIMIT 1')).length === 0;

  const writeItems = async (batch: Item[]) => {
    if (catalogueEmpty) {
      summary.itemsUpserted += await store.upsertItems(batch);
      return;
    }
    const changed: Item[] = [];
    for (let i = 0; i < batch.length; i += ITEM_LOOKUP_CHUNK) {
      const chunk = batch.slice(i, i + ITEM_LOOKUP_CHUNK);
      const stored = new Map((await store.getItems(chunk.map((it) => it.id))).map((it) => [it.id, it]));
      for (const it of chunk) {
        const old = stored.get(it.id);
        if (old && sameItem(old, it)) summary.itemsUnchanged++;
        else changed.push(it);
      }
    }
    if (changed.length > 0) summary.itemsUpserted += await store.upsertItems(changed);
  };

  const writeUsers = async (batch: User[]) => {
    if (profilesEmpty) {
      summary.usersUpserted += await store.upsertUsers(batch);
      return;
    }
    const changed: User[] = [];
    for (let i = 0; i < batch.length; i += ITEM_LOOKUP_CHUNK) {
      const chunk = batch.slice(i, i + ITEM_LOOKUP_CHUNK);
      const rows = await store.query<{ id: string; attrs: unknown }>(
        `SELECT id, attrs FROM users WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        chunk.map((u) => u.id),
      );
      const stored = new Map(rows.map((r) => [String(r.id), sortedJson(parseJsonColumn(r.attrs))]));
      for (const u of chunk) {
        if (stored.has(u.id) && stored.get(u.id) === sortedJson(u.attrs)) summary.usersUnchanged++;
        else changed.push(u);
      }
    }
    if (changed.length > 0) summary.usersUpserted += await store.upsertUsers(changed);
  };

  // One batch is written while the next is parsed (the store's INSERT runs off the JS thread): at most one
  // write is in flight, so memory stays bounded and batches reach the store in file order. Catalogue rows go
  // before the events of the same batch.
  let inflight: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const flush = async () => {
    await inflight;
    if (writeError !== undefined) throw writeError;
    if (pendingEvents.length === 0 && pendingItems.length === 0 && pendingUsers.length === 0) return;
    const events = pendingEvents;
    const items = pendingItems;
    const users = pendingUsers;
    pendingEvents = [];
    pendingItems = [];
    pendingUsers = [];
    pendingChars = 0;
    inflight = (async () => {
      if (items.length > 0) await writeItems(items);
      if (users.length > 0) await writeUsers(users);
      if (events.length > 0) {
        const r = await store.appendEvents(events);
        summary.eventsInserted += r.inserted;
        summary.eventsDuplicate += r.duplicates;
      }
    })().catch((err: unknown) => {
      writeError = err;
    });
  };
  const drain = async () => {
    await flush();
    await inflight;
    if (writeError !== undefined) throw writeError;
  };

  const reject = async (file: FileSummary, line: number, reason: string, text: string) => {
    file.rowsRejected++;
    summary.rowsRejected++;
    if (summary.rejects.length < maxShown) summary.rejects.push({ file: file.file, line, reason });
    if (rejectsWriter) await rejectsWriter.write(file.file, line, reason, text);
  };

  let bytesBefore = 0;
  const progress = (bytesInPart: number) =>
    options.onProgress?.({ bytesRead: bytesBefore + bytesInPart, bytesTotal, rowsRead: summary.rowsRead, eventsInserted: summary.eventsInserted });

  try {
    for (let p = 0; p < parts.length && !signal?.aborted; p++) {
      const part = parts[p] as ImportPart;
      const file: FileSummary = { file: part.label, path: part.path, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsSkipped: 0 };
      summary.files.push(file);
      const split = splitter(part.split);
      let mapper: RowMapper | undefined = part.header ? undefined : part.createMapper(undefined);
      let firstRecord = true;
      let partBytes = 0;
      let stop = false;
      for await (const records of readRecords(part.path, { syntax: part.syntax, encoding: part.encoding, onBytes: (b) => (partBytes = b) })) {
        for (const rec of records) {
          if (mapper === undefined) {
            mapper = part.createMapper(split(rec.text) ?? []);
            continue;
          }
          if (firstRecord) {
            firstRecord = false;
            if (part.isHeader?.(split(rec.text) ?? [])) continue;
          }
          if (file.rowsRead >= limit) {
            summary.limited = true;
            stop = true;
            break;
          }
          if (signal?.aborted) {
            stop = true;
            break;
          }
          file.rowsRead++;
          summary.rowsRead++;
          const text = rec.text;
          if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) {
            file.rowsSkipped++;
            summary.rowsSkipped++;
            summary.skippedByRule['blank line'] = (summary.skippedByRule['blank line'] ?? 0) + 1;
            continue;
          }
          const fields = split(text);
          if (fields === undefined) {
            await reject(file, rec.line, 'unterminated quoted field (a `"` is never closed)', text);
            continue;
          }
          const res = mapper({ fields, line: rec.line, text });
          if (res.kind === 'rejected') {
            await reject(file, rec.line, res.reason, text);
            continue;
          }
          if (res.kind === 'skipped') {
            file.rowsSkipped++;
            summary.rowsSkipped++;
            summary.skippedByRule[res.rule] = (summary.skippedByRule[res.rule] ?? 0) + 1;
            continue;
          }
          // Validate everything the row produced before keeping any of it: a row is accepted or rejected whole.
          let problem: string | undefined;
          const events: StoredEvent[] = [];
          const n = res.events.length;
          for (let k = 0; k < n && problem === undefined; k++) {
            const v = validate(eventSchema, res.events[k]);
            if (!v.ok) {
              problem = describeIssues(v.issues, n > 1 ? `event[${k}]` : 'event', res.events[k]);
              break;
            }
            const e = v.value as StoredEvent;
            if (e.ts > nowMs + Limits.maxFutureSkewMs) {
              problem = `event.ts ${new Date(e.ts).toISOString()} is more than 24 hours in the future`;
              break;
            }
            if (e.id === undefined) e.id = n === 1 ? deterministicEventId(part.source, rec.line, text) : deterministicEventId(part.source, rec.line, text, k);
            if (pseudoKey) e.userId = pseudonymize(e.userId, pseudoKey);
            events.push(e);
          }
          // Only the first row describing an item or profile counts (documented), so later descriptions of a known
          // id are not validated again: for order lines that saves two schema checks per row.
          const items: Item[] = [];
          for (const raw of res.items ?? []) {
            if (problem !== undefined) break;
            if (typeof raw.id === 'string' && seenCatalogItems.has(raw.id)) continue;
            const v = validate(itemSchema, raw);
            if (v.ok) items.push(v.value);
            else problem = describeIssues(v.issues, 'item', raw);
          }
          const users: User[] = [];
          for (const raw of res.users ?? []) {
            if (problem !== undefined) break;
            if (!pseudoKey && typeof raw.id === 'string' && seenProfiles.has(raw.id)) continue;
            const v = validate(userSchema, raw);
            if (!v.ok) {
              problem = describeIssues(v.issues, 'user', raw);
              break;
            }
            if (pseudoKey) v.value.id = pseudonymize(v.value.id, pseudoKey);
            users.push(v.value);
          }
          if (problem !== undefined) {
            await reject(file, rec.line, problem, text);
            continue;
          }
          file.rowsAccepted++;
          summary.rowsAccepted++;
          if (res.tags) for (const t of res.tags) summary.counts[t] = (summary.counts[t] ?? 0) + 1;
          for (const it of items) {
            if (seenCatalogItems.has(it.id)) continue;
            seenCatalogItems.add(it.id);
            pendingItems.push(it);
          }
          for (const u of users) {
            if (seenProfiles.has(u.id)) continue;
            seenProfiles.add(u.id);
            pendingUsers.push(u);
          }
          for (const e of events) {
            userIds.add(e.userId);
            if (e.itemId !== undefined) itemIds.add(e.itemId);
            pendingEvents.push(e);
          }
          pendingChars += text.length;
          if (pendingEvents.length >= batchSize || pendingItems.length >= batchSize || pendingUsers.length >= batchSize || pendingChars >= MAX_BATCH_CHARS) {
            await flush();
          }
        }
        progress(partBytes);
        if (stop) break;
      }
      if (mapper === undefined && part.header) {
        throw new CartwiseError('IMPORT_FAILED', { reason: `${part.label} is empty (no header line)` }, { file: part.path });
      }
      await drain();
      bytesBefore += infos[p]?.bytes ?? 0;
      progress(0);
    }
  } finally {
    await inflight;
    await rejectsWriter?.close();
  }
  summary.interrupted = Boolean(signal?.aborted);
  summary.distinctUsers = userIds.size;
  summary.distinctItems = itemIds.size;
  summary.elapsedMs = Math.round(performance.now() - started);
  summary.rowsPerSecond = summary.elapsedMs > 0 ? Math.round((summary.rowsRead * 1000) / summary.elapsedMs) : 0;
  return summary;
}
