/**
 * SASRec serving latency: one request = forward over a 50-item window + score all items + top-10 with seen-item
 * exclusion, on an 18,000-item catalogue (dim 64, 2 blocks, 2 heads unless overridden). Weights are random: latency
 * does not depend on their values.
 *
 *   npx tsx bench/recommend/sasrec-serving.bench.ts [items=18000] [dim=64] [blocks=2] [requests=2000]
 */
import { createRng } from '../../src/core/random.ts';
import { bytesOf } from '../../src/store/artifact-codec.ts';
import { initWeights, type SasrecShape } from '../../src/recommend/models/sasrec/network.ts';
import { sasrecFactory, sasrecParamsSchema } from '../../src/recommend/models/sasrec/sasrec.ts';

const opt = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')).map(([k, v]) => [k, Number(v)])) as Record<string, number>;
const nItems = opt.items ?? 18_000;
const dim = opt.dim ?? 64;
const blocks = opt.blocks ?? 2;
const requests = opt.requests ?? 2000;
const hist = 50;
const shape: SasrecShape = { nItems, dim, blocks, heads: 2, maxLen: 50, ffnDim: dim, activation: 'gelu', dropout: 0.2 };
const rng = createRng(1);
const weights = initWeights(shape, rng);
const seqItems = Int32Array.from({ length: hist }, () => rng.int(nItems));
const sorted = Int32Array.from(new Set(seqItems)).sort();
const params = sasrecParamsSchema.parse({ dim, blocks, heads: 2, maxLen: 50 });
const model = sasrecFactory.fromArtifact({
  manifest: { kind: 'sasrec', version: 1, params, nUsers: 1, nItems, shape, learningCurve: [], bestEpoch: 0 },
  buffers: {
    'history.indptr': bytesOf(Int32Array.from([0, sorted.length])),
    'history.indices': bytesOf(sorted),
    'history.values': bytesOf(new Float32Array(sorted.length).fill(1)),
    'weights.item': bytesOf(weights.item),
    'weights.dense': bytesOf(weights.dense),
    'seq.indptr': bytesOf(Int32Array.from([0, hist])),
    'seq.items': bytesOf(seqItems),
  },
});
const lat = (label: string, run: (r: number) => void) => {
  for (let r = 0; r < 100; r++) run(r);
  const times = new Float64Array(requests);
  const cpu = new Float64Array(requests);
  for (let r = 0; r < requests; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    run(r);
    times[r] = performance.now() - t;
    const d = process.cpuUsage(c);
    cpu[r] = (d.user + d.system) / 1000;
  }
  times.sort();
  cpu.sort();
  const q = (a: Float64Array, p: number) => a[Math.min(requests - 1, Math.floor(p * requests))]!.toFixed(2);
  console.log(`${label}: wall p50 ${q(times, 0.5)} · p95 ${q(times, 0.95)} · p99 ${q(times, 0.99)} ms; CPU time p50 ${q(cpu, 0.5)} · p99 ${q(cpu, 0.99)} ms (${requests} requests)`);
};
console.log(`SASRec serving, ${nItems} items, dim ${dim}, ${blocks} blocks, ${hist}-item history`);
lat('known user (50-item history) + 1 new event, top-10', (r) => model.recommend({ user: 0, recentItems: [r % nItems] }, 10));
lat('anonymous session of 50 recent items, top-10', (r) => model.recommend({ recentItems: Array.from({ length: hist }, (_, j) => (r * 31 + j * 7) % nItems) }, 10));
