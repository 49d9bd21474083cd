import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import { SearchService } from '../../search/search-service.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';

interface SynonymsFlags extends GlobalFlags {
  set?: string[];
  file?: string;
  clear?: boolean;
}

/** Rules from a file: one per line; blank lines and lines starting with # are skipped. */
function rulesFromFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CartwiseError('FILE_NOT_FOUND', { path });
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function registerSynonymsCommand(program: Command): void {
  program
    .command('synonyms')
    .description('Show or replace the store\'s search synonym rules (same as GET/PUT /v1/search/synonyms); with no option, shows the rules and those learned from clicks')
    .option('--set <rule...>', 'replace the rules with these, e.g. --set "couch, sofa" "fridge => refrigerator"')
    .option('--file <file>', 'replace the rules with a file\'s, one per line (# comments and blank lines skipped)')
    .option('--clear', 'remove every rule')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nA rule is `a, b, c` (all equivalent) or `a, b => c` (one way). A bad rule is named by its number and nothing is saved.')
    .action(async (flags: SynonymsFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const given = [flags.set !== undefined, flags.file !== undefined, flags.clear === true].filter(Boolean).length;
        if (given > 1) throw new CartwiseError('INVALID_PARAM', { name: '--set', reason: 'give one of --set, --file or --clear' });
        const service = new SearchService(ctx.store, { log: ctx.log, recordSearches: false, syncIntervalMs: -1 });
        if (given === 1) {
          const rules = flags.clear ? [] : flags.file !== undefined ? rulesFromFile(flags.file) : (flags.set ?? []);
          const saved = await service.setSynonymRules(rules);
          output(ctx, saved, () => `Saved ${saved.rules} synonym rule(s) covering ${saved.words} word(s).`);
          return;
        }
        await service.refreshSignals(); // learns the click synonyms (loads the search index)
        const current = await service.synonyms();
        output(ctx, current, () =>
          [
            `Rules (${current.rules.length}):`,
            ...current.rules.map((r) => `  ${r}`),
            `Learned from clicks (${current.learned.length}):`,
            ...current.learned.map((l) => `  ${l.word} => ${l.synonyms.join(', ')}`),
          ].join('\n'),
        );
      }),
    );
}
