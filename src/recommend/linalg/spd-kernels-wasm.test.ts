import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

describe('committed wasm kernels', () => {
  it('spd-kernels.wasm is what `npm run build:wasm` builds from spd-kernels.ts (asc output is deterministic)', () => {
    const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:wasm'] as string;
    const args = script.split(/\s+/);
    expect(args[0]).toBe('asc');
    const out = mkdtempSync(join(tmpdir(), 'cartwise-wasm-'));
    try {
      const o = args.indexOf('-o');
      const committed = args[o + 1] as string;
      args[o + 1] = join(out, 'spd-kernels.wasm');
      const asc = createRequire(import.meta.url).resolve('assemblyscript/package.json').replace(/package\.json$/, 'bin/asc.js');
      execFileSync(process.execPath, [asc, ...args.slice(1)], { cwd: root, stdio: 'pipe' });
      const fresh = readFileSync(join(out, 'spd-kernels.wasm'));
      expect(fresh.equals(readFileSync(join(root, committed))), 'the committed .wasm is stale: run `npm run build:wasm`').toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
