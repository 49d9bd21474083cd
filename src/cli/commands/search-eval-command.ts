import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import { ABLATION_FEATURES, runSearchEval, SEARCH_EVAL_MODES, type AblationFeature, type SearchEvalMode } from '../../search/search-eval.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { createProgress } from '../progress.ts';
import { table } from '../format.ts';

interface SearchEvalFlags extends GlobalFlags {
  judgments: string;
  products: string;
  k: string;
  mode: string;
  run?: string;
  disable?: string;
  synonym?: string[];
  clicks?: string;
  clicksCrossFit?: boolean;
  encoding: string;
}

export function registerSearchEvalCommand(program: Command): void {
  program
    .command('search-eval')
    .description(
      'Score search quality on judged queries (Home Depot CSV format) exactly as shared/reference/search.py does: retrieval NDCG@K over the whole catalogue, recall@50 of well-judged products, re-rank NDCG@K. The index is built in a temporary store unless --data-dir/--store is given (then the catalogue is also written there, so `cartwise search` can query it).',
    )
    .requiredOption('--judgments <file>', 'CSV (.gz ok) with product_uid, search_term, relevance')
    .requiredOption('--products <file>', 'CSV (.gz ok) with product_uid, product_title')
    .option('--k <n>', 'cut-off K for NDCG', '10')
    .option('--mode <mode>', `ranker: ${SEARCH_EVAL_MODES.join(' | ')} (bm25-title = the reference's plain BM25)`, 'full')
    .option('--run <file>', 'also write a run file (search_term,product_uid,score) for search.py --run')
    .option('--disable <features>', `comma-separated features to switch off (ablation): ${ABLATION_FEATURES.join(', ')}`)
    .option('--synonym <rule...>', 'synonym rule, e.g. "moulding, molding" or "fridge => refrigerator" (repeatable)')
    .option('--clicks <file>', 'judgments of other queries (same CSV) used as click history: products judged >= 2.3 count as clicks, synonyms are learned from them; queries also in --judgments are left out')
    .option('--clicks-cross-fit', 'estimate click learning from --judgments alone: each half of the queries (by a hash of their text) is scored with synonyms learned from the other half')
    .option('--encoding <name>', 'file encoding: latin1 (lossless, default) or utf8', 'latin1')
    .option('--json', 'print one JSON document')
    .action(async (flags: SearchEvalFlags) => {
      const merged = { ...program.opts(), ...flags } as SearchEvalFlags;
      const k = Number(merged.k);
      if (!Number.isInteger(k) || k < 1 || k > 1000) throw new CartwiseError('INVALID_PARAM', { name: '--k', reason: 'must be an integer from 1 to 1000' });
      if (!(SEARCH_EVAL_MODES as readonly string[]).includes(merged.mode)) throw new CartwiseError('INVALID_PARAM', { name: '--mode', reason: `must be one of ${SEARCH_EVAL_MODES.join(', ')}` });
      if (merged.encoding !== 'latin1' && merged.encoding !== 'utf8') throw new CartwiseError('INVALID_PARAM', { name: '--encoding', reason: 'must be latin1 or utf8' });
      const disable = (merged.disable ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      for (const d of disable) {
        if (!(ABLATION_FEATURES as readonly string[]).includes(d)) throw new CartwiseError('INVALID_PARAM', { name: '--disable', reason: `unknown feature "${d}"; known: ${ABLATION_FEATURES.join(', ')}` });
      }
      if (merged.clicks !== undefined && merged.clicksCrossFit === true) throw new CartwiseError('INVALID_PARAM', { name: '--clicks', reason: 'give either --clicks or --clicks-cross-fit, not both' });
      if ((merged.clicks !== undefined || merged.clicksCrossFit === true) && merged.mode !== 'full') throw new CartwiseError('INVALID_PARAM', { name: '--mode', reason: 'click learning needs --mode full' });
      const temporary = merged.dataDir === undefined && merged.store === undefined ? mkdtempSync(join(tmpdir(), 'cartwise-search-eval-')) : undefined;
      try {
        await withContext({ ...merged, ...(temporary ? { dataDir: temporary } : {}) }, async (ctx) => {
          let progress: ReturnType<typeof createProgress> | undefined;
          let phase = '';
          const result = await runSearchEval({
            judgmentsPath: merged.judgments,
            productsPath: merged.products,
            k,
            mode: merged.mode as SearchEvalMode,
            encoding: merged.encoding as 'latin1' | 'utf8',
            disable: disable as AblationFeature[],
            ...(merged.synonym ? { synonyms: merged.synonym } : {}),
            ...(merged.run ? { runPath: merged.run } : {}),
            ...(merged.clicks !== undefined ? { clicksPath: merged.clicks } : {}),
            ...(merged.clicksCrossFit === true ? { clicksCrossFit: true } : {}),
            store: ctx.store,
            writeCatalogue: temporary === undefined,
            signal: ctx.signal,
            ...(ctx.json
              ? {}
              : {
                  onProgress: (p: string, done: number, total: number) => {
                  if (p !== phase) {
                    progress?.finish();
                    phase = p;
                    progress = createProgress(p === 'store' ? 'Writing catalogue' : 'Scoring queries', total);
                  }
                  progress?.update(done);
                  },
                }),
          });
          progress?.finish();
          output(ctx, result, () =>
            table(
              ['metric', 'value'],
              Object.entries(result).map(([key, v]) => [key, String(v)]),
            ),
          );
        });
      } finally {
        if (temporary) rmSync(temporary, { recursive: true, force: true });
      }
    });
}
