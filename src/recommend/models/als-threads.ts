/**
 * The implicit-ALS sweeps of ./als.ts on worker threads sharing SharedArrayBuffers: both factor matrices, the
 * user-major and item-major confidence CSRs (values c − 1 = alpha · w) and per-segment partial Gram matrices.
 * Each half-iteration is two messages to every worker:
 *   1. `gram`: YᵀY of the fixed side, as 16 fixed row segments (4×2 register tiles over 32-row blocks) whose partial
 *      sums land in their own slots; the segment boundaries do not depend on the thread count.
 *   2. `solve`: every worker sums the 16 partials in order (+ reg·I), then takes chunks of target rows (balanced by
 *      cost f + 2·nnz, handed out through an atomic counter so a worker slowed by machine load takes fewer) and runs
 *      the conjugate-gradient solve of Takács et al. (RecSys 2011) on blocks of 4 rows at once: the dense product
 *      (YᵀY + reg·I)·p for 4 rows shares each Gram load (2×4 register tile), the sparse Σ c_i y_i y_iᵀ p part is per row.
 * Every row's arithmetic is the same whichever worker or block runs it, and the Gram sums have a fixed order, so
 * the result is bit-identical for any thread count and deterministic given the initial factors.
 * Factors are float32 in memory (half the gather traffic of float64; measured equal accuracy), all arithmetic is
 * float64. The factor stride is padded to a multiple of 4 with zero columns, which stay zero (their residual is 0).
 * The worker code is an inline script (as ../linalg/parallel-inverse.ts), so it runs the same from TypeScript
 * sources (tsx) and from the compiled build.
 * Complexity per iteration: O(nnz · f · cgSteps + (nUsers + nItems) · f² · (cgSteps + 1.5)); memory
 * (nUsers + nItems) · f floats plus 16 · f² doubles and one copy of both CSRs.
 * Limits: abort is checked between chunks (a chunk is ~1/128 of a half-iteration); worker start-up costs ~30 ms.
 */
import { Worker } from 'node:worker_threads';
import { CartwiseError } from '../../core/errors.ts';
import type { Csr } from '../interactions/interaction-builder.ts';

/** Fixed number of Gram row segments (independent of the thread count, so sums keep one order). */
const SEGMENTS = 16;
/** Target rows per solve chunk: about 1/CHUNKS of a half-iteration's cost. */
const CHUNKS = 128;

const WORKER_SOURCE = String.raw`
const { parentPort, workerData: d } = require('node:worker_threads');
const fp = d.fp, steps = d.steps, reg = d.reg, S = d.segments;
const factors = [new Float32Array(d.users), new Float32Array(d.items)];
const counts = [d.nUsers, d.nItems];
const csr = [
  { indptr: new Int32Array(d.uIndptr), indices: new Int32Array(d.uIndices), cm1: new Float32Array(d.uValues), chunks: new Int32Array(d.uChunks) },
  { indptr: new Int32Array(d.iIndptr), indices: new Int32Array(d.iIndices), cm1: new Float32Array(d.iValues), chunks: new Int32Array(d.iChunks) },
];
const parts = new Float64Array(d.parts);
const ctrl = new Int32Array(d.ctrl); // [0] abort flag, [1] work counter
const G = new Float64Array(fp * fp);
const R = 4;
const X = new Float64Array(R * fp), Rv = new Float64Array(R * fp), P = new Float64Array(R * fp), AP = new Float64Array(R * fp);
const rs = new Float64Array(R);
const active = new Uint8Array(R);

// Partial Gram Σ_r y_r y_rᵀ (upper triangle incl. the diagonal blocks) of rows [r0, r1) into slot s.
function gramSegment(Y, r0, r1, s) {
  const out = parts.subarray(s * fp * fp, (s + 1) * fp * fp);
  out.fill(0);
  for (let rb = r0; rb < r1; rb += 32) {
    const re = Math.min(rb + 32, r1);
    for (let a = 0; a < fp; a += 4) {
      for (let b = a; b < fp; b += 2) {
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let r = rb; r < re; r++) {
          const o = r * fp;
          const y0 = Y[o + a], y1 = Y[o + a + 1], y2 = Y[o + a + 2], y3 = Y[o + a + 3];
          const z0 = Y[o + b], z1 = Y[o + b + 1];
          s00 += y0 * z0; s01 += y0 * z1;
          s10 += y1 * z0; s11 += y1 * z1;
          s20 += y2 * z0; s21 += y2 * z1;
          s30 += y3 * z0; s31 += y3 * z1;
        }
        const g = a * fp + b;
        out[g] += s00; out[g + 1] += s01;
        out[g + fp] += s10; out[g + fp + 1] += s11;
        out[g + 2 * fp] += s20; out[g + 2 * fp + 1] += s21;
        out[g + 3 * fp] += s30; out[g + 3 * fp + 1] += s31;
      }
    }
  }
}

// G = Σ_s parts[s] + reg·I, full symmetric.
function sumGram() {
  G.fill(0);
  for (let s = 0; s < S; s++) {
    const o = s * fp * fp;
    for (let a = 0; a < fp; a++) for (let b = a; b < fp; b++) G[a * fp + b] += parts[o + a * fp + b];
  }
  for (let a = 0; a < fp; a++) {
    G[a * fp + a] += reg;
    for (let b = 0; b < a; b++) G[a * fp + b] = G[b * fp + a];
  }
}

// OUT[k] = G · IN[k] for the 4 rows of a block (2 output coordinates × 4 rows per register tile).
function denseBlock(IN, OUT) {
  const f2 = 2 * fp, f3 = 3 * fp;
  for (let a = 0; a < fp; a += 2) {
    const ga = a * fp, gb = ga + fp;
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    for (let b = 0; b < fp; b++) {
      const g0 = G[ga + b], g1 = G[gb + b];
      const p0 = IN[b], p1 = IN[fp + b], p2 = IN[f2 + b], p3 = IN[f3 + b];
      s00 += g0 * p0; s01 += g0 * p1; s02 += g0 * p2; s03 += g0 * p3;
      s10 += g1 * p0; s11 += g1 * p1; s12 += g1 * p2; s13 += g1 * p3;
    }
    OUT[a] = s00; OUT[fp + a] = s01; OUT[f2 + a] = s02; OUT[f3 + a] = s03;
    OUT[a + 1] = s10; OUT[fp + a + 1] = s11; OUT[f2 + a + 1] = s12; OUT[f3 + a + 1] = s13;
  }
}

// CG solve of rows [row0, row0 + nr), nr <= 4, target T against fixed Y with CSR m.
function solveBlock(T, Y, m, row0, nr) {
  const indptr = m.indptr, indices = m.indices, cm1 = m.cm1;
  for (let k = 0; k < R; k++) {
    const ko = k * fp;
    if (k < nr) { const o = (row0 + k) * fp; for (let a = 0; a < fp; a++) X[ko + a] = T[o + a]; }
    else for (let a = 0; a < fp; a++) X[ko + a] = 0;
  }
  denseBlock(X, AP);
  for (let k = 0; k < R; k++) {
    const ko = k * fp;
    if (k >= nr) { active[k] = 0; continue; }
    for (let a = 0; a < fp; a++) Rv[ko + a] = -AP[ko + a];
    const e = indptr[row0 + k + 1];
    for (let t = indptr[row0 + k]; t < e; t++) {
      const o = indices[t] * fp;
      const c = cm1[t];
      let dot = 0;
      for (let a = 0; a < fp; a++) dot += Y[o + a] * X[ko + a];
      const coef = (1 + c) - c * dot;
      for (let a = 0; a < fp; a++) Rv[ko + a] += coef * Y[o + a];
    }
    let r2 = 0;
    for (let a = 0; a < fp; a++) { const v = Rv[ko + a]; P[ko + a] = v; r2 += v * v; }
    rs[k] = r2;
    active[k] = r2 < 1e-20 ? 0 : 1;
  }
  for (let it = 0; it < steps; it++) {
    if (active[0] + active[1] + active[2] + active[3] === 0) break;
    denseBlock(P, AP);
    for (let k = 0; k < nr; k++) {
      if (active[k] === 0) continue;
      const ko = k * fp;
      const e = indptr[row0 + k + 1];
      for (let t = indptr[row0 + k]; t < e; t++) {
        const o = indices[t] * fp;
        let dot = 0;
        for (let a = 0; a < fp; a++) dot += Y[o + a] * P[ko + a];
        const coef = cm1[t] * dot;
        for (let a = 0; a < fp; a++) AP[ko + a] += coef * Y[o + a];
      }
      let pap = 0;
      for (let a = 0; a < fp; a++) pap += P[ko + a] * AP[ko + a];
      const alpha = rs[k] / (pap + 1e-20);
      let rsNew = 0;
      for (let a = 0; a < fp; a++) {
        X[ko + a] += alpha * P[ko + a];
        const v = Rv[ko + a] - alpha * AP[ko + a];
        Rv[ko + a] = v;
        rsNew += v * v;
      }
      const beta = rsNew / (rs[k] + 1e-20);
      for (let a = 0; a < fp; a++) P[ko + a] = Rv[ko + a] + beta * P[ko + a];
      rs[k] = rsNew;
      if (rsNew < 1e-20) active[k] = 0;
    }
  }
  for (let k = 0; k < nr; k++) {
    const o = (row0 + k) * fp, ko = k * fp;
    for (let a = 0; a < fp; a++) T[o + a] = X[ko + a];
  }
}

function gram(side) {
  const fixed = 1 - side;
  const Y = factors[fixed], n = counts[fixed];
  for (;;) {
    if (Atomics.load(ctrl, 0) !== 0) return;
    const s = Atomics.add(ctrl, 1, 1);
    if (s >= S) return;
    gramSegment(Y, Math.floor((n * s) / S), Math.floor((n * (s + 1)) / S), s);
  }
}

function solve(side) {
  sumGram();
  const T = factors[side], Y = factors[1 - side], m = csr[side], chunks = m.chunks;
  const nChunks = chunks.length - 1;
  for (;;) {
    if (Atomics.load(ctrl, 0) !== 0) return;
    const c = Atomics.add(ctrl, 1, 1);
    if (c >= nChunks) return;
    const e = chunks[c + 1];
    for (let row = chunks[c]; row < e; row += R) solveBlock(T, Y, m, row, Math.min(R, e - row));
  }
}

parentPort.on('message', (msg) => {
  try {
    if (msg.op === 'gram') gram(msg.side);
    else if (msg.op === 'solve') solve(msg.side);
    parentPort.postMessage({ ok: true });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
  }
});
`;

export interface AlsSweepOptions {
  /** Latent dimensions (the stride of the factor arrays may be padded, see {@link alsPaddedFactors}). */
  factors: number;
  iterations: number;
  reg: number;
  cgSteps: number;
  threads: number;
  signal?: AbortSignal;
  /** Called after each full iteration (users then items). */
  onIteration?: (done: number) => void;
}

/** The factor stride the sweeps use: `factors` rounded up to a multiple of 4. */
export function alsPaddedFactors(factors: number): number {
  return Math.ceil(factors / 4) * 4;
}

/** Row boundaries [0 … rows] cutting a CSR into about `chunks` pieces of equal cost fp + 2·nnz(row). */
export function balancedChunks(indptr: Int32Array, rows: number, fp: number, chunks: number): Int32Array {
  const total = rows * fp + 2 * ((indptr[rows] as number) - (indptr[0] as number));
  const bounds: number[] = [0];
  let acc = 0;
  let next = total / chunks;
  for (let r = 0; r < rows; r++) {
    acc += fp + 2 * ((indptr[r + 1] as number) - (indptr[r] as number));
    if (acc >= next && r + 1 < rows) {
      bounds.push(r + 1);
      next = (total * bounds.length) / chunks;
    }
  }
  bounds.push(rows);
  return Int32Array.from(bounds);
}

function shared<T extends Int32Array | Float32Array | Float64Array>(src: T): T {
  const ctor = src.constructor as { new (buffer: SharedArrayBuffer): T };
  const out = new ctor(new SharedArrayBuffer(src.byteLength));
  out.set(src as never);
  return out;
}

/**
 * Runs `iterations` ALS sweeps in place on `users` [nUsers, fp] and `items` [nItems, fp] (row-major, stride
 * {@link alsPaddedFactors}; both must live on SharedArrayBuffers) with confidence CSRs `cu` (user-major) and `ci`
 * (its transpose), whose values are c − 1. Rejects with `ABORTED` when the signal fires.
 */
export async function alsSweeps(users: Float32Array, items: Float32Array, cu: Csr, ci: Csr, options: AlsSweepOptions): Promise<void> {
  const fp = alsPaddedFactors(options.factors);
  const threads = Math.max(1, Math.floor(options.threads));
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const parts = new Float64Array(new SharedArrayBuffer(SEGMENTS * fp * fp * 8));
  const workerData = {
    fp,
    steps: options.cgSteps,
    reg: options.reg,
    segments: SEGMENTS,
    users: users.buffer,
    items: items.buffer,
    nUsers: cu.rows,
    nItems: ci.rows,
    uIndptr: shared(cu.indptr).buffer,
    uIndices: shared(cu.indices).buffer,
    uValues: shared(cu.values).buffer,
    uChunks: balancedChunks(cu.indptr, cu.rows, fp, CHUNKS).buffer,
    iIndptr: shared(ci.indptr).buffer,
    iIndices: shared(ci.indices).buffer,
    iValues: shared(ci.values).buffer,
    iChunks: balancedChunks(ci.indptr, ci.rows, fp, CHUNKS).buffer,
    parts: parts.buffer,
    ctrl: ctrl.buffer,
  };
  const check = () => {
    if (options.signal?.aborted) throw new CartwiseError('ABORTED');
  };
  check();
  const onAbort = () => Atomics.store(ctrl, 0, 1);
  options.signal?.addEventListener('abort', onAbort);
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true, workerData }));
  const pending: ({ resolve: () => void; reject: (err: Error) => void } | undefined)[] = workers.map(() => undefined);
  workers.forEach((w, i) => {
    const settle = (err?: Error) => {
      const p = pending[i];
      pending[i] = undefined;
      if (err) p?.reject(err);
      else p?.resolve();
    };
    w.on('message', (msg: { ok: boolean; error?: string }) => settle(msg.ok ? undefined : new CartwiseError('INTERNAL', { reason: msg.error ?? 'ALS worker failed' })));
    w.on('error', (err) => settle(err));
  });
  const run = (op: 'gram' | 'solve', side: 0 | 1): Promise<void> => {
    Atomics.store(ctrl, 1, 0);
    return Promise.all(
      workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            pending[i] = { resolve, reject };
            w.postMessage({ op, side });
          }),
      ),
    ).then(() => undefined);
  };
  try {
    for (let it = 0; it < options.iterations; it++) {
      for (const side of [0, 1] as const) {
        await run('gram', side);
        check();
        await run('solve', side);
        check();
      }
      options.onIteration?.(it + 1);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
