/**
 * AssemblyScript source of the WebAssembly SIMD kernels behind ../../models/als-threads.ts (implicit ALS,
 * conjugate-gradient solves as Takács et al., RecSys 2011). Built into als-kernels.wasm next to this file
 * (committed) by
 *   asc src/recommend/linalg/wasm/als-kernels.ts -o src/recommend/linalg/wasm/als-kernels.wasm -O3 --runtime stub
 *       --enable simd --enable threads --importMemory --sharedMemory --initialMemory 1 --maximumMemory 65536 --noAssert
 * Not part of the TypeScript project: ./tsconfig.json compiles it.
 *
 * Factors are float32 rows of stride FP (a multiple of 4) in the shared memory; every sum is float64 (f64x2).
 *   gramSegment: partial YᵀY of a row range (4×4 tiles over 32-row blocks; upper triangle and diagonal blocks).
 *   sumGram:     this instance's G = Σ partials (in slot order) + reg·I, mirrored.
 *   solveRows:   CG for a range of target rows, 4 rows at a time: the dense G·p of the 4 rows shares each G load
 *                (4 rows × 4 coordinates of accumulators), the sparse Σ (c−1) y yᵀ p part is per row.
 * Each row's arithmetic does not depend on which instance or block runs it.
 * Complexity per solved row: (steps + 1) · (FP² + 4 · nnz(row) · FP). Memory per instance: FP² + 16·FP + 8 doubles.
 */

let FP: i32 = 0;
let STEPS: i32 = 3;
let REG: f64 = 0;
/** this instance's scratch (byte addresses): G [FP, FP], X, RV, P, AP [4, FP] each, RS [4] f64, ACT [4] i32 */
let G: usize = 0;
let X: usize = 0;
let RV: usize = 0;
let P: usize = 0;
let AP: usize = 0;
let RS: usize = 0;
let ACT: usize = 0;

/** Sets the factor stride, CG steps, regularisation and this instance's scratch (FP² + 16·FP + 8 doubles at `scratch`). */
export function init(fp: i32, steps: i32, reg: f64, scratch: usize): void {
  FP = fp;
  STEPS = steps;
  REG = reg;
  const row: usize = <usize>fp << 3;
  G = scratch;
  X = G + <usize>fp * row;
  RV = X + 4 * row;
  P = RV + 4 * row;
  AP = P + 4 * row;
  RS = AP + 4 * row;
  ACT = RS + 32;
}

/** Bytes of scratch one instance needs. */
export function scratchBytes(fp: i32): usize {
  return (<usize>fp * <usize>fp + 16 * <usize>fp) * 8 + 48;
}

// @ts-ignore: decorator
@inline function lo(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}
// @ts-ignore: decorator
@inline function hi(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p, 8));
}
// @ts-ignore: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Partial Σ_r y_r y_rᵀ of float32 rows [r0, r1) of `y` into the float64 [FP, FP] slot `out` (upper part valid). */
export function gramSegment(y: usize, r0: i32, r1: i32, out: usize): void {
  const fp = FP;
  const stride: usize = <usize>fp << 2;
  memory.fill(out, 0, <usize>fp * <usize>fp * 8);
  for (let rb = r0; rb < r1; rb += 32) {
    const re = min(rb + 32, r1);
    for (let a = 0; a < fp; a += 4) {
      for (let b = a; b < fp; b += 4) {
        let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
        let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
        let row = y + <usize>rb * stride;
        for (let r = rb; r < re; r++, row += stride) {
          const zb = row + (<usize>b << 2);
          const z0 = lo(zb), z1 = hi(zb);
          const ya = row + (<usize>a << 2);
          const y0 = f64x2.splat(<f64>load<f32>(ya)), y1 = f64x2.splat(<f64>load<f32>(ya, 4));
          const y2 = f64x2.splat(<f64>load<f32>(ya, 8)), y3 = f64x2.splat(<f64>load<f32>(ya, 12));
          s00 = f64x2.add(s00, f64x2.mul(y0, z0)); s01 = f64x2.add(s01, f64x2.mul(y0, z1));
          s10 = f64x2.add(s10, f64x2.mul(y1, z0)); s11 = f64x2.add(s11, f64x2.mul(y1, z1));
          s20 = f64x2.add(s20, f64x2.mul(y2, z0)); s21 = f64x2.add(s21, f64x2.mul(y2, z1));
          s30 = f64x2.add(s30, f64x2.mul(y3, z0)); s31 = f64x2.add(s31, f64x2.mul(y3, z1));
        }
        const o = out + ((<usize>a * <usize>fp + <usize>b) << 3);
        const rw: usize = <usize>fp << 3;
        v128.store(o, f64x2.add(v128.load(o), s00)); v128.store(o, f64x2.add(v128.load(o, 16), s01), 16);
        v128.store(o + rw, f64x2.add(v128.load(o + rw), s10)); v128.store(o + rw, f64x2.add(v128.load(o + rw, 16), s11), 16);
        v128.store(o + 2 * rw, f64x2.add(v128.load(o + 2 * rw), s20)); v128.store(o + 2 * rw, f64x2.add(v128.load(o + 2 * rw, 16), s21), 16);
        v128.store(o + 3 * rw, f64x2.add(v128.load(o + 3 * rw), s30)); v128.store(o + 3 * rw, f64x2.add(v128.load(o + 3 * rw, 16), s31), 16);
      }
    }
  }
}

/** G = Σ_{s < segments} parts[s] (upper triangle, slot order) + REG·I, mirrored to the lower triangle. */
export function sumGram(parts: usize, segments: i32): void {
  const fp = FP;
  const n: usize = <usize>fp * <usize>fp;
  memory.fill(G, 0, n * 8);
  for (let s = 0; s < segments; s++) {
    const base = parts + <usize>s * n * 8;
    for (let a = 0; a < fp; a++) {
      for (let b = a; b < fp; b++) {
        const k = (<usize>a * <usize>fp + <usize>b) << 3;
        store<f64>(G + k, load<f64>(G + k) + load<f64>(base + k));
      }
    }
  }
  for (let a = 0; a < fp; a++) {
    const d = G + ((<usize>a * <usize>fp + <usize>a) << 3);
    store<f64>(d, load<f64>(d) + REG);
    for (let b = 0; b < a; b++) store<f64>(G + ((<usize>a * <usize>fp + <usize>b) << 3), load<f64>(G + ((<usize>b * <usize>fp + <usize>a) << 3)));
  }
}

/** out[k] = G · inp[k] for the 4 rows k of a block ([4, FP] float64 each); G is symmetric, so column a is row a. */
function denseBlock(inp: usize, out: usize): void {
  const fp = FP;
  const rw: usize = <usize>fp << 3;
  for (let a = 0; a < fp; a += 4) {
    let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
    let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
    let g = G + (<usize>a << 3);
    let p = inp;
    for (let b = 0; b < fp; b++, g += rw, p += 8) {
      const g0 = v128.load(g), g1 = v128.load(g, 16);
      const p0 = f64x2.splat(load<f64>(p)), p1 = f64x2.splat(load<f64>(p + rw));
      const p2 = f64x2.splat(load<f64>(p + 2 * rw)), p3 = f64x2.splat(load<f64>(p + 3 * rw));
      s00 = f64x2.add(s00, f64x2.mul(g0, p0)); s01 = f64x2.add(s01, f64x2.mul(g1, p0));
      s10 = f64x2.add(s10, f64x2.mul(g0, p1)); s11 = f64x2.add(s11, f64x2.mul(g1, p1));
      s20 = f64x2.add(s20, f64x2.mul(g0, p2)); s21 = f64x2.add(s21, f64x2.mul(g1, p2));
      s30 = f64x2.add(s30, f64x2.mul(g0, p3)); s31 = f64x2.add(s31, f64x2.mul(g1, p3));
    }
    const o = out + (<usize>a << 3);
    v128.store(o, s00); v128.store(o, s01, 16);
    v128.store(o + rw, s10); v128.store(o + rw, s11, 16);
    v128.store(o + 2 * rw, s20); v128.store(o + 2 * rw, s21, 16);
    v128.store(o + 3 * rw, s30); v128.store(o + 3 * rw, s31, 16);
  }
}

/** y · v for a float32 row y and a float64 vector v of length FP. */
// @ts-ignore: decorator
@inline function dotRow(y: usize, v: usize, fp: i32): f64 {
  let d0 = f64x2.splat(0), d1 = f64x2.splat(0);
  for (let a = 0; a < fp; a += 4) {
    const ya = y + (<usize>a << 2);
    const va = v + (<usize>a << 3);
    d0 = f64x2.add(d0, f64x2.mul(lo(ya), v128.load(va)));
    d1 = f64x2.add(d1, f64x2.mul(hi(ya), v128.load(va, 16)));
  }
  return hsum(f64x2.add(d0, d1));
}

/** v += c · y for a float32 row y and a float64 vector v of length FP. */
// @ts-ignore: decorator
@inline function axpyRow(c: f64, y: usize, v: usize, fp: i32): void {
  const cv = f64x2.splat(c);
  for (let a = 0; a < fp; a += 4) {
    const ya = y + (<usize>a << 2);
    const va = v + (<usize>a << 3);
    v128.store(va, f64x2.add(v128.load(va), f64x2.mul(cv, lo(ya))));
    v128.store(va, f64x2.add(v128.load(va, 16), f64x2.mul(cv, hi(ya))), 16);
  }
}

/**
 * CG solves (steps STEPS, warm start from the current rows) for target rows [row0, row1) of `t` against fixed
 * rows `y`, with the target-major CSR (indptr, indices, cm1 = c − 1 as float32).
 */
export function solveRows(t: usize, y: usize, indptr: usize, indices: usize, cm1: usize, row0: i32, row1: i32): void {
  const fp = FP;
  const rw: usize = <usize>fp << 3;
  const fs: usize = <usize>fp << 2;
  for (let r0 = row0; r0 < row1; r0 += 4) {
    const nr = min(4, row1 - r0);
    for (let k = 0; k < 4; k++) {
      const xk = X + <usize>k * rw;
      if (k < nr) {
        const src = t + <usize>(r0 + k) * fs;
        for (let a = 0; a < fp; a += 4) {
          v128.store(xk + (<usize>a << 3), lo(src + (<usize>a << 2)));
          v128.store(xk + (<usize>a << 3), hi(src + (<usize>a << 2)), 16);
        }
      } else memory.fill(xk, 0, rw);
    }
    denseBlock(X, AP);
    for (let k = 0; k < 4; k++) {
      store<i32>(ACT + (<usize>k << 2), 0);
      if (k >= nr) continue;
      const xk = X + <usize>k * rw, rk = RV + <usize>k * rw, pk = P + <usize>k * rw, apk = AP + <usize>k * rw;
      for (let a = 0; a < fp; a += 2) v128.store(rk + (<usize>a << 3), f64x2.neg(v128.load(apk + (<usize>a << 3))));
      const e = load<i32>(indptr + (<usize>(r0 + k + 1) << 2));
      for (let j = load<i32>(indptr + (<usize>(r0 + k) << 2)); j < e; j++) {
        const yo = y + <usize>load<i32>(indices + (<usize>j << 2)) * fs;
        const c = <f64>load<f32>(cm1 + (<usize>j << 2));
        const coef = (1 + c) - c * dotRow(yo, xk, fp);
        axpyRow(coef, yo, rk, fp);
      }
      let r2 = f64x2.splat(0);
      for (let a = 0; a < fp; a += 2) {
        const v = v128.load(rk + (<usize>a << 3));
        v128.store(pk + (<usize>a << 3), v);
        r2 = f64x2.add(r2, f64x2.mul(v, v));
      }
      const rs = hsum(r2);
      store<f64>(RS + (<usize>k << 3), rs);
      if (rs >= 1e-20) store<i32>(ACT + (<usize>k << 2), 1);
    }
    for (let it = 0; it < STEPS; it++) {
      if (load<i32>(ACT) + load<i32>(ACT, 4) + load<i32>(ACT, 8) + load<i32>(ACT, 12) == 0) break;
      denseBlock(P, AP);
      for (let k = 0; k < nr; k++) {
        if (load<i32>(ACT + (<usize>k << 2)) == 0) continue;
        const xk = X + <usize>k * rw, rk = RV + <usize>k * rw, pk = P + <usize>k * rw, apk = AP + <usize>k * rw;
        const e = load<i32>(indptr + (<usize>(r0 + k + 1) << 2));
        for (let j = load<i32>(indptr + (<usize>(r0 + k) << 2)); j < e; j++) {
          const yo = y + <usize>load<i32>(indices + (<usize>j << 2)) * fs;
          const coef = <f64>load<f32>(cm1 + (<usize>j << 2)) * dotRow(yo, pk, fp);
          axpyRow(coef, yo, apk, fp);
        }
        let pap = f64x2.splat(0);
        for (let a = 0; a < fp; a += 2) pap = f64x2.add(pap, f64x2.mul(v128.load(pk + (<usize>a << 3)), v128.load(apk + (<usize>a << 3))));
        const rs = load<f64>(RS + (<usize>k << 3));
        const alpha = f64x2.splat(rs / (hsum(pap) + 1e-20));
        let rn = f64x2.splat(0);
        for (let a = 0; a < fp; a += 2) {
          const o: usize = <usize>a << 3;
          const p = v128.load(pk + o);
          v128.store(xk + o, f64x2.add(v128.load(xk + o), f64x2.mul(alpha, p)));
          const v = f64x2.sub(v128.load(rk + o), f64x2.mul(alpha, v128.load(apk + o)));
          v128.store(rk + o, v);
          rn = f64x2.add(rn, f64x2.mul(v, v));
        }
        const rsNew = hsum(rn);
        const beta = f64x2.splat(rsNew / (rs + 1e-20));
        for (let a = 0; a < fp; a += 2) {
          const o: usize = <usize>a << 3;
          v128.store(pk + o, f64x2.add(v128.load(rk + o), f64x2.mul(beta, v128.load(pk + o))));
        }
        store<f64>(RS + (<usize>k << 3), rsNew);
        if (rsNew < 1e-20) store<i32>(ACT + (<usize>k << 2), 0);
      }
    }
    for (let k = 0; k < nr; k++) {
      const xk = X + <usize>k * rw;
      const dst = t + <usize>(r0 + k) * fs;
      for (let a = 0; a < fp; a++) store<f32>(dst + (<usize>a << 2), <f32>load<f64>(xk + (<usize>a << 3)));
    }
  }
}
