import { createHash, randomBytes } from 'node:crypto';

declare const brand: unique symbol;
/** A nominal type: `Branded<string, 'UserId'>` is a string the compiler will not confuse with other strings. */
export type Branded<T, B extends string> = T & { readonly [brand]: B };

/** External ids as the store sends them. */
export type UserId = Branded<string, 'UserId'>;
export type ItemId = Branded<string, 'ItemId'>;
export type EventId = Branded<string, 'EventId'>;
/** Dense indices into typed arrays, assigned by the interaction builder. */
export type UserIndex = Branded<number, 'UserIndex'>;
export type ItemIndex = Branded<number, 'ItemIndex'>;

/**
 * A deterministic event id for imported rows: the same source, file line and content always give the same id,
 * so re-running an import inserts nothing new (the store ignores ids it already has).
 */
export function deterministicEventId(source: string, ...parts: (string | number)[]): EventId {
  const h = createHash('sha1');
  h.update(source);
  for (const p of parts) {
    h.update('\u0001');
    h.update(String(p));
  }
  return `${source}:${h.digest('base64url').slice(0, 22)}` as EventId;
}

/** A random id (for events sent without a client id, response ids, keys). */
export function randomId(prefix = '', bytes = 12): string {
  return prefix + randomBytes(bytes).toString('base64url');
}
