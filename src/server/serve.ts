import type { FastifyInstance } from 'fastify';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { rfmUsers } from '../analytics/rfm.ts';
import { startRecommendations } from '../recommend/serving/start-serving.ts';
import type { Store } from '../store/store.ts';
import { buildApp } from './app.ts';

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
  const app = await buildApp({ config, store, log, recommendations: recs.service, training: recs.training });
  app.addHook('onClose', () => recs.close());
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  return { app, url, close: () => app.close() };
}
