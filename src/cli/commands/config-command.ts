import type { Command } from 'commander';
import { describeConfig } from '../../core/config.ts';
import { configFromFlags, output, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('Show the effective configuration (keys masked) and every setting with its environment variable')
    .option('--json', 'print one JSON document')
    .action((flags: GlobalFlags) => {
      const merged = { ...program.opts(), ...flags } as GlobalFlags;
      const config = configFromFlags(merged);
      const mask = (k: string) => k.slice(0, 12) + '…';
      const effective = { ...config, adminKey: mask(config.adminKey), writeKey: mask(config.writeKey), ...(config.searchEmbedderApiKey ? { searchEmbedderApiKey: mask(config.searchEmbedderApiKey) } : {}) };
      output({ json: merged.json ?? false }, { effective, reference: describeConfig() }, () =>
        table(
          ['key', 'env', 'value', 'description'],
          describeConfig().map((d) => [d.key, d.env, String((effective as Record<string, unknown>)[d.key] ?? ''), d.description]),
        ),
      );
    });
}
