/**
 * Wires recommendations into a long-running server: the service (saved model, or a popularity fallback computed
 * from the store), the training jobs whose models are hot-swapped in, the real-time feed (new events read every
 * second into memory), a periodic check (every minute) for a model saved by another process, for catalogue changes
 * (prices, stock) and a refresh of the fallback popularity, and — when no trained model is saved yet — one model-selection job in the
 * background at start-up, so a fresh store (e.g. `npm run demo`) ends up with a trained model without a manual step.
 */
import type { Logger } from '../../core/logger.ts';
import type { Store } from '../../store/store.ts';
import { TrainingJobs } from '../selection/training-jobs.ts';
import { ImpressionLog } from './impression-log.ts';
import { RecommendationService } from './recommendation-service.ts';

export interface StartRecommendationsOptions {
  log?: Logger;
  /** Start a background `auto` training job when no trained model is saved and the store has events (default true). */
  trainOnStart?: boolean;
  /** Budget of the start-up model selection (default 3 minutes). */
  startupBudgetMs?: number;
  /** Catalogue (and fallback popularity) refresh period; 0 disables (default 60 s). */
  refreshMs?: number;
  /** How often new events are read into the real-time buffers; 0 reads them per request from the store (default 1 s). */
  realtimePollMs?: number;
  /** Store every served list as an `impression` event, flushed every 2 s (default false). */
  logImpressions?: boolean;
  /** The customer segment of a shopper, for segment-limited rules (the server passes the analytics' RFM segment). */
  segmentOf?: (userId: string) => Promise<string | undefined>;
}

export interface Recommendations {
  service: RecommendationService;
  training: TrainingJobs;
  /** Stops the timers, flushes impressions and cancels a running job. */
  close(): Promise<void>;
}

/** Opens the recommendation service and its training jobs for a server. */
export async function startRecommendations(store: Store, options: StartRecommendationsOptions = {}): Promise<Recommendations> {
  const log = options.log;
  const pollMs = options.realtimePollMs ?? 1000;
  const impressions = options.logImpressions ? new ImpressionLog(store, log ? { log } : {}) : undefined;
  impressions?.start();
  const service = await RecommendationService.open(store, {
    ...(log ? { log } : {}),
    realtime: pollMs > 0 ? 'tail' : 'query',
    ...(impressions ? { impressions } : {}),
    ...(options.segmentOf ? { segmentOf: options.segmentOf } : {}),
  });
  const training = new TrainingJobs(store, {
    onModel: (m) => {
      service.swap(m);
      void service.noteSavedModel().catch(() => undefined);
    },
    ...(log ? { log } : {}),
  });
  if ((options.trainOnStart ?? true) && service.modelInfo?.source !== 'trained' && service.modelInfo !== null) {
    const job = training.start({ algo: 'auto', budgetMs: options.startupBudgetMs ?? 3 * 60_000 });
    log?.info({ job: job.id }, 'no trained recommendation model yet: training one in the background (popularity is served meanwhile)');
  }
  let refreshing = false;
  let fallbackAt = Date.now();
  const refreshMs = options.refreshMs ?? 60_000;
  const timer =
    refreshMs > 0
      ? setInterval(() => {
          if (refreshing || training.busy) return;
          refreshing = true;
          void (async () => {
            await service.reloadIfChanged();
            await service.refreshCatalogue();
            // The fallback reads every event: recompute it at most every 10 minutes.
            if (Date.now() - fallbackAt >= 10 * 60_000) {
              fallbackAt = Date.now();
              await service.refreshFallback();
            }
          })()
            .catch((err: unknown) => log?.warn({ err }, 'recommendation refresh failed'))
            .finally(() => {
              refreshing = false;
            });
        }, refreshMs)
      : undefined;
  timer?.unref();
  const poller = pollMs > 0 ? setInterval(() => void service.pollRecent().catch((err: unknown) => log?.warn({ err }, 'reading new events failed')), pollMs) : undefined;
  poller?.unref();
  return {
    service,
    training,
    async close() {
      if (timer) clearInterval(timer);
      if (poller) clearInterval(poller);
      await impressions?.close();
      await training.close();
    },
  };
}
