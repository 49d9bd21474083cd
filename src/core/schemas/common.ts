import { z } from 'zod';
import { Limits } from '../limits.ts';
import { MIN_TS_MS, parseTimestamp } from '../time.ts';

export const idSchema = z
  .string({ error: 'must be a string id' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(Limits.maxIdLength, { error: `must be at most ${Limits.maxIdLength} characters (maxIdLength)` });

/** Ids may arrive as numbers from CSV-born JSON; they are stored as strings. */
export const idLikeSchema = z.union([idSchema, z.number().finite().transform((n) => String(n))]);

const propValue = z.union([
  z.string().max(Limits.maxPropStringLength, { error: `must be at most ${Limits.maxPropStringLength} characters (maxPropStringLength)` }),
  z.number().finite(),
  z.boolean(),
]);

/** A flat map of scalar values, bounded in size. */
export function flatMapSchema(maxCount: number, limitName: string) {
  return z
    .record(z.string().min(1).max(Limits.maxPropKeyLength), propValue)
    .refine((m) => Object.keys(m).length <= maxCount, {
      error: `must have at most ${maxCount} keys (${limitName})`,
    });
}

export const timestampSchema = z
  .union([z.number(), z.string()], { error: 'must be epoch milliseconds or an ISO 8601 string' })
  .transform((v, ctx) => {
    const ms = parseTimestamp(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 string' });
      return z.NEVER;
    }
    if (ms < MIN_TS_MS) {
      ctx.addIssue({ code: 'custom', message: 'is before 1990 — was it sent in seconds instead of milliseconds?' });
      return z.NEVER;
    }
    return ms;
  });

export const moneySchema = z.number().finite().min(0, { error: 'must not be negative' });
