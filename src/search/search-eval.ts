/**
 * `cartwise search-eval`: indexes an evaluation catalogue (Home Depot CSV format) through the store, then scores
 * every judged query with either the reference's plain BM25 over titles (`bm25-title`, reproduces
 * `shared/reference/search.py` exactly) or the full Cartwise ranker (`full`), with switches for ablations.
 */
import { createWriteStream } from 'node:fs';
import type { Item } from '../core/schemas/index.ts';
import type { Store } from '../store/store.ts';
import { evaluateRanking, loadJudgments, loadProducts, RUN_FILE_HEADER, runFileLine, type SearchEvalMetrics } from './evaluation.ts';
import type { TextEncodingName } from './csv.ts';
import { SearchEngine } from './search-engine.ts';
import { DEFAULT_BM25F, SearchIndex, type Bm25fParams } from './search-index.ts';
import type { AnalyzerOptions } from './tokenizer.ts';
import { parseSynonyms, type ExpansionOptions } from './query-expansion.ts';

export const SEARCH_EVAL_MODES = ['bm25-title', 'full'] as const;
export type SearchEvalMode = (typeof SEARCH_EVAL_MODES)[number];

/** Features that `--disable` can switch off in `full` mode, for ablations. */
export const ABLATION_FEATURES = ['stem', 'stopwords', 'units', 'hyphen-joins', 'typos', 'compounds', 'synonyms', 'coord', 'proximity', 'field-weights', 'feedback', 'associations', 'brands'] as const;
export type AblationFeature = (typeof ABLATION_FEATURES)[number];

export interface SearchEvalOptions {
  judgmentsPath: string;
  productsPath: string;
  k?: number;
  mode?: SearchEvalMode;
  encoding?: TextEncodingName;
  disable?: readonly AblationFeature[];
  /** Synonym rules for the full ranker. */
  synonyms?: string[];
  /** Write a run file (search_term, product_uid, score) the reference script can score with `--run`. */
  runPath?: string;
  /** Where the index artifact (and, with `writeCatalogue`, the catalogue) is saved. */
  store: Store;
  /** Also upsert the catalogue into the store (when the user named a store to keep; slow on large files). */
  writeCatalogue?: boolean;
  signal?: AbortSignal;
  onProgress?(phase: string, done: number, total: number): void;
}

/** The BM25 parameters of the reference script: k1 1.2, b 0.75, title only. */
export const REFERENCE_BM25: Bm25fParams = {
  k1: 1.2,
  fields: {
    title: { weight: 1, b: 0.75 },
    brand: { weight: 0, b: 0 },
    category: { weight: 0, b: 0 },
    tags: { weight: 0, b: 0 },
    attrs: { weight: 0, b: 0 },
    description: { weight: 0, b: 0 },
  },
};

/** Runs the evaluation (see the module header) and returns the reference's metric names plus timings. */
export async function runSearchEval(options: SearchEvalOptions): Promise<SearchEvalMetrics & { index_seconds: number; eval_seconds: number; mode: string }> {
  const mode = options.mode ?? 'full';
  const products = loadProducts(options.productsPath, options.encoding);
  const judgments = loadJudgments(options.judgmentsPath, options.encoding);
  const items: Item[] = products.map((p) => ({ id: p.id, title: p.title.trim() === '' ? '(untitled)' : p.title }));
  for (let i = 0; options.writeCatalogue === true && i < items.length; i += 1000) {
    if (options.signal?.aborted) break;
    await options.store.upsertItems(items.slice(i, i + 1000));
    options.onProgress?.('store', Math.min(i + 1000, items.length), items.length);
  }
  const off = new Set(options.disable ?? []);
  const analyzerOptions: AnalyzerOptions = { stem: !off.has('stem'), stopWords: !off.has('stopwords'), units: !off.has('units'), joinHyphenated: !off.has('hyphen-joins') };
  const t0 = performance.now();
  // Index in file order (not the store's id order) so ties break by catalogue row, as in the reference.
  const index =
    mode === 'bm25-title'
      ? new SearchIndex({ analyzer: 'reference', bm25f: REFERENCE_BM25 })
      : new SearchIndex({ analyzerOptions, bm25f: off.has('field-weights') ? REFERENCE_BM25 : DEFAULT_BM25F });
  index.upsert(products.map((p) => ({ id: p.id, title: p.title })));
  const indexSeconds = (performance.now() - t0) / 1000;
  await options.store.saveArtifact('search-eval-index', index.toArtifact());

  const expansion: ExpansionOptions = { typos: !off.has('typos'), compounds: !off.has('compounds'), synonyms: !off.has('synonyms'), feedback: !off.has('feedback'), associations: !off.has('associations') };
  const engine = new SearchEngine(index, { expansion, weights: { coordPower: off.has('coord') ? 0 : 1, ...(off.has('proximity') ? { proximity: 0 } : {}) }, ...(off.has('brands') ? { recallStage: { brandMissing: 0 } } : {}) });
  if (options.synonyms && !off.has('synonyms')) engine.expander.synonyms = parseSynonyms(options.synonyms);
  const run = options.runPath ? createWriteStream(options.runPath, { encoding: 'utf8' }) : undefined;
  run?.write(RUN_FILE_HEADER);
  const t1 = performance.now();
  const score =
    mode === 'bm25-title'
      ? (() => {
          let scratch: ReturnType<SearchIndex['scoreGroups']> | undefined;
          return (q: string) => {
            if (scratch) SearchIndex.clearScores(scratch);
            scratch = index.scoreGroups([...new Set(index.analyze(q))].map((t) => [{ term: t, weight: 1 }]), scratch);
            return scratch.scores;
          };
        })()
      : (q: string) => engine.textScores(q).scored.scores;
  const metrics = evaluateRanking({
    judgments,
    productIds: products.map((p) => p.id),
    k: options.k ?? 10,
    system: mode === 'bm25-title' ? 'bm25' : 'cartwise',
    score,
    ...(run ? { onRunRow: (q: string, id: string, s: number) => void run.write(runFileLine(q, id, s)) } : {}),
    onProgress: (d, t) => options.onProgress?.('queries', d, t),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (run) await new Promise<void>((resolve, reject) => run.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { ...metrics, mode, index_seconds: Math.round(indexSeconds * 1000) / 1000, eval_seconds: Math.round(((performance.now() - t1) / 1000) * 1000) / 1000 };
}
