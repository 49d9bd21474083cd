import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import type { QueryStats } from '../../search/query-report.ts';
import { SearchService } from '../../search/search-service.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';

interface SearchReportFlags extends GlobalFlags {
  days: string;
  limit: string;
}

const rows = (list: readonly QueryStats[]) => list.map((q) => [q.query, q.searches, q.users, `${(q.clickThrough * 100).toFixed(1)}%`, q.noMatch]);

export function registerSearchReportCommand(program: Command): void {
  program
    .command('search-report')
    .description('Search analytics (same as GET /v1/search/queries): top queries with click-through, and queries that found nothing — the ones to fix with `cartwise synonyms`')
    .option('--days <n>', 'look back this many days', '30')
    .option('--limit <n>', 'queries per list', '20')
    .option('--json', 'print one JSON document')
    .action(async (flags: SearchReportFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const days = Number(flags.days);
        const limit = Number(flags.limit);
        if (!Number.isInteger(days) || days < 1 || days > 3650) throw new CartwiseError('INVALID_PARAM', { name: '--days', reason: 'must be an integer from 1 to 3650' });
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CartwiseError('INVALID_PARAM', { name: '--limit', reason: 'must be an integer from 1 to 500' });
        const report = await new SearchService(ctx.store, { log: ctx.log, recordSearches: false, syncIntervalMs: -1 }).queryReport({ days, limit });
        const head = ['query', 'searches', 'users', 'click-through', 'found nothing'];
        output(ctx, report, () =>
          [
            `${report.searches.toLocaleString('en-US')} searches, ${report.queries.toLocaleString('en-US')} distinct queries in the last ${days} days · click-through ${(report.clickThrough * 100).toFixed(1)}% · found nothing ${(report.noMatchRate * 100).toFixed(1)}%${report.truncated ? ' (newest 200,000 searches only)' : ''}`,
            '',
            'Top queries',
            table(head, rows(report.top)),
            '',
            'Queries that found nothing',
            report.noMatch.length > 0 ? table(head, rows(report.noMatch)) : '(none)',
          ].join('\n'),
        );
      }),
    );
}
