/** Runs CLI commands in-process for tests (a child process per call would cost seconds of start-up each). */
import { Command } from 'commander';
import { vi } from 'vitest';

/**
 * Builds the program as main.ts does, limited to the global flags and the given commands, runs `args` and returns
 * what it printed on stdout (stderr is silenced). Errors propagate (exitOverride).
 */
export async function runCommands(registrars: readonly ((program: Command) => void)[], args: readonly string[]): Promise<string> {
  const program = new Command('cartwise').option('--data-dir <dir>').option('--store <url>').option('--config <file>').option('--log-level <level>').exitOverride();
  for (const register of registrars) register(program);
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'cartwise', ...args]);
  } finally {
    write.mockRestore();
    err.mockRestore();
  }
  return out;
}
