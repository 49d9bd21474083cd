import type { Command } from 'commander';
import { computeFunnel, funnelDropOffPaths, funnelDropOffs } from '../../analytics/funnel.ts';
import { funnelOptionsFromParams, positiveInt } from '../../analytics/params.ts';
import { withContext, type GlobalFlags } from '../context.ts';
import { duration, emitTable, pct, type AnalyticsOutputFlags } from './analytics-output.ts';

interface FunnelFlags extends GlobalFlags, AnalyticsOutputFlags {
  steps?: string;
  window: string;
  sameItem?: boolean;
  exclude?: string;
  since?: string;
  until?: string;
  segment?: string;
  breakdown?: string;
  breakdownKey?: string;
  dropOffs?: string;
  limit: string;
}

/** Registers `cartwise funnel`: an ordered funnel over the stored events, or with --drop-offs the users who stopped after a step and their next paths. */
export function registerFunnelCommand(program: Command): void {
  program
    .command('funnel')
    .description('Ordered conversion funnel over the stored events (users per step, conversion, time between steps)')
    .requiredOption('--steps <list>', 'comma-separated steps: type or type[category=…,attr.K=V,prop.K=V,minPrice=…,maxPrice=…]')
    .option('--window <duration>', 'conversion window from step 1 (30m, 24h, 7d)', '24h')
    .option('--same-item', 'every step on the step-1 item')
    .option('--exclude <list>', 'exclusion steps TYPE[filters]@FROM-TO separated by ;')
    .option('--since <date>', 'first day (ISO 8601 or epoch ms)')
    .option('--until <date>', 'end, exclusive')
    .option('--segment <name>', 'only users of an RFM segment (champions, loyal, at_risk, …, no_purchase)')
    .option('--breakdown <by>', 'category | item_attr | prop | user_attr | first_touch | segment')
    .option('--breakdown-key <name>', 'the property for item_attr / prop / user_attr / first_touch')
    .option('--drop-offs <step>', 'list users who reached this step (1-based) but not the next, and their next paths')
    .option('--limit <n>', 'users listed with --drop-offs', '100')
    .option('--json', 'print one JSON document')
    .option('--csv', 'print the table as CSV')
    .action(async (flags: FunnelFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const o = funnelOptionsFromParams(flags);
        if (flags.dropOffs !== undefined) {
          const after = positiveInt(flags.dropOffs, 'drop-offs');
          const list = await funnelDropOffs(ctx.store, o, after, { limit: positiveInt(flags.limit, 'limit') });
          const paths = await funnelDropOffPaths(ctx.store, o, after);
          const data = { ...list, paths: paths.paths };
          emitTable(ctx, flags, data, ['user', 'reached step at'], list.users.map((u) => [u.userId, new Date(u.reachedAt).toISOString()]),
            `${list.total} users dropped off after step ${after}. Top next paths:\n` + paths.paths.map((p) => `  ${p.users.toString().padStart(6)}  ${p.path.join(' → ')}`).join('\n'));
          return;
        }
        const r = await computeFunnel(ctx.store, o);
        // CSV keeps raw numbers (ratios, milliseconds); the table formats them.
        const P = (x: number | null | undefined) => (flags.csv ? (x ?? '') : pct(x));
        const D = (x: number | null | undefined) => (flags.csv ? (x ?? '') : duration(x));
        const rows = r.steps.map((s, i) => [
          i + 1, s, r.users[i] ?? 0,
          i === 0 ? '' : P(r.stepConversion[i - 1]),
          P(r.users[0] ? (r.users[i] ?? 0) / r.users[0] : null),
          i === 0 ? '' : D(r.timing[i - 1]?.medianMs), i === 0 ? '' : D(r.timing[i - 1]?.p90Ms),
        ]);
        let heading = `Funnel, window ${duration(r.windowMs)}${r.sameItem ? ', same item' : ''}: overall conversion ${pct(r.overallConversion)}`;
        if (r.breakdown) heading += '\n\nBy ' + r.breakdown.by + (r.breakdown.key ? ` (${r.breakdown.key})` : '') + ':\n' + r.breakdown.groups.map((g) => `  ${g.value}: ${g.users.join(' → ')} (${pct(g.overallConversion)})`).join('\n');
        emitTable(ctx, flags, r, flags.csv ? ['step', 'event', 'users', 'step_conversion', 'overall_conversion', 'median_ms', 'p90_ms'] : ['step', 'event', 'users', 'step conv.', 'overall', 'median time', 'p90 time'], rows, heading);
      }),
    );
}
