import { Command, CommanderError } from 'commander';
import { isCartwiseError } from '../core/errors.ts';
import { commandRegistrars } from './commands/index.ts';

/** Builds the `cartwise` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('cartwise')
    .description('Cartwise — self-hosted AI conversion engine: recommendations, analytics, search and more for your store')
    .version('0.1.0')
    .option('--data-dir <dir>', 'data directory (env CARTWISE_DATA_DIR, default ./data)')
    .option('--store <url>', 'store URL, e.g. duckdb://./data/cartwise.duckdb (env CARTWISE_STORE_URL)')
    .option('--config <file>', 'JSON config file (env CARTWISE_CONFIG, default <data dir>/cartwise.json)')
    .option('--log-level <level>', 'log level: fatal, error, warn, info, debug, trace, silent')
    .showHelpAfterError()
    .enablePositionalOptions(false);
  for (const register of commandRegistrars) register(program);
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    if (isCartwiseError(err)) {
      process.stderr.write(`Error [${err.code}]: ${err.message}\n`);
      process.exit(err.status === 499 ? 130 : 1);
    }
    throw err;
  }
}

await main();
