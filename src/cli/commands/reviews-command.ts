import type { Command } from 'commander';
import { parseDateParam } from '../../analytics/filters.ts';
import { positiveInt } from '../../analytics/params.ts';
import { computeReviewInsight } from '../../analytics/reviews.ts';
import { withContext, type GlobalFlags } from '../context.ts';
import { emitTable, type AnalyticsOutputFlags } from './analytics-output.ts';

interface ReviewFlags extends GlobalFlags, AnalyticsOutputFlags {
  by: string;
  item?: string;
  category?: string;
  interval: string;
  top: string;
  since?: string;
  until?: string;
}

/** Registers `cartwise reviews`: ratings, rating distribution, sentiment and trend per item or category. */
export function registerReviewsCommand(program: Command): void {
  program
    .command('reviews')
    .description('Review insight per item or category: average rating, distribution, sentiment (AFINN), trend')
    .option('--by <g>', 'item | category', 'item')
    .option('--item <id>', 'one item')
    .option('--category <path>', 'a category or its prefix')
    .option('--interval <i>', 'trend buckets: week | month', 'month')
    .option('--top <n>', 'groups listed', '20')
    .option('--since <date>', 'first day')
    .option('--until <date>', 'end, exclusive')
    .option('--json', 'print one JSON document')
    .option('--csv', 'print the table as CSV')
    .action(async (flags: ReviewFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const r = await computeReviewInsight(ctx.store, {
          by: flags.by as 'item',
          itemId: flags.item,
          category: flags.category,
          interval: flags.interval as 'month',
          top: positiveInt(flags.top, 'top'),
          sinceMs: parseDateParam(flags.since, 'since'),
          untilMs: parseDateParam(flags.until, 'until'),
        });
        const dist = (d: Record<string, number>) => Object.entries(d).map(([k, v]) => `${k}★×${v}`).join(' ');
        emitTable(ctx, flags, r, ['key', 'title', 'reviews', 'avg rating', 'distribution', 'sentiment', 'positive', 'negative'],
          r.groups.map((g) => [g.key, g.title, g.reviews, g.avgRating, dist(g.distribution), g.sentiment.mean, g.sentiment.positive, g.sentiment.negative]),
          `${r.overall.reviews} reviews · average rating ${r.overall.avgRating ?? '–'} · sentiment ${r.overall.sentiment.mean ?? '–'} (${r.method})\nTrend: ` +
            r.trend.map((t) => `${t.start} ${t.reviews}×${t.avgRating ?? '–'}`).join(' · '));
      }),
    );
}
