import type { Command } from 'commander';
import { CartwiseError } from '../../core/errors.ts';
import { parseFilterString, SEARCH_SORTS, type SearchSort } from '../../search/search-engine.ts';
import { LocalModelEmbedder } from '../../search/local-model-embedder.ts';
import { SearchService } from '../../search/search-service.ts';
import { parseRankingWeights } from '../../search/ranking.ts';
import { embedderFromConfig } from '../../search/embedder-config.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';

interface SearchFlags extends GlobalFlags {
  filters?: string;
  sort: string;
  page: string;
  pageSize: string;
  user?: string;
  rebuild?: boolean;
  autocomplete?: boolean;
  synonym?: string[];
  hybrid?: boolean;
  modelDir?: string;
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('Search the catalogue as the storefront would (same engine as GET /v1/search): typo tolerance, units, price and attribute constraints, facets')
    .argument('<query>', 'what a shopper typed, e.g. "bamboo shade 96 in under 50"')
    .option('--filters <spec>', 'filters: field:v1|v2;price:10..50;inStock:true')
    .option('--sort <sort>', `one of ${SEARCH_SORTS.join(', ')}`, 'relevance')
    .option('--page <n>', 'page (1-based)', '1')
    .option('--page-size <n>', 'results per page (1-100)', '10')
    .option('--user <id>', 'personalise for this user id')
    .option('--synonym <rule...>', 'synonym rule, e.g. "sofa, couch" (repeatable)')
    .option('--hybrid', 'fuse lexical results with the built-in character n-gram embedder (reciprocal rank fusion)')
    .option('--model-dir <dir>', 'fuse with a local static sentence-embedding model directory (model.safetensors + tokenizer.json)')
    .option('--autocomplete', 'show autocomplete suggestions for the query instead')
    .option('--rebuild', 'rebuild the search index from the catalogue first')
    .option('--json', 'print one JSON document')
    .action(async (query: string, flags: SearchFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        if (!(SEARCH_SORTS as readonly string[]).includes(flags.sort)) throw new CartwiseError('INVALID_PARAM', { name: '--sort', reason: `must be one of ${SEARCH_SORTS.join(', ')}` });
        // Flags win over the configured embedder (`searchEmbedder`).
        const embedder = flags.modelDir ? new LocalModelEmbedder(flags.modelDir) : flags.hybrid ? ('hashing' as const) : embedderFromConfig(ctx.config);
        const service = new SearchService(ctx.store, { log: ctx.log, recordSearches: false, engine: { weights: parseRankingWeights(ctx.config.searchWeights) }, ...(flags.synonym ? { synonyms: flags.synonym } : {}), ...(embedder ? { embedder } : {}) });
        await service.whenEmbedded(); // one search: wait for the catalogue's vectors rather than answer lexically
        if (flags.rebuild) await service.rebuild();
        if (flags.autocomplete) {
          const s = await service.autocomplete(query, 8);
          output(ctx, s, () => [`queries: ${s.queries.join(', ') || '–'}`, `words:   ${s.words.join(', ') || '–'}`, '', table(['id', 'title'], s.items.map((i) => [i.id, i.title]))].join('\n'));
          return;
        }
        const r = await service.search({
          q: query,
          ...(flags.filters ? { filters: parseFilterString(flags.filters) } : {}),
          sort: flags.sort as SearchSort,
          page: Number(flags.page),
          pageSize: Number(flags.pageSize),
          ...(flags.user ? { userId: flags.user } : {}),
          highlight: false,
        });
        output(ctx, r, () =>
          [
            `${r.total.toLocaleString('en-US')} result(s) for "${r.query}" in ${r.tookMs} ms · searchId ${r.searchId}`,
            ...(r.didYouMean ? [`Did you mean: ${r.didYouMean}`] : []),
            ...(r.understood.length ? [`Understood: ${r.understood.join(', ')}`] : []),
            ...(r.recovery ? [`No exact match; recovery: ${r.recovery}`] : []),
            '',
            table(['#', 'id', 'title', 'price', 'score'], r.hits.map((h, i) => [(r.page - 1) * r.pageSize + i + 1, h.id, h.title.slice(0, 70), h.price ?? null, h.score])),
            ...(r.facets && r.facets.category.length ? ['', 'Categories: ' + r.facets.category.slice(0, 6).map((f) => `${f.value} (${f.count})`).join(', ')] : []),
            ...(r.facets && r.facets.brand.length ? ['Brands: ' + r.facets.brand.slice(0, 6).map((f) => `${f.value} (${f.count})`).join(', ')] : []),
          ].join('\n'),
        );
      }),
    );
}
