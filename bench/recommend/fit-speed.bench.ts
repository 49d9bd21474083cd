/**
 * Fit time of EASE and ALS against `../shared/reference/recs.py eval` (NumPy + OpenBLAS, float64), side by side in
 * one run on the same split files and parameters; also reports nDCG@10 so "equal accuracy" can be checked.
 *
 *   npx tsx bench/recommend/fit-speed.bench.ts retail [--ease-max-items N] [--skip-als] [--skip-ease] [--als-threads 2,1]
 *   npx tsx bench/recommend/fit-speed.bench.ts sports --ease-max-items 6000
 *   npx tsx bench/recommend/fit-speed.bench.ts sports --skip-ease        (EASE on all Sports items takes minutes)
 *
 * ALS parameters per dataset as the reference README: retail α40 reg .01, sports α10 reg .1 (64 factors, 15 iterations).
 *
 * Run `accuracy.bench.ts <dataset>` once first: it prepares the split under $TMPDIR/cartwise-bench/<dataset>.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateTrainTest } from '../../src/recommend/eval/evaluator.ts';
import { readInteractionCsv } from '../../src/recommend/interactions/csv-rows.ts';

const args = process.argv.slice(2);
const dataset = args[0] ?? 'retail';
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const maxItems = flag('--ease-max-items') ? Number(flag('--ease-max-items')) : undefined;
const lambda = Number(flag('--lambda') ?? (dataset === 'sports' ? 30 : 200));
const dir = join(tmpdir(), 'cartwise-bench', dataset, 'split');
const script = join(import.meta.dirname, '../../../shared/reference/recs.py');
const train = await readInteractionCsv(join(dir, 'train.csv'));
const test = await readInteractionCsv(join(dir, 'test.csv'));

function reference(algo: string, extra: string[]): { fit_s: number; ndcg: number } {
  const out = JSON.parse(execFileSync('/usr/bin/python3', [script, 'eval', '--train', join(dir, 'train.csv'), '--test', join(dir, 'test.csv'), '--algo', algo, '--k', '10', ...extra], { maxBuffer: 1 << 26 }).toString()) as Record<string, number>;
  return { fit_s: out.fit_s as number, ndcg: out['ndcg@10'] as number };
}

const cases: { label: string; algo: string; params: Record<string, unknown>; ref: string[] }[] = [];
const als = dataset === 'sports' ? { alpha: 10, reg: 0.1 } : { alpha: 40, reg: 0.01 };
const alsThreads = (flag('--als-threads') ?? '2').split(',').map(Number);
if (!args.includes('--skip-als')) {
  for (const threads of alsThreads) {
    cases.push({
      label: `ALS 64f 15it α${als.alpha} reg${als.reg} (${threads} thread${threads > 1 ? 's' : ''})`,
      algo: 'als',
      params: { factors: 64, iterations: 15, ...als, threads },
      ref: ['--factors', '64', '--iters', '15', '--alpha', String(als.alpha), '--reg', String(als.reg)],
    });
  }
}
for (const threads of args.includes('--skip-ease') ? [] : [2, 1]) {
  cases.push({
    label: `EASE λ${lambda}${maxItems ? ` cap ${maxItems}` : ''} (${threads} thread${threads > 1 ? 's' : ''})`,
    algo: 'ease',
    params: { lambda, threads, ...(maxItems ? { maxItems } : {}) },
    ref: ['--lambda', String(lambda), ...(maxItems ? ['--max-items', String(maxItems)] : [])],
  });
}
console.log(`${dataset}: ${train.length} train rows; machine load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const refCache = new Map<string, { fit_s: number; ndcg: number }>();
for (const c of cases) {
  if (args.includes('--skip-1-thread') && c.label.includes('(1 thread)')) continue;
  const ours = await evaluateTrainTest(train, test, c.algo, c.params, { ks: [10] });
  const key = c.ref.join(' ') + c.algo;
  if (!refCache.has(key)) refCache.set(key, reference(c.algo, c.ref));
  const ref = refCache.get(key) as { fit_s: number; ndcg: number };
  console.log(
    `${c.label.padEnd(34)} cartwise fit ${ours.fit_s.toFixed(1)} s ndcg@10 ${(ours['ndcg@10'] as number).toFixed(5)} · reference fit ${ref.fit_s.toFixed(1)} s ndcg@10 ${ref.ndcg.toFixed(5)} · ratio ${(ours.fit_s / ref.fit_s).toFixed(2)}×`,
  );
}
