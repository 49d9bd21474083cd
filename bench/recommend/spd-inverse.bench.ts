/**
 * Speed of the wasm SIMD SPD inverse (EASE's fit, src/recommend/linalg/spd-inverse.ts) against NumPy's
 * `np.linalg.inv` (OpenBLAS, float64) on the same kind of Gram matrix, in one run; prints the machine load.
 * Run: npx tsx bench/recommend/spd-inverse.bench.ts [n …] [--threads 1,2] [--precision f64,f32]
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { createRng } from '../../src/core/random.ts';
import { allocSpd, spdInverse, type Precision } from '../../src/recommend/linalg/spd-inverse.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : dflt);
const threadList = flag('--threads', '2,1').split(',').map(Number);
const precisions = flag('--precision', 'f64,f32').split(',') as Precision[];
const sizes = args.filter((a, i) => /^\d+$/.test(a) && !['--threads', '--precision'].includes(args[i - 1] ?? '')).map(Number);
for (const n of sizes.length ? sizes : [1500, 3000]) {
  const rng = createRng(n);
  // A sparse-ish binary Gram plus λI, like EASE's.
  const users = 4 * n;
  const g = new Float64Array(n * n);
  const row: number[] = [];
  for (let u = 0; u < users; u++) {
    row.length = 0;
    for (let k = 0; k < 20; k++) row.push(Math.floor(Math.pow(rng.next(), 2) * n));
    for (const i of row) for (const j of row) g[i * n + j]! += 1;
  }
  for (let i = 0; i < n; i++) g[i * n + i]! += 100;
  let ref = 'n/a';
  try {
    ref = execFileSync('/usr/bin/python3', ['-c', `import numpy as np,time\nrng=np.random.default_rng(0)\nB=(rng.random((${users},${n}))<0.005).astype(np.float64)\nG=B.T@B+100*np.eye(${n})\nt=time.perf_counter();np.linalg.inv(G);print(round(time.perf_counter()-t,3))`]).toString().trim();
  } catch {
    // no python3/numpy: report ours only
  }
  console.log(`n=${n}: numpy inv ${ref} s · load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const precision of precisions) {
    for (const threads of threadList) {
      const spd = allocSpd(n, { precision, threads });
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) spd.a[i * spd.m + j] = g[i * n + j] as number;
      const t = performance.now();
      await spdInverse(spd, { threads });
      const s = (performance.now() - t) / 1000;
      console.log(`  cartwise ${precision} ${threads} thread(s): ${s.toFixed(3)} s (${((n ** 3) / s / 1e9).toFixed(1)} GFLOP/s counting n³)${ref !== 'n/a' ? ` · ${(s / Number(ref)).toFixed(2)}× numpy` : ''}`);
    }
  }
}
