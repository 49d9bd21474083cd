import { defineRoutes } from '../route.ts';
import { docsPage } from '../pages.ts';

export const systemRoutes = defineRoutes([
  {
    method: 'GET',
    url: '/healthz',
    access: 'public',
    tag: 'System',
    summary: 'Liveness and store check (no key needed)',
    responseExample: { status: 'ok', schemaVersion: 1 },
    async handler(_req, _reply, ctx) {
      return { status: 'ok', schemaVersion: await ctx.store.schemaVersion() };
    },
  },
  {
    method: 'GET',
    url: '/docs',
    access: 'public',
    tag: 'System',
    summary: 'Human-readable API reference',
    produces: 'text/html; charset=utf-8',
    async handler() {
      return docsPage();
    },
  },
]);
