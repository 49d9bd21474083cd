import type { Command } from 'commander';
import { parseDateParam, parseDuration, parseEventFilter } from '../../analytics/filters.ts';
import { positiveInt } from '../../analytics/params.ts';
import { computePaths, type PathLabel } from '../../analytics/paths.ts';
import { withContext, type GlobalFlags } from '../context.ts';
import { emitTable, type AnalyticsOutputFlags } from './analytics-output.ts';

interface PathFlags extends GlobalFlags, AnalyticsOutputFlags {
  anchor: string;
  previous?: boolean;
  depth: string;
  by: string;
  width: string;
  since?: string;
  until?: string;
  gap: string;
}

/** Registers `cartwise paths`: Sankey links of what sessions did after (or before) an anchor event. */
export function registerPathsCommand(program: Command): void {
  program
    .command('paths')
    .description('Most common next (or previous) events, categories or items around an anchor event, within sessions (Sankey links)')
    .requiredOption('--anchor <step>', 'anchor event: type or type[filters]')
    .option('--previous', 'paths leading to the anchor instead of after it')
    .option('--depth <n>', 'steps from the anchor (1–6)', '3')
    .option('--by <label>', 'type | category | item | page', 'type')
    .option('--width <n>', 'labels kept per step (rest → other)', '8')
    .option('--since <date>', 'first day')
    .option('--until <date>', 'end, exclusive')
    .option('--gap <duration>', 'session inactivity gap', '30m')
    .option('--json', 'print one JSON document')
    .option('--csv', 'print the links as CSV')
    .action(async (flags: PathFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const r = await computePaths(ctx.store, {
          anchor: parseEventFilter(flags.anchor, 'anchor'),
          direction: flags.previous ? 'previous' : 'next',
          depth: positiveInt(flags.depth, 'depth'),
          by: flags.by as PathLabel,
          width: positiveInt(flags.width, 'width'),
          sinceMs: parseDateParam(flags.since, 'since'),
          untilMs: parseDateParam(flags.until, 'until'),
          gapMs: parseDuration(flags.gap, 'gap'),
        });
        emitTable(ctx, flags, r, ['from', 'to', 'sessions'], r.links.map((l) => [l.source, l.target, l.value]),
          `${r.sessions} sessions with ${r.anchor}; ${r.direction} ${r.depth} steps by ${r.by}; sessions ending at each step: ${r.ended.join(', ')}`);
      }),
    );
}
