import type { Command } from 'commander';
import { computeClusters } from '../../analytics/clusters.ts';
import { parseDateParam } from '../../analytics/filters.ts';
import { positiveInt } from '../../analytics/params.ts';
import { rfmSummary, rfmUsers } from '../../analytics/rfm.ts';
import { withContext, type GlobalFlags } from '../context.ts';
import { emitTable, pct, type AnalyticsOutputFlags } from './analytics-output.ts';

interface SegmentFlags extends GlobalFlags, AnalyticsOutputFlags {
  since?: string;
  until?: string;
  asOf?: string;
  users?: string | boolean;
  limit: string;
  kmeans?: boolean;
  kMin: string;
  kMax: string;
  seed: string;
}

/** Registers `cartwise segments`: RFM segment sizes and revenue shares, a segment's users, or k-means behaviour clusters. */
export function registerSegmentsCommand(program: Command): void {
  program
    .command('segments')
    .description('RFM segments (sizes, revenue shares), the users of a segment, or k-means behaviour clusters')
    .option('--since <date>', 'only events from this date')
    .option('--until <date>', 'only events before this date')
    .option('--as-of <date>', 'reference time for recency (default: newest event)')
    .option('--users [segment]', 'list users with their RFM scores (optionally of one segment)')
    .option('--limit <n>', 'users listed', '100')
    .option('--kmeans', 'cluster users on behaviour features (k by silhouette) instead')
    .option('--k-min <n>', 'smallest k tried', '2')
    .option('--k-max <n>', 'largest k tried', '8')
    .option('--seed <n>', 'random seed', '42')
    .option('--json', 'print one JSON document')
    .option('--csv', 'print the table as CSV')
    .action(async (flags: SegmentFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const range = { sinceMs: parseDateParam(flags.since, 'since'), untilMs: parseDateParam(flags.until, 'until') };
        if (flags.kmeans) {
          const r = await computeClusters(ctx.store, { ...range, kMin: positiveInt(flags.kMin, 'k-min'), kMax: positiveInt(flags.kMax, 'k-max'), seed: Number(flags.seed) });
          emitTable(ctx, flags, r, ['cluster', 'users', 'share', 'revenue share', 'description'], r.clusters.map((c) => [c.id, c.size, pct(c.share), pct(c.revenueShare), c.description]),
            `${r.users} users, k = ${r.k} by silhouette (${r.scores.map((s) => `k${s.k} ${s.silhouette.toFixed(3)}`).join(', ')})`);
          return;
        }
        if (flags.users !== undefined) {
          const users = await rfmUsers(ctx.store, { ...range, asOfMs: parseDateParam(flags.asOf, 'as-of'), segment: typeof flags.users === 'string' ? flags.users : undefined, limit: positiveInt(flags.limit, 'limit') });
          emitTable(ctx, flags, { users }, ['user', 'segment', 'R', 'F', 'M', 'recency days', 'orders', 'monetary'], users.map((u) => [u.userId, u.segment, u.r, u.f, u.m, Math.round(u.recencyDays * 10) / 10, u.frequency, Math.round(u.monetary * 100) / 100]));
          return;
        }
        const r = await rfmSummary(ctx.store, { ...range, asOfMs: parseDateParam(flags.asOf, 'as-of') });
        emitTable(ctx, flags, r, ['segment', 'name', 'users', 'share', 'revenue', 'revenue share', 'avg recency d', 'avg orders'],
          r.segments.map((s) => [s.segment, s.name, s.users, pct(s.userShare), Math.round(s.revenue * 100) / 100, pct(s.revenueShare), Math.round(s.avgRecencyDays * 10) / 10, Math.round(s.avgFrequency * 100) / 100]),
          `${r.buyers} buyers, ${r.nonBuyers} without a purchase (segment no_purchase); revenue ${Math.round(r.revenue * 100) / 100}`);
      }),
    );
}
