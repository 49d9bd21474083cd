/** ALS on worker threads: same factors for any thread count, same solution as a plain per-row CG, abortable. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import { buildFromRows, transposeCsr, type Csr, type InteractionData, type InteractionRow } from '../interactions/interaction-builder.ts';
import { AlsRecommender, alsFactory, cgSolveRow, gram } from './als.ts';

/** 400 users in 4 taste groups over 150 items (plus noise), weights 1–3. */
function syntheticData(): InteractionData {
  const rng = createRng(7);
  const rows: InteractionRow[] = [];
  for (let u = 0; u < 400; u++) {
    const group = u % 4;
    const n = 3 + Math.floor(rng.next() * 15);
    for (let k = 0; k < n; k++) {
      const item = rng.next() < 0.8 ? group * 30 + Math.floor(rng.next() * 30) : Math.floor(rng.next() * 150);
      rows.push({ user: `u${u}`, item: `i${item}`, ts: k, weight: 1 + Math.floor(rng.next() * 3) });
    }
  }
  return buildFromRows(rows);
}

async function fitted(params: Record<string, unknown>, data = syntheticData()): Promise<AlsRecommender> {
  const m = alsFactory.create({ factors: 10, iterations: 6, alpha: 10, reg: 0.1, ...params }) as AlsRecommender;
  await m.fit(data, { seed: 3 });
  return m;
}

/** The sweeps written plainly: per-row CG (cgSolveRow) against a fresh Gram, rows in order, one thread. */
function plainAls(data: InteractionData, f: number, iterations: number, alpha: number, reg: number, seed: number): { users: Float32Array; items: Float32Array } {
  const rng = createRng(seed);
  const users = Float32Array.from({ length: data.nUsers * f }, () => rng.normal() * 0.01);
  const items = Float32Array.from({ length: data.nItems * f }, () => rng.normal() * 0.01);
  const cu: Csr = { ...data.matrix, values: Float32Array.from(data.matrix.values, (w) => alpha * w) };
  const ci = transposeCsr(cu);
  const [x, r, p, ap] = [0, 0, 0, 0].map(() => new Float64Array(f)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const half = (target: Float32Array, n: number, m: Csr, fixed: Float32Array, nFixed: number) => {
    const yty = gram(fixed, nFixed, f, reg);
    for (let row = 0; row < n; row++) {
      const s = m.indptr[row] as number;
      const e = m.indptr[row + 1] as number;
      for (let a = 0; a < f; a++) x[a] = target[row * f + a] as number;
      cgSolveRow(x, yty, fixed, f, m.indices.subarray(s, e), m.values.subarray(s, e), 3, r, p, ap);
      for (let a = 0; a < f; a++) target[row * f + a] = x[a] as number;
    }
  };
  for (let it = 0; it < iterations; it++) {
    half(users, data.nUsers, cu, items, data.nItems);
    half(items, data.nItems, ci, users, data.nUsers);
  }
  return { users, items };
}

describe('als on worker threads', () => {
  it('gives the same factors with 1, 2 and 3 threads', async () => {
    const one = await fitted({ threads: 1 });
    for (const threads of [2, 3]) {
      const many = await fitted({ threads });
      expect(many.userFactors.length).toBe(one.userFactors.length);
      let maxDiff = 0;
      for (let k = 0; k < one.userFactors.length; k++) maxDiff = Math.max(maxDiff, Math.abs((one.userFactors[k] as number) - (many.userFactors[k] as number)));
      for (let k = 0; k < one.itemFactors.length; k++) maxDiff = Math.max(maxDiff, Math.abs((one.itemFactors[k] as number) - (many.itemFactors[k] as number)));
      expect(maxDiff).toBeLessThan(1e-6);
      const a = new Float64Array(one.nItems);
      const b = new Float64Array(one.nItems);
      for (const u of [0, 17, 399]) {
        one.score(u, a);
        many.score(u, b);
        for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i] as number, 6);
      }
    }
  });

  it('matches a plain per-row conjugate-gradient ALS (factor count not a multiple of 4)', async () => {
    const data = syntheticData();
    const m = await fitted({ threads: 2 }, data);
    const ref = plainAls(data, 10, 6, 10, 0.1, 3);
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    let diff = 0;
    for (let k = 0; k < ref.users.length; k++) diff += ((ref.users[k] as number) - (m.userFactors[k] as number)) ** 2;
    expect(Math.sqrt(diff) / norm(ref.users)).toBeLessThan(1e-3);
    diff = 0;
    for (let k = 0; k < ref.items.length; k++) diff += ((ref.items[k] as number) - (m.itemFactors[k] as number)) ** 2;
    expect(Math.sqrt(diff) / norm(ref.items)).toBeLessThan(1e-3);
    // and it learnt the groups: a user's own group outscores the others
    const out = new Float64Array(m.nItems);
    m.score(data.userIndex.get('u1') as number, out);
    const groupMean = (g: number) => {
      let s = 0;
      for (let i = g * 30; i < g * 30 + 30; i++) s += out[data.itemIndex.get(`i${i}`) as number] as number;
      return s / 30;
    };
    expect(groupMean(1)).toBeGreaterThan(2 * Math.max(groupMean(0), groupMean(2), groupMean(3)));
  });

  it('reports progress per iteration and stops with ABORTED mid-fit', async () => {
    const m = alsFactory.create({ factors: 8, iterations: 50, threads: 2 });
    const controller = new AbortController();
    const done: number[] = [];
    const fit = m.fit(syntheticData(), {
      signal: controller.signal,
      onProgress: (p) => {
        done.push(p.done);
        if (p.done === 2) controller.abort();
      },
    });
    await expect(fit).rejects.toMatchObject({ code: 'ABORTED' });
    expect(done).toEqual([1, 2]);
  });
});
