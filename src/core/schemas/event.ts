import { z } from 'zod';
import { Limits } from '../limits.ts';
import { flatMapSchema, idLikeSchema, idSchema, timestampSchema } from './common.ts';

/** Built-in event types; any other lower-case name is accepted as a custom type. */
export const EventTypes = {
  view: 'view',
  click: 'click',
  add_to_cart: 'add_to_cart',
  remove_from_cart: 'remove_from_cart',
  purchase: 'purchase',
  search: 'search',
  review: 'review',
  /** A returned or refunded purchase (imports map cancelled invoices here). */
  refund: 'refund',
  impression: 'impression',
} as const;
export type BuiltInEventType = keyof typeof EventTypes;

/** Types that must name an item. */
export const ITEM_EVENT_TYPES: ReadonlySet<string> = new Set(['view', 'click', 'add_to_cart', 'remove_from_cart', 'purchase', 'review', 'refund']);

const eventTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, { error: 'must be a built-in type (view, click, add_to_cart, …) or a custom snake_case name' });

/**
 * The Event schema: the one definition used by the HTTP API, the importers and the SDK types.
 * Input accepts `ts` as epoch ms or ISO 8601; output has `ts` in epoch ms.
 */
export const eventSchema = z
  .object({
    id: idSchema.optional(),
    type: eventTypeSchema,
    userId: idLikeSchema,
    sessionId: idSchema.optional(),
    itemId: idLikeSchema.optional(),
    ts: timestampSchema,
    quantity: z.number().finite().optional(),
    price: z.number().finite().optional(),
    revenue: z.number().finite().optional(),
    query: z.string().max(Limits.maxTitleLength).optional(),
    rating: z.number().finite().min(0).max(10).optional(),
    text: z.string().max(Limits.maxTextLength, { error: `must be at most ${Limits.maxTextLength} characters (maxTextLength)` }).optional(),
    props: flatMapSchema(Limits.maxPropsCount, 'maxPropsCount').optional(),
    recId: idSchema.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (ITEM_EVENT_TYPES.has(e.type) && e.itemId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['itemId'], message: `is required for ${e.type} events` });
    }
    if (e.type === 'search' && e.query === undefined) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'is required for search events' });
    }
  });

/** What a client sends. */
export type EventInput = z.input<typeof eventSchema>;
/** A validated event (ts in epoch ms). */
export type Event = z.output<typeof eventSchema>;
/** An event as stored: it always has an id. */
export type StoredEvent = Event & { id: string };
