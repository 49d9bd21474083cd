import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, buildKernel, kernelModule, kernelPaths } from './wasm-kernels.ts';

const root = join(import.meta.dirname, '../../..');

describe('committed wasm kernels', () => {
  it.each(KERNEL_NAMES)('%s.wasm is what `npm run build:wasm` builds from its source (asc output is deterministic)', (name) => {
    const out = mkdtempSync(join(tmpdir(), 'cartwise-wasm-'));
    try {
      const fresh = readFileSync(buildKernel(name, out));
      expect(fresh.equals(readFileSync(join(root, kernelPaths(name).wasm))), 'the committed .wasm is stale: run `npm run build:wasm`').toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it.each(KERNEL_NAMES)('%s.wasm compiles and imports one shared memory', (name) => {
    const imports = WebAssembly.Module.imports(kernelModule(name));
    expect(imports.filter((i) => i.kind === 'memory').map((i) => `${i.module}.${i.name}`)).toEqual(['env.memory']);
  });
});
