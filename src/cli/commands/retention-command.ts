import type { Command } from 'commander';
import { retentionOptionsFromParams } from '../../analytics/params.ts';
import { computeRetention } from '../../analytics/retention.ts';
import { withContext, type GlobalFlags } from '../context.ts';
import { emitTable, pct, type AnalyticsOutputFlags } from './analytics-output.ts';

interface RetentionFlags extends GlobalFlags, AnalyticsOutputFlags {
  period: string;
  periods: string;
  cohortType?: string;
  returnType?: string;
  unbounded?: boolean;
  revenue?: boolean;
  since?: string;
  until?: string;
  segment?: string;
  breakdown?: string;
  breakdownKey?: string;
}

/** Registers `cartwise retention`: cohort retention (bounded or unbounded) or, with --revenue, cumulative revenue per cohort user. */
export function registerRetentionCommand(program: Command): void {
  program
    .command('retention')
    .description('Cohort retention: cohorts by the period of a first event, share returning in each later period')
    .option('--period <p>', 'day | week | month', 'week')
    .option('--periods <n>', 'periods after the cohort period', '8')
    .option('--cohort-type <type>', 'event that places a user in a cohort (default ANY)')
    .option('--return-type <type>', 'event that counts as a return (default ANY)')
    .option('--unbounded', 'retained at n = returned in period n or later')
    .option('--revenue', 'show cumulative revenue per cohort user (LTV) instead of retention')
    .option('--since <date>', 'first day (ISO 8601 or epoch ms)')
    .option('--until <date>', 'end, exclusive')
    .option('--segment <name>', 'only users of an RFM segment')
    .option('--breakdown <by>', 'user_attr | first_touch | segment')
    .option('--breakdown-key <name>', 'the property for user_attr / first_touch')
    .option('--json', 'print one JSON document')
    .option('--csv', 'print the table as CSV')
    .action(async (flags: RetentionFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const r = await computeRetention(ctx.store, retentionOptionsFromParams({ ...flags, mode: flags.unbounded ? 'unbounded' : 'bounded' }));
        const n = r.periods;
        const headers = ['cohort', 'size', ...Array.from({ length: n + 1 }, (_, i) => `${r.period[0]}${i}`)];
        const rows = Object.values(r.cohorts).map((c) => [c.start, c.size, ...(flags.revenue ? c.revenuePerUser : c.retention).map((v) => (flags.csv || flags.revenue ? v : pct(v)))]);
        rows.push(['average', r.average.users[0] ?? 0, ...r.average.retention.map((v) => (flags.csv ? (v ?? '') : pct(v)))]);
        let heading = `${r.mode === 'bounded' ? 'Bounded' : 'Unbounded'} retention by ${r.period}; cohort ${r.cohortType}, return ${r.returnType}${flags.revenue ? ' — cumulative revenue per cohort user' : ''}`;
        if (r.breakdown) heading += '\n' + r.breakdown.groups.map((g) => `  ${g.value} (${g.size}): ${g.retention.map((v) => pct(v)).join(' ')}`).join('\n');
        emitTable(ctx, flags, r, headers, rows, heading);
      }),
    );
}
