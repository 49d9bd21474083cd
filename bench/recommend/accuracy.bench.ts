/**
 * Accuracy (and fit time) of every algorithm on the shared datasets, with the reference script side by side.
 *
 *   npx tsx bench/recommend/accuracy.bench.ts ml100k   [--only ease,hybrid] [--reference]
 *   npx tsx bench/recommend/accuracy.bench.ts retail   [--only …] [--reference]
 *   npx tsx bench/recommend/accuracy.bench.ts sports   [--only …] [--reference]
 *
 * ml100k: MovieLens 100K, random 75/25 stratified per item, seed 42, K=10 (Microsoft Recommenders' protocol).
 * retail: Online Retail purchases (CustomerID present, Quantity > 0, invoice not 'C…'), time split, last 10%.
 * sports: Amazon Sports & Outdoors 5-core, leave-last-out, K=10,20.
 * Splits are written by `../shared/reference/recs.py split` (so both sides see the same files); `--reference`
 * also runs `recs.py eval` for the algorithms it has (pop, itemknn, sar, ease, als) with the same parameters.
 * Prepared files are cached under $TMPDIR/cartwise-bench/<dataset>.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { evaluateTrainTest } from '../../src/recommend/eval/evaluator.ts';
import { splitCsvRecord } from '../../src/core/csv.ts';
import { readInteractionCsv } from '../../src/recommend/interactions/csv-rows.ts';

const shared = join(import.meta.dirname, '../../../shared');
const script = join(shared, 'reference/recs.py');
const args = process.argv.slice(2);
const dataset = args[0] ?? 'ml100k';
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : undefined;
const withReference = args.includes('--reference');
const dir = join(tmpdir(), 'cartwise-bench', dataset);
mkdirSync(dir, { recursive: true });

interface Config {
  label: string;
  algo: string;
  params: Record<string, unknown>;
  /** recs.py eval arguments when the reference has this algorithm */
  ref?: string[];
}

async function prepare(): Promise<{ ks: number[]; configs: Config[] }> {
  const events = join(dir, 'events.csv');
  if (dataset === 'ml100k') {
    if (!existsSync(events)) {
      const lines = gunzipSync(readFileSync(join(shared, 'datasets/ml-100k/u.data.gz'))).toString('utf8').trim().split('\n');
      writeFileSync(events, ['user,item,rating,ts', ...lines.map((l) => l.split('\t').join(','))].join('\n') + '\n');
    }
    split(['--protocol', 'random', '--stratify', 'item', '--ratio', '0.75', '--min-user', '1']);
    return {
      ks: [10],
      configs: [
        { label: 'pop', algo: 'pop', params: {}, ref: [] },
        { label: 'itemknn (100 nn)', algo: 'itemknn', params: { neighbors: 100 }, ref: ['--neighbors', '100'] },
        { label: 'itemknn asym α.5 shrink 10', algo: 'itemknn', params: { neighbors: 100, similarity: 'asymmetric', shrink: 10 } },
        { label: 'userknn (50 nn)', algo: 'userknn', params: { neighbors: 50 } },
        { label: 'sar (jaccard, 30 d)', algo: 'sar', params: { halfLifeDays: 30 }, ref: ['--half-life-days', '30'] },
        { label: 'ease λ300', algo: 'ease', params: { lambda: 300 }, ref: ['--lambda', '300'] },
        { label: 'ease λ500', algo: 'ease', params: { lambda: 500 }, ref: ['--lambda', '500'] },
        { label: 'als 64f α10 reg.1', algo: 'als', params: { factors: 64, iterations: 15, alpha: 10, reg: 0.1 }, ref: ['--factors', '64', '--iters', '15', '--alpha', '10', '--reg', '0.1'] },
        { label: 'bpr 64f 60ep reg.02', algo: 'bpr', params: { factors: 64, epochs: 60, reg: 0.02 } },
        { label: 'fbt', algo: 'fbt', params: {} },
        { label: 'hybrid ease300+userknn .7/.3', algo: 'hybrid', params: { algos: 'ease,userknn', weights: '0.7,0.3', 'ease.lambda': 300 } },
        { label: 'hybrid ease300+bpr .5/.5', algo: 'hybrid', params: { algos: 'ease,bpr', weights: '0.5,0.5', 'ease.lambda': 300 } },
      ],
    };
  }
  if (dataset === 'retail') {
    if (!existsSync(events)) {
      const out: string[] = ['user,item,ts'];
      const lines = createInterface({ input: createReadStream(join(shared, 'datasets/online-retail/online_retail.csv.gz')).pipe(createGunzip()) });
      let header = true;
      for await (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        const c = splitCsvRecord(line) ?? [];
        const [invoice, stock, , qty, date, , customer] = c;
        if (!customer || Number(qty) <= 0 || invoice?.startsWith('C')) continue;
        const ts = Date.parse(`${(date as string).replace(' ', 'T')}Z`) / 1000;
        out.push(`${customer},${stock},${ts}`);
      }
      writeFileSync(events, out.join('\n') + '\n');
    }
    split(['--protocol', 'time', '--test-frac', '0.1']);
    return {
      ks: [10, 20],
      configs: [
        { label: 'pop', algo: 'pop', params: {}, ref: [] },
        { label: 'itemknn (100 nn)', algo: 'itemknn', params: { neighbors: 100 }, ref: ['--neighbors', '100'] },
        { label: 'userknn (50 nn)', algo: 'userknn', params: { neighbors: 50 } },
        { label: 'sar (jaccard, 30 d)', algo: 'sar', params: { halfLifeDays: 30 }, ref: ['--half-life-days', '30'] },
        { label: 'ease λ200', algo: 'ease', params: { lambda: 200 }, ref: ['--lambda', '200'] },
        { label: 'als 64f 15it', algo: 'als', params: { factors: 64, iterations: 15 }, ref: ['--factors', '64', '--iters', '15'] },
        { label: 'bpr 64f 60ep reg.02', algo: 'bpr', params: {} },
        { label: 'fbt', algo: 'fbt', params: {} },
        { label: 'pop trending (7 d)', algo: 'pop', params: { mode: 'trending', halfLifeDays: 7 } },
        { label: 'ease λ200 dlae .25', algo: 'ease', params: { lambda: 200, dropout: 0.25 } },
        { label: 'ease λ200 decayed profile 30 d', algo: 'ease', params: { lambda: 200, halfLifeDays: 30 } },
        { label: 'hybrid ease200+sar .7/.3', algo: 'hybrid', params: { algos: 'ease,sar', weights: '0.7,0.3', 'ease.lambda': 200 } },
        { label: 'hybrid ease200+trending .7/.3', algo: 'hybrid', params: { algos: 'ease,pop', weights: '0.7,0.3', 'ease.lambda': 200, 'pop.mode': 'trending', 'pop.halfLifeDays': 7 } },
      ],
    };
  }
  if (dataset === 'sports') {
    if (!existsSync(events)) {
      const lines = gunzipSync(readFileSync(join(shared, 'datasets/amazon-sports/Sports_and_Outdoors.txt.gz'))).toString('utf8').trim().split('\n');
      const out: string[] = ['user,item,ts'];
      for (const l of lines) {
        const f = l.trim().split(/\s+/);
        for (let i = 1; i < f.length; i++) out.push(`${f[0]},${f[i]},${i}`);
      }
      writeFileSync(events, out.join('\n') + '\n');
    }
    split(['--protocol', 'loo', '--min-user', '1']);
    return {
      ks: [10, 20],
      configs: [
        { label: 'pop', algo: 'pop', params: {}, ref: [] },
        { label: 'itemknn (100 nn)', algo: 'itemknn', params: { neighbors: 100 }, ref: ['--neighbors', '100'] },
        { label: 'userknn (50 nn)', algo: 'userknn', params: { neighbors: 50 } },
        { label: 'sar (no decay)', algo: 'sar', params: { halfLifeDays: 0 } },
        { label: 'als 64f 15it α10 reg.1', algo: 'als', params: { factors: 64, iterations: 15, alpha: 10, reg: 0.1 }, ref: ['--factors', '64', '--iters', '15', '--alpha', '10', '--reg', '0.1'] },
        { label: 'bpr 64f 60ep reg.02', algo: 'bpr', params: {} },
        { label: 'fbt', algo: 'fbt', params: {} },
        { label: 'ease λ30 cap 6000', algo: 'ease', params: { lambda: 30, maxItems: 6000 }, ref: ['--lambda', '30', '--max-items', '6000'] },
        { label: 'ease λ30 (all items)', algo: 'ease', params: { lambda: 30 }, ref: ['--lambda', '30'] },
      ],
    };
  }
  throw new Error(`unknown dataset ${dataset}; use ml100k, retail or sports`);
}

function split(extra: string[]): void {
  if (existsSync(join(dir, 'split/train.csv'))) return;
  execFileSync('/usr/bin/python3', [script, 'split', '--in', join(dir, 'events.csv'), '--out', join(dir, 'split'), ...extra], { stdio: 'inherit' });
}

const { ks, configs } = await prepare();
const train = await readInteractionCsv(join(dir, 'split/train.csv'));
const test = await readInteractionCsv(join(dir, 'split/test.csv'));
console.log(`${dataset}: train ${train.length} rows, test ${test.length} rows; K=${ks.join(',')}`);
const k0 = ks[0] as number;
const rows: string[] = [];
for (const c of configs) {
  if (only && !only.includes(c.algo) && !only.includes(c.label)) continue;
  const r = await evaluateTrainTest(train, test, c.algo, c.params, { ks });
  let ref = '';
  if (withReference && c.ref) {
    try {
      const out = JSON.parse(
        execFileSync('/usr/bin/python3', [script, 'eval', '--train', join(dir, 'split/train.csv'), '--test', join(dir, 'split/test.csv'), '--algo', c.algo, '--k', ks.join(','), ...c.ref]).toString(),
      ) as Record<string, number>;
      ref = ` | ref ndcg@${k0} ${out[`ndcg@${k0}`]?.toFixed(4)} fit ${out.fit_s}s` + (ks[1] ? ` ndcg@${ks[1]} ${out[`ndcg@${ks[1]}`]?.toFixed(4)}` : '');
    } catch (err) {
      ref = ` | ref failed: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  const line =
    `${c.label.padEnd(30)} ndcg@${k0} ${(r[`ndcg@${k0}`] as number).toFixed(4)}` +
    (ks[1] ? ` ndcg@${ks[1]} ${(r[`ndcg@${ks[1]}`] as number).toFixed(4)}` : '') +
    ` recall@${k0} ${(r[`recall@${k0}`] as number).toFixed(4)} cov@${k0} ${(r[`coverage@${k0}`] as number).toFixed(3)} users ${r.users} fit ${r.fit_s}s predict ${r.predict_s}s${ref}`;
  console.log(line);
  rows.push(line);
}
