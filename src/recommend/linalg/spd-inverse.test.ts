import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import { allocSpd, spdInverse, type Precision } from './spd-inverse.ts';

/** Random SPD matrix X·Xᵀ + n·I (row-major, n × n). */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += (x[i * n + k] as number) * (x[j * n + k] as number);
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

/** Plain reference: Gauss–Jordan elimination without pivoting (fine for SPD), float64. */
function referenceInverse(g: Float64Array, n: number): Float64Array {
  const a = g.slice();
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let p = 0; p < n; p++) {
    const d = a[p * n + p] as number;
    for (let j = 0; j < n; j++) {
      a[p * n + j] = (a[p * n + j] as number) / d;
      inv[p * n + j] = (inv[p * n + j] as number) / d;
    }
    for (let i = 0; i < n; i++) {
      if (i === p) continue;
      const f = a[i * n + p] as number;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[i * n + j] = (a[i * n + j] as number) - f * (a[p * n + j] as number);
        inv[i * n + j] = (inv[i * n + j] as number) - f * (inv[p * n + j] as number);
      }
    }
  }
  return inv;
}

async function wasmInverse(g: Float64Array, n: number, precision: Precision, threads: number, block?: number): Promise<{ inv: Float64Array; m: number; nb: number }> {
  const spd = allocSpd(n, { precision, threads, ...(block ? { block } : {}) });
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) spd.a[i * spd.m + j] = g[i * n + j] as number;
  await spdInverse(spd, { threads });
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inv[i * n + j] = spd.a[i * spd.m + j] as number;
  return { inv, m: spd.m, nb: spd.nb };
}

function maxRelDiff(x: Float64Array, ref: Float64Array): number {
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let d = 0;
  for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs((x[i] as number) - (ref[i] as number)));
  return d / scale;
}

describe('wasm SPD inverse', () => {
  // sizes that are not multiples of the block (16 or 32 here) or of the register tile, with several blocks so every
  // step (panel, trailing update, off-diagonal triangular inverse, split lauum tiles) runs, including an odd block count
  const cases: { n: number; block?: number }[] = [{ n: 1 }, { n: 5 }, { n: 42 }, { n: 75, block: 16 }, { n: 97, block: 32 }, { n: 130, block: 16 }];
  for (const { n, block } of cases) {
    for (const threads of [1, 2]) {
      it(`float64, n=${n}${block ? ` block ${block}` : ''}, ${threads} thread(s): matches Gauss–Jordan to 1e-12`, async () => {
        const g = randomSpd(n, 7 + n);
        const ref = referenceInverse(g, n);
        const { inv, m } = await wasmInverse(g, n, 'f64', threads, block);
        if (block) expect(m).toBeGreaterThan(block); // several blocks
        expect(maxRelDiff(inv, ref)).toBeLessThan(1e-12);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(inv[i * n + j]).toBe(inv[j * n + i]);
      });
    }
  }
  for (const threads of [1, 2]) {
    it(`float32, n=97 block 32, ${threads} thread(s): matches to float32 accuracy`, async () => {
      const g = randomSpd(97, 3);
      const ref = referenceInverse(g, 97);
      const { inv } = await wasmInverse(g, 97, 'f32', threads, 32);
      expect(maxRelDiff(inv, ref)).toBeLessThan(1e-5);
    });
  }
  it('1 and 2 threads give the same float64 result bit for bit', async () => {
    const g = randomSpd(150, 11);
    const one = await wasmInverse(g, 150, 'f64', 1, 32);
    const two = await wasmInverse(g, 150, 'f64', 2, 32);
    expect(Array.from(two.inv)).toEqual(Array.from(one.inv));
  });
  it('uses 128-blocks by default, padding n up to a multiple', async () => {
    const { m, nb } = await wasmInverse(randomSpd(200, 5), 200, 'f64', 2);
    expect(nb).toBe(128);
    expect(m).toBe(256);
  });
  for (const threads of [1, 2]) {
    it(`rejects a matrix that is not positive definite (${threads} thread(s))`, async () => {
      const spd = allocSpd(2, { threads });
      spd.a.set([1, 2], 0);
      spd.a.set([2, 1], spd.m);
      await expect(spdInverse(spd, { threads })).rejects.toThrow(/positive definite/);
    });
  }
  it('stops with ABORTED when the signal fires', async () => {
    const spd = allocSpd(64, { threads: 2, block: 16 });
    for (let i = 0; i < 64; i++) spd.a[i * spd.m + i] = 1;
    const ac = new AbortController();
    ac.abort();
    await expect(spdInverse(spd, { threads: 2, signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
