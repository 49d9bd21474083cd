import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readInteractionCsv, tableRows } from '../../src/recommend/interactions/csv-rows.ts';
import { buildFromRows } from '../../src/recommend/interactions/interaction-builder.ts';
import { buildTargets, scoreModel } from '../../src/recommend/eval/evaluator.ts';
import { createRecommender, getFactory } from '../../src/recommend/models/index.ts';
import { HybridRecommender } from '../../src/recommend/models/hybrid.ts';
const ds = process.argv[2] ?? 'retail';
const dir = join(tmpdir(), 'cartwise-bench', ds, 'split');
const train = await readInteractionCsv(join(dir, 'train.csv'));
const test = await readInteractionCsv(join(dir, 'test.csv'));
const data = buildFromRows(tableRows(train));
const targets = buildTargets(data, test);
const ease = createRecommender('ease', { lambda: 200, halfLifeDays: Number(process.env.HL ?? 30) });
await ease.fit(data);
const others: Record<string, ReturnType<typeof createRecommender>> = {};
for (const [name, algo, params] of [
  ['trend7', 'pop', { mode: 'trending', halfLifeDays: 7 }],
  ['trend3', 'pop', { mode: 'trending', halfLifeDays: 3 }],
] as const) {
  const m = createRecommender(algo, params as Record<string, unknown>);
  await m.fit(data);
  others[name] = m;
  console.log(name, 'alone', scoreModel(m, data, targets, [10])['ndcg@10']);
}
for (const [name, m] of Object.entries(others)) {
  for (const w of [0.3, 0.4, 0.5]) {
    for (const norm of ['minmax'] as const) {
      const h = new HybridRecommender({ algos: `ease,${m.kind}`, weights: `${1 - w},${w}`, normalize: norm }, (n) => getFactory(n), [ease, m]);
      Object.assign(h, { nUsers: data.nUsers, nItems: data.nItems, history: data.matrix, fitted: true });
      console.log(name, w, norm, scoreModel(h, data, targets, [10, 20])['ndcg@10']);
    }
  }
}
