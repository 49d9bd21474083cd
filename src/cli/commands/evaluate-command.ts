import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import type { Item } from '../../core/schemas/index.ts';
import { readCatalogueJsonl } from '../../recommend/interactions/catalogue-file.ts';
import { readInteractionCsv, type InteractionTable } from '../../recommend/interactions/csv-rows.ts';
import { readCatalogue } from '../../recommend/selection/event-table.ts';
import { DefaultEventWeights } from '../../recommend/interactions/interaction-builder.ts';
import { evaluateTrainTest, type EvaluationResult } from '../../recommend/eval/evaluator.ts';
import { inferSplitProtocol } from '../../recommend/eval/infer-protocol.ts';
import { splitInteractions, subsetTable, type SplitProtocol } from '../../recommend/eval/split.ts';
import { getFactory } from '../../recommend/models/index.ts';
import { selectModel, type Leaderboard } from '../../recommend/selection/model-selection.ts';
import { parseBudgetMs } from '../../recommend/selection/training-jobs.ts';
import type { Store } from '../../store/store.ts';
import { withContext, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';
import { createProgress } from '../progress.ts';

interface EvaluateFlags extends GlobalFlags {
  train?: string;
  test?: string;
  data?: string;
  protocol?: string;
  testFraction?: string;
  ratio?: string;
  stratify?: string;
  minUser?: string;
  seed?: string;
  algo: string;
  param: string[];
  k: string;
  out?: string;
  sampledNegatives?: string;
  budget?: string;
  metric?: string;
  items?: string;
}

/** Parses `key=value` (value: number, true/false, or string); `algo.key=value` targets one algorithm. */
export function parseParamFlags(flags: readonly string[], algos: readonly string[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>(algos.map((a) => [a, {}]));
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new CartwiseError('INVALID_PARAM', { name: flag, reason: 'expected key=value' });
    let key = flag.slice(0, eq).trim();
    const raw = flag.slice(eq + 1).trim();
    const value: unknown = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    let targets = algos;
    const dot = key.indexOf('.');
    if (dot > 0 && algos.includes(key.slice(0, dot))) {
      targets = [key.slice(0, dot)];
      key = key.slice(dot + 1);
    }
    let used = false;
    for (const a of targets) {
      const shape = (getFactory(a).paramsSchema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      // A hybrid takes its components' parameters as `<algo>.<param>`.
      if (key in shape || (a === 'hybrid' && key.includes('.'))) {
        (out.get(a) as Record<string, unknown>)[key] = value;
        used = true;
      }
    }
    if (!used) {
      const known = targets.map((a) => `${a}: ${Object.keys((getFactory(a).paramsSchema as unknown as { shape?: Record<string, unknown> }).shape ?? {}).join(', ')}`).join('; ');
      throw new CartwiseError('INVALID_PARAM', { name: key, reason: `no selected algorithm has this parameter (${known})` });
    }
  }
  return out;
}

async function tableFromStore(store: Store, signal: AbortSignal): Promise<{ table: InteractionTable; catalogue: Item[] }> {
  const users: string[] = [];
  const items: string[] = [];
  const ts: number[] = [];
  const weights: number[] = [];
  for await (const batch of store.scanInteractions()) {
    if (signal.aborted) throw new CartwiseError('ABORTED');
    for (let i = 0; i < batch.length; i++) {
      const type = batch.types[i] as string;
      const rating = batch.rating[i] as number;
      const w = type === 'review' && Number.isFinite(rating) ? rating : (DefaultEventWeights[type] ?? 0);
      if (w <= 0) continue;
      users.push(batch.userIds[i] as string);
      items.push(batch.itemIds[i] as string);
      ts.push(batch.ts[i] as number);
      weights.push(w);
    }
  }
  const table = { length: users.length, users, items, ts: Float64Array.from(ts), weights: Float64Array.from(weights) };
  return { table, catalogue: await readCatalogue(store, signal) };
}

const METRIC_COLUMNS = ['ndcg', 'recall', 'precision', 'map', 'hr', 'mrr'];

function render(results: EvaluationResult[], ks: number[]): string {
  const p = results[0]?.sampled_negatives !== undefined ? 'sampled_' : '';
  const headers = ['algo', ...ks.flatMap((k) => METRIC_COLUMNS.map((m) => `${p}${m}@${k}`)), `coverage@${Math.max(...ks)}`, 'users', 'fit s', 'predict s'];
  const rows = results.map((r) => [
    r.algo,
    ...ks.flatMap((k) => METRIC_COLUMNS.map((m) => r[`${p}${m}@${k}`] as number)),
    r[`coverage@${Math.max(...ks)}`] as number,
    r.users,
    r.fit_s,
    r.predict_s,
  ]);
  return table(headers, rows);
}

/** `cartwise evaluate`: offline evaluation of one or more algorithms on explicit files or a split protocol. */
export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description(
      'Evaluate recommendation algorithms offline: full ranking, train items excluded. Either --train/--test CSV files ' +
        '(header user,item,ts[,weight], as `recs.py split` writes) or --protocol over the store\'s events or a --data CSV',
    )
    .option('--train <file>', 'training CSV (user,item,ts[,weight])')
    .option('--test <file>', 'test CSV (user,item,ts[,weight])')
    .option('--data <file>', 'one CSV to split with --protocol (default: the store\'s events)')
    .option('--items <file>', 'catalogue for models that read item metadata (content, sasrec sideFeatures=true): JSON lines of items (default with store events: the store\'s catalogue)')
    .option('--protocol <name>', 'split protocol: loo, time or random', 'loo')
    .option('--test-fraction <x>', 'time protocol: share of time held out', '0.1')
    .option('--ratio <x>', 'random protocol: training share within each group', '0.75')
    .option('--stratify <group>', 'random protocol: user or item', 'user')
    .option('--min-user <n>', 'drop users with fewer interactions before splitting', '2')
    .option('--seed <n>', 'seed of the split and of the models', '42')
    .requiredOption('--algo <names>', 'algorithm name or comma-separated names (pop, itemknn, sar, ease, …), or `auto`: model selection on the training data alone, then the winner is evaluated')
    .option('--budget <duration>', 'auto: time budget of the model selection (e.g. 90s, 10m)', '10m')
    .option('--metric <name>', 'auto: metric the selection maximises on its validation split', 'ndcg@10')
    .option('--param <key=value>', 'hyper-parameter, repeatable; `algo.key=value` for one algorithm', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--k <list>', 'cut-offs, comma-separated', '10,20')
    .option('--out <file>', 'write the JSON report here')
    .option('--sampled-negatives <n>', 'sampled metrics instead of full ranking: targets among n random unseen items (keys prefixed sampled_)')
    .option('--json', 'print JSON (one object for one algorithm)')
    .action(async (flags: EvaluateFlags) => {
      const merged: EvaluateFlags = { ...(program.opts() as GlobalFlags), ...flags };
      const requested = merged.algo.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
      const auto = requested.includes('auto');
      if (auto && requested.length > 1) throw new CartwiseError('INVALID_PARAM', { name: 'algo', reason: '`auto` runs alone (it chooses among every algorithm)' });
      if (auto && merged.param.length > 0) throw new CartwiseError('INVALID_PARAM', { name: 'param', reason: '`auto` chooses the parameters itself' });
      const budgetMs = parseBudgetMs(merged.budget ?? '10m');
      let algos = auto ? [] : requested;
      for (const a of algos) getFactory(a);
      const ks = merged.k.split(',').map((k) => Number(k.trim()));
      if (ks.some((k) => !Number.isInteger(k) || k <= 0)) throw new CartwiseError('INVALID_PARAM', { name: 'k', reason: `expected comma-separated positive integers; got "${merged.k}"` });
      const params = parseParamFlags(merged.param, algos);
      const seed = Number(merged.seed ?? 42);
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let split: { train: InteractionTable; test: InteractionTable; protocol: string };
      let catalogue = merged.items ? await readCatalogueJsonl(merged.items) : undefined;
      try {
        if (merged.train || merged.test) {
          if (!merged.train || !merged.test) throw new CartwiseError('INVALID_PARAM', { name: merged.train ? 'test' : 'train', reason: '--train and --test go together' });
          split = { train: await readInteractionCsv(merged.train), test: await readInteractionCsv(merged.test), protocol: 'files' };
        } else {
          const protocol = merged.protocol as SplitProtocol;
          let all: InteractionTable;
          if (merged.data) all = await readInteractionCsv(merged.data);
          else {
            const fromStore = await withContext(merged, (ctx) => tableFromStore(ctx.store, ctx.signal));
            all = fromStore.table;
            catalogue ??= fromStore.catalogue;
          }
          const s = splitInteractions(all, {
            protocol,
            testFraction: Number(merged.testFraction),
            ratio: Number(merged.ratio),
            stratify: merged.stratify === 'item' ? 'item' : 'user',
            minUserInteractions: Number(merged.minUser),
            seed,
          });
          split = { train: subsetTable(all, s.train), test: subsetTable(all, s.test), protocol };
        }
        let selection: Leaderboard | undefined;
        if (auto) {
          // Model selection sees only the training data: it holds out the last part of the training time range.
          const progress = merged.json ? undefined : createProgress('model selection');
          const validationProtocol = split.protocol === 'files' ? inferSplitProtocol(split.train, split.test) : (split.protocol as 'time' | 'loo' | 'random');
          selection = await selectModel(split.train, {
            validationProtocol,
            budgetMs,
            ...(catalogue ? { interactions: { catalog: catalogue } } : {}),
            metric: merged.metric ?? 'ndcg@10',
            seed,
            signal: controller.signal,
            ...(progress ? { onProgress: (p) => progress.update(p.done, `${p.phase}${p.algo ? ' ' + p.algo : ''}`) } : {}),
          });
          progress?.finish();
          if (!selection.winner) throw new CartwiseError('VALIDATION_FAILED', { reason: 'model selection found no candidate that trained within the budget' });
          algos = [selection.winner.algo];
          params.set(selection.winner.algo, selection.winner.params);
        }
        const results: EvaluationResult[] = [];
        for (const algo of algos) {
          const progress = merged.json ? undefined : createProgress(`fit ${algo}`);
          const r = await evaluateTrainTest(split.train, split.test, algo, params.get(algo) ?? {}, {
            ks,
            seed,
            signal: controller.signal,
            ...(catalogue ? { interactions: { catalog: catalogue } } : {}),
            ...(merged.sampledNegatives ? { sampledNegatives: Number(merged.sampledNegatives) } : {}),
            ...(progress ? { onProgress: (p) => progress.update(p.done, p.phase) } : {}),
          });
          progress?.finish();
          results.push(r);
        }
        const selectionReport = selection && {
          metric: selection.metric,
          validation: selection.protocol,
          validationUsers: selection.validationUsers,
          winner: selection.winner,
          elapsedS: Math.round(selection.elapsedMs) / 1000,
          candidates: selection.entries.map((e) => ({ algo: e.algo, params: e.params, status: e.status, ...(e.score !== undefined ? { score: e.score } : {}) })),
        };
        const report = { protocol: split.protocol, trainRows: split.train.length, testRows: split.test.length, ks, results, ...(selectionReport ? { selection: selectionReport } : {}) };
        if (merged.out) writeFileSync(merged.out, JSON.stringify(report, null, 2) + '\n');
        const single = results.length === 1 ? { ...results[0], ...(selectionReport ? { auto: true, selection: selectionReport } : {}) } : report;
        if (merged.json) process.stdout.write(JSON.stringify(single) + '\n');
        else {
          const chosen = selectionReport?.winner ? `model selection chose ${selectionReport.winner.algo} ${JSON.stringify(selectionReport.winner.params)} (${selectionReport.metric} ${selectionReport.winner.score.toFixed(4)} on its validation split)\n` : '';
          process.stdout.write(`${chosen}protocol ${split.protocol} · train ${split.train.length} rows · test ${split.test.length} rows\n\n${render(results, ks)}\n`);
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
