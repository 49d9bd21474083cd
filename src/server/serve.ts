import type { FastifyInstance } from 'fastify';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { rfmUsers } from '../analytics/rfm.ts';
import { startRecommendations } from '../recommend/serving/start-serving.ts';
import type { Store } from '../store/store.ts';
import { buildApp } from './app.ts';
import type { AppContext } from './route.ts';
import { searchServiceOf } from './routes/search-routes.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server on the configured host and port. */
export async function startServer(config: Config, store: Store, log: Logger): Promise<RunningServer> {
  const recs = await startRecommendations(store, {
    log,
    logImpressions: config.recommendImpressions,
    // Segment-limited recommendation rules use the analytics' RFM segment of the shopper.
    segmentOf: async (userId) => (await rfmUsers(store, { userId, limit: 1 }))[0]?.segment ?? 'no_purchase',
  });
  const ctx: AppContext = { config, store, log, recommendations: recs.service, training: recs.training };
  const search = searchServiceOf(ctx); // before listening: a bad searchWeights setting stops the start, naming it
  const app = await buildApp(ctx);
  app.addHook('onClose', () => recs.close());
  await app.listen({ port: config.port, host: config.host });
  // Load (or rebuild, e.g. after an analyser upgrade) the search index now, not on the first shopper's search.
  search
    .ready()
    .catch((err: unknown) => log.warn({ err }, 'search index warm-up failed; the first search will try again'));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  return { app, url, close: () => app.close() };
}
