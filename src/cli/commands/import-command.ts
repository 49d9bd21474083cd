import { Command, Option } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import { DEFAULT_BATCH_SIZE, importFormats, runImport, type ImportFormat, type ImportSummary } from '../../ingest/importers/index.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { formatNumber } from '../format.ts';
import { createProgress } from '../progress.ts';

interface ImportFlags extends GlobalFlags {
  rejects?: string;
  limit?: string;
  batchSize?: string;
  [option: string]: unknown;
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CartwiseError('INVALID_PARAM', { name, reason: `must be a positive integer, got \`${text}\`` });
  return n;
}

/** Renders an import summary for people (the `--json` output is the summary object itself). */
export function renderImportSummary(s: ImportSummary): string {
  const n = formatNumber;
  const secs = (s.elapsedMs / 1000).toFixed(1);
  const rules = Object.entries(s.skippedByRule).map(([rule, count]) => `${rule} ${n(count)}`).join('; ');
  const counts = Object.entries(s.counts).map(([k, v]) => `${k} ${n(v)}`).join(' · ');
  const lines = [
    `${s.interrupted ? 'Interrupted' : 'Imported'} ${s.format} from ${s.path} in ${secs} s (${n(s.rowsPerSecond)} rows/s)`,
    ...(s.files.length > 1 ? s.files.map((f) => `  ${f.file}: ${n(f.rowsRead)} rows (${n(f.rowsAccepted)} accepted, ${n(f.rowsSkipped)} skipped, ${n(f.rowsRejected)} rejected)`) : []),
    `  rows read         ${n(s.rowsRead)}`,
    `    accepted        ${n(s.rowsAccepted)}`,
    `    skipped         ${n(s.rowsSkipped)}${rules ? `  (${rules})` : ''}`,
    `    rejected        ${n(s.rowsRejected)}`,
    `  events inserted   ${n(s.eventsInserted)}`,
    `  duplicates        ${n(s.eventsDuplicate)}  (ids already stored: a re-import adds nothing)`,
    `  items             ${n(s.itemsUpserted)} upserted, ${n(s.itemsUnchanged)} unchanged`,
    `  user profiles     ${n(s.usersUpserted)} upserted, ${n(s.usersUnchanged)} unchanged`,
    `  distinct users ${n(s.distinctUsers)} · distinct items ${n(s.distinctItems)} in these events`,
  ];
  if (counts) lines.push(`  rules applied: ${counts}`);
  if (s.limited) lines.push('  stopped by --limit');
  if (s.interrupted) lines.push('  Interrupted by Ctrl-C: everything read before the interruption was stored; run the same command again to continue (stored rows are skipped as duplicates).');
  if (s.rejects.length > 0) {
    lines.push(`First ${s.rejects.length} rejected row(s) of ${n(s.rowsRejected)}:`);
    for (const r of s.rejects) lines.push(`  ${r.file}:${r.line}  ${r.reason}`);
  }
  if (s.rejectsFile) lines.push(`All rejected rows with their reasons: ${s.rejectsFile}`);
  else if (s.rowsRejected > s.rejects.length) lines.push('Use --rejects FILE to write every rejected row with its reason.');
  return lines.join('\n');
}

function registerFormat(parent: Command, program: Command, format: ImportFormat): void {
  const cmd = parent
    .command(format.name)
    .argument(`<path>`, format.argument)
    .description(format.summary)
    .addHelpText('after', `\n${format.help}\n\nEvent ids are deterministic (file name, line number, line content): importing the same file again inserts nothing.\n`)
    .option('--rejects <file>', 'write every rejected row with its line number and reason (CSV, or JSON lines for *.jsonl)')
    .option('--limit <n>', 'read at most N data rows from each file')
    .option('--batch-size <n>', 'events per store append', String(DEFAULT_BATCH_SIZE))
    .option('--json', 'print the summary as one JSON document');
  for (const o of format.options ?? []) {
    const option = new Option(o.flags, o.description);
    if (o.defaultValue !== undefined) option.default(o.defaultValue);
    cmd.addOption(option);
  }
  cmd.action(async (path: string, flags: ImportFlags) =>
    withContext({ ...program.opts(), ...flags }, async (ctx) => {
      const formatOptions: Record<string, string | undefined> = {};
      for (const o of format.options ?? []) {
        const key = new Option(o.flags).attributeName();
        const value = flags[key];
        formatOptions[key] = value === undefined ? undefined : String(value);
      }
      let progress: ReturnType<typeof createProgress> | undefined;
      const limit = positiveInt('--limit', flags.limit);
      const batchSize = positiveInt('--batch-size', flags.batchSize);
      const summary = await runImport({
        store: ctx.store,
        format,
        path,
        formatOptions,
        signal: ctx.signal,
        ...(limit !== undefined ? { limit } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
        ...(flags.rejects ? { rejectsPath: flags.rejects } : {}),
        ...(ctx.config.pseudonymizeUserIds ? { pseudonymizeKey: ctx.config.adminKey } : {}),
        onProgress: (p) => {
          progress ??= createProgress(`import ${format.name}`, p.bytesTotal);
          progress.update(p.bytesRead, `${p.rowsRead.toLocaleString('en-US')} rows`);
        },
      });
      progress?.finish();
      output(ctx, summary, () => renderImportSummary(summary));
      if (summary.interrupted) process.exitCode = 130;
    }),
  );
}

/** `cartwise import <format> <path>`: one subcommand per dataset format, each with its mapping in --help. */
export function registerImportCommand(program: Command): void {
  const parent = program
    .command('import')
    .description('Import a dataset file into the store (streaming, gzip or plain, re-runnable without duplicates)')
    .addHelpText('after', '\nRun `cartwise import <format> --help` for its columns and mapping. Files may be gzip-compressed.\n');
  for (const format of importFormats) registerFormat(parent, program, format);
}
