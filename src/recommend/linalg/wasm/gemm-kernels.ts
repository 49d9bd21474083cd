/**
 * AssemblyScript source of the float32 WebAssembly SIMD GEMM behind ../sgemm.ts (SASRec training's matrix products).
 * Built by `npm run build:wasm` into gemm-kernels.wasm next to this file (committed; asc -O3, runtime stub, SIMD,
 * shared imported memory). Not part of the TypeScript project: it has its own tsconfig.json.
 *
 * C [M, N] (row stride ldc) = or += op(A)[M, K] · op(B)[K, N] with op(A)[i][p] = A[i·rsa + p·csa] and
 * op(B)[p][j] = B[p·rsb + j·csb] (element strides), so one routine serves A·B, A·Bᵀ and Aᵀ·B. BLIS-style loops:
 * K in blocks of KC, N in blocks of NC (op(B) block packed in NR-column slivers), M in blocks of MC (op(A) block
 * packed in MR-row slivers), then a 4 × 8 register tile of f32x4 accumulators (broadcast loads of A). Packing pads
 * edges with zeros; edge tiles go through a scratch tile and only their valid part reaches C. The summation order
 * depends only on the shapes, so results are identical run to run.
 *
 * Complexity: 2·M·N·K flops. Scratch (caller-provided, bytes): pa 4·MC·KC, pb 4·KC·NC, tile 4·MR·NR.
 */

/** Rows of the register tile. */
const MR: i32 = 4;
/** Columns of the register tile (two f32x4). */
const NR: i32 = 8;
/** K block (packed slivers of KC·8 floats stay in L1). */
export const KC: i32 = 256;
/** M block (packed A block MC·KC floats, 128 KiB, in L2). */
export const MC: i32 = 128;
/** N block (packed B block KC·NC floats, 1 MiB). */
export const NC: i32 = 1024;

/** Packs op(A)[i0 … i0+mc, p0 … p0+kc] into MR-row slivers (zero rows past mc): dst[(r/MR)·kc·MR + t·MR + r%MR]. */
function packA(a: usize, rsa: i32, csa: i32, mc: i32, kc: i32, dst: usize): void {
  for (let r0 = 0; r0 < mc; r0 += MR) {
    const d = dst + <usize>r0 * <usize>kc * 4;
    const rows = min(MR, mc - r0);
    if (rows == MR && csa == 1) {
      const s0 = a + <usize>r0 * <usize>rsa * 4;
      const s1 = s0 + <usize>rsa * 4;
      const s2 = s1 + <usize>rsa * 4;
      const s3 = s2 + <usize>rsa * 4;
      let t = 0;
      for (; t + 4 <= kc; t += 4) {
        // 4 × 4 transpose of rows r0…r0+3, columns t…t+3.
        const x0 = v128.load(s0 + <usize>t * 4, 0, 1);
        const x1 = v128.load(s1 + <usize>t * 4, 0, 1);
        const x2 = v128.load(s2 + <usize>t * 4, 0, 1);
        const x3 = v128.load(s3 + <usize>t * 4, 0, 1);
        const y0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
        const y1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        const y2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const y3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        const o = d + <usize>t * MR * 4;
        v128.store(o, v128.shuffle<i64>(y0, y2, 0, 2), 0, 1);
        v128.store(o, v128.shuffle<i64>(y0, y2, 1, 3), 16, 1);
        v128.store(o, v128.shuffle<i64>(y1, y3, 0, 2), 32, 1);
        v128.store(o, v128.shuffle<i64>(y1, y3, 1, 3), 48, 1);
      }
      for (; t < kc; t++) {
        const o = d + <usize>t * MR * 4;
        store<f32>(o, load<f32>(s0 + <usize>t * 4));
        store<f32>(o, load<f32>(s1 + <usize>t * 4), 4);
        store<f32>(o, load<f32>(s2 + <usize>t * 4), 8);
        store<f32>(o, load<f32>(s3 + <usize>t * 4), 12);
      }
    } else if (rows == MR && rsa == 1) {
      // Transposed A: the MR values of one t are contiguous.
      for (let t = 0; t < kc; t++) {
        v128.store(d + <usize>t * MR * 4, v128.load(a + (<usize>t * <usize>csa + r0) * 4, 0, 1));
      }
    } else {
      for (let t = 0; t < kc; t++) {
        const o = d + <usize>t * MR * 4;
        for (let rr = 0; rr < MR; rr++) {
          store<f32>(o + <usize>rr * 4, rr < rows ? load<f32>(a + (<usize>(r0 + rr) * <usize>rsa + <usize>t * <usize>csa) * 4) : 0);
        }
      }
    }
  }
}

/** Packs op(B)[p0 … p0+kc, j0 … j0+nc] into NR-column slivers (zero columns past nc): dst[(c/NR)·kc·NR + t·NR + c%NR]. */
function packB(b: usize, rsb: i32, csb: i32, kc: i32, nc: i32, dst: usize): void {
  for (let c0 = 0; c0 < nc; c0 += NR) {
    const d = dst + <usize>c0 * <usize>kc * 4;
    const cols = min(NR, nc - c0);
    if (cols == NR && csb == 1) {
      for (let t = 0; t < kc; t++) {
        const s = b + (<usize>t * <usize>rsb + c0) * 4;
        const o = d + <usize>t * NR * 4;
        v128.store(o, v128.load(s, 0, 1), 0, 1);
        v128.store(o, v128.load(s, 16, 1), 16, 1);
      }
    } else if (cols == NR && rsb == 1) {
      // Transposed B (A·Bᵀ): column c of op(B) is row c of B; 4 × 4 transposes, two per t-block of 4.
      let t = 0;
      for (; t + 4 <= kc; t += 4) {
        for (let h = 0; h < 2; h++) {
          const s0 = b + (<usize>(c0 + 4 * h) * <usize>csb + t) * 4;
          const s1 = s0 + <usize>csb * 4;
          const s2 = s1 + <usize>csb * 4;
          const s3 = s2 + <usize>csb * 4;
          const x0 = v128.load(s0, 0, 1);
          const x1 = v128.load(s1, 0, 1);
          const x2 = v128.load(s2, 0, 1);
          const x3 = v128.load(s3, 0, 1);
          const y0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const y1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const y2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const y3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const o = d + (<usize>t * NR + 4 * h) * 4;
          v128.store(o, v128.shuffle<i64>(y0, y2, 0, 2), 0, 1);
          v128.store(o, v128.shuffle<i64>(y0, y2, 1, 3), NR * 4, 1);
          v128.store(o, v128.shuffle<i64>(y1, y3, 0, 2), 2 * NR * 4, 1);
          v128.store(o, v128.shuffle<i64>(y1, y3, 1, 3), 3 * NR * 4, 1);
        }
      }
      for (; t < kc; t++) {
        const o = d + <usize>t * NR * 4;
        for (let cc = 0; cc < NR; cc++) store<f32>(o + <usize>cc * 4, load<f32>(b + (<usize>(c0 + cc) * <usize>csb + t) * 4));
      }
    } else {
      for (let t = 0; t < kc; t++) {
        const o = d + <usize>t * NR * 4;
        for (let cc = 0; cc < NR; cc++) {
          store<f32>(o + <usize>cc * 4, cc < cols ? load<f32>(b + (<usize>t * <usize>rsb + <usize>(c0 + cc) * <usize>csb) * 4) : 0);
        }
      }
    }
  }
}

/** One output row of the tile: c = x (add false) or c += x. */
// @ts-ignore: decorator
@inline function storeRow(c: usize, x0: v128, x1: v128, add: bool): void {
  if (add) {
    v128.store(c, f32x4.add(v128.load(c, 0, 1), x0), 0, 1);
    v128.store(c, f32x4.add(v128.load(c, 16, 1), x1), 16, 1);
  } else {
    v128.store(c, x0, 0, 1);
    v128.store(c, x1, 16, 1);
  }
}

/** MR × NR tile: C (stride ldc floats) = or += Σ_t a-sliver[t] ⊗ b-sliver[t]. */
function micro(kc: i32, a: usize, b: usize, c: usize, ldc: i32, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let pa = a;
  let pb = b;
  for (let t = 0; t < kc; t++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    pa += <usize>MR * 4;
    pb += <usize>NR * 4;
  }
  const ld = <usize>ldc * 4;
  storeRow(c, c00, c01, add);
  storeRow(c + ld, c10, c11, add);
  storeRow(c + 2 * ld, c20, c21, add);
  storeRow(c + 3 * ld, c30, c31, add);
}

/**
 * C [M, N] (stride ldc floats, at byte address c) = op(A)·op(B), or += when `accumulate`; op(A) and op(B) as in the
 * header (strides in floats, addresses in bytes). `pa`, `pb`, `tile`: scratch of 4·MC·KC, 4·KC·NC and 4·MR·NR bytes.
 * K = 0 leaves C as it is (the caller zeroes it when not accumulating).
 */
export function sgemm(M: i32, N: i32, K: i32, a: usize, rsa: i32, csa: i32, b: usize, rsb: i32, csb: i32, c: usize, ldc: i32, accumulate: bool, pa: usize, pb: usize, tile: usize): void {
  for (let p0 = 0; p0 < K; p0 += KC) {
    const kc = min(KC, K - p0);
    const add = accumulate || p0 > 0;
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = min(NC, N - j0);
      packB(b + (<usize>p0 * <usize>rsb + <usize>j0 * <usize>csb) * 4, rsb, csb, kc, nc, pb);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA(a + (<usize>i0 * <usize>rsa + <usize>p0 * <usize>csa) * 4, rsa, csa, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const bs = pb + <usize>jr * <usize>kc * 4;
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const as = pa + <usize>ir * <usize>kc * 4;
            const rows = min(MR, mc - ir);
            const cij = c + (<usize>(i0 + ir) * <usize>ldc + <usize>(j0 + jr)) * 4;
            if (rows == MR && cols == NR) {
              micro(kc, as, bs, cij, ldc, add);
            } else {
              micro(kc, as, bs, tile, NR, false);
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < cols; q++) {
                  const dst = cij + (<usize>r * <usize>ldc + <usize>q) * 4;
                  const v = load<f32>(tile + (<usize>r * NR + <usize>q) * 4);
                  store<f32>(dst, add ? load<f32>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}
