import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readInteractionCsv, tableRows } from '../../src/recommend/interactions/csv-rows.ts';
import { buildFromRows } from '../../src/recommend/interactions/interaction-builder.ts';
import { buildTargets, scoreModel } from '../../src/recommend/eval/evaluator.ts';
import { EaseRecommender } from '../../src/recommend/models/ease.ts';
const ds = process.argv[2] ?? 'retail';
const dir = join(tmpdir(), 'cartwise-bench', ds, 'split');
const train = await readInteractionCsv(join(dir, 'train.csv'));
const test = await readInteractionCsv(join(dir, 'test.csv'));
const data = buildFromRows(tableRows(train));
const targets = buildTargets(data, test);
for (const spec of process.argv.slice(3)) {
  const [lambda, dropout, hl] = spec.split(':').map(Number);
  const m = new EaseRecommender({ lambda: lambda!, maxItems: 20000, threads: 2, halfLifeDays: hl ?? 0, dropout: dropout ?? 0 });
  const t = performance.now();
  await m.fit(data);
  const r = scoreModel(m, data, targets, [10, 20]);
  console.log(spec, 'fit', ((performance.now() - t) / 1000).toFixed(1), 's', 'ndcg@10', r['ndcg@10'], 'ndcg@20', r['ndcg@20']);
}
