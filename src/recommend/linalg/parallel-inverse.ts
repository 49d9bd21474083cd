/**
 * The SPD inverse of ./cholesky.ts spread over worker threads on SharedArrayBuffers (EASE on large catalogues).
 * Right-looking blocked Cholesky: per panel of `panel` columns, worker 0 factors the diagonal block, then all
 * workers compute their rows of the panel and apply the trailing update to their rows (3×3 tiles, as ./cholesky.ts); then the
 * triangular inverse (independent per column block) and Yᵀ·Y (independent per row block) are split the same way.
 * Row/column blocks are dealt round-robin so the triangular shapes balance. The worker code is an inline script,
 * so it runs the same from TypeScript sources (tsx) and from the compiled build.
 */
import { Worker } from 'node:worker_threads';
import { CartwiseError } from '../../core/errors.ts';
import { T } from './cholesky.ts';

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const a = new Float64Array(workerData.a);
const y = new Float64Array(workerData.y);
const m = workerData.m;
const id = workerData.id;
const W = workerData.workers;
const s = new Float64Array(9);
const T = 3;
function tile(A, ao, B, bo, stride, len) {
  let s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0;
  const a1 = ao + stride, a2 = ao + 2 * stride;
  const b1 = bo + stride, b2 = bo + 2 * stride;
  for (let t = 0; t < len; t++) {
    const x0 = A[ao + t], x1 = A[a1 + t], x2 = A[a2 + t];
    const y0 = B[bo + t], y1 = B[b1 + t], y2 = B[b2 + t];
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2;
    s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2;
  }
  s[0] = s00; s[1] = s01; s[2] = s02; s[3] = s10; s[4] = s11; s[5] = s12; s[6] = s20; s[7] = s21; s[8] = s22;
}
// Rows [k, k+kb) of the panel's diagonal block: left-looking within the panel.
function cholDiag(k, kb) {
  for (let i0 = k; i0 < k + kb; i0 += T) {
    for (let j0 = k; j0 <= i0; j0 += T) {
      tile(a, i0 * m + k, a, j0 * m + k, m, j0 - k);
      for (let jj = 0; jj < T; jj++) {
        const j = j0 + jj;
        for (let ii = 0; ii < T; ii++) {
          const i = i0 + ii;
          if (j > i) continue;
          let v = a[i * m + j] - s[ii * T + jj];
          for (let t = j0; t < j; t++) v -= a[i * m + t] * a[j * m + t];
          if (i === j) {
            if (!(v > 0)) throw new Error('matrix is not positive definite (pivot ' + i + ' = ' + v + ')');
            a[i * m + i] = Math.sqrt(v);
          } else a[i * m + j] = v / a[j * m + j];
        }
      }
    }
  }
}
// Panel rows below the diagonal block (this worker's row blocks), columns [k, k+kb).
function cholPanel(k, kb) {
  let b = 0;
  for (let i0 = k + kb; i0 < m; i0 += T, b++) {
    if (b % W !== id) continue;
    for (let j0 = k; j0 < k + kb; j0 += T) {
      tile(a, i0 * m + k, a, j0 * m + k, m, j0 - k);
      for (let jj = 0; jj < T; jj++) {
        const j = j0 + jj;
        for (let ii = 0; ii < T; ii++) {
          const i = i0 + ii;
          let v = a[i * m + j] - s[ii * T + jj];
          for (let t = j0; t < j; t++) v -= a[i * m + t] * a[j * m + t];
          a[i * m + j] = v / a[j * m + j];
        }
      }
    }
  }
}
// Trailing update of this worker's rows: A[i][j] -= L[i, k:k+kb] · L[j, k:k+kb] for k+kb <= j <= i.
function trailing(k, kb) {
  let b = 0;
  const e = k + kb;
  for (let i0 = e; i0 < m; i0 += T, b++) {
    if (b % W !== id) continue;
    for (let j0 = e; j0 <= i0; j0 += T) {
      tile(a, i0 * m + k, a, j0 * m + k, m, kb);
      for (let ii = 0; ii < T; ii++) {
        const o = (i0 + ii) * m + j0;
        a[o] -= s[ii * T]; a[o + 1] -= s[ii * T + 1]; a[o + 2] -= s[ii * T + 2];
      }
    }
  }
}
// Rows of Yᵀ = (L⁻¹)ᵀ for this worker's column blocks.
function linv() {
  let b = 0;
  for (let c0 = 0; c0 < m; c0 += T, b++) {
    if (b % W !== id) continue;
    for (let r0 = c0; r0 < m; r0 += T) {
      tile(y, c0 * m + c0, a, r0 * m + c0, m, r0 - c0);
      for (let rr = 0; rr < T; rr++) {
        const r = r0 + rr;
        const lrr = a[r * m + r];
        for (let cc = 0; cc < T; cc++) {
          const c = c0 + cc;
          if (r < c) continue;
          if (r === c) { y[c * m + c] = 1 / lrr; continue; }
          let v = s[cc * T + rr];
          for (let t = r0; t < r; t++) v += a[r * m + t] * y[c * m + t];
          y[c * m + r] = -v / lrr;
        }
      }
    }
  }
}
// P = Yᵀ·Y into a, this worker's row blocks (upper part, mirrored).
function gram() {
  let b = 0;
  for (let i0 = 0; i0 < m; i0 += T, b++) {
    if (b % W !== id) continue;
    for (let j0 = i0; j0 < m; j0 += T) {
      tile(y, i0 * m + j0, y, j0 * m + j0, m, m - j0);
      for (let ii = 0; ii < T; ii++) for (let jj = 0; jj < T; jj++) {
        const v = s[ii * T + jj];
        a[(i0 + ii) * m + j0 + jj] = v;
        a[(j0 + jj) * m + i0 + ii] = v;
      }
    }
  }
}
parentPort.on('message', (msg) => {
  try {
    if (msg.op === 'cholDiag') cholDiag(msg.k, msg.kb);
    else if (msg.op === 'cholPanel') cholPanel(msg.k, msg.kb);
    else if (msg.op === 'trailing') trailing(msg.k, msg.kb);
    else if (msg.op === 'linv') linv();
    else if (msg.op === 'gram') gram();
    parentPort.postMessage({ ok: true });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message || err) });
  }
});
`;

/** A zero-padded SPD work matrix on a SharedArrayBuffer: [m, m], m = n rounded up to a multiple of the tile size, 1 on the padded diagonal. */
export interface SharedSpd {
  a: Float64Array;
  n: number;
  m: number;
}

/** Allocates a {@link SharedSpd} for an n×n matrix (fill `a[i*m + j]` for i, j < n). */
export function allocSharedSpd(n: number): SharedSpd {
  const m = Math.ceil(n / T) * T;
  const a = new Float64Array(new SharedArrayBuffer(m * m * 8));
  for (let i = n; i < m; i++) a[i * m + i] = 1;
  return { a, n, m };
}

export interface ParallelInverseOptions {
  threads?: number;
  /** Columns per Cholesky panel (rounded to a multiple of the tile size). */
  panel?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Inverts the SPD matrix held in `spd` in place (the inverse replaces `spd.a`, stride `spd.m`) with `threads`
 * worker threads. Rejects with `ABORTED` between steps when the signal fires, and with `INTERNAL` when the matrix
 * is not positive definite.
 */
export async function spdInverseParallel(spd: SharedSpd, options: ParallelInverseOptions = {}): Promise<void> {
  const threads = Math.max(1, options.threads ?? 2);
  const panel = Math.max(T, Math.round((options.panel ?? 126) / T) * T);
  const { a, m } = spd;
  const y = new Float64Array(new SharedArrayBuffer(m * m * 8));
  const workers = Array.from({ length: threads }, (_, id) => new Worker(WORKER_SOURCE, { eval: true, workerData: { a: a.buffer, y: y.buffer, m, id, workers: threads } }));
  const pending: ({ resolve: () => void; reject: (err: Error) => void } | undefined)[] = workers.map(() => undefined);
  workers.forEach((w, i) => {
    w.on('message', (msg: { ok: boolean; error?: string }) => {
      const p = pending[i];
      pending[i] = undefined;
      if (msg.ok) p?.resolve();
      else p?.reject(new CartwiseError('INTERNAL', { reason: msg.error ?? 'worker failed' }));
    });
    w.on('error', (err) => {
      const p = pending[i];
      pending[i] = undefined;
      p?.reject(err);
    });
  });
  const run = (op: string, args: Record<string, number> = {}, only?: number): Promise<void> =>
    Promise.all(
      workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            if (only !== undefined && i !== only) return resolve();
            pending[i] = { resolve, reject };
            w.postMessage({ op, ...args });
          }),
      ),
    ).then(() => undefined);
  const check = () => {
    if (options.signal?.aborted) throw new CartwiseError('ABORTED');
  };
  try {
    const total = 3 * m;
    for (let k = 0; k < m; k += panel) {
      const kb = Math.min(panel, m - k);
      check();
      await run('cholDiag', { k, kb }, 0);
      if (k + kb < m) {
        await run('cholPanel', { k, kb });
        await run('trailing', { k, kb });
      }
      options.onProgress?.(k + kb, total);
    }
    check();
    await run('linv');
    options.onProgress?.(2 * m, total);
    check();
    await run('gram');
    options.onProgress?.(3 * m, total);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
