/**
 * SASRec on a leave-one-out split (default: Amazon Sports built as in ../shared/reference/README.md):
 * fits with the given params, prints the learning curve (loss, validation NDCG@10 per epoch, seconds) and the
 * test metrics of the team's evaluator (full ranking, training items excluded).
 *
 *   nice -n 10 npx tsx bench/recommend/sasrec-sports.bench.ts --train /tmp/sasrec-data/sports-loo/train.csv \
 *     --test /tmp/sasrec-data/sports-loo/test.csv [--algo sasrec] [--save model.bin] [key=value ...]
 *     [--attributes ../shared/datasets/amazon-sports/Sports_and_Outdoors_item2attributes.json.gz] (side features, with sideFeatures=true)
 */
import { writeFileSync } from 'node:fs';
import { encodeArtifact } from '../../src/store/artifact-codec.ts';
import { readInteractionCsv, tableRows } from '../../src/recommend/interactions/csv-rows.ts';
import { buildFromRows } from '../../src/recommend/interactions/interaction-builder.ts';
import { buildTargets, scoreModel } from '../../src/recommend/eval/evaluator.ts';
import { createRecommender } from '../../src/recommend/models/index.ts';
import type { SasrecRecommender } from '../../src/recommend/models/sasrec/sasrec.ts';
import { benchArgs, readAttributeCatalog } from './bench-args.ts';

const { args, flag, trainPath, testPath } = benchArgs();
const algo = flag('--algo', 'sasrec');
const saveTo = flag('--save', '');
const attributesPath = flag('--attributes', '');
const params: Record<string, unknown> = {};
for (const a of args) {
  const [k, v] = a.split('=') as [string, string];
  params[k] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
}
const train = await readInteractionCsv(trainPath);
const test = await readInteractionCsv(testPath);
const data = buildFromRows(tableRows(train), attributesPath ? { catalog: readAttributeCatalog(attributesPath) } : {});
const targets = buildTargets(data, test);
console.log(`users ${data.nUsers} items ${data.nItems} rows ${data.seqItems.length}; ${algo} ${JSON.stringify(params)}`);
const model = createRecommender(algo, params);
const t0 = performance.now();
let lastLog = 0;
await model.fit(data, {
  seed: 42,
  onProgress: (p) => {
    const now = performance.now();
    const q = p as unknown as { loss?: number; etaMs?: number; validationNdcg10?: number };
    if (q.validationNdcg10 !== undefined) {
      console.log(`${p.phase}: loss ${q.loss?.toFixed(4)} val-ndcg@10 ${q.validationNdcg10.toFixed(4)} elapsed ${((now - t0) / 1000).toFixed(0)} s`);
      return;
    }
    if (now - lastLog < 60_000) return;
    lastLog = now;
    console.log(`  ${p.phase} ${p.done}/${p.total} loss ${q.loss?.toFixed(4) ?? '-'} eta ${((q.etaMs ?? 0) / 1000).toFixed(0)} s`);
  },
});
const fitS = (performance.now() - t0) / 1000;
const curve = (model as SasrecRecommender).learningCurve;
if (curve) for (const e of curve) console.log(`epoch ${e.epoch} loss ${e.loss.toFixed(4)} val-ndcg@10 ${e.ndcg10.toFixed(4)} ${e.seconds.toFixed(1)} s`);
if (saveTo) writeFileSync(saveTo, encodeArtifact(model.toArtifact()));
const metrics = scoreModel(model, data, targets, [10, 20]);
console.log(JSON.stringify({ algo, params: model.params, fit_s: Math.round(fitS * 10) / 10, 'ndcg@10': metrics['ndcg@10'], 'hr@10': metrics['hr@10'], 'ndcg@20': metrics['ndcg@20'], predict_s: metrics.predict_s, users: targets.size }));
