/**
 * Stores what was shown: every non-empty recommendation response becomes one `impression` event (the built-in
 * type) with the response's `recId` as both its id (idempotent) and its `recId`, and the served list in `props`
 * (`items`, comma-joined ids, cut to the property length limit; `count`; `surface`; `strategy`; `model`). Clicks and
 * purchases that carry the same `recId` can then be attributed to the exact list and position they came from.
 * Impressions are buffered and appended in batches (every `flushMs`), so the request path never waits for the store;
 * they name no item, so training and the real-time feed ignore them.
 */
import type { Logger } from '../../core/logger.ts';
import { Limits } from '../../core/limits.ts';
import type { StoredEvent } from '../../core/schemas/index.ts';
import type { Store } from '../../store/store.ts';
import type { RecommendResponse } from './request.ts';

export interface ImpressionLogOptions {
  /** Flush period (default 2 s). */
  flushMs?: number;
  /** Impressions buffered at most; beyond, the oldest unflushed are dropped and counted (default 20,000). */
  maxBuffer?: number;
  log?: Logger;
}

/** Where a list was shown. */
export type Surface = 'recommendations' | 'similar' | 'bought_together' | 'trending';

/** Buffers impression events and appends them to the store in batches. */
export class ImpressionLog {
  private buffer: StoredEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Impressions dropped because the buffer was full. */
  dropped = 0;
  private readonly store: Store;
  private readonly options: ImpressionLogOptions;

  constructor(store: Store, options: ImpressionLogOptions = {}) {
    this.store = store;
    this.options = options;
  }

  /** Starts the periodic flush. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch((err: unknown) => this.options.log?.warn({ err }, 'storing impressions failed')), this.options.flushMs ?? 2000);
    this.timer.unref();
  }

  /** Records one response (ignored when it has no items). */
  record(response: RecommendResponse, surface: Surface, who: { userId?: string; sessionId?: string; itemId?: string }): void {
    if (response.items.length === 0) return;
    const max = this.options.maxBuffer ?? 20_000;
    if (this.buffer.length >= max) {
      this.buffer.shift();
      this.dropped++;
    }
    let items = '';
    let shown = 0;
    for (const it of response.items) {
      const next = items === '' ? it.id : `${items},${it.id}`;
      if (next.length > Limits.maxPropStringLength) break;
      items = next;
      shown++;
    }
    this.buffer.push({
      id: response.recId,
      type: 'impression',
      userId: who.userId ?? (who.sessionId ? `session:${who.sessionId}` : 'anonymous'),
      ...(who.sessionId ? { sessionId: who.sessionId } : {}),
      ts: Date.now(),
      recId: response.recId,
      props: {
        surface,
        strategy: response.strategy,
        model: response.model?.id ?? '',
        items,
        count: response.items.length,
        ...(shown < response.items.length ? { truncated: true } : {}),
        ...(who.itemId ? { anchorItem: who.itemId } : {}),
      },
    });
  }

  /** Appends the buffered impressions (one batch at a time). */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      while (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, Limits.maxEventsPerBatch);
        await this.store.appendEvents(batch);
      }
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops the timer and flushes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
