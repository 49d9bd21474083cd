/**
 * The request shapes of the serving API (one zod schema each, used by the HTTP routes, the CLI and the service):
 * filters, boost/bury rules, diversity and the recommendation context. Validation errors name the field.
 */
import { z } from 'zod';
import { Limits } from '../../core/limits.ts';

const id = z.string().min(1).max(Limits.maxIdLength);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Business filters: every condition must hold for an item to be returned. */
export const filtersSchema = z
  .object({
    category: z.string().min(1).optional().describe('category path prefix, e.g. "Home > Kitchen" (matches whole levels)'),
    priceMin: z.number().finite().min(0).optional().describe('lowest price (inclusive); items without a price are excluded'),
    priceMax: z.number().finite().min(0).optional().describe('highest price (inclusive); items without a price are excluded'),
    inStock: z.boolean().optional().describe('true (default): leave out items marked out of stock; false: no stock filter'),
    attrs: z.record(z.string(), scalar).optional().describe('attribute equals, e.g. {"color": "blue"}'),
  })
  .strict();
export type Filters = z.infer<typeof filtersSchema>;

/** What a boost/bury rule matches: every given condition must hold. */
export const ruleMatchSchema = z
  .object({
    itemIds: z.array(id).max(1000).optional(),
    category: z.string().min(1).optional(),
    tag: z.string().min(1).optional(),
    attrs: z.record(z.string(), scalar).optional(),
    priceMin: z.number().finite().min(0).optional(),
    priceMax: z.number().finite().min(0).optional(),
    inStock: z.boolean().optional(),
  })
  .strict();

/**
 * A boost/bury rule: matching items have their (pool-normalised) score multiplied by `factor` — above 1 boosts
 * (and may pull matching items into the list), below 1 buries, 0 removes.
 */
export const boostRuleSchema = z
  .object({
    name: z.string().max(200).optional(),
    match: ruleMatchSchema,
    factor: z.number().finite().min(0).max(100),
    /** Applies only to shoppers of these customer segments (RFM names such as `champions`, `at_risk`, `no_purchase`). */
    segments: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
  })
  .strict();
export type BoostRule = z.infer<typeof boostRuleSchema>;
export type RuleMatch = z.infer<typeof ruleMatchSchema>;

export const rulesSchema = z.array(boostRuleSchema).max(100);

/** Diversity re-ranking of the candidate pool. */
export const diversitySchema = z
  .object({
    method: z.enum(['mmr', 'category']).describe('mmr: maximal marginal relevance on item similarity; category: at most maxPerCategory per category'),
    lambda: z.number().min(0).max(1).default(0.7).describe('mmr: relevance vs. novelty trade-off (1 = relevance only)'),
    maxPerCategory: z.number().int().positive().default(2).describe('category: items per category'),
    level: z.number().int().positive().optional().describe('category: compare paths cut to this many levels (default: the full path)'),
  })
  .strict();
export type Diversity = z.infer<typeof diversitySchema>;

/** The context of a recommendation request (`POST /v1/recommendations`). */
export const recommendRequestSchema = z
  .object({
    userId: id.optional(),
    k: z.number().int().min(1).max(100).default(10),
    context: z
      .object({
        recentItems: z.array(id).max(100).optional().describe('items the shopper looked at, newest first (e.g. the page they are on)'),
        sessionId: id.optional().describe("an anonymous visitor's session: its latest items are read from the store"),
        category: z.string().min(1).optional().describe('the category being browsed: cold-start results come from it'),
      })
      .strict()
      .optional(),
    filters: filtersSchema.optional(),
    exclude: z.array(id).max(1000).optional(),
    excludePurchased: z.boolean().default(true),
    excludeViewed: z.boolean().default(true),
    rules: rulesSchema.optional(),
    diversity: diversitySchema.optional(),
    explain: z.boolean().default(true),
  })
  .strict();
export type RecommendRequest = z.input<typeof recommendRequestSchema>;
export type ParsedRecommendRequest = z.output<typeof recommendRequestSchema>;

/** Options of the item-centred endpoints (similar, bought together, trending). */
export const itemListRequestSchema = z
  .object({
    k: z.number().int().min(1).max(100).default(10),
    filters: filtersSchema.optional(),
    exclude: z.array(id).max(1000).optional(),
  })
  .strict();
export type ItemListRequest = z.input<typeof itemListRequestSchema>;

/** Why an item is recommended. */
export interface Explanation {
  type: 'history' | 'bought_together' | 'similar' | 'popular_in_category' | 'trending' | 'content';
  text: string;
  /** The item the explanation refers to (history, bought together, similar). */
  itemId?: string;
}

export interface RecommendedItem {
  id: string;
  score: number;
  title?: string;
  category?: string;
  price?: number;
  explanation?: Explanation;
}

/** How the list was produced. */
export const Strategies = {
  personalized: 'personalized',
  session: 'session',
  popular: 'popular',
  popularInCategory: 'popular_in_category',
  similar: 'similar',
  boughtTogether: 'bought_together',
  none: 'none',
} as const;
export type Strategy = (typeof Strategies)[keyof typeof Strategies];

export interface RecommendResponse {
  recId: string;
  userId?: string;
  strategy: Strategy;
  model: { id: string; algo: string; source: string; trainedAt: string } | null;
  items: RecommendedItem[];
}
