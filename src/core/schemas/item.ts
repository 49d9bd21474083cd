import { z } from 'zod';
import { Limits } from '../limits.ts';
import { flatMapSchema, idLikeSchema, moneySchema, timestampSchema } from './common.ts';

/** The Item schema (catalogue entry). `category` is a path such as `Home > Kitchen > Mugs`. */
export const itemSchema = z
  .object({
    id: idLikeSchema,
    title: z.string().trim().min(1, { error: 'must not be empty' }).max(Limits.maxTitleLength),
    description: z.string().max(Limits.maxTextLength, { error: `must be at most ${Limits.maxTextLength} characters (maxTextLength)` }).optional(),
    category: z.string().max(Limits.maxTitleLength).optional(),
    price: moneySchema.optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' }).optional(),
    inStock: z.boolean().optional(),
    tags: z.array(z.string().min(1).max(Limits.maxPropKeyLength * 2)).max(Limits.maxTags).optional(),
    attrs: flatMapSchema(Limits.maxAttrsCount, 'maxAttrsCount').optional(),
    createdAt: timestampSchema.optional(),
  })
  .strict();

export type ItemInput = z.input<typeof itemSchema>;
export type Item = z.output<typeof itemSchema>;

/** Splits a category path into its levels: `Home > Kitchen` → ['Home', 'Kitchen']. */
export function categoryLevels(category: string | undefined): string[] {
  if (!category) return [];
  return category.split('>').map((s) => s.trim()).filter((s) => s.length > 0);
}
