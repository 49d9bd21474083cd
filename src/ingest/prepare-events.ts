import { createHmac } from 'node:crypto';
import type { FieldIssue } from '../core/errors.ts';
import { randomId } from '../core/ids.ts';
import { Limits } from '../core/limits.ts';
import { eventSchema, validate, type StoredEvent } from '../core/schemas/index.ts';

export interface RejectedEvent {
  index: number;
  issues: FieldIssue[];
}

export interface PreparedEvents {
  accepted: StoredEvent[];
  /** Index in the input of each accepted event. */
  acceptedIndex: number[];
  rejected: RejectedEvent[];
}

export interface PrepareOptions {
  /** Epoch ms "now", for the future-skew check. */
  nowMs?: number;
  /** When set, user ids are replaced by a keyed hash (HMAC-SHA256) of this key. */
  pseudonymizeKey?: string;
  /** Path prefix in error messages (`events` → `events[3].userId`). */
  pathPrefix?: string;
}

/** A keyed, stable pseudonym for a user id. */
export function pseudonymize(userId: string, key: string): string {
  return 'p_' + createHmac('sha256', key).update(userId).digest('base64url').slice(0, 22);
}

/**
 * Validates a batch of raw events one by one (an ingest step returns ok or rejected(reason), never throws for
 * bad input), assigns an id to events without one, and applies pseudonymisation. Valid events are kept even
 * when others in the batch are rejected.
 */
export function prepareEvents(raw: readonly unknown[], options: PrepareOptions = {}): PreparedEvents {
  const now = options.nowMs ?? Date.now();
  const prefix = options.pathPrefix ?? 'events';
  const out: PreparedEvents = { accepted: [], acceptedIndex: [], rejected: [] };
  raw.forEach((value, index) => {
    const r = validate(eventSchema, value, `${prefix}[${index}]`);
    if (!r.ok) {
      out.rejected.push({ index, issues: r.issues });
      return;
    }
    const e = r.value;
    if (e.ts > now + Limits.maxFutureSkewMs) {
      out.rejected.push({ index, issues: [{ path: `${prefix}[${index}].ts`, message: 'is more than 24 hours in the future' }] });
      return;
    }
    const stored: StoredEvent = { ...e, id: e.id ?? randomId('ev_', 15) };
    if (options.pseudonymizeKey) stored.userId = pseudonymize(stored.userId, options.pseudonymizeKey);
    out.accepted.push(stored);
    out.acceptedIndex.push(index);
  });
  return out;
}
