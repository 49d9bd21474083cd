/**
 * Speed of the hand-written SPD inverse (EASE's fit) against NumPy's `np.linalg.inv` on the same Gram-like matrix.
 * Run: npx tsx bench/recommend/spd-inverse.bench.ts [n …]
 */
import { execFileSync } from 'node:child_process';
import { createRng } from '../../src/core/random.ts';
import { spdInverse } from '../../src/recommend/linalg/cholesky.ts';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const n of sizes.length ? sizes : [1000, 2000]) {
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
  const t = performance.now();
  spdInverse(g, n);
  const s = (performance.now() - t) / 1000;
  let ref = '';
  try {
    ref = execFileSync('/usr/bin/python3', ['-c', `import numpy as np,time\nrng=np.random.default_rng(0)\nB=(rng.random((${users},${n}))<0.005).astype(np.float64)\nG=B.T@B+100*np.eye(${n})\nt=time.perf_counter();np.linalg.inv(G);print(round(time.perf_counter()-t,3))`]).toString().trim();
  } catch {
    ref = 'n/a';
  }
  console.log(`n=${n}: cartwise spdInverse ${s.toFixed(3)} s (${((n ** 3) / s / 1e9).toFixed(2)} G multiply-adds/s) · numpy inv ${ref} s`);
}
