/**
 * The implicit-ALS sweeps of ./als.ts on worker threads sharing one WebAssembly memory: both factor matrices
 * (float32, stride padded to a multiple of 4 with zero columns, which stay zero), the user-major and item-major
 * confidence CSRs (values c − 1 = alpha · w) and 16 partial Gram matrices. The kernels are WebAssembly SIMD
 * (AssemblyScript ../linalg/wasm/als-kernels.ts, compiled to the committed als-kernels.wasm), all sums float64.
 * Each half-iteration is two messages to every worker:
 *   1. `gram`: YᵀY of the fixed side as 16 fixed row segments, each into its own slot (segment boundaries do not
 *      depend on the thread count);
 *   2. `solve`: every worker sums the 16 slots in order (+ reg·I), then takes chunks of target rows (balanced by
 *      cost f + 2·nnz, handed out through an atomic counter, so a worker slowed by machine load takes fewer) and
 *      runs the conjugate-gradient solves of Takács et al. (RecSys 2011) 4 rows at a time.
 * Every row's arithmetic is the same whichever worker runs it and the Gram sums keep one order, so the factors are
 * bit-identical for any thread count and deterministic given the initial factors.
 * The worker code is an inline script (as ../linalg/spd-inverse.ts), so it runs the same from TypeScript sources
 * (tsx) and from the compiled build (which reads the .wasm beside the sources).
 * Complexity per iteration: O(nnz · f · cgSteps + (nUsers + nItems) · f² · (cgSteps + 1.5)); memory
 * 4 · (nUsers + nItems) · f + 12 · nnz bytes (a copy of both CSRs) + 16 · 8f² per fit.
 * Limits: wasm32 memory (4 GiB: about 15 M users + items at f = 64); abort is checked between chunks (a chunk is
 * ~1/128 of a half-iteration); starting the workers costs ~30 ms per fit.
 */
import { Worker } from 'node:worker_threads';
import { CartwiseError } from '../../core/errors.ts';
import type { Csr } from '../interactions/interaction-builder.ts';
import { kernelModule } from '../linalg/wasm-kernels.ts';

/** Fixed number of Gram row segments (independent of the thread count, so sums keep one order). */
const SEGMENTS = 16;
/** Target rows per solve chunk: about 1/CHUNKS of a half-iteration's cost. */
const CHUNKS = 128;

const WORKER_SOURCE = String.raw`
const { parentPort, workerData: d } = require('node:worker_threads');
const x = new WebAssembly.Instance(d.module, { env: { memory: d.memory, abort() { throw new Error('wasm abort'); } } }).exports;
x.init(d.fp, d.steps, d.reg, d.scratch);
const ctrl = new Int32Array(d.ctrl); // [0] abort flag, [1] work counter
const L = d.layout;
const sides = [
  { t: L.users, y: L.items, nFixed: d.nItems, indptr: L.uIndptr, indices: L.uIndices, cm1: L.uCm1, chunks: d.uChunks },
  { t: L.items, y: L.users, nFixed: d.nUsers, indptr: L.iIndptr, indices: L.iIndices, cm1: L.iCm1, chunks: d.iChunks },
];
const partBytes = d.fp * d.fp * 8;
function gram(side) {
  const s = sides[side], n = s.nFixed;
  for (;;) {
    if (Atomics.load(ctrl, 0) !== 0) return;
    const g = Atomics.add(ctrl, 1, 1);
    if (g >= d.segments) return;
    x.gramSegment(s.y, Math.floor((n * g) / d.segments), Math.floor((n * (g + 1)) / d.segments), L.parts + g * partBytes);
  }
}
function solve(side) {
  const s = sides[side], chunks = s.chunks;
  x.sumGram(L.parts, d.segments);
  for (;;) {
    if (Atomics.load(ctrl, 0) !== 0) return;
    const c = Atomics.add(ctrl, 1, 1);
    if (c >= chunks.length - 1) return;
    x.solveRows(s.t, s.y, s.indptr, s.indices, s.cm1, chunks[c], chunks[c + 1]);
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

const PAGE = 65536;
const MAX_PAGES = 65536;

export interface AlsSweepOptions {
  /** Latent dimensions of the given and returned factors (inside, rows are padded to {@link alsPaddedFactors}). */
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

/**
 * Runs `iterations` ALS sweeps from the initial factors `users` [nUsers, factors] and `items` [nItems, factors]
 * (row-major) with the confidence CSRs `cu` (user-major) and `ci` (its transpose), whose values are c − 1, and
 * returns the fitted factors (same shapes, new arrays). Rejects with `ABORTED` when the signal fires and with
 * `INTERNAL` when the data does not fit the 4 GiB of wasm32 memory.
 */
export async function alsSweeps(users: Float32Array, items: Float32Array, cu: Csr, ci: Csr, options: AlsSweepOptions): Promise<{ users: Float32Array; items: Float32Array }> {
  const f = options.factors;
  const fp = alsPaddedFactors(f);
  const threads = Math.max(1, Math.floor(options.threads));
  const nU = cu.rows;
  const nI = ci.rows;
  let at = PAGE; // page 0 is left to the module
  const take = (bytes: number) => {
    const p = at;
    at += Math.ceil(bytes / 64) * 64;
    return p;
  };
  const layout = {
    users: take(nU * fp * 4),
    items: take(nI * fp * 4),
    uIndptr: take(cu.indptr.byteLength),
    uIndices: take(cu.indices.byteLength),
    uCm1: take(cu.values.byteLength),
    iIndptr: take(ci.indptr.byteLength),
    iIndices: take(ci.indices.byteLength),
    iCm1: take(ci.values.byteLength),
    parts: take(SEGMENTS * fp * fp * 8),
  };
  const scratchBytes = (fp * fp + 16 * fp) * 8 + 48;
  const scratch = Array.from({ length: threads }, () => take(scratchBytes));
  const pages = Math.ceil(at / PAGE);
  if (pages > MAX_PAGES) throw new CartwiseError('INTERNAL', { reason: `ALS on ${nU} users and ${nI} items needs ${(at / 2 ** 30).toFixed(1)} GiB, over the 4 GiB of wasm memory` });
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buf = memory.buffer;
  const u = new Float32Array(buf, layout.users, nU * fp);
  const v = new Float32Array(buf, layout.items, nI * fp);
  for (let r = 0; r < nU; r++) u.set(users.subarray(r * f, (r + 1) * f), r * fp);
  for (let r = 0; r < nI; r++) v.set(items.subarray(r * f, (r + 1) * f), r * fp);
  new Int32Array(buf, layout.uIndptr, cu.indptr.length).set(cu.indptr);
  new Int32Array(buf, layout.uIndices, cu.indices.length).set(cu.indices);
  new Float32Array(buf, layout.uCm1, cu.values.length).set(cu.values);
  new Int32Array(buf, layout.iIndptr, ci.indptr.length).set(ci.indptr);
  new Int32Array(buf, layout.iIndices, ci.indices.length).set(ci.indices);
  new Float32Array(buf, layout.iCm1, ci.values.length).set(ci.values);
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const module = kernelModule('als-kernels');
  const common = {
    module,
    memory,
    layout,
    fp,
    steps: options.cgSteps,
    reg: options.reg,
    segments: SEGMENTS,
    nUsers: nU,
    nItems: nI,
    uChunks: balancedChunks(cu.indptr, nU, fp, CHUNKS),
    iChunks: balancedChunks(ci.indptr, nI, fp, CHUNKS),
    ctrl: ctrl.buffer,
  };
  const check = () => {
    if (options.signal?.aborted) throw new CartwiseError('ABORTED');
  };
  check();
  const onAbort = () => Atomics.store(ctrl, 0, 1);
  options.signal?.addEventListener('abort', onAbort);
  const workers = scratch.map((s) => new Worker(WORKER_SOURCE, { eval: true, workerData: { ...common, scratch: s } }));
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
    w.on('exit', (code) => settle(new CartwiseError('INTERNAL', { reason: `ALS worker exited (code ${code})` })));
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
  const unpad = (src: Float32Array, n: number): Float32Array => {
    const out = new Float32Array(n * f);
    for (let r = 0; r < n; r++) out.set(src.subarray(r * fp, r * fp + f), r * f);
    return out;
  };
  return { users: unpad(u, nU), items: unpad(v, nI) };
}
