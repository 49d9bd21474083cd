import { z } from 'zod';
import { Limits } from '../limits.ts';
import { flatMapSchema, idLikeSchema } from './common.ts';

/** The User schema: an id and optional flat attributes (country, device, signup source, …). */
export const userSchema = z
  .object({
    id: idLikeSchema,
    attrs: flatMapSchema(Limits.maxAttrsCount, 'maxAttrsCount').optional(),
  })
  .strict();

export type UserInput = z.input<typeof userSchema>;
export type User = z.output<typeof userSchema>;
