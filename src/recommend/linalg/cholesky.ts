/**
 * Dense symmetric positive-definite inverse through Cholesky, on row-major Float64Array (EASE's Gram inverse,
 * ALS's small normal equations). Everything is written as dot products of contiguous row prefixes, four rows at a
 * time, so each loaded row is reused from registers/cache: G = L·Lᵀ (n³/6 multiply-adds), U = L⁻ᵀ row by row
 * (n³/6), then G⁻¹ = U·Uᵀ (n³/6, symmetric half only). No pivoting (SPD input; a non-positive pivot throws).
 */
import { CartwiseError } from '../../core/errors.ts';

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < len; t += 4) {
    s0 += (a[ao + t] as number) * (b[bo + t] as number);
    s1 += (a[ao + t + 1] as number) * (b[bo + t + 1] as number);
    s2 += (a[ao + t + 2] as number) * (b[bo + t + 2] as number);
    s3 += (a[ao + t + 3] as number) * (b[bo + t + 3] as number);
  }
  for (; t < len; t++) s0 += (a[ao + t] as number) * (b[bo + t] as number);
  return s0 + s1 + s2 + s3;
}

/**
 * In-place lower Cholesky factor of the SPD matrix `a` [n, n] row-major: on return the lower triangle holds L
 * (the upper triangle is zeroed). Throws when a pivot is not positive.
 */
export function choleskyInPlace(a: Float64Array, n: number, onRow?: (row: number) => void): void {
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let j = 0; j <= i; j++) {
      const jo = j * n;
      const s = (a[io + j] as number) - dot(a, io, a, jo, j);
      if (j === i) {
        if (!(s > 0)) throw new CartwiseError('INTERNAL', { reason: `matrix is not positive definite (pivot ${i} = ${s})` });
        a[io + i] = Math.sqrt(s);
      } else a[io + j] = s / (a[jo + j] as number);
    }
    for (let j = i + 1; j < n; j++) a[io + j] = 0;
    if (onRow) onRow(i);
  }
}

/**
 * Inverse of an SPD matrix [n, n] row-major (float64), computed in place: `g` is overwritten with the inverse and
 * returned (one extra n×n buffer is used for L⁻ᵀ). `onProgress(done, total)` reports the three phases as one count.
 */
export function spdInverse(g: Float64Array, n: number, onProgress?: (done: number, total: number) => void): Float64Array {
  const total = 3 * n;
  choleskyInPlace(g, n, onProgress ? (r) => (r % 64 === 0 ? onProgress(r, total) : undefined) : undefined);
  // U = L⁻ᵀ stored row-major: row c of U is column c of L⁻¹, non-zero from c to n-1. Forward substitution
  // L x = e_c gives x[r] = -(L[r, c..r-1] · x[c..r-1]) / L[r, r]. Stored in the upper triangle of u.
  const u = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const co = c * n;
    u[co + c] = 1 / (g[c * n + c] as number);
    for (let r = c + 1; r < n; r++) {
      const ro = r * n;
      u[co + r] = -dot(g, ro + c, u, co + c, r - c) / (g[ro + r] as number);
    }
    if (onProgress && c % 64 === 0) onProgress(n + c, total);
  }
  // G⁻¹ = L⁻ᵀ L⁻¹ = Uᵀ... in row terms: P[i][j] = Σ_{k ≥ max(i,j)} L⁻¹[k][i] L⁻¹[k][j] = Σ_k u[i][k] u[j][k].
  const p = g; // reuse the factor's storage for the result
  for (let i = 0; i < n; i++) {
    const io = i * n;
    let j = i;
    // Four rows j at once share the loaded row i.
    for (; j + 3 < n; j += 4) {
      const start = j; // u[j][k] = 0 for k < j, and the rows below j are zero there too
      const len = n - start;
      const j0 = j * n + start;
      const j1 = (j + 1) * n + start;
      const j2 = (j + 2) * n + start;
      const j3 = (j + 3) * n + start;
      const i0 = io + start;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < len; t++) {
        const x = u[i0 + t] as number;
        s0 += x * (u[j0 + t] as number);
        s1 += x * (u[j1 + t] as number);
        s2 += x * (u[j2 + t] as number);
        s3 += x * (u[j3 + t] as number);
      }
      p[io + j] = s0;
      p[io + j + 1] = s1;
      p[io + j + 2] = s2;
      p[io + j + 3] = s3;
    }
    for (; j < n; j++) p[io + j] = dot(u, io + j, u, j * n + j, n - j);
    if (onProgress && i % 64 === 0) onProgress(2 * n + i, total);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) p[i * n + j] = p[j * n + i] as number;
  return p;
}
