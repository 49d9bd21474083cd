/**
 * `cartwise search-eval`: indexes an evaluation catalogue (Home Depot CSV format) through the store, then scores
 * every judged query with either the reference's plain BM25 over titles (`bm25-title`, reproduces
 * `shared/reference/search.py` exactly) or the full Cartwise ranker (`full`), with switches for ablations, and
 * optionally with synonyms learned from judgments used as a click log (`clicksPath`, `clicksCrossFit`).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Item } from '../core/schemas/index.ts';
import type { Store } from '../store/store.ts';
import { evaluateRanking, loadJudgments, loadProducts, RUN_FILE_HEADER, runFileLine, type SearchEvalMetrics } from './evaluation.ts';
import type { TextEncodingName } from './csv.ts';
import { SearchEngine } from './search-engine.ts';
import { DEFAULT_BM25F, SearchIndex, type Bm25fParams } from './search-index.ts';
import type { AnalyzerOptions } from './tokenizer.ts';
import { parseSynonyms, type ExpansionOptions, type SynonymMap } from './query-expansion.ts';
import { learnClickSynonyms, type QueryClicks } from './click-synonyms.ts';
import { normalizeQueryKey } from './ranking.ts';
import type { Judgment } from './evaluation.ts';

/** A judged product with at least this relevance (1–3 scale) stands in for a click when judgments are a click log. */
export const CLICK_MIN_RELEVANCE = 2.3;

export const SEARCH_EVAL_MODES = ['bm25-title', 'full'] as const;
export type SearchEvalMode = (typeof SEARCH_EVAL_MODES)[number];

/** Features that `--disable` can switch off in `full` mode, for ablations. */
export const ABLATION_FEATURES = ['stem', 'stopwords', 'units', 'hyphen-joins', 'typos', 'compounds', 'synonyms', 'coord', 'proximity', 'field-weights', 'feedback', 'associations', 'brands', 'wordnet'] as const;
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
  /**
   * Judgments of other queries (same CSV format) used as the store's click history: products judged ≥
   * {@link CLICK_MIN_RELEVANCE} count as clicks, and synonyms are learned from them (`click-synonyms.ts`). Queries
   * that are also in `judgmentsPath` are left out of the history, so no query learns from its own judgments.
   */
  clicksPath?: string;
  /**
   * Estimate click learning on the judgments alone: queries are split in two halves by a hash of their text, and
   * each half is scored with synonyms learned from the other half's judgments (2-fold cross-fitting).
   */
  clicksCrossFit?: boolean;
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

/** Judged-relevant products per query, as a click log (see {@link CLICK_MIN_RELEVANCE}). */
export function judgmentsAsClicks(judgments: readonly Judgment[], skip: ReadonlySet<string> = new Set()): (QueryClicks & { clicked: string[] })[] {
  const byQuery = new Map<string, string[]>();
  for (const j of judgments) {
    const key = normalizeQueryKey(j.query);
    if (j.relevance < CLICK_MIN_RELEVANCE || skip.has(key)) continue;
    let list = byQuery.get(key);
    if (!list) byQuery.set(key, (list = []));
    list.push(j.productId);
  }
  return [...byQuery].map(([query, clicked]) => ({ query, clicked }));
}

/** The cross-fitting half (0 or 1) of a query: first byte of SHA-256 of its normalised text. */
export function crossFitHalf(query: string): number {
  return (createHash('sha256').update(normalizeQueryKey(query), 'utf8').digest()[0] as number) & 1;
}

/** What click learning used: queries and clicks in the history, words that got synonyms. */
export interface ClickLearningReport {
  source: 'file' | 'cross-fit';
  queries: number;
  clicks: number;
  words: number;
  /** Judged queries also in the click file, left out of the history. */
  excluded_queries?: number;
}

/** Runs the evaluation (see the module header) and returns the reference's metric names plus timings. */
export async function runSearchEval(options: SearchEvalOptions): Promise<SearchEvalMetrics & { index_seconds: number; eval_seconds: number; mode: string; click_learning?: ClickLearningReport }> {
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

  const expansion: ExpansionOptions = { typos: !off.has('typos'), compounds: !off.has('compounds'), synonyms: !off.has('synonyms'), wordnet: !off.has('wordnet'), feedback: !off.has('feedback'), associations: !off.has('associations') };
  const engine = new SearchEngine(index, { expansion, weights: { coordPower: off.has('coord') ? 0 : 1, ...(off.has('proximity') ? { proximity: 0 } : {}) }, ...(off.has('brands') ? { recallStage: { brandMissing: 0 } } : {}) });
  const configured = options.synonyms && !off.has('synonyms') ? parseSynonyms(options.synonyms) : new Map() as SynonymMap;
  engine.expander.synonyms = configured;
  let clickReport: ClickLearningReport | undefined;
  // With cross-fitting, each query's click-learned synonyms come from the other half of the queries.
  let learnedFor: ((q: string) => SynonymMap) | undefined;
  if (mode === 'full' && options.clicksPath !== undefined) {
    const judged = new Set(judgments.map((j) => normalizeQueryKey(j.query)));
    const history = loadJudgments(options.clicksPath, options.encoding);
    const excluded = new Set(history.map((j) => normalizeQueryKey(j.query)).filter((q) => judged.has(q)));
    const log = judgmentsAsClicks(history, judged);
    const learned = learnClickSynonyms(index, log);
    engine.expander.learnedSynonyms = learned;
    clickReport = { source: 'file', queries: log.length, clicks: log.reduce((n, c) => n + c.clicked.length, 0), words: learned.size, excluded_queries: excluded.size };
  } else if (mode === 'full' && options.clicksCrossFit === true) {
    const halves = [0, 1].map((h) => judgmentsAsClicks(judgments.filter((j) => crossFitHalf(j.query) === h)));
    const learned = halves.map((log) => learnClickSynonyms(index, log));
    learnedFor = (q) => learned[1 - crossFitHalf(q)] as SynonymMap;
    clickReport = { source: 'cross-fit', queries: halves[0]!.length + halves[1]!.length, clicks: halves.reduce((n, log) => n + log.reduce((m, c) => m + c.clicked.length, 0), 0), words: Math.round(((learned[0]!.size + learned[1]!.size) / 2) * 10) / 10 };
  }
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
      : (q: string) => {
          if (learnedFor) engine.expander.learnedSynonyms = learnedFor(q);
          return engine.textScores(q).scored.scores;
        };
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
  return { ...metrics, mode, ...(clickReport ? { click_learning: clickReport } : {}), index_seconds: Math.round(indexSeconds * 1000) / 1000, eval_seconds: Math.round(((performance.now() - t1) / 1000) * 1000) / 1000 };
}
