/**
 * AssemblyScript source of the WebAssembly SIMD kernels behind ../spd-inverse.ts (EASE's Gram inverse).
 * Built by `npm run build:wasm` into spd-kernels.wasm next to this file (committed; asc -O3, runtime stub, SIMD,
 * shared imported memory). Not part of the TypeScript project: it has its own tsconfig.json.
 *
 * SPD inverse = blocked Cholesky (LAPACK potrf, right-looking), triangular inverse (trtri, bottom-up) and
 * P = L⁻ᵀ·L⁻¹ (lauum, top-down), all in place on one row-major [m, m] matrix, m a multiple of the block size nb.
 * Every O(n³) part is one packed GEMM micro-kernel (BLIS-style: op(A) packed in MR-row slivers, op(B) in
 * NR-column slivers, a 4 × (2 vectors) register tile of v128 accumulators, broadcast loads of A); the diagonal
 * blocks (O(n·nb²)) are scalar with float64 accumulation. Generic over the element type (f64 or f32, chosen at
 * run time by `init`). Each exported step does worker `id`'s share of one step of the algorithm; the caller runs
 * the same step on all workers and waits for all of them before the next (barriers between steps).
 *
 * Complexity: n³ flops (n³/3 per phase). Memory (bytes, E = 8 or 4): E·m² matrix + 2·E·nb·m panels + 3·E·nb² per worker.
 * Limits: wasm32 memory (4 GiB): m ≤ 22,000 in float64. No pivoting (SPD input; a non-positive pivot is reported).
 */

/** Rows of the register tile (A slivers). */
const MR: i32 = 4;
/** v128 vectors across the register tile (B slivers hold NV · lanes columns). */
const NV: i32 = 2;

let double: bool = true;
let m: i32 = 0;
let nb: i32 = 0;
let R: i32 = 0;
let W: i32 = 1;
let ID: i32 = 0;
let A: usize = 0;
let PANEL: usize = 0;
let DP: usize = 0;
let ROW: usize = 0;
let PA: usize = 0;
let PB: usize = 0;
let S: usize = 0;

/**
 * Sets the layout (byte addresses in the shared memory) for this instance: the matrix `a` [size, size], the shared
 * panel (nb·size elements), packed diagonal block (nb²) and result row block (nb·size), and this worker's own packed
 * A, packed B and scratch tile (nb² each).
 */
export function init(doublePrecision: bool, size: i32, block: i32, workers: i32, id: i32, a: usize, panel: usize, dpack: usize, row: usize, pa: usize, pb: usize, s: usize): void {
  double = doublePrecision;
  m = size;
  nb = block;
  R = size / block;
  W = workers;
  ID = id;
  A = a;
  PANEL = panel;
  DP = dpack;
  ROW = row;
  PA = pa;
  PB = pb;
  S = s;
}

/** Elements per v128. */
// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / <i32>sizeof<T>();
}

/** Address of element (r, c) of the matrix. */
// @ts-ignore: decorator
@inline function at<T>(r: i32, c: i32): usize {
  return A + (<usize>r * <usize>m + <usize>c) * sizeof<T>();
}

/** Address of block (bi, bj) of the matrix. */
// @ts-ignore: decorator
@inline function blockAt<T>(bi: i32, bj: i32): usize {
  return at<T>(bi * nb, bj * nb);
}

/** Address of packed chunk `l` (nb × nb elements each) of a panel. */
// @ts-ignore: decorator
@inline function chunk<T>(base: usize, l: i32): usize {
  return base + <usize>l * <usize>nb * <usize>nb * sizeof<T>();
}

/**
 * Packs op(A) [M, K] into MR-row slivers: dst[(r / MR)·K·MR + t·MR + r % MR] = op(A)[r][t], where
 * op(A)[r][t] = src[r·ld + t] (trans false) or src[t·ld + r] (trans true). M % MR == 0.
 */
function packA<T>(src: usize, ld: i32, trans: bool, M: i32, K: i32, dst: usize): void {
  const E = sizeof<T>();
  for (let r0 = 0; r0 < M; r0 += MR) {
    const d = dst + <usize>r0 * <usize>K * E;
    if (!trans) {
      for (let rr = 0; rr < MR; rr++) {
        const s = src + <usize>(r0 + rr) * <usize>ld * E;
        for (let t = 0; t < K; t++) store<T>(d + (<usize>t * MR + rr) * E, load<T>(s + <usize>t * E));
      }
    } else {
      for (let t = 0; t < K; t++) {
        const s = src + (<usize>t * <usize>ld + r0) * E;
        const o = d + <usize>t * MR * E;
        for (let rr = 0; rr < MR; rr++) store<T>(o + <usize>rr * E, load<T>(s + <usize>rr * E));
      }
    }
  }
}

/**
 * Packs op(B) [K, N] into NR-column slivers: dst[(c / NR)·K·NR + t·NR + c % NR] = op(B)[t][c], where
 * op(B)[t][c] = src[t·ld + c] (trans false) or src[c·ld + t] (trans true). N % NR == 0.
 */
function packB<T>(src: usize, ld: i32, trans: bool, K: i32, N: i32, dst: usize): void {
  const E = sizeof<T>();
  const NR = NV * lanes<T>();
  for (let c0 = 0; c0 < N; c0 += NR) {
    const d = dst + <usize>c0 * <usize>K * E;
    if (!trans) {
      for (let t = 0; t < K; t++) {
        const s = src + (<usize>t * <usize>ld + c0) * E;
        const o = d + <usize>t * NR * E;
        for (let v = 0; v < NV; v++) v128.store(o + <usize>v * 16, v128.load(s + <usize>v * 16, 0, 1));
      }
    } else {
      for (let cc = 0; cc < NR; cc++) {
        const s = src + <usize>(c0 + cc) * <usize>ld * E;
        for (let t = 0; t < K; t++) store<T>(d + (<usize>t * NR + cc) * E, load<T>(s + <usize>t * E));
      }
    }
  }
}

/** One output row of the register tile: c = beta·c + alpha·(x0, x1). */
// @ts-ignore: decorator
@inline function storeRow<T>(c: usize, x0: v128, x1: v128, alpha: T, beta: T): void {
  const va = v128.splat<T>(alpha);
  if (beta == <T>0) {
    v128.store(c, v128.mul<T>(va, x0), 0, 1);
    v128.store(c, v128.mul<T>(va, x1), 16, 1);
  } else {
    const vb = v128.splat<T>(beta);
    v128.store(c, v128.add<T>(v128.mul<T>(vb, v128.load(c, 0, 1)), v128.mul<T>(va, x0)), 0, 1);
    v128.store(c, v128.add<T>(v128.mul<T>(vb, v128.load(c, 16, 1)), v128.mul<T>(va, x1)), 16, 1);
  }
}

/** MR × NR register tile: C = beta·C + alpha·Σ_t a-sliver[t] ⊗ b-sliver[t]. */
function micro<T>(K: i32, a: usize, b: usize, c: usize, ldc: i32, alpha: T, beta: T): void {
  const E = sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let pa = a;
  let pb = b;
  for (let t = 0; t < K; t++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load_splat<T>(pa);
    c00 = v128.add<T>(c00, v128.mul<T>(x, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(x, b1));
    x = v128.load_splat<T>(pa, E);
    c10 = v128.add<T>(c10, v128.mul<T>(x, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(x, b1));
    x = v128.load_splat<T>(pa, 2 * E);
    c20 = v128.add<T>(c20, v128.mul<T>(x, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(x, b1));
    x = v128.load_splat<T>(pa, 3 * E);
    c30 = v128.add<T>(c30, v128.mul<T>(x, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(x, b1));
    pa += <usize>MR * E;
    pb += 32;
  }
  const ld = <usize>ldc * E;
  storeRow<T>(c, c00, c01, alpha, beta);
  storeRow<T>(c + ld, c10, c11, alpha, beta);
  storeRow<T>(c + 2 * ld, c20, c21, alpha, beta);
  storeRow<T>(c + 3 * ld, c30, c31, alpha, beta);
}

/** C [M, N] (stride ldc) = beta·C + alpha·op(A)·op(B) from packed operands (K common). M % MR == 0, N % NR == 0. */
function gemm<T>(M: i32, N: i32, K: i32, ap: usize, bp: usize, c: usize, ldc: i32, alpha: T, beta: T): void {
  const E = sizeof<T>();
  const NR = NV * lanes<T>();
  for (let jr = 0; jr < N; jr += NR) {
    const b = bp + <usize>jr * <usize>K * E;
    for (let ir = 0; ir < M; ir += MR) {
      micro<T>(K, ap + <usize>ir * <usize>K * E, b, c + (<usize>ir * <usize>ldc + jr) * E, ldc, alpha, beta);
    }
  }
}

/** Lower Cholesky of the nb × nb block at `p` (stride m) in place, upper part zeroed; returns the failing row or -1. */
function potrfBlock<T>(p: usize): i32 {
  const E = sizeof<T>();
  const ld = <usize>m * E;
  for (let i = 0; i < nb; i++) {
    const ri = p + <usize>i * ld;
    for (let j = 0; j <= i; j++) {
      const rj = p + <usize>j * ld;
      let v = <f64>load<T>(ri + <usize>j * E);
      for (let t = 0; t < j; t++) v -= <f64>load<T>(ri + <usize>t * E) * <f64>load<T>(rj + <usize>t * E);
      if (i == j) {
        if (!(v > 0)) return i;
        store<T>(ri + <usize>i * E, <T>Math.sqrt(v));
      } else store<T>(ri + <usize>j * E, <T>(v / <f64>load<T>(rj + <usize>j * E)));
    }
    for (let j = i + 1; j < nb; j++) store<T>(ri + <usize>j * E, <T>0);
  }
  return -1;
}

/** Inverse of the lower-triangular nb × nb block at `p` (stride m) into this worker's scratch S (stride nb). */
function trtriBlockToS<T>(p: usize): void {
  const E = sizeof<T>();
  const ld = <usize>m * E;
  const ls = <usize>nb * E;
  for (let c = 0; c < nb; c++) {
    for (let r = 0; r < c; r++) store<T>(S + <usize>r * ls + <usize>c * E, <T>0);
    store<T>(S + <usize>c * ls + <usize>c * E, <T>(1 / <f64>load<T>(p + <usize>c * ld + <usize>c * E)));
    for (let r = c + 1; r < nb; r++) {
      const rr = p + <usize>r * ld;
      let v: f64 = 0;
      for (let t = c; t < r; t++) v += <f64>load<T>(rr + <usize>t * E) * <f64>load<T>(S + <usize>t * ls + <usize>c * E);
      store<T>(S + <usize>r * ls + <usize>c * E, <T>(-v / <f64>load<T>(rr + <usize>r * E)));
    }
  }
}

/**
 * Worker that owns item `p` (0-based) of a list of items sorted by descending cost, dealt boustrophedon
 * (0, 1, …, W−1, W−1, …, 0, 0, 1, …) so the loads stay within one item of each other.
 */
// @ts-ignore: decorator
@inline function snake(p: i32): i32 {
  const round = p / W;
  const pos = p % W;
  return (round & 1) == 0 ? pos : W - 1 - pos;
}

// ---- Cholesky step k: cholDiag (worker 0 only), cholPanel, cholTrailing ----

function cholDiagT<T>(k: i32): i32 {
  const p = blockAt<T>(k, k);
  const bad = potrfBlock<T>(p);
  if (bad >= 0) return k * nb + bad;
  trtriBlockToS<T>(p);
  packB<T>(S, nb, true, nb, nb, DP); // op(B) = L_kk⁻ᵀ
  return -1;
}

function cholPanelT<T>(k: i32): void {
  for (let i = k + 1 + ID; i < R; i += W) {
    const blk = blockAt<T>(i, k);
    packA<T>(blk, m, false, nb, nb, PA);
    gemm<T>(nb, nb, nb, PA, DP, blk, m, <T>1, <T>0); // A_ik ← A_ik · L_kk⁻ᵀ
    packB<T>(blk, m, true, nb, nb, chunk<T>(PANEL, i)); // op(B)[t][c] = L[c][t]: columns = rows of the trailing matrix
  }
}

function cholTrailingT<T>(k: i32): void {
  for (let i = R - 1, q = 0; i > k; i--, q++) {
    if (snake(q) != ID) continue;
    packA<T>(blockAt<T>(i, k), m, false, nb, nb, PA);
    gemm<T>(nb, (i - k) * nb, nb, PA, chunk<T>(PANEL, k + 1), blockAt<T>(i, k + 1), m, <T>-1, <T>1);
  }
}

// ---- Triangular inverse step j (j from R−1 down to 0): trtriPrep, trtriRows ----

function trtriPrepT<T>(j: i32): void {
  if (ID == 0) {
    const p = blockAt<T>(j, j);
    trtriBlockToS<T>(p);
    for (let r = 0; r < nb; r++) memory.copy(p + <usize>r * <usize>m * sizeof<T>(), S + <usize>r * <usize>nb * sizeof<T>(), <usize>nb * sizeof<T>());
    packB<T>(p, m, false, nb, nb, DP); // op(B) = L_jj⁻¹
  }
  for (let l = j + 1 + ID; l < R; l += W) packB<T>(blockAt<T>(l, j), m, false, nb, nb, chunk<T>(PANEL, l));
}

function trtriRowsT<T>(j: i32): void {
  for (let i = R - 1, q = 0; i > j; i--, q++) {
    if (snake(q) != ID) continue;
    // S = Σ_{j<l≤i} L⁻¹_il · L_lj (original L_lj, from the panel packed before this step)
    for (let l = j + 1; l <= i; l++) {
      packA<T>(blockAt<T>(i, l), m, false, nb, nb, PA);
      gemm<T>(nb, nb, nb, PA, chunk<T>(PANEL, l), S, nb, <T>1, l == j + 1 ? <T>0 : <T>1);
    }
    packA<T>(S, nb, false, nb, nb, PA);
    gemm<T>(nb, nb, nb, PA, DP, blockAt<T>(i, j), m, <T>-1, <T>0); // L⁻¹_ij = −S · L⁻¹_jj
  }
}

// ---- P = L⁻ᵀ·L⁻¹, row block i (i from 0 up): lauumPrep(i) stores row block i−1 and packs column block i; lauumRow(i) ----

function lauumPrepT<T>(i: i32): void {
  const E = sizeof<T>();
  if (i > 0) {
    for (let r = ID; r < nb; r += W) {
      memory.copy(at<T>((i - 1) * nb + r, 0), ROW + <usize>r * <usize>m * E, <usize>i * <usize>nb * E);
    }
  }
  for (let l = i + ID; l < R; l += W) packA<T>(blockAt<T>(l, i), m, true, nb, nb, chunk<T>(PANEL, l)); // op(A) = (L⁻¹_li)ᵀ
}

/** ROW[:, j-block rows r0..r0+rows] = Σ_{l ≥ i} (L⁻¹_li)ᵀ · L⁻¹_lj. */
function lauumTile<T>(i: i32, j: i32, r0: i32, rows: i32): void {
  const E = sizeof<T>();
  for (let l = i; l < R; l++) {
    packB<T>(blockAt<T>(l, j), m, false, nb, nb, PB);
    gemm<T>(rows, nb, nb, chunk<T>(PANEL, l) + <usize>r0 * <usize>nb * E, PB, ROW + (<usize>r0 * <usize>m + <usize>j * <usize>nb) * E, m, <T>1, l == i ? <T>0 : <T>1);
  }
}

function lauumRowT<T>(i: i32): void {
  const tiles = i + 1;
  const whole = tiles - (tiles % W);
  for (let j = ID; j < whole; j += W) lauumTile<T>(i, j, 0, nb);
  if (whole < tiles) {
    const part = nb / W;
    if (part % MR == 0) {
      for (let j = whole; j < tiles; j++) lauumTile<T>(i, j, ID * part, part);
    } else if (ID == 0) {
      for (let j = whole; j < tiles; j++) lauumTile<T>(i, j, 0, nb);
    }
  }
}

/** Copies the lower block triangle onto the upper one (the result is then the full symmetric inverse). */
function mirrorT<T>(): void {
  const E = sizeof<T>();
  for (let i = R - 1, q = 0; i > 0; i--, q++) {
    if (snake(q) != ID) continue;
    for (let j = 0; j < i; j++) {
      for (let r = 0; r < nb; r++) {
        const s = at<T>(i * nb + r, j * nb);
        const d = at<T>(j * nb, i * nb + r);
        for (let c = 0; c < nb; c++) store<T>(d + <usize>c * <usize>m * E, load<T>(s + <usize>c * E));
      }
    }
  }
}

/** Cholesky step k, diagonal block (one worker): returns the row whose pivot is not positive, or -1. */
export function cholDiag(k: i32): i32 {
  return double ? cholDiagT<f64>(k) : cholDiagT<f32>(k);
}
export function cholPanel(k: i32): void {
  if (double) cholPanelT<f64>(k);
  else cholPanelT<f32>(k);
}
export function cholTrailing(k: i32): void {
  if (double) cholTrailingT<f64>(k);
  else cholTrailingT<f32>(k);
}
export function trtriPrep(j: i32): void {
  if (double) trtriPrepT<f64>(j);
  else trtriPrepT<f32>(j);
}
export function trtriRows(j: i32): void {
  if (double) trtriRowsT<f64>(j);
  else trtriRowsT<f32>(j);
}
export function lauumPrep(i: i32): void {
  if (double) lauumPrepT<f64>(i);
  else lauumPrepT<f32>(i);
}
export function lauumRow(i: i32): void {
  if (double) lauumRowT<f64>(i);
  else lauumRowT<f32>(i);
}
export function mirror(): void {
  if (double) mirrorT<f64>();
  else mirrorT<f32>();
}

/** GEMM micro-benchmark entry: C [M, N] −= op(A)·op(B) on packed operands already in memory (for bench/tests). */
export function gemmPacked(M: i32, N: i32, K: i32, ap: usize, bp: usize, c: usize, ldc: i32): void {
  if (double) gemm<f64>(M, N, K, ap, bp, c, ldc, -1, 1);
  else gemm<f32>(M, N, K, ap, bp, c, ldc, -1, 1);
}
