import type { Command } from 'commander';
import { createLogger } from '../../core/logger.ts';
import { startServer } from '../../server/serve.ts';
import { openStore } from '../../store/open-store.ts';
import { configFromFlags, type GlobalFlags } from '../context.ts';
import type { Config } from '../../core/config.ts';
import type { Store } from '../../store/store.ts';

/** Starts the API server and keeps it up until SIGINT/SIGTERM; prints URLs and keys. */
export async function serveUntilStopped(config: Config, store: Store): Promise<void> {
  const log = createLogger(config.logLevel);
  const server = await startServer(config, store, log);
  process.stderr.write(
    [
      '',
      `Cartwise is serving at ${server.url}`,
      `  dashboard  ${server.url}/   (sign in with the admin key)`,
      `  demo shop  ${server.url}/demo-store   (a storefront using the SDK: /cartwise.js)`,
      `  API docs   ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`,
      `  health     ${server.url}/healthz`,
      `  admin key  ${config.adminKey}`,
      `  write key  ${config.writeKey}`,
      `  store      ${config.storeUrl}`,
      `Try: curl -H "Authorization: Bearer ${config.adminKey}" ${server.url}/v1/stats`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('Stopping…\n');
  await server.close();
  await store.close();
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP API server and dashboard')
    .option('--port <port>', 'port to listen on (env CARTWISE_PORT, default 8080)')
    .action(async (flags: GlobalFlags & { port?: string }) => {
      const config = configFromFlags({ ...program.opts(), ...flags });
      const store = await openStore(config.storeUrl);
      await serveUntilStopped(config, store);
    });
}
