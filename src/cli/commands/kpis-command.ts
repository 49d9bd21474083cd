import type { Command } from 'commander';
import { parseDateParam, parseDuration } from '../../analytics/filters.ts';
import { computeKpis, type KpiInterval, type KpiValues, type TopSort } from '../../analytics/kpis.ts';
import { positiveInt } from '../../analytics/params.ts';
import { withContext, type GlobalFlags } from '../context.ts';
import { formatNumber, table } from '../format.ts';
import { emitTable, pct, type AnalyticsOutputFlags } from './analytics-output.ts';

interface KpiFlags extends GlobalFlags, AnalyticsOutputFlags {
  since?: string;
  until?: string;
  interval: string;
  segment?: string;
  top: string;
  sort: string;
  gap?: string;
}

const fmt = (k: keyof KpiValues, v: number | null) => (v === null ? '–' : k === 'conversionRate' || k === 'cartAbandonmentRate' ? pct(v) : formatNumber(Math.round(v * 100) / 100));

/** Registers `cartwise kpis`: store KPIs for a period against the previous one, a series, and top items and categories. */
export function registerKpisCommand(program: Command): void {
  program
    .command('kpis')
    .description('KPIs over time with the previous period: users, sessions, conversion, revenue, orders, AOV, cart abandonment, top items and categories')
    .option('--since <date>', 'start (default: 7 days, or 8 weeks, before --until)')
    .option('--until <date>', 'end, exclusive (default: midnight after the newest event)')
    .option('--interval <i>', 'day | week', 'day')
    .option('--segment <name>', 'only users of an RFM segment')
    .option('--top <n>', 'rows in the top items and categories', '10')
    .option('--sort <by>', 'views | add_to_cart | purchases | view_to_purchase | revenue', 'views')
    .option('--gap <duration>', 'session inactivity gap', '30m')
    .option('--json', 'print one JSON document')
    .option('--csv', 'print the series as CSV')
    .action(async (flags: KpiFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const r = await computeKpis(ctx.store, {
          sinceMs: parseDateParam(flags.since, 'since'),
          untilMs: parseDateParam(flags.until, 'until'),
          interval: flags.interval as KpiInterval,
          segment: flags.segment,
          top: positiveInt(flags.top, 'top'),
          sortBy: flags.sort as TopSort,
          gapMs: flags.gap ? parseDuration(flags.gap, 'gap') : undefined,
        });
        const keys = Object.keys(r.current) as (keyof KpiValues)[];
        const summary = table(['metric', 'current', 'previous', 'change'], keys.map((k) => [k, fmt(k, r.current[k]), fmt(k, r.previous[k]), pct(r.change[k])]));
        const top = (title: string, rows: typeof r.topItems) =>
          `${title}\n` + table(['key', 'views', 'carts', 'purchases', 'view→buy', 'prev views', 'prev purchases'], rows.map((t) => [t.title ? `${t.key} ${t.title}` : t.key, t.views, t.addToCarts, t.purchases, pct(t.viewToPurchase), t.previous.views, t.previous.purchases]));
        const heading = [`${r.range.since} → ${r.range.until} (previous: ${r.previousRange.since} → ${r.previousRange.until})`, summary, top('Top items', r.topItems), top('Top categories', r.topCategories), `Series by ${r.interval}`].join('\n\n');
        emitTable(ctx, flags, r, ['start', ...keys], r.series.map((s) => [s.start, ...keys.map((k) => (flags.csv ? s[k] : fmt(k, s[k])))]), flags.csv ? undefined : heading);
      }),
    );
}
