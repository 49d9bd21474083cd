/**
 * Picks a blend on a validation split cut from the training file alone, then scores only the winner on the test
 * split — the honest version of the hybrid rows in accuracy.bench.ts, whose weights were compared on the test split.
 *
 *   npx tsx bench/recommend/hybrid-validation.bench.ts            (ml-100k; run `accuracy.bench.ts ml100k` first)
 *
 * Validation: `recs.py split` of the training file with the same protocol as the test split (random 75/25 stratified
 * per item) but another seed (7). Candidates: EASE λ300 and DLAE alone, EASE/DLAE + BPR at a few weights, EASE + user-kNN,
 * EASE + BPR + user-kNN. Only the winner is scored on the test split.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateTrainTest } from '../../src/recommend/eval/evaluator.ts';
import { readInteractionCsv } from '../../src/recommend/interactions/csv-rows.ts';

const dir = join(tmpdir(), 'cartwise-bench', 'ml100k');
const script = join(import.meta.dirname, '../../../shared/reference/recs.py');
if (!existsSync(join(dir, 'split/train.csv'))) throw new Error(`no split under ${dir}: run accuracy.bench.ts ml100k first`);
const valDir = join(dir, 'validation');
if (!existsSync(join(valDir, 'train.csv'))) {
  execFileSync('/usr/bin/python3', [script, 'split', '--in', join(dir, 'split/train.csv'), '--out', valDir, '--protocol', 'random', '--stratify', 'item', '--ratio', '0.75', '--min-user', '1', '--seed', '7'], { stdio: 'inherit' });
}

const candidates: { label: string; algo: string; params: Record<string, unknown> }[] = [
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
