/**
 * The event pipeline of the storefront SDK: queue → batch → POST /v1/events with the write key, retried with
 * exponential backoff and jitter on network errors, 408, 425, 429 and 5xx. Every event carries a client id, so
 * a retried or re-sent batch is stored once (the server ignores ids it already has): delivery is at-least-once
 * on the wire and exactly-once in the store. Pending events are mirrored to localStorage, so events still
 * queued when the shopper navigates are sent by the next page; on page exit they go out with a keepalive
 * fetch (same origin) or `navigator.sendBeacon` (cross-origin, key in the query string).
 */
import { RecAttribution } from './attribution.ts';
import { Identity } from './identity.ts';
import type { EventFields, ResolvedOptions, SdkEnvironment, TrackedEvent } from './types.ts';

/** Keepalive requests and beacons share a 64 KiB budget in browsers; stay under it per request. */
export const MAX_BATCH_BYTES = 60_000;

/** How long after a track() call the pending queue is written to storage. */
export const PERSIST_DELAY_MS = 200;

/** Counters for debugging and tests. */
export interface TrackerStats {
  /** Events the server acknowledged (stored or recognised as duplicates). */
  sent: number;
  /** Events the server rejected as invalid (not retried). */
  rejected: number;
  /** Events dropped: no consent, queue overflow, or retries exhausted. */
  dropped: number;
  /** Batches re-sent after a failure. */
  retries: number;
}

type SendOutcome = { kind: 'ok'; rejectedIndexes: number[]; message?: string } | { kind: 'retry'; reason: string } | { kind: 'reject'; reason: string };

const RETRY_STATUSES = new Set([408, 425, 429]);

/** Parses the server's error body `{ error: { message } }` for a readable warning. */
function errorMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) return `${status} ${body.error.message}`;
  } catch {
    // not JSON
  }
  return `HTTP ${status}`;
}

/**
 * Queues, batches and delivers events. One tracker per page. Consent gates everything: while it is off,
 * events are dropped and nothing is written to storage.
 */
export class Tracker {
  readonly identity: Identity;
  readonly attribution: RecAttribution;
  readonly stats: TrackerStats = { sent: 0, rejected: 0, dropped: 0, retries: 0 };
  private queue: TrackedEvent[] = [];
  private inFlight: TrackedEvent[] | undefined;
  private inFlightDone: Promise<void> | undefined;
  private timer: unknown;
  private timerDueMs = Infinity;
  private backoffUntilMs = 0;
  private attempt = 0;
  private consented: boolean;
  private warnedOverflow = false;
  private persistTimer: unknown;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly env: SdkEnvironment,
  ) {
    this.identity = new Identity(env.storage, options.storagePrefix, () => env.randomId(), options.sessionTimeoutMs);
    this.attribution = new RecAttribution(env.storage, options.storagePrefix + 'recs');
    this.consented = false;
    if (options.consent) this.setConsent(true);
    env.onPageExit(() => this.flushOnExit());
  }

  /** Whether tracking is allowed. */
  get hasConsent(): boolean {
    return this.consented;
  }

  /** Events waiting to be sent (in flight included). */
  get pending(): number {
    return this.queue.length + (this.inFlight?.length ?? 0);
  }

  /**
   * Turns tracking on or off. On: the ids and any events an earlier page left pending are loaded from storage
   * and sent. Off: the queue is discarded and the SDK's storage entries (ids, session, pending events) erased.
   */
  setConsent(granted: boolean): void {
    if (granted === this.consented) return;
    this.consented = granted;
    this.identity.setPersistent(granted);
    this.attribution.setPersistent(granted);
    if (granted) {
      const stored = this.readStoredQueue();
      if (stored.length > 0) {
        const known = new Set(this.queue.map((e) => e.id));
        this.queue.unshift(...stored.filter((e) => !known.has(e.id)));
        this.schedule(this.options.flushIntervalMs);
      }
    } else {
      this.stats.dropped += this.queue.length;
      this.queue = [];
      this.cancelTimer();
      this.removeStoredQueue();
    }
  }

  /**
   * Queues one event; returns its id, or undefined when it was dropped (no consent). A full batch is sent at
   * once, otherwise within `flushIntervalMs`.
   */
  track(fields: EventFields, userId?: string): string | undefined {
    if (!this.consented) {
      this.stats.dropped++;
      return undefined;
    }
    const now = this.env.now();
    const event: TrackedEvent = { id: this.env.randomId(), ...fields, userId: userId ?? this.identity.userId(), sessionId: this.identity.sessionId(now), ts: now };
    this.queue.push(event);
    const overflow = this.pending - this.options.maxQueueSize;
    if (overflow > 0) {
      this.queue.splice(0, Math.min(overflow, this.queue.length));
      this.stats.dropped += overflow;
      if (!this.warnedOverflow) this.env.warn(`cartwise: more than ${this.options.maxQueueSize} events are waiting (is the server reachable?); dropping the oldest`);
      this.warnedOverflow = true;
    }
    this.persistSoon();
    if (this.queue.length >= this.options.batchSize && this.inFlight === undefined && this.env.now() >= this.backoffUntilMs) void this.flush();
    else this.schedule(this.options.flushIntervalMs);
    return event.id;
  }

  /**
   * Sends everything queued now, batch after batch, and resolves when done or when a batch failed and a retry
   * is scheduled. An explicit flush does not wait for a pending backoff.
   */
  async flush(): Promise<void> {
    while (this.inFlightDone) await this.inFlightDone;
    if (!this.consented || this.queue.length === 0) return;
    this.cancelTimer();
    const run = this.drain();
    this.inFlightDone = run;
    try {
      await run;
    } finally {
      this.inFlightDone = undefined;
    }
  }

  private async drain(): Promise<void> {
    while (this.consented && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight = batch;
      const outcome = await this.send(batch);
      this.inFlight = undefined;
      if (!this.consented) return; // consent withdrawn while sending: the queue is already erased
      if (outcome.kind === 'ok') {
        this.attempt = 0;
        this.backoffUntilMs = 0;
        this.stats.sent += batch.length - outcome.rejectedIndexes.length;
        if (outcome.rejectedIndexes.length > 0) {
          this.stats.rejected += outcome.rejectedIndexes.length;
          this.env.warn(`cartwise: the server rejected ${outcome.rejectedIndexes.length} event(s): ${outcome.message ?? ''}`.trim());
        }
        this.persistQueue();
      } else if (outcome.kind === 'reject') {
        this.stats.rejected += batch.length;
        this.env.warn(`cartwise: the server refused ${batch.length} event(s), not retrying: ${outcome.reason}`);
        this.persistQueue();
      } else {
        this.attempt++;
        if (this.attempt > this.options.maxRetries) {
          this.stats.dropped += batch.length;
          this.env.warn(`cartwise: giving up on ${batch.length} event(s) after ${this.options.maxRetries} retries: ${outcome.reason}`);
          this.attempt = 0;
          this.persistQueue();
          continue;
        }
        this.stats.retries++;
        this.queue.unshift(...batch);
        this.persistQueue();
        const delay = this.backoffMs(this.attempt);
        this.backoffUntilMs = this.env.now() + delay;
        this.schedule(delay, true);
        return;
      }
    }
  }

  /** Delay before retry `attempt` (1-based): base·2^(attempt−1), capped, times a jitter in [0.5, 1). */
  backoffMs(attempt: number): number {
    const raw = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
    return Math.round(raw * (0.5 + 0.5 * this.env.random()));
  }

  /**
   * Sends what is pending as the page goes away: a keepalive fetch with the Authorization header on the same
   * origin (events leave the queue once the server answers), else `sendBeacon` to `/v1/events/beacon?key=`
   * (events leave the queue when the browser accepts the beacon). Anything not confirmed stays in storage and
   * is re-sent by the next page; the server ignores the duplicates.
   */
  flushOnExit(): void {
    if (!this.consented) return;
    const events = [...(this.inFlight ?? []), ...this.queue];
    if (events.length === 0) return;
    this.persistQueue();
    const { endpoint, writeKey } = this.options;
    const sameOrigin = this.env.sameOrigin(endpoint);
    for (const chunk of chunkByBytes(events, this.options.batchSize * 5, MAX_BATCH_BYTES)) {
      const body = JSON.stringify({ events: chunk });
      const ids = new Set(chunk.map((e) => e.id));
      if (sameOrigin) {
        try {
          this.env
            .fetch(`${endpoint}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` }, body, keepalive: true })
            .then((res) => {
              if (res.status >= 200 && res.status < 300) this.forget(ids);
            })
            .catch(() => undefined);
          continue;
        } catch {
          // keepalive unsupported: fall through to the beacon
        }
      }
      if (this.env.sendBeacon?.(`${endpoint}/v1/events/beacon?key=${encodeURIComponent(writeKey)}`, body)) this.forget(ids);
    }
  }

  private forget(ids: Set<string>): void {
    const before = this.queue.length;
    this.queue = this.queue.filter((e) => !ids.has(e.id));
    this.stats.sent += before - this.queue.length;
    this.persistQueue();
  }

  private takeBatch(): TrackedEvent[] {
    const [first] = chunkByBytes(this.queue, this.options.batchSize, MAX_BATCH_BYTES);
    const batch = first ?? [];
    this.queue.splice(0, batch.length);
    return batch;
  }

  private async send(batch: TrackedEvent[]): Promise<SendOutcome> {
    const { endpoint, writeKey } = this.options;
    let status: number;
    let text: string;
    try {
      const res = await this.env.fetch(`${endpoint}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
        body: JSON.stringify({ events: batch }),
      });
      status = res.status;
      text = await res.text().catch(() => '');
    } catch (err) {
      return { kind: 'retry', reason: `network error: ${(err as Error)?.message ?? String(err)}` };
    }
    if (status >= 200 && status < 300) {
      let rejectedIndexes: number[] = [];
      let message: string | undefined;
      try {
        const body = JSON.parse(text) as { rejected?: { index: number; errors?: { path: string; message: string }[] }[] };
        rejectedIndexes = (body.rejected ?? []).map((r) => r.index);
        const first = body.rejected?.[0]?.errors?.[0];
        if (first) message = `${first.path} ${first.message}`;
      } catch {
        // a 2xx without a readable body still means stored
      }
      return message === undefined ? { kind: 'ok', rejectedIndexes } : { kind: 'ok', rejectedIndexes, message };
    }
    if (status >= 500 || RETRY_STATUSES.has(status)) return { kind: 'retry', reason: errorMessage(text, status) };
    const hint = status === 401 || status === 403 ? ' (check the write key passed to cartwise.init)' : '';
    return { kind: 'reject', reason: errorMessage(text, status) + hint };
  }

  /** Arms the flush timer for `ms` from now, never earlier than a pending backoff; `force` replaces a later timer. */
  private schedule(ms: number, force = false): void {
    const now = this.env.now();
    const due = Math.max(now + ms, this.backoffUntilMs);
    ms = due - now;
    if (this.timer !== undefined) {
      if (!force && this.timerDueMs <= due) return;
      this.env.clearTimer(this.timer);
    }
    this.timerDueMs = due;
    this.timer = this.env.setTimer(() => {
      this.timer = undefined;
      this.timerDueMs = Infinity;
      void this.flush();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.env.clearTimer(this.timer);
    this.timer = undefined;
    this.timerDueMs = Infinity;
  }

  /**
   * Persists within PERSIST_DELAY_MS: a burst of track() calls costs one write of the queue, not one per event
   * (the write is O(queue), up to 1000 events when the server is unreachable). The exit hook persists at once.
   */
  private persistSoon(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = this.env.setTimer(() => {
      this.persistTimer = undefined;
      this.persistQueue();
    }, PERSIST_DELAY_MS);
  }

  private persistQueue(): void {
    if (this.persistTimer !== undefined) {
      this.env.clearTimer(this.persistTimer);
      this.persistTimer = undefined;
    }
    if (!this.consented || !this.env.storage) return;
    const events = [...(this.inFlight ?? []), ...this.queue];
    try {
      if (events.length === 0) this.env.storage.removeItem(this.options.storagePrefix + 'queue');
      else this.env.storage.setItem(this.options.storagePrefix + 'queue', JSON.stringify(events));
    } catch {
      // quota exceeded or storage disabled: the queue stays in memory
    }
  }

  private readStoredQueue(): TrackedEvent[] {
    try {
      const text = this.env.storage?.getItem(this.options.storagePrefix + 'queue');
      if (!text) return [];
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((e): e is TrackedEvent => !!e && typeof e === 'object' && typeof (e as TrackedEvent).id === 'string' && typeof (e as TrackedEvent).type === 'string').slice(-this.options.maxQueueSize);
    } catch {
      return [];
    }
  }

  private removeStoredQueue(): void {
    try {
      this.env.storage?.removeItem(this.options.storagePrefix + 'queue');
    } catch {
      // nothing to erase
    }
  }
}

/**
 * Splits events into consecutive chunks of at most `maxCount` events and about `maxBytes` of JSON each (a
 * single event larger than `maxBytes` gets a chunk of its own).
 */
export function chunkByBytes(events: readonly TrackedEvent[], maxCount: number, maxBytes: number): TrackedEvent[][] {
  const chunks: TrackedEvent[][] = [];
  let current: TrackedEvent[] = [];
  let bytes = 16; // {"events":[ ... ]}
  for (const e of events) {
    const size = JSON.stringify(e).length + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 16;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
