/**
 * Float32 matrix products on the WebAssembly SIMD kernel ./wasm/gemm-kernels.ts: `C = or += op(A) · op(B)` for
 * row-major `Float32Array`s, with op = identity or transpose. One module instance per thread (per isolate: each
 * worker thread gets its own on first use) on its own memory; the operands are copied in, the product computed
 * inside wasm and C copied back out. The memory grows as the shapes need and is kept for the next call.
 * Used by the SASRec kernels (models/sasrec/kernels.ts) above a size threshold; ~5–6× the tiled JS loops there.
 */
import { kernelModule } from './wasm-kernels.ts';

interface GemmExports {
  sgemm(M: number, N: number, K: number, a: number, rsa: number, csa: number, b: number, rsb: number, csb: number, c: number, ldc: number, accumulate: number, pa: number, pb: number, tile: number): void;
  KC: WebAssembly.Global;
  MC: WebAssembly.Global;
  NC: WebAssembly.Global;
}

const PAGE = 65536;
/** Pages the memory may grow to (the modules declare 4 GiB; 2 GiB here keeps the float offsets in int32). */
const MAX_PAGES = 32768;

interface Instance {
  memory: WebAssembly.Memory;
  x: GemmExports;
  pa: number;
  pb: number;
  tile: number;
  /** first byte after the scratch: operands go from here */
  base: number;
}

let inst: Instance | undefined;

function instance(): Instance {
  if (inst) return inst;
  const memory = new WebAssembly.Memory({ initial: 32, maximum: MAX_PAGES, shared: true });
  const x = new WebAssembly.Instance(kernelModule('gemm-kernels'), {
    env: {
      memory,
      abort: () => {
        throw new Error('wasm abort');
      },
    },
  }).exports as unknown as GemmExports;
  const kc = x.KC.value as number;
  const mc = x.MC.value as number;
  const nc = x.NC.value as number;
  const align = (v: number): number => Math.ceil(v / 64) * 64;
  const pa = 64;
  const pb = align(pa + 4 * mc * kc);
  const tile = align(pb + 4 * kc * nc);
  const base = align(tile + 4 * 4 * 8);
  inst = { memory, x, pa, pb, tile, base };
  return inst;
}

/** Largest operand footprint (bytes) the wasm path takes; {@link sgemm} returns false above it. */
export const SGEMM_MAX_BYTES = (MAX_PAGES - 64) * PAGE;

/**
 * `C[M, N] = op(A)[M, K] · op(B)[K, N]` (or `+=` when `accumulate`), all row-major and dense: A is `[M, K]`
 * (`[K, M]` when `transA`), B is `[K, N]` (`[N, K]` when `transB`), C is `[M, N]`; only the first M·K, K·N and M·N
 * elements are read (the arrays may be longer). Returns false (nothing done) when the operands do not fit the wasm
 * memory, so the caller can fall back. Deterministic: the summation order depends only on the shapes.
 */
export function sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): boolean {
  const mn = M * N;
  if (mn === 0) return true;
  if (K === 0) {
    if (!accumulate) c.fill(0, 0, mn);
    return true;
  }
  const mk = M * K;
  const kn = K * N;
  const s = instance();
  const aAt = s.base;
  const bAt = aAt + Math.ceil((4 * mk) / 64) * 64;
  const cAt = bAt + Math.ceil((4 * kn) / 64) * 64;
  const end = cAt + 4 * mn;
  if (end > SGEMM_MAX_BYTES) return false;
  const have = s.memory.buffer.byteLength;
  if (end > have) s.memory.grow(Math.ceil((end - have) / PAGE));
  const buf = s.memory.buffer;
  new Float32Array(buf, aAt, mk).set(a.length === mk ? a : a.subarray(0, mk));
  new Float32Array(buf, bAt, kn).set(b.length === kn ? b : b.subarray(0, kn));
  const cv = new Float32Array(buf, cAt, mn);
  if (accumulate) cv.set(c.length === mn ? c : c.subarray(0, mn));
  // op(A)[i][p] = A[i·rsa + p·csa], op(B)[p][j] = B[p·rsb + j·csb]
  const rsa = transA ? 1 : K;
  const csa = transA ? M : 1;
  const rsb = transB ? 1 : N;
  const csb = transB ? K : 1;
  s.x.sgemm(M, N, K, aAt, rsa, csa, bAt, rsb, csb, cAt, N, accumulate ? 1 : 0, s.pa, s.pb, s.tile);
  c.set(cv);
  return true;
}
