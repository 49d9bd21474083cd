import { loadConfig, type Config } from '../core/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';

/** Flags every command accepts. */
export interface GlobalFlags {
  dataDir?: string;
  store?: string;
  config?: string;
  logLevel?: string;
  json?: boolean;
}

export interface CliContext {
  config: Config;
  store: Store;
  log: Logger;
  json: boolean;
  /** Aborted on Ctrl-C: long jobs stop at a safe point. */
  signal: AbortSignal;
}

/** Loads the config from flags, environment and file (the CLI's composition root). */
export function configFromFlags(flags: GlobalFlags & { port?: string | number }): Config {
  return loadConfig({
    flags: { dataDir: flags.dataDir, storeUrl: flags.store, logLevel: flags.logLevel, port: flags.port },
    ...(flags.config ? { configFile: flags.config } : {}),
  });
}

/**
 * Runs a command with a config and an open store, closing the store afterwards (also on Ctrl-C, after the
 * current batch: the first Ctrl-C aborts `signal`, a second one exits at once).
 */
export async function withContext<T>(flags: GlobalFlags, run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = configFromFlags(flags);
  const log = createLogger(flags.json ? 'warn' : config.logLevel === 'info' ? 'warn' : config.logLevel);
  const store = await openStore(config.storeUrl);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nInterrupting after the current batch… (Ctrl-C again to exit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await run({ config, store, log, json: flags.json ?? false, signal: controller.signal });
  } finally {
    process.off('SIGINT', onSigint);
    await store.close();
  }
}

/** Prints one JSON document on stdout (`--json`) or the human rendering. */
export function output(ctx: { json: boolean }, data: unknown, human: () => string): void {
  process.stdout.write(ctx.json ? JSON.stringify(data, null, 2) + '\n' : human() + '\n');
}
