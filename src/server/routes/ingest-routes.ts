import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import { Limits } from '../../core/limits.ts';
import { eventSchema, itemSchema, userSchema, validate, type Item, type User } from '../../core/schemas/index.ts';
import { prepareEvents } from '../../ingest/prepare-events.ts';
import { defineRoutes } from '../route.ts';

const eventsBody = z.union([z.array(eventSchema), z.object({ events: z.array(eventSchema) })]);

function batchOf(body: unknown, key: string, limit: number, what: string): unknown[] {
  const list = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as Record<string, unknown>)[key]) ? ((body as Record<string, unknown>)[key] as unknown[]) : undefined;
  if (!list) {
    throw new CartwiseError('VALIDATION_FAILED', { reason: `the body must be a JSON array of ${what} or an object {"${key}": [...]}` });
  }
  if (list.length > limit) throw new CartwiseError('BATCH_TOO_LARGE', { limit, what, count: list.length }, { limit, count: list.length });
  return list;
}

/** Validates every entity; all-or-nothing for catalogue writes, so a partial catalogue is never applied. */
function validateAll<T>(schema: z.ZodType<T>, list: unknown[], key: string): T[] {
  const out: T[] = [];
  const issues = [];
  for (let i = 0; i < list.length; i++) {
    const r = validate(schema, list[i], `${key}[${i}]`);
    if (r.ok) out.push(r.value as T);
    else issues.push(...r.issues.map((x) => ({ ...x, index: i })));
  }
  if (issues.length > 0) throw new CartwiseError('VALIDATION_FAILED', { reason: `${issues.length} problem(s), first: ${issues[0]?.path} ${issues[0]?.message}` }, { issues });
  return out;
}

export const ingestRoutes = defineRoutes([
  {
    method: 'POST',
    url: '/v1/events',
    access: 'write',
    tag: 'Ingestion',
    summary: 'Send a batch of events',
    description: `At most ${Limits.maxEventsPerBatch} events and ${Limits.maxBodyBytes} bytes. Valid events are stored even when others are rejected; each rejected event is reported by index with its field errors. An event whose \`id\` is already stored is ignored (idempotent retries). Stored events are durable when the response arrives.`,
    body: eventsBody,
    responseExample: { accepted: 2, duplicates: 0, rejected: [{ index: 1, errors: [{ path: 'events[1].userId', message: 'is required' }] }] },
    async handler(req, reply, ctx) {
      const list = batchOf(req.body, 'events', Limits.maxEventsPerBatch, 'events');
      const prepared = prepareEvents(list, ctx.config.pseudonymizeUserIds ? { pseudonymizeKey: ctx.config.adminKey } : {});
      for (const r of prepared.rejected) ctx.rejections?.record('POST /v1/events', r.index, r.issues, list[r.index]);
      const result = await ctx.store.appendEvents(prepared.accepted);
      const body = {
        accepted: result.inserted,
        duplicates: result.duplicates,
        rejected: prepared.rejected.map((r) => ({ index: r.index, errors: r.issues })),
        ids: prepared.accepted.map((e) => e.id),
      };
      if (prepared.accepted.length === 0 && prepared.rejected.length > 0) {
        throw new CartwiseError('VALIDATION_FAILED', { reason: `all ${prepared.rejected.length} event(s) were rejected; first: ${prepared.rejected[0]?.issues[0]?.path} ${prepared.rejected[0]?.issues[0]?.message}` }, { rejected: body.rejected });
      }
      reply.code(prepared.rejected.length > 0 ? 207 : 200);
      return body;
    },
  },
  {
    method: 'PUT',
    url: '/v1/items',
    access: 'admin',
    tag: 'Catalogue',
    summary: 'Insert or replace catalogue items (batch)',
    description: `At most ${Limits.maxItemsPerBatch} items. The whole batch is validated first: one bad item rejects the batch (with every problem listed) so a catalogue is never half-applied.`,
    body: z.union([z.array(itemSchema), z.object({ items: z.array(itemSchema) })]),
    responseExample: { upserted: 2 },
    async handler(req, _reply, ctx) {
      const items = validateAll<Item>(itemSchema, batchOf(req.body, 'items', Limits.maxItemsPerBatch, 'items'), 'items');
      return { upserted: await ctx.store.upsertItems(items) };
    },
  },
  {
    method: 'PUT',
    url: '/v1/users',
    access: 'admin',
    tag: 'Users',
    summary: 'Insert or replace user profiles (batch)',
    body: z.union([z.array(userSchema), z.object({ users: z.array(userSchema) })]),
    responseExample: { upserted: 1 },
    async handler(req, _reply, ctx) {
      const users = validateAll<User>(userSchema, batchOf(req.body, 'users', Limits.maxUsersPerBatch, 'users'), 'users');
      return { upserted: await ctx.store.upsertUsers(users) };
    },
  },
  {
    method: 'DELETE',
    url: '/v1/users/:id',
    access: 'admin',
    tag: 'Users',
    summary: "Delete a user's events and profile (right to erasure)",
    responseExample: { userId: 'u1', deletedEvents: 12, deletedProfile: true },
    async handler(req, _reply, ctx) {
      const id = (req.params as { id: string }).id;
      const r = await ctx.store.deleteUser(id);
      return { userId: id, deletedEvents: r.events, deletedProfile: r.profile };
    },
  },
  {
    method: 'GET',
    url: '/v1/users/:id/events',
    access: 'admin',
    tag: 'Users',
    summary: "A user's events, newest first (their timeline)",
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    responseExample: { userId: 'u1', events: [{ id: 'e-2', type: 'purchase', userId: 'u1', itemId: 'i1', ts: 1735689900000 }] },
    async handler(req, _reply, ctx) {
      const id = (req.params as { id: string }).id;
      return { userId: id, events: await ctx.store.userEvents(id, (req.query as { limit: number }).limit) };
    },
  },
  {
    method: 'GET',
    url: '/v1/items/:id',
    access: 'admin',
    tag: 'Catalogue',
    summary: 'Get one catalogue item',
    responseExample: { id: 'i1', title: 'Blue mug', category: 'Home > Kitchen > Mugs', price: 12.5 },
    async handler(req, _reply, ctx) {
      const id = (req.params as { id: string }).id;
      const item = await ctx.store.getItem(id);
      if (!item) throw new CartwiseError('NOT_FOUND', { what: 'Item', id });
      return item;
    },
  },
  {
    method: 'DELETE',
    url: '/v1/items/:id',
    access: 'admin',
    tag: 'Catalogue',
    summary: 'Delete a catalogue item',
    responseExample: { itemId: 'i1', deleted: true },
    async handler(req, _reply, ctx) {
      const id = (req.params as { id: string }).id;
      return { itemId: id, deleted: await ctx.store.deleteItem(id) };
    },
  },
  {
    method: 'GET',
    url: '/v1/items',
    access: 'admin',
    tag: 'Catalogue',
    summary: 'List catalogue items (paged; filter by text in id/title and by category prefix)',
    query: z.object({
      q: z.string().max(200).optional(),
      category: z.string().max(1000).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responseExample: { total: 1, items: [{ id: 'i1', title: 'Blue mug' }] },
    async handler(req, _reply, ctx) {
      const q = req.query as { q?: string; category?: string; limit: number; offset: number };
      return ctx.store.listItems({ limit: q.limit, offset: q.offset, ...(q.q ? { text: q.q } : {}), ...(q.category ? { category: q.category } : {}) });
    },
  },
  {
    method: 'GET',
    url: '/v1/ingest/rejections',
    access: 'admin',
    tag: 'Data',
    summary: 'Recent invalid events with their reasons (since the server started)',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    responseExample: { totalSinceStart: 1, recent: [{ at: '2025-01-01T00:00:00.000Z', source: 'POST /v1/events', index: 0, issues: [{ path: 'events[0].userId', message: 'is required' }], preview: '{"type":"view"}' }] },
    async handler(req, _reply, ctx) {
      const { limit } = req.query as { limit: number };
      return { totalSinceStart: ctx.rejections?.totalSinceStart ?? 0, recent: ctx.rejections?.recent(limit) ?? [] };
    },
  },
  {
    method: 'GET',
    url: '/v1/keys',
    access: 'admin',
    tag: 'Data',
    summary: 'The write key (to embed in a storefront) and where the keys come from',
    responseExample: { writeKey: 'cw_write_…', adminKeyPrefix: 'cw_admin_abc' },
    async handler(_req, _reply, ctx) {
      return { writeKey: ctx.config.writeKey, adminKeyPrefix: ctx.config.adminKey.slice(0, 12) };
    },
  },
  {
    method: 'GET',
    url: '/v1/stats',
    access: 'admin',
    tag: 'Data',
    summary: 'Counts of events by type, users, items and the time range',
    responseExample: { events: 3, eventsByType: { view: 2, purchase: 1 }, users: 2, items: 10, userProfiles: 0, firstEventAt: '2025-01-01T00:00:00.000Z', lastEventAt: '2025-01-02T00:00:00.000Z' },
    async handler(_req, _reply, ctx) {
      return ctx.store.stats();
    },
  },
]);
