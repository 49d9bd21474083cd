/**
 * The WebAssembly SIMD kernel modules of the recommenders: AssemblyScript sources in ./wasm/*.ts, compiled by
 * `npm run build:wasm` (scripts/build-wasm.ts) with {@link ASC_FLAGS} into the committed ./wasm/*.wasm beside them, so
 * installing needs no compiler. A test rebuilds every module and checks the committed binaries are current.
 * Every module imports one shared memory (`env.memory`), so worker threads instantiate the same module on it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kernel modules, by the name of their source file in ./wasm. */
export const KERNEL_NAMES = ['spd-kernels', 'als-kernels', 'gemm-kernels'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** asc flags for every module: SIMD, a shared imported memory up to 4 GiB, no runtime, no assertions. */
export const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--enable', 'simd', '--enable', 'threads', '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536', '--noAssert'] as const;

/** Where a module's source and committed binary live, relative to the repository root. */
export function kernelPaths(name: KernelName): { source: string; wasm: string } {
  return { source: `src/recommend/linalg/wasm/${name}.ts`, wasm: `src/recommend/linalg/wasm/${name}.wasm` };
}

const compiled = new Map<KernelName, WebAssembly.Module>();

/** The compiled module (cached per process). From the dist/ build, the binary is read beside the sources. */
export function kernelModule(name: KernelName): WebAssembly.Module {
  let module = compiled.get(name);
  if (!module) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = readFileSync(new URL(`./wasm/${name}.wasm`, import.meta.url));
    } catch {
      bytes = readFileSync(new URL(`../../../src/recommend/linalg/wasm/${name}.wasm`, import.meta.url));
    }
    module = new WebAssembly.Module(bytes);
    compiled.set(name, module);
  }
  return module;
}

/**
 * Compiles one module with the AssemblyScript compiler (a devDependency; only `npm run build:wasm` and the staleness
 * test call this) into `outDir`, or over the committed binary; returns the path written.
 */
export function buildKernel(name: KernelName, outDir?: string): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const { source, wasm } = kernelPaths(name);
  const out = outDir ? join(outDir, `${name}.wasm`) : join(root, wasm);
  const asc = createRequire(import.meta.url).resolve('assemblyscript/package.json').replace(/package\.json$/, 'bin/asc.js');
  execFileSync(process.execPath, [asc, source, '-o', out, ...ASC_FLAGS], { cwd: root, stdio: 'pipe' });
  return out;
}
