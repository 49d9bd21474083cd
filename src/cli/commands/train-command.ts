import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import { algorithmNames } from '../../recommend/models/index.ts';
import type { Leaderboard } from '../../recommend/selection/model-selection.ts';
import { trainServedModel, type TrainRequest } from '../../recommend/selection/train-model.ts';
import { parseBudgetMs } from '../../recommend/selection/training-jobs.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';
import { createProgress } from '../progress.ts';
import { parseParamFlags } from './evaluate-command.ts';

interface TrainFlags extends GlobalFlags {
  auto?: boolean;
  algo?: string;
  param: string[];
  budget: string;
  metric: string;
  algorithms?: string;
  testFraction?: string;
}

function renderLeaderboard(lb: Leaderboard): string {
  return table(
    ['#', 'algo', 'params', lb.metric, 'fit s', 'status'],
    lb.entries.map((e, i) => [i + 1, e.algo, JSON.stringify(e.params), e.score ?? null, e.fitS ?? null, e.status === 'ok' ? 'ok' : `${e.status}: ${e.reason ?? ''}`]),
  );
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('Train the recommendation model the server serves: --auto runs model selection (time-based validation, small grids, best by --metric) within --budget; --algo trains one algorithm')
    .option('--auto', 'model selection over every registered algorithm (the default when --algo is absent)')
    .option('--algo <name>', `train one algorithm: ${algorithmNames().join(', ')}`)
    .option('--param <key=value>', 'hyper-parameter of --algo, repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--budget <duration>', 'time budget of --auto, e.g. 90s, 10m, 1h', '10m')
    .option('--metric <name@k>', 'selection metric of --auto', 'ndcg@10')
    .option('--algorithms <list>', 'comma-separated algorithms --auto tries (default: all)')
    .option('--test-fraction <x>', 'share of the time range held out for validation (--auto)', '0.1')
    .option('--json', 'print the outcome as one JSON document')
    .addHelpText('after', '\nCtrl-C stops at the next safe point; nothing is saved and the previous model stays.\nExamples:\n  cartwise train --auto --budget 10m\n  cartwise train --algo ease --param lambda=300')
    .action(async (flags: TrainFlags) => {
      const merged = { ...program.opts(), ...flags } as TrainFlags;
      if (merged.auto && merged.algo) throw new CartwiseError('INVALID_PARAM', { name: 'algo', reason: 'use either --auto or --algo' });
      if (merged.param.length > 0 && !merged.algo) throw new CartwiseError('INVALID_PARAM', { name: 'param', reason: '--param needs --algo (--auto searches its own grids)' });
      const algo = merged.algo ?? 'auto';
      const testFraction = Number(merged.testFraction);
      const request: TrainRequest =
        algo === 'auto'
          ? {
              algo,
              budgetMs: parseBudgetMs(merged.budget),
              metric: merged.metric,
              testFraction,
              ...(merged.algorithms ? { algorithms: merged.algorithms.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
            }
          : { algo, params: parseParamFlags(merged.param, [algo]).get(algo) ?? {} };
      await withContext(merged, async (ctx) => {
        let progress = createProgress('Training');
        let phase = '';
        const out = await trainServedModel(ctx.store, request, {
          signal: ctx.signal,
          // In a worker thread: Ctrl-C is handled at once even during a long synchronous fit (an EASE inverse).
          worker: true,
          onProgress: (p) => {
            const head = p.phase.split(':')[0] ?? p.phase;
            if (head !== phase) {
              progress.finish();
              phase = head;
              progress = createProgress(phase, p.total > 0 ? p.total : undefined);
            }
            progress.update(p.done, p.phase);
          },
          onEntry: (e) => {
            if (!ctx.json) process.stderr.write(`  ${e.algo} ${JSON.stringify(e.params)} → ${e.status === 'ok' ? `${e.score?.toFixed(4)} (${e.fitS?.toFixed(1)} s)` : `${e.status}${e.reason ? ': ' + e.reason : ''}`}\n`);
          },
        });
        progress.finish();
        const info = out.model.info;
        output(ctx, { model: info, leaderboard: out.leaderboard ?? null, timings: out.timings }, () =>
          [
            ...(out.leaderboard ? [renderLeaderboard(out.leaderboard), ''] : []),
            `Saved model ${info.id}: ${info.algo} ${JSON.stringify(info.params)}${info.validation ? ` · ${info.validation.metric} ${info.validation.value.toFixed(4)}` : ''}`,
            `${info.users.toLocaleString('en-US')} users · ${info.items.toLocaleString('en-US')} items · ${info.interactions.toLocaleString('en-US')} interactions · read ${out.timings.readS}s, select ${out.timings.selectS}s, fit ${out.timings.fitS}s, serving aids ${out.timings.auxS}s, save ${out.timings.saveS}s`,
            'A server sharing this store reloads it within a minute.',
          ].join('\n'),
        );
      });
    });
}
