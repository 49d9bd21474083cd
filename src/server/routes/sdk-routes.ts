import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import type { Item } from '../../core/schemas/index.ts';
import { getSdkBundle } from '../../sdk/bundle.ts';
import { categoryPage, findCategory, loadCategoryTree, popularItems, searchItems } from '../../sdk/demo-store/demo-store-data.ts';
import { categoryBody, demoPage, emptyBody, esc, homeBody, notFoundBody, productBody, searchBody } from '../../sdk/demo-store/demo-store-page.ts';
import { defineRoutes, type RouteSpec } from '../route.ts';
import { ingestRoutes } from './ingest-routes.ts';

const PAGE_SIZE = 24;
const HTML = 'text/html; charset=utf-8';

/** The JSON ingestion route; the beacon route hands it the parsed body so both behave identically. */
function eventsRoute(): RouteSpec {
  const route = ingestRoutes.find((r) => r.method === 'POST' && r.url === '/v1/events');
  if (!route) throw new Error('POST /v1/events is not registered');
  return route;
}

export const sdkRoutes = defineRoutes([
  {
    method: 'GET',
    url: '/cartwise.js',
    access: 'public',
    tag: 'Storefront SDK',
    summary: 'The storefront SDK as one browser script (defines window.cartwise)',
    description:
      'Built from the SDK sources on first request and cached. Add it with `<script src="/cartwise.js" data-write-key="…"></script>`; see docs/guide/sdk.md. Answers 304 to a matching If-None-Match.',
    produces: 'application/javascript; charset=utf-8',
    async handler(req, reply) {
      let bundle;
      try {
        bundle = await getSdkBundle();
      } catch (err) {
        throw new CartwiseError('INTERNAL', { reason: `the SDK bundle could not be built: ${(err as Error).message}` });
      }
      reply.header('etag', bundle.etag);
      reply.header('cache-control', 'public, max-age=300');
      reply.header('access-control-allow-origin', '*');
      if (req.headers['if-none-match'] === bundle.etag) {
        reply.code(304);
        return '';
      }
      return bundle.code;
    },
  },
  {
    method: 'POST',
    url: '/v1/events/beacon',
    access: 'write',
    tag: 'Ingestion',
    summary: 'Send a batch of events with navigator.sendBeacon (key in the query string)',
    description:
      'Same as POST /v1/events, for `navigator.sendBeacon`, which can set neither headers nor a JSON content type: the body is the same JSON sent as text/plain, and the write key may be passed as `?key=` (only the write key is ever accepted from a URL).',
    query: z.object({ key: z.string().optional() }),
    body: z.string(),
    responseExample: { accepted: 2, duplicates: 0, rejected: [] },
    async handler(req, reply, ctx) {
      let body: unknown = req.body;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch (err) {
          throw new CartwiseError('INVALID_JSON', { reason: (err as Error).message });
        }
      }
      (req as { body: unknown }).body = body;
      return eventsRoute().handler(req, reply, ctx);
    },
  },
  {
    method: 'GET',
    url: '/demo-store',
    access: 'public',
    tag: 'Storefront SDK',
    summary: 'Demo storefront built from the catalogue in the store, tracked with the SDK',
    description: 'Home page with recommendations and popular items; `?category=A > B` lists a category (`&page=`), `?q=` searches titles. The page embeds the write key.',
    query: z.object({ category: z.string().max(1000).optional(), q: z.string().max(200).optional(), page: z.coerce.number().int().min(1).max(10_000).optional() }),
    produces: HTML,
    async handler(req, reply, ctx) {
      const q = req.query as { category?: string; q?: string; page?: number };
      const tree = await loadCategoryTree(ctx.store);
      const base = { writeKey: ctx.config.writeKey, tree };
      if (q.q !== undefined && q.q.trim() !== '') {
        const query = q.q.trim();
        const items = await searchItems(ctx.store, query, 48);
        return demoPage({ ...base, title: `Search: ${query}`, query, body: searchBody(query, items), page: { page: 'search', query, resultIds: items.map((i) => i.id) } });
      }
      if (q.category !== undefined && q.category.trim() !== '') {
        const node = findCategory(tree, q.category);
        if (!node) {
          reply.code(404);
          return demoPage({ ...base, title: 'Not found', body: `<div class="empty"><h1>No such category</h1><p class="muted">${esc(q.category)}</p></div>`, page: { page: 'empty' } });
        }
        const page = q.page ?? 1;
        const { items, total } = await categoryPage(ctx.store, node.path, page, PAGE_SIZE);
        return demoPage({ ...base, title: node.name, currentCategory: node.path, body: categoryBody(node, items, page, total, PAGE_SIZE), page: { page: 'category' } });
      }
      const popular = await popularItems(ctx.store, 8);
      if (popular.length === 0) return demoPage({ ...base, title: 'Home', body: emptyBody(), page: { page: 'empty' } });
      const departments: { node: (typeof tree)[number]; items: Item[] }[] = [];
      for (const node of tree.slice(0, 6)) departments.push({ node, items: (await categoryPage(ctx.store, node.path, 1, 4)).items });
      return demoPage({ ...base, title: 'Home', body: homeBody(popular, departments), page: { page: 'home' } });
    },
  },
  {
    method: 'GET',
    url: '/demo-store/product/:id',
    access: 'public',
    tag: 'Storefront SDK',
    summary: 'Demo storefront product page (similar items and bought-together widgets)',
    produces: HTML,
    async handler(req, reply, ctx) {
      const id = (req.params as { id: string }).id;
      const [item, tree] = await Promise.all([ctx.store.getItem(id), loadCategoryTree(ctx.store)]);
      const base = { writeKey: ctx.config.writeKey, tree };
      if (!item) {
        reply.code(404);
        return demoPage({ ...base, title: 'Not found', body: notFoundBody(id), page: { page: 'empty' } });
      }
      return demoPage({ ...base, title: item.title, ...(item.category ? { currentCategory: item.category } : {}), body: productBody(item), page: { page: 'product', itemId: item.id } });
    },
  },
]);

