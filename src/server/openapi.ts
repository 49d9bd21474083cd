import { z } from 'zod';
import { ErrorCodes } from '../core/errors.ts';
import type { RouteSpec } from './route.ts';

/** Generates the OpenAPI 3.1 document from the route specs (the same specs the server registers). */
export function buildOpenApi(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const shape = r.query.shape as Record<string, z.ZodType>;
      for (const [name, schema] of Object.entries(shape)) {
        params.push({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: toSchema(schema) as { type: string } });
      }
    }
    const op: Record<string, unknown> = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body) } } } } : {}),
      security: r.access === 'public' ? [] : [{ bearer: [] }],
      'x-access': r.access,
      responses: {
        [String(r.status ?? 200)]: {
          description: 'OK',
          content: { [r.produces ?? 'application/json']: r.responseExample === undefined ? {} : { example: r.responseExample } },
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cartwise API',
      version: '0.1.0',
      description:
        'Self-hosted conversion engine. Send `Authorization: Bearer <key>`: the write key may only call routes marked `x-access: write` (safe in a storefront); the admin key may call everything.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', enum: Object.keys(ErrorCodes) }, message: { type: 'string' }, details: { type: 'object' } },
            },
          },
        },
      },
    },
    paths,
  };
}

function toSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}
