/**
 * Blends a saved SASRec model (from `sasrec-sports.bench.ts --save`) with a freshly fitted second model (default
 * `sknn`) on the same leave-one-out split: per user, min–max normalised scores, `w · sasrec + (1 − w) · other`.
 * Reports nDCG@10 / HR@10 of SASRec alone, the other model alone and each blend weight.
 *
 *   nice -n 10 npx tsx bench/recommend/sasrec-blend.bench.ts --model /tmp/sasrec-data/sasrec.bin \
 *     [--train …/train.csv --test …/test.csv] [--other sknn] [--weights 0.3,0.5] [--attributes item2attributes.json.gz]
 */
import { readFileSync } from 'node:fs';
import { decodeArtifact } from '../../src/store/artifact-codec.ts';
import { readInteractionCsv, tableRows } from '../../src/recommend/interactions/csv-rows.ts';
import { buildFromRows } from '../../src/recommend/interactions/interaction-builder.ts';
import { buildTargets, scoreModel } from '../../src/recommend/eval/evaluator.ts';
import { createRecommender, recommenderFromArtifact } from '../../src/recommend/models/index.ts';
import { topK, type Recommender, type RecommendOptions } from '../../src/recommend/recommender.ts';
import { benchArgs, readAttributeCatalog } from './bench-args.ts';

const { flag, trainPath, testPath } = benchArgs();
const train = await readInteractionCsv(trainPath);
const test = await readInteractionCsv(testPath);
// A model trained with side features (`sasrec-sports.bench.ts --attributes`) needs the same catalogue here.
const attributesPath = flag('--attributes', '');
const data = buildFromRows(tableRows(train), attributesPath ? { catalog: readAttributeCatalog(attributesPath) } : {});
const targets = buildTargets(data, test);
const sasrec = recommenderFromArtifact(decodeArtifact(readFileSync(flag('--model', '/tmp/sasrec-data/sasrec.bin'))));
if (sasrec.nItems !== data.nItems) throw new Error(`model has ${sasrec.nItems} items, data ${data.nItems}: not the same split`);
const other = createRecommender(flag('--other', 'sknn'));
await other.fit(data, { seed: 42 });

function blend(a: Recommender, b: Recommender, w: number): Recommender {
  const sa = new Float64Array(data.nItems);
  const sb = new Float64Array(data.nItems);
  const out = new Float64Array(data.nItems);
  const norm = (s: Float64Array) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of s) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < s.length; i++) s[i] = Number.isFinite(s[i]!) ? (s[i]! - lo) / span : 0;
  };
  const wrapper = Object.create(a) as Recommender;
  wrapper.recommend = (query, k: number, _o?: RecommendOptions) => {
      const u = query as number;
      const okA = a.score(u, sa);
      const okB = b.score(u, sb);
      if (okA) norm(sa); else sa.fill(0);
      if (okB) norm(sb); else sb.fill(0);
      for (let i = 0; i < out.length; i++) out[i] = w * sa[i]! + (1 - w) * sb[i]!;
      const m = data.matrix;
      for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) out[m.indices[p]!] = -Infinity;
      return topK(out, k);
  };
  return wrapper;
}

const report = (label: string, m: Recommender) => {
  const r = scoreModel(m, data, targets, [10, 20]);
  console.log(JSON.stringify({ model: label, 'ndcg@10': r['ndcg@10'], 'hr@10': r['hr@10'], 'ndcg@20': r['ndcg@20'], predict_s: r.predict_s }));
};
report('sasrec', sasrec);
report(other.kind, other);
for (const w of flag('--weights', '0.5').split(',').map(Number)) report(`blend ${w} sasrec + ${1 - w} ${other.kind}`, blend(sasrec, other, w));
