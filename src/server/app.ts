import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { CartwiseError, isCartwiseError } from '../core/errors.ts';
import { validate } from '../core/schemas/index.ts';
import { RejectionLog } from '../ingest/rejection-log.ts';
import { authorize, keyKindOf } from './auth.ts';
import { buildOpenApi } from './openapi.ts';
import type { AppContext, RouteSpec } from './route.ts';
import { allRoutes } from './routes/index.ts';

export interface BuildAppOptions {
  /** Extra routes (tests, plugins). */
  routes?: RouteSpec[];
  /** Pass Fastify's logger (default: the context's pino logger at its level). */
  logRequests?: boolean;
}

function corsHeaders(origin: string | undefined, allowed: string): Record<string, string> {
  const list = allowed.split(',').map((s) => s.trim()).filter(Boolean);
  const allow = list.includes('*') ? '*' : origin && list.includes(origin) ? origin : undefined;
  if (!allow) return {};
  return {
    'access-control-allow-origin': allow,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
    ...(allow === '*' ? {} : { vary: 'Origin' }),
  };
}

/** Maps any error to the one response shape `{ error: { code, message, details } }`; `bodyLimit` names the limit. */
export function toCartwiseError(err: unknown, bodyLimit?: number): CartwiseError {
  if (isCartwiseError(err)) return err;
  const e = err as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CartwiseError('BODY_TOO_LARGE', { limitBytes: bodyLimit !== undefined ? bodyLimit.toLocaleString('en-US') : 'the configured' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CartwiseError('VALIDATION_FAILED', { reason: 'send JSON with Content-Type: application/json' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CartwiseError('VALIDATION_FAILED', { reason: 'the JSON body is empty' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new CartwiseError('INVALID_JSON', { reason: e.message });
    default:
      if (e instanceof SyntaxError || e.statusCode === 400) return new CartwiseError('INVALID_JSON', { reason: e.message });
      return new CartwiseError('INTERNAL', { reason: e.message ?? String(err) });
  }
}

/**
 * Builds the Fastify app from the route specs: auth per route (public / write / admin), CORS for routes a
 * storefront may call with the write key, query validation, one error handler, OpenAPI at `/openapi.json`.
 */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    ...(options.logRequests === false ? {} : { loggerInstance: ctx.log }),
    bodyLimit: ctx.config.maxBodyBytes,
  }) as unknown as FastifyInstance;
  ctx.rejections ??= new RejectionLog();
  const routes = [...allRoutes, ...(options.routes ?? [])];
  const openApi = buildOpenApi(routes);
  const keys = { adminKey: ctx.config.adminKey, writeKey: ctx.config.writeKey };

  app.setErrorHandler((err, req, reply) => {
    const cw = toCartwiseError(err, ctx.config.maxBodyBytes);
    if (cw.status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(cw.status).send(cw.toJSON());
  });
  app.setNotFoundHandler((req, reply) => {
    const cw = new CartwiseError('ROUTE_NOT_FOUND', { method: req.method, url: req.url.split('?')[0] });
    void reply.code(cw.status).send(cw.toJSON());
  });

  const corsPaths = new Set<string>();
  for (const route of routes) {
    if (route.access !== 'admin') corsPaths.add(route.url);
    app.route({
      method: route.method,
      url: route.url,
      handler: async (req, reply) => {
        if (route.access !== 'admin') {
          for (const [k, v] of Object.entries(corsHeaders(req.headers.origin, ctx.config.corsOrigins))) reply.header(k, v);
        }
        authorize(route.access, keyKindOf(req, keys), `${route.method} ${route.url}`);
        if (route.query) {
          const q = validate(route.query, req.query, 'query');
          if (!q.ok) throw new CartwiseError('VALIDATION_FAILED', { reason: `${q.issues[0]?.path} ${q.issues[0]?.message}` }, { issues: q.issues });
          (req as { query: unknown }).query = q.value;
        }
        const result = await route.handler(req, reply, ctx);
        if (route.status && reply.statusCode === 200) reply.code(route.status);
        if (route.produces) reply.type(route.produces);
        return result;
      },
    });
  }
  for (const path of corsPaths) {
    app.options(path, async (req, reply) => {
      for (const [k, v] of Object.entries(corsHeaders(req.headers.origin, ctx.config.corsOrigins))) reply.header(k, v);
      return reply.code(204).send();
    });
  }
  app.get('/openapi.json', async () => openApi);
  return app;
}
