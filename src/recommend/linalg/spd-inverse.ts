/**
 * Dense symmetric positive-definite inverse in WebAssembly SIMD, on worker threads sharing one wasm memory
 * (EASE's Gram inverse). The kernels are AssemblyScript (./wasm/spd-kernels.ts, compiled to the committed
 * ./wasm/spd-kernels.wasm by `npm run build:wasm`): blocked Cholesky G = L·Lᵀ, triangular inverse L⁻¹ and
 * P = L⁻ᵀ·L⁻¹, in place (LAPACK potrf + trtri + lauum), every O(n³) part one packed GEMM micro-kernel.
 * This file sizes the shared memory, starts the workers and runs the steps: each step is posted to every worker,
 * each does its share (rows or tiles dealt so the loads balance) and the next step starts when all have answered.
 * With one thread the same steps run on the calling thread (no worker start-up).
 *
 * Complexity: m³ flops (m³/3 per phase). Measured on the 2-core Zen 4 dev machine: the micro-kernel 11.5 (float64) /
 * 23 (float32) GFLOP per CPU-second, the whole inverse about 10 / 17 (n = 2,400, one thread); 2 threads scale it.
 * Memory: E·m² bytes (E = 8 for float64, 4 for float32; m = n rounded up to the block size) plus O(nb·m).
 * Limits: wasm32 memory is at most 4 GiB: n up to about 22,000 in float64, 32,000 in float32; no pivoting (a non-positive pivot
 * rejects with INTERNAL).
 */
import { Worker } from 'node:worker_threads';
import { CartwiseError } from '../../core/errors.ts';
import { kernelModule } from './wasm-kernels.ts';

export type Precision = 'f64' | 'f32';

interface KernelExports {
  init(double: number, m: number, nb: number, workers: number, id: number, a: number, panel: number, dpack: number, row: number, pa: number, pb: number, s: number): void;
  cholDiag(k: number): number;
  cholPanel(k: number): void;
  cholTrailing(k: number): void;
  trtriPrep(j: number): void;
  trtriRows(j: number): void;
  lauumPrep(i: number): void;
  lauumRow(i: number): void;
  mirror(): void;
}

/** An SPD matrix in a shared wasm memory, [m, m] row-major (fill `a[i*m + j]` for i, j < n; the padding is identity). */
export interface SpdMatrix {
  n: number;
  /** stride: n rounded up to a multiple of `nb` */
  m: number;
  /** block size of the blocked algorithms */
  nb: number;
  precision: Precision;
  a: Float64Array | Float32Array;
  memory: WebAssembly.Memory;
  /** byte addresses: matrix, shared panel, packed diagonal block, result row block, then per worker [packed A, packed B, scratch] */
  layout: { a: number; panel: number; dpack: number; row: number; workers: number[][] };
}

export interface SpdAllocOptions {
  precision?: Precision;
  /** block size, a multiple of 16 (default 128, smaller for small n) */
  block?: number;
  /** the most worker threads the inverse will use (each needs its own scratch) */
  threads?: number;
}

const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE;

/** Allocates a zeroed SPD matrix for n×n (identity on the padded diagonal) in a new shared wasm memory. */
export function allocSpd(n: number, options: SpdAllocOptions = {}): SpdMatrix {
  const precision = options.precision ?? 'f64';
  const E = precision === 'f64' ? 8 : 4;
  const nb = options.block ?? (n >= 128 ? 128 : Math.max(16, Math.ceil(n / 16) * 16));
  if (nb % 16 !== 0) throw new CartwiseError('INTERNAL', { reason: `block size ${nb} is not a multiple of 16` });
  const m = Math.ceil(n / nb) * nb;
  const threads = Math.max(1, options.threads ?? 2);
  let at = PAGE; // page 0 is left to the module's own data
  const take = (elements: number) => {
    const p = at;
    at += Math.ceil((elements * E) / 64) * 64;
    return p;
  };
  const a = take(m * m);
  const panel = take(nb * m);
  const dpack = take(nb * nb);
  const row = take(nb * m);
  const workers = Array.from({ length: threads }, () => [take(nb * nb), take(nb * nb), take(nb * nb)]);
  if (at > MAX_BYTES) throw new CartwiseError('INTERNAL', { reason: `an SPD inverse of ${n} items in ${precision} needs ${(at / 2 ** 30).toFixed(1)} GiB, over the 4 GiB of wasm memory` });
  const pages = Math.ceil(at / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const view = precision === 'f64' ? new Float64Array(memory.buffer, a, m * m) : new Float32Array(memory.buffer, a, m * m);
  for (let i = n; i < m; i++) view[i * m + i] = 1;
  return { n, m, nb, precision, a: view, memory, layout: { a, panel, dpack, row, workers } };
}

export interface SpdInverseOptions {
  /** worker threads (at most the `threads` given to {@link allocSpd}); 1 runs on the calling thread */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const WORKER_SOURCE = String.raw`
const { parentPort, workerData: d } = require('node:worker_threads');
const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory, abort() { throw new Error('wasm abort'); } } });
const x = inst.exports;
x.init(d.double, d.m, d.nb, d.workers, d.id, d.a, d.panel, d.dpack, d.row, d.scratch[0], d.scratch[1], d.scratch[2]);
parentPort.on('message', (msg) => {
  try {
    parentPort.postMessage({ ok: true, r: x[msg.op](msg.arg) });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
  }
});
`;

type Op = 'cholDiag' | 'cholPanel' | 'cholTrailing' | 'trtriPrep' | 'trtriRows' | 'lauumPrep' | 'lauumRow' | 'mirror';
/** Runs one step on every worker (or only on worker 0) and resolves with worker 0's result. */
type Runner = (op: Op, arg: number, onlyFirst?: boolean) => Promise<number | undefined>;

function instanceRunner(spd: SpdMatrix): { run: Runner; close: () => Promise<void> } {
  const x = new WebAssembly.Instance(kernelModule('spd-kernels'), { env: { memory: spd.memory, abort: () => { throw new Error('wasm abort'); } } }).exports as unknown as KernelExports;
  const { layout: l } = spd;
  const s = l.workers[0] as number[];
  x.init(spd.precision === 'f64' ? 1 : 0, spd.m, spd.nb, 1, 0, l.a, l.panel, l.dpack, l.row, s[0] as number, s[1] as number, s[2] as number);
  const run: Runner = async (op, arg) => (x[op] as (a: number) => number | undefined)(arg);
  return { run, close: async () => {} };
}

function workerRunner(spd: SpdMatrix, threads: number): { run: Runner; close: () => Promise<void> } {
  const module = kernelModule('spd-kernels');
  const { layout: l } = spd;
  const workers = Array.from(
    { length: threads },
    (_, id) =>
      new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory: spd.memory, double: spd.precision === 'f64' ? 1 : 0, m: spd.m, nb: spd.nb, workers: threads, id, a: l.a, panel: l.panel, dpack: l.dpack, row: l.row, scratch: l.workers[id] },
      }),
  );
  const pending: ({ resolve: (r: number | undefined) => void; reject: (err: Error) => void } | undefined)[] = workers.map(() => undefined);
  workers.forEach((w, i) => {
    w.on('message', (msg: { ok: boolean; r?: number; error?: string }) => {
      const p = pending[i];
      pending[i] = undefined;
      if (msg.ok) p?.resolve(msg.r);
      else p?.reject(new CartwiseError('INTERNAL', { reason: msg.error ?? 'worker failed' }));
    });
    w.on('error', (err) => {
      const p = pending[i];
      pending[i] = undefined;
      p?.reject(err);
    });
  });
  const run: Runner = async (op, arg, onlyFirst) => {
    const results = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<number | undefined>((resolve, reject) => {
            if (onlyFirst && i > 0) return resolve(undefined);
            pending[i] = { resolve, reject };
            w.postMessage({ op, arg });
          }),
      ),
    );
    return results[0];
  };
  return { run, close: async () => void (await Promise.all(workers.map((w) => w.terminate()))) };
}

/**
 * Inverts the SPD matrix in `spd` in place: on return `spd.a` holds the full symmetric inverse (stride `spd.m`).
 * Rejects with `ABORTED` between steps when the signal fires, and with `INTERNAL` when the matrix is not positive
 * definite.
 */
export async function spdInverse(spd: SpdMatrix, options: SpdInverseOptions = {}): Promise<void> {
  const threads = Math.max(1, Math.min(options.threads ?? 2, spd.layout.workers.length));
  const R = spd.m / spd.nb;
  const { run, close } = threads === 1 ? instanceRunner(spd) : workerRunner(spd, threads);
  const check = () => {
    if (options.signal?.aborted) throw new CartwiseError('ABORTED');
  };
  const progress = (done: number) => options.onProgress?.(done, 3 * R);
  try {
    for (let k = 0; k < R; k++) {
      check();
      const bad = await run('cholDiag', k, true);
      if (bad !== undefined && bad >= 0) throw new CartwiseError('INTERNAL', { reason: `matrix is not positive definite (pivot ${bad})` });
      if (k + 1 < R) {
        await run('cholPanel', k);
        await run('cholTrailing', k);
      }
      progress(k + 1);
    }
    for (let j = R - 1; j >= 0; j--) {
      check();
      await run('trtriPrep', j);
      await run('trtriRows', j);
      progress(2 * R - j);
    }
    for (let i = 0; i <= R; i++) {
      check();
      await run('lauumPrep', i);
      if (i < R) await run('lauumRow', i);
      progress(2 * R + i);
    }
    await run('mirror', 0);
  } finally {
    await close();
  }
}
