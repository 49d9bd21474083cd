import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import type { RecommendResponse } from '../../recommend/serving/request.ts';
import { RecommendationService } from '../../recommend/serving/recommendation-service.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';

interface RecommendFlags extends GlobalFlags {
  user?: string;
  k: string;
  recent?: string;
  category?: string;
  priceMin?: string;
  priceMax?: string;
  includeOutOfStock?: boolean;
  includePurchased?: boolean;
  includeViewed?: boolean;
  exclude?: string;
  diversity?: string;
}

/** Renders a recommendation response as a table (shared by `recommend` and `similar`). */
export function renderRecommendations(r: RecommendResponse): string {
  const head = `${r.strategy} · ${r.model ? `model ${r.model.id} (${r.model.algo}, ${r.model.source})` : 'no model'} · recId ${r.recId}`;
  if (r.items.length === 0) return `${head}\n(no items)`;
  return [head, '', table(['#', 'item', 'title', 'score', 'why'], r.items.map((it, i) => [i + 1, it.id, it.title ?? '', it.score, it.explanation?.text ?? '']))].join('\n');
}

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

function number(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CartwiseError('INVALID_PARAM', { name, reason: `"${v}" is not a number` });
  return n;
}

export function registerRecommendCommand(program: Command): void {
  program
    .command('recommend')
    .description("Recommendations for a user, as GET /v1/recommendations serves them (the saved model plus the user's latest events)")
    .option('--user <id>', 'the shopper (unknown or absent: trending items)')
    .option('--k <n>', 'number of items', '10')
    .option('--recent <ids>', 'comma-separated item ids the shopper is looking at')
    .option('--category <path>', 'only items under this category path')
    .option('--price-min <x>', 'lowest price')
    .option('--price-max <x>', 'highest price')
    .option('--include-out-of-stock', 'also return items marked out of stock')
    .option('--include-purchased', 'also return items the user bought')
    .option('--include-viewed', 'also return items the user viewed')
    .option('--exclude <ids>', 'comma-separated item ids to leave out')
    .option('--diversity <method>', 'mmr or category')
    .option('--json', 'print the response as JSON')
    .action(async (flags: RecommendFlags) => {
      const merged = { ...program.opts(), ...flags } as RecommendFlags;
      const k = number(merged.k, 'k') ?? 10;
      await withContext(merged, async (ctx) => {
        const service = await RecommendationService.open(ctx.store);
        const recent = list(merged.recent);
        const exclude = list(merged.exclude);
        const priceMin = number(merged.priceMin, 'price-min');
        const priceMax = number(merged.priceMax, 'price-max');
        const r = await service.recommend({
          ...(merged.user ? { userId: merged.user } : {}),
          k,
          context: { ...(recent ? { recentItems: recent } : {}), ...(merged.category ? { category: merged.category } : {}) },
          filters: {
            ...(merged.category ? { category: merged.category } : {}),
            ...(priceMin !== undefined ? { priceMin } : {}),
            ...(priceMax !== undefined ? { priceMax } : {}),
            ...(merged.includeOutOfStock ? { inStock: false } : {}),
          },
          ...(exclude ? { exclude } : {}),
          ...(merged.includePurchased ? { excludePurchased: false } : {}),
          ...(merged.includeViewed ? { excludeViewed: false } : {}),
          ...(merged.diversity ? { diversity: { method: merged.diversity as 'mmr' } } : {}),
        });
        output(ctx, r, () => renderRecommendations(r));
      });
    });
}
