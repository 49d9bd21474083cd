import { InvalidArgumentError, type Command } from 'commander';
import { DEMO_DEFAULTS } from '../../ingest/demo/generate-demo-store.ts';
import { loadDemoStore, type DemoLoadResult } from '../../ingest/demo/load-demo-store.ts';
import { openStore } from '../../store/open-store.ts';
import { configFromFlags, output, type GlobalFlags } from '../context.ts';
import { createProgress, type Progress } from '../progress.ts';
import { serveUntilStopped } from './serve-command.ts';

interface DemoFlags extends GlobalFlags {
  seed?: number;
  items?: number;
  users?: number;
  days?: number;
  port?: string;
  serve: boolean;
}

function integer(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${flag} must be a whole number; got "${value}"`);
    return n;
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');

function describeResult(r: DemoLoadResult): string {
  const m = r.manifest;
  const s = m.summary;
  const window = `${m.days} days ending ${new Date(m.endMs).toISOString().slice(0, 10)}`;
  const lines: string[] = [];
  if (r.status === 'existing') {
    lines.push(`This store already holds the demo store (seed ${m.seed}, ${window}, generated ${m.completedAt ?? m.startedAt}): reusing it.`);
    if (r.requestedDiffers) lines.push('Your --seed/--items/--users/--days were not applied; use another --data-dir for a different demo store.');
  } else {
    const verb = r.status === 'resumed' ? 'finished (resumed an interrupted run)' : 'generated';
    lines.push(`Demo store ${verb} in ${(r.durationMs / 1000).toFixed(1)} s — simulated data, seed ${m.seed}, ${window}.`);
    if (r.status === 'resumed' && r.requestedDiffers) lines.push('The interrupted run’s options were kept; your new options were not applied.');
  }
  if (s) {
    lines.push(`  ${fmt(s.items)} items · ${fmt(s.users)} shoppers · ${fmt(s.events)} events in ${fmt(s.sessions)} sessions · ${fmt(s.orders)} orders · $${s.revenue.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} revenue`);
    lines.push(`  ${Object.entries(s.eventsByType).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${fmt(n)}`).join(' · ')}`);
  }
  return lines.join('\n');
}

/** `cartwise demo`: generate the simulated demo store into the configured store once, then serve it. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Generate a simulated demo store (catalogue, shoppers, sessions, orders, reviews) into the store, then start the server')
    .option('--seed <n>', `random seed; the same seed and day give the same store (default ${DEMO_DEFAULTS.seed})`, integer('--seed'))
    .option('--items <n>', `catalogue size (default ${fmt(DEMO_DEFAULTS.items)})`, integer('--items'))
    .option('--users <n>', `number of simulated shoppers (default ${fmt(DEMO_DEFAULTS.users)})`, integer('--users'))
    .option('--days <n>', `length of the simulated history in days, ending at the last UTC midnight (default ${DEMO_DEFAULTS.days})`, integer('--days'))
    .option('--port <port>', 'port to serve on (env CARTWISE_PORT, default 8080)')
    .option('--no-serve', 'generate only; do not start the server')
    .option('--json', 'print the summary as one JSON document')
    .addHelpText(
      'after',
      [
        '',
        'The demo store is simulated data (see docs/guide/demo-store.md). It is generated once per data directory:',
        'a second run reuses it and starts at once; an interrupted run is finished where it stopped.',
        'To use real data instead, see `cartwise import --help` and docs/guide/importing.md.',
      ].join('\n'),
    )
    .action(async (flags: DemoFlags) => {
      const merged = { ...program.opts(), ...flags } as DemoFlags;
      const config = configFromFlags(merged);
      const store = await openStore(config.storeUrl);
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\nInterrupting after the current batch… (run `cartwise demo` again to finish; Ctrl-C again to exit now)\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      let result: DemoLoadResult;
      let progress: Progress | undefined;
      try {
        process.stderr.write(`Demo store → ${config.storeUrl}\n`);
        result = await loadDemoStore(
          store,
          {
            ...(merged.seed !== undefined ? { seed: merged.seed } : {}),
            ...(merged.items !== undefined ? { items: merged.items } : {}),
            ...(merged.users !== undefined ? { users: merged.users } : {}),
            ...(merged.days !== undefined ? { days: merged.days } : {}),
          },
          {
            signal: controller.signal,
            onProgress: (p) => {
              progress ??= createProgress('Simulating shoppers', p.shoppersTotal);
              progress.update(p.shoppersDone, `${fmt(p.eventsInserted)} events stored`);
            },
          },
        );
        progress?.finish();
      } catch (err) {
        progress?.finish();
        await store.close();
        throw err;
      } finally {
        process.off('SIGINT', onSigint);
      }
      output({ json: merged.json ?? false }, { status: result.status, durationMs: result.durationMs, inserted: result.inserted, requestedDiffers: result.requestedDiffers, manifest: result.manifest }, () => describeResult(result));
      if (!merged.serve) {
        await store.close();
        return;
      }
      await serveUntilStopped(config, store);
    });
}
