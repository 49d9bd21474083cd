import type { Command } from 'commander';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';

export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description('Show counts of events by type, users, items and the time range (same as GET /v1/stats)')
    .option('--json', 'print one JSON document')
    .action(async (flags: GlobalFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const s = await ctx.store.stats();
        output(ctx, s, () =>
          [
            `Events ${s.events.toLocaleString('en-US')} · users ${s.users.toLocaleString('en-US')} · items ${s.items.toLocaleString('en-US')} · profiles ${s.userProfiles.toLocaleString('en-US')}`,
            `From ${s.firstEventAt ?? '–'} to ${s.lastEventAt ?? '–'}`,
            '',
            table(['type', 'events'], Object.entries(s.eventsByType)),
          ].join('\n'),
        );
      }),
    );
}
