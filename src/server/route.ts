import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { RejectionLog } from '../ingest/rejection-log.ts';
import type { TrainingJobs } from '../recommend/selection/training-jobs.ts';
import type { RecommendationService } from '../recommend/serving/recommendation-service.ts';
import type { Store } from '../store/store.ts';

/** Who may call a route: anyone, the write key (storefront-safe) or admin, or admin only. */
export type RouteAccess = 'public' | 'write' | 'admin';

/** Services the routes share. Domains add their services here as they land. */
export interface AppContext {
  config: Config;
  store: Store;
  log: Logger;
  /** Recent rejected events (created by buildApp when absent). */
  rejections?: RejectionLog;
  /** Serves recommendations (created by `startServer`; recommendation routes answer 503 without it). */
  recommendations?: RecommendationService;
  /** Background training jobs (created by `startServer`). */
  training?: TrainingJobs;
}

/**
 * One route: its method, path, who may call it, its documentation and its handler. The server registers
 * every route from these specs and the OpenAPI document is generated from the same specs.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  access: RouteAccess;
  tag: string;
  summary: string;
  description?: string;
  /** Request body schema (documentation; handlers validate with the entity schemas so errors name fields). */
  body?: z.ZodType;
  /** Query-string schema, validated before the handler runs. */
  query?: z.ZodObject;
  /** Success status (default 200). */
  status?: number;
  /** Example response, for the docs. */
  responseExample?: unknown;
  /** Raw (non-JSON) response, e.g. HTML. */
  produces?: string;
  handler(req: FastifyRequest, reply: FastifyReply, ctx: AppContext): Promise<unknown>;
}

export function defineRoutes(routes: RouteSpec[]): RouteSpec[] {
  return routes;
}
