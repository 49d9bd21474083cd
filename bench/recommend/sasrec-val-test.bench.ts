/**
 * Validation-vs-test check of a saved SASRec (`sasrec-sports.bench.ts --save`): rebuilds the trainer's 3,000
 * validation users (seed 42, same eligibility and shuffle), scores them and the test users with the model's batch
 * scorer, and prints NDCG@10 of both with an optional popularity penalty `score − β · log(count + 1)` (β = 0 must
 * reproduce the trainer's best validation score and the evaluator's test score). Full ranking; O(users · nItems · dim).
 *
 *   nice -n 10 npx tsx bench/recommend/sasrec-val-test.bench.ts MODEL.bin [0,0.05,0.1] \
 *     [--train /tmp/sasrec-data/sports-loo/train.csv] [--test /tmp/sasrec-data/sports-loo/test.csv]
 *
 * Limits: assumes the model was trained with `validationUsers=3000` and seed 42.
 */
import { readFileSync } from 'node:fs';
import { decodeArtifact } from '../../src/store/artifact-codec.ts';
import { recommenderFromArtifact } from '../../src/recommend/models/index.ts';
import { readInteractionCsv, tableRows } from '../../src/recommend/interactions/csv-rows.ts';
import { buildFromRows } from '../../src/recommend/interactions/interaction-builder.ts';
import { buildTargets } from '../../src/recommend/eval/evaluator.ts';
import { createRng } from '../../src/core/random.ts';
import type { SasrecRecommender } from '../../src/recommend/models/sasrec/sasrec.ts';
import type { RecommendQuery } from '../../src/recommend/recommender.ts';
import { benchArgs } from './bench-args.ts';

const { args, trainPath, testPath } = benchArgs();
const model = recommenderFromArtifact(decodeArtifact(readFileSync(args[0]!))) as SasrecRecommender;
const betas = (args[1] ?? '0').split(',').map(Number);
const data = buildFromRows(tableRows(await readInteractionCsv(trainPath)));
const targets = buildTargets(data, await readInteractionCsv(testPath));
const { seqIndptr: ip, seqItems: it, nItems } = data;
const nUsers = ip.length - 1;
// The validation users of trainSasrec (seed 42): same eligibility and shuffle, first 3,000.
const eligible: number[] = [];
for (let u = 0; u < nUsers; u++) if (ip[u + 1]! - ip[u]! >= 3) eligible.push(u);
createRng(42).shuffle(eligible);
const valUsers = eligible.slice(0, 3000).sort((a, b) => a - b);
// Popularity from the training rows the model was trained on (validation targets removed).
const isVal = new Uint8Array(nUsers);
for (const u of valUsers) isVal[u] = 1;
const logPop = new Float64Array(nItems);
for (let u = 0; u < nUsers; u++) for (let p = ip[u]!; p < ip[u + 1]! - isVal[u]!; p++) logPop[it[p]!]! += 1;
for (let i = 0; i < nItems; i++) logPop[i] = Math.log(logPop[i]! + 1);

function evaluate(queries: RecommendQuery[], excl: (q: number) => Iterable<number>, rel: (q: number) => Set<number>): number[] {
  const sums = betas.map(() => 0);
  const B = 256;
  const out = new Float32Array(B * nItems);
  const s = new Float64Array(nItems);
  for (let b0 = 0; b0 < queries.length; b0 += B) {
    const qs = queries.slice(b0, b0 + B);
    model.scoreBatch(qs, out);
    for (let q = 0; q < qs.length; q++) {
      const r = rel(b0 + q);
      betas.forEach((beta, bi) => {
        for (let i = 0; i < nItems; i++) s[i] = out[q * nItems + i]! - beta * logPop[i]!;
        for (const e of excl(b0 + q)) s[e] = -Infinity;
        for (const t of r) {
          if (t < 0) continue;
          const ts = s[t]!;
          let rank = 0;
          for (let i = 0; i < nItems && rank < 10; i++) if (s[i]! > ts) rank++;
          if (rank < 10) sums[bi]! += 1 / Math.log2(rank + 2);
        }
      });
    }
  }
  return sums.map((x) => x / queries.length);
}
const valQ = valUsers.map((u) => ({ recentItems: Array.from(it.subarray(ip[u]!, ip[u + 1]! - 1)) }));
const val = evaluate(valQ, (q) => it.subarray(ip[valUsers[q]!]!, ip[valUsers[q]! + 1]! - 1), (q) => new Set([it[ip[valUsers[q]! + 1]! - 1]!]));
betas.forEach((b, i) => console.log(`beta ${b}: validation ndcg@10 ${val[i]!.toFixed(4)}`));
const testUsers = [...targets.keys()].sort((a, b) => a - b);
const test = evaluate(testUsers, (q) => it.subarray(ip[testUsers[q]!]!, ip[testUsers[q]! + 1]!), (q) => targets.get(testUsers[q]!)!);
betas.forEach((b, i) => console.log(`beta ${b}: test ndcg@10 ${test[i]!.toFixed(4)} (${testUsers.length} users)`));
