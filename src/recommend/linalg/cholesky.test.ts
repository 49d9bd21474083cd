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
