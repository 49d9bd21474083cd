import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import { RecommendationService } from '../../recommend/serving/recommendation-service.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { renderRecommendations } from './recommend-command.ts';

interface SimilarFlags extends GlobalFlags {
  item: string;
  k: string;
  boughtTogether?: boolean;
}

export function registerSimilarCommand(program: Command): void {
  program
    .command('similar')
    .description('Items similar to an item (GET /v1/items/:id/similar), or bought together with it (--bought-together)')
    .requiredOption('--item <id>', 'the item')
    .option('--k <n>', 'number of items', '10')
    .option('--bought-together', 'items bought together with the item instead')
    .option('--json', 'print the response as JSON')
    .action(async (flags: SimilarFlags) => {
      const merged = { ...program.opts(), ...flags } as SimilarFlags;
      const k = Number(merged.k);
      if (!Number.isInteger(k) || k < 1) throw new CartwiseError('INVALID_PARAM', { name: 'k', reason: `"${merged.k}" is not a positive integer` });
      await withContext(merged, async (ctx) => {
        const service = await RecommendationService.open(ctx.store);
        const r = merged.boughtTogether ? await service.boughtTogether(merged.item, { k }) : await service.similar(merged.item, { k });
        output(ctx, r, () => renderRecommendations(r));
      });
    });
}
