/**
 * Picks a blend on a validation split cut from the training file alone, then scores only the winner on the test
 * split — the honest version of the hybrid rows in accuracy.bench.ts, whose weights were compared on the test split.
 *
 *   npx tsx bench/recommend/hybrid-validation.bench.ts ml100k|retail   (run `accuracy.bench.ts <dataset>` first)
 *
 * Validation: `recs.py split` of the training file with the same protocol as the test split — ml100k: random 75/25
 * stratified per item, seed 7; retail: the last 10% of the training file's time. Candidates: ml100k — EASE λ300 and
 * DLAE alone, EASE/DLAE + BPR at a few weights, EASE + user-kNN, EASE + BPR + user-kNN; retail — EASE λ200 alone,
 * EASE + trending popularity at five weights, EASE + SAR. Only the winner is scored on the test split.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateTrainTest } from '../../src/recommend/eval/evaluator.ts';
import { readInteractionCsv } from '../../src/recommend/interactions/csv-rows.ts';

const dataset = process.argv[2] ?? 'ml100k';
if (dataset !== 'ml100k' && dataset !== 'retail') throw new Error(`unknown dataset ${dataset}: ml100k or retail`);
const dir = join(tmpdir(), 'cartwise-bench', dataset);
const script = join(import.meta.dirname, '../../../shared/reference/recs.py');
if (!existsSync(join(dir, 'split/train.csv'))) throw new Error(`no split under ${dir}: run accuracy.bench.ts ${dataset} first`);
const valDir = join(dir, 'validation');
if (!existsSync(join(valDir, 'train.csv'))) {
  execFileSync('/usr/bin/python3', [script, 'split', '--in', join(dir, 'split/train.csv'), '--out', valDir, ...(dataset === 'ml100k' ? ['--protocol', 'random', '--stratify', 'item', '--ratio', '0.75', '--min-user', '1', '--seed', '7'] : ['--protocol', 'time', '--test-frac', '0.1'])], { stdio: 'inherit' });
}

type Candidate = { label: string; algo: string; params: Record<string, unknown> };
const retailCandidates: Candidate[] = [
  { label: 'ease λ200', algo: 'ease', params: { lambda: 200 } },
  ...[0.9, 0.8, 0.7, 0.6, 0.5].map((w) => ({
    label: `hybrid ease200+trending ${w}/${(1 - w).toFixed(1)}`,
    algo: 'hybrid',
    params: { algos: 'ease,pop', weights: `${w},${(1 - w).toFixed(1)}`, 'ease.lambda': 200, 'pop.mode': 'trending', 'pop.halfLifeDays': 7 },
  })),
  { label: 'hybrid ease200+sar 0.7/0.3', algo: 'hybrid', params: { algos: 'ease,sar', weights: '0.7,0.3', 'ease.lambda': 200 } },
];
const ml100kCandidates: Candidate[] = [
  { label: 'ease λ300', algo: 'ease', params: { lambda: 300 } },
  ...[0.3, 0.5, 0.7].map((w) => ({
    label: `hybrid ease300+bpr ${w}/${(1 - w).toFixed(1)}`,
    algo: 'hybrid',
    params: { algos: 'ease,bpr', weights: `${w},${(1 - w).toFixed(1)}`, 'ease.lambda': 300 },
  })),
  { label: 'hybrid ease300+userknn 0.7/0.3', algo: 'hybrid', params: { algos: 'ease,userknn', weights: '0.7,0.3', 'ease.lambda': 300 } },
  ...[0.1, 0.25].map((p) => ({ label: `dlae λ300 dropout ${p}`, algo: 'ease', params: { lambda: 300, dropout: p } })),
  ...[0.5, 0.7].map((w) => ({
    label: `hybrid dlae300/.25+bpr ${w}/${(1 - w).toFixed(1)}`,
    algo: 'hybrid',
    params: { algos: 'ease,bpr', weights: `${w},${(1 - w).toFixed(1)}`, 'ease.lambda': 300, 'ease.dropout': 0.25 },
  })),
  { label: 'hybrid ease300+bpr+userknn .5/.3/.2', algo: 'hybrid', params: { algos: 'ease,bpr,userknn', weights: '0.5,0.3,0.2', 'ease.lambda': 300 } },
];
const candidates = dataset === 'ml100k' ? ml100kCandidates : retailCandidates;

const valTrain = await readInteractionCsv(join(valDir, 'train.csv'));
const valTest = await readInteractionCsv(join(valDir, 'test.csv'));
console.log(`validation split of the training file: ${valTrain.length} / ${valTest.length} rows`);
let best: { label: string; algo: string; params: Record<string, unknown>; ndcg: number } | undefined;
for (const c of candidates) {
  const r = await evaluateTrainTest(valTrain, valTest, c.algo, c.params, { ks: [10] });
  const ndcg = r['ndcg@10'] as number;
  console.log(`  ${c.label.padEnd(34)} validation nDCG@10 ${ndcg.toFixed(4)}`);
  if (!best || ndcg > best.ndcg) best = { ...c, ndcg };
}
if (!best) throw new Error('no candidates');
const train = await readInteractionCsv(join(dir, 'split/train.csv'));
const test = await readInteractionCsv(join(dir, 'split/test.csv'));
const r = await evaluateTrainTest(train, test, best.algo, best.params, { ks: [10] });
console.log(`chosen on validation: ${best.label}; test nDCG@10 ${(r['ndcg@10'] as number).toFixed(4)} (${r.users} users, fit ${r.fit_s.toFixed(1)} s)`);
