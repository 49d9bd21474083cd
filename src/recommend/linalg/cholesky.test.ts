import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import { spdInverse } from './cholesky.ts';

describe('SPD inverse', () => {
  it('inverts a random SPD matrix (A·A⁻¹ = I)', () => {
    for (const n of [1, 3, 7, 33]) {
      const rng = createRng(n);
      const x = Float64Array.from({ length: n * n }, () => rng.normal());
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += (x[i * n + k] as number) * (x[j * n + k] as number);
        a[i * n + j] = s;
      }
      const inv = spdInverse(a.slice(), n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (inv[k * n + j] as number);
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-10);
      }
    }
  });
  it('refuses a matrix that is not positive definite', () => {
    expect(() => spdInverse(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('parallel SPD inverse', () => {
  it('matches the single-threaded inverse, with padding and several panels', async () => {
    const { allocSharedSpd, spdInverseParallel } = await import('./parallel-inverse.ts');
    for (const n of [5, 42]) {
      const rng = createRng(100 + n);
      const x = Float64Array.from({ length: n * n }, () => rng.normal());
      const g = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += (x[i * n + k] as number) * (x[j * n + k] as number);
        g[i * n + j] = s;
      }
      const spd = allocSharedSpd(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) spd.a[i * spd.m + j] = g[i * n + j] as number;
      await spdInverseParallel(spd, { threads: 2, panel: 8 });
      const single = spdInverse(g.slice(), n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs((spd.a[i * spd.m + j] as number) - (single[i * n + j] as number))).toBeLessThan(1e-10);
    }
  });
  it('rejects a matrix that is not positive definite', async () => {
    const { allocSharedSpd, spdInverseParallel } = await import('./parallel-inverse.ts');
    const spd = allocSharedSpd(2);
    spd.a[0] = 1;
    spd.a[1] = 2;
    spd.a[spd.m] = 2;
    spd.a[spd.m + 1] = 1;
    await expect(spdInverseParallel(spd, { threads: 2 })).rejects.toThrow(/positive definite/);
  });
});
