/**
 * Model selection (issue 3 part 4): a time-based validation split of the event table (the last `testFraction` of
 * the time range held out, as the evaluator's `time` protocol), a small hyper-parameter grid per algorithm tried
 * round-robin within a time budget, every candidate scored with the one evaluator (full ranking, training items
 * excluded), and the best picked by one metric (default `ndcg@10`). The result is a leaderboard: every candidate
 * with its metrics, fit time and status, best first.
 *
 * The budget is enforced three ways: no candidate starts after it is spent; a candidate whose estimated cost
 * (EASE: n³/2 multiply-adds) exceeds what is left is skipped; a running fit may use at most half of what is left
 * (all of it when its cost was estimated or it is the last candidate) and is aborted at that deadline through its
 * progress callback and abort signal, recorded as `timeout`.
 */
import { CartwiseError, isCartwiseError } from '../../core/errors.ts';
import { createRng } from '../../core/random.ts';
import { subsetTable, splitInteractions } from '../eval/split.ts';
import { buildTargets, scoreModel } from '../eval/evaluator.ts';
import { rankingMetrics } from '../eval/metrics.ts';
import type { InteractionTable } from '../interactions/csv-rows.ts';
import type { InteractionData, InteractionOptions } from '../interactions/interaction-builder.ts';
import { getFactory } from '../models/index.ts';
import type { FitProgress, Recommender } from '../recommender.ts';
import { buildEventData, type EventTable } from './event-table.ts';
import { candidatesFor, defaultAlgorithms, type Candidate, type ParamGrid } from './grids.ts';

/** A metric to select by, e.g. `ndcg@10`. */
export interface SelectionMetric {
  key: string;
  name: string;
  k: number;
}

/** Parses `name@k` (a ranking metric, `coverage` or `novelty`); throws `INVALID_PARAM` naming `metric`. */
export function parseSelectionMetric(text: string): SelectionMetric {
  const m = /^([a-z]+)@(\d+)$/.exec(text.trim().toLowerCase());
  const names = [...rankingMetrics.map((r) => r.name), 'coverage', 'novelty'];
  if (!m || !names.includes(m[1] as string) || Number(m[2]) <= 0) {
    throw new CartwiseError('INVALID_PARAM', { name: 'metric', reason: `expected NAME@K with NAME one of ${names.join(', ')} (e.g. ndcg@10); got "${text}"` });
  }
  return { key: `${m[1]}@${Number(m[2])}`, name: m[1] as string, k: Number(m[2]) };
}

export const CandidateStatuses = { ok: 'ok', failed: 'failed', timeout: 'timeout', skipped: 'skipped' } as const;
export type CandidateStatus = keyof typeof CandidateStatuses;

/** One row of the leaderboard. */
export interface LeaderboardEntry {
  algo: string;
  params: Record<string, unknown>;
  status: CandidateStatus;
  /** The selection metric's value (ok entries). */
  score?: number;
  /** Every metric at the selection cut-off (ok entries). */
  metrics?: Record<string, number>;
  fitS?: number;
  /** Why a candidate failed or was skipped. */
  reason?: string;
}

/** The outcome of a selection run (kept as JSON in the store and served by `GET /v1/models`). */
export interface Leaderboard {
  metric: string;
  protocol: { kind: 'time' | 'loo' | 'random'; testFraction?: number };
  trainRows: number;
  testRows: number;
  /** Users scored on the validation split (after sampling). */
  validationUsers: number;
  items: number;
  budgetMs: number;
  elapsedMs: number;
  createdAt: string;
  /** Best first: ok entries by score, then timeouts, failures and skipped candidates. */
  entries: LeaderboardEntry[];
  winner: { algo: string; params: Record<string, unknown>; score: number } | null;
}

export interface SelectionOptions {
  /** Metric to maximise (default `ndcg@10`). */
  metric?: string;
  /** Wall-clock budget for the whole search in milliseconds (default 10 minutes). */
  budgetMs?: number;
  /** Algorithms to try (default: every registered one). */
  algorithms?: readonly string[];
  /** Grids by algorithm (default {@link defaultGrids}). */
  grids?: Readonly<Record<string, ParamGrid>>;
  /** Share of the time range held out for validation (default 0.1). */
  testFraction?: number;
  /**
   * How the validation split is cut (default `time`: the last `testFraction` of the time range, what serving
   * faces). `loo` holds out each user's last interaction; `random` holds out 25% of each user's rows (seeded).
   * Match the protocol the chosen model will be judged by.
   */
  validationProtocol?: 'time' | 'loo' | 'random';
  /** At most this many validation users are scored (seeded sample; default 3000). */
  maxValidationUsers?: number;
  /** Builder options of the training matrix. */
  interactions?: InteractionOptions;
  seed?: number;
  signal?: AbortSignal;
  /** Progress: phase `candidate` counts finished candidates; phase `fit` relays the running model's progress. */
  onProgress?: (progress: FitProgress & { algo?: string }) => void;
  /** Called after every candidate (live leaderboards). */
  onEntry?: (entry: LeaderboardEntry) => void;
  /** Cost per EASE multiply-add in seconds for the budget estimate (default 2e-10: the wasm SIMD inverse measured 0.6–1.3e-10 on this 2-core machine, with margin). */
  secondsPerFlop?: number;
  /** After the single models, try blends of the best one with the next best algorithms ({@link blendCandidates}; default true). */
  blends?: boolean;
}

function sampleTargets(targets: Map<number, Set<number>>, max: number, seed: number): Map<number, Set<number>> {
  if (targets.size <= max) return targets;
  const users = [...targets.keys()].sort((a, b) => a - b);
  createRng(seed).shuffle(users);
  const out = new Map<number, Set<number>>();
  for (const u of users.slice(0, max)) out.set(u, targets.get(u) as Set<number>);
  return out;
}

/** Estimated fit seconds of a candidate where it is predictable (EASE's dense inverse), else undefined. */
export function estimateFitSeconds(candidate: Candidate, data: InteractionData, secondsPerFlop = 2e-10): number | undefined {
  if (candidate.algo !== 'ease') return undefined;
  const cap = Number(candidate.params.maxItems ?? 20_000);
  const n = Math.min(data.nItems, cap);
  return (n * n * n * 0.5 + n * n) * secondsPerFlop;
}

function rankEntries(entries: LeaderboardEntry[]): LeaderboardEntry[] {
  const order: Record<CandidateStatus, number> = { ok: 0, timeout: 1, failed: 2, skipped: 3 };
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => order[a.e.status] - order[b.e.status] || (b.e.score ?? -Infinity) - (a.e.score ?? -Infinity) || a.i - b.i)
    .map((x) => x.e);
}

/** Weights of the best model in the blends that selection tries. */
export const BLEND_WEIGHTS = [0.7, 0.5] as const;

/**
 * Hybrid candidates from a ranked leaderboard: the best single model blended with each of the next `partners` best
 * other algorithms (each at its best parameters), at {@link BLEND_WEIGHTS}. Sequence models and hybrids are not
 * blended here (too slow to refit twice within a budget; a hybrid cannot contain a hybrid).
 */
export function blendCandidates(ranked: readonly LeaderboardEntry[], partners = 3): Candidate[] {
  const singles = ranked.filter((e) => e.status === 'ok' && e.algo !== 'hybrid' && e.algo !== 'sasrec');
  const best = singles[0];
  if (!best) return [];
  const chosen: LeaderboardEntry[] = [];
  const seen = new Set([best.algo]);
  for (const e of singles) {
    if (chosen.length >= partners) break;
    if (seen.has(e.algo)) continue;
    seen.add(e.algo);
    chosen.push(e);
  }
  const prefixed = (e: LeaderboardEntry) => Object.fromEntries(Object.entries(e.params).map(([k, v]) => [`${e.algo}.${k}`, v]));
  return chosen.flatMap((p) =>
    BLEND_WEIGHTS.map((w) => ({
      algo: 'hybrid',
      params: { algos: `${best.algo},${p.algo}`, weights: `${w},${Math.round((1 - w) * 10) / 10}`, ...prefixed(best), ...prefixed(p) },
    })),
  );
}

/**
 * Runs model selection on an interaction table (the store's event table, or rows read from a CSV file, e.g. for
 * `cartwise evaluate --algo auto`) and returns the leaderboard (the caller fits the winner on all data).
 * Throws `ABORTED` when `signal` fires, `INVALID_PARAM` for a bad metric or fraction, `UNKNOWN_ALGORITHM` for
 * an unknown name, and `VALIDATION_FAILED` when the split leaves nothing to validate on.
 */
export async function selectModel(table: InteractionTable & Partial<Pick<EventTable, 'sessions'>>, options: SelectionOptions = {}): Promise<Leaderboard> {
  const started = Date.now();
  const metric = parseSelectionMetric(options.metric ?? 'ndcg@10');
  const budgetMs = options.budgetMs ?? 10 * 60_000;
  if (!(budgetMs > 0)) throw new CartwiseError('INVALID_PARAM', { name: 'budget', reason: `must be positive; got ${budgetMs} ms` });
  const deadline = started + budgetMs;
  const testFraction = options.testFraction ?? 0.1;
  const seed = options.seed ?? 42;
  const candidates = candidatesFor(options.algorithms ?? defaultAlgorithms(), options.grids);

  const validationProtocol = options.validationProtocol ?? 'time';
  const split = splitInteractions(table, { protocol: validationProtocol, testFraction, ratio: 0.75, stratify: 'user', seed, minUserInteractions: 2 });
  const data = buildEventData(table, options.interactions ?? {}, split.train);
  const test = subsetTable(table, split.test);
  const targets = sampleTargets(buildTargets(data, test), options.maxValidationUsers ?? 3000, seed);
  if (targets.size === 0) {
    throw new CartwiseError('VALIDATION_FAILED', {
      reason: `no user has interactions both before and after the validation cut (the last ${Math.round(testFraction * 100)}% of the time range); send more events or train one algorithm with --algo`,
    });
  }

  const entries: LeaderboardEntry[] = [];
  let total = candidates.length;
  const record = (e: LeaderboardEntry) => {
    entries.push(e);
    options.onEntry?.(e);
    options.onProgress?.({ phase: 'candidate', done: entries.length, total, algo: e.algo });
  };
  const trial = async (cand: Candidate, last: boolean): Promise<void> => {
    if (options.signal?.aborted) throw new CartwiseError('ABORTED');
    const left = deadline - Date.now();
    if (left <= 0) {
      record({ ...cand, status: 'skipped', reason: 'budget spent' });
      return;
    }
    const est = estimateFitSeconds(cand, data, options.secondsPerFlop);
    if (est !== undefined && est * 1000 > left) {
      record({ ...cand, status: 'skipped', reason: `estimated fit ${est.toFixed(0)} s exceeds the ${(left / 1000).toFixed(0)} s left` });
      return;
    }
    let model: Recommender;
    try {
      model = getFactory(cand.algo).create(cand.params);
    } catch (err) {
      record({ ...cand, status: 'failed', reason: (err as Error).message });
      return;
    }
    // One candidate may use at most half of what is left (all of it when its cost was estimated, or when it is the
    // last one), so that a slow fit cannot starve the rest of the search.
    const allowedMs = est !== undefined || last ? left : left / 2;
    const candidateDeadline = Date.now() + allowedMs;
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), Math.max(1, allowedMs));
    const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
    const t0 = performance.now();
    try {
      await model.fit(data, {
        seed,
        signal,
        onProgress: (p) => {
          // Synchronous fits (a dense inverse) cannot see the timer fire: check the clock here too.
          if (Date.now() > candidateDeadline || options.signal?.aborted) throw new CartwiseError('ABORTED');
          options.onProgress?.({ ...p, phase: `fit ${cand.algo}: ${p.phase}`, algo: cand.algo });
        },
      });
      const fitS = (performance.now() - t0) / 1000;
      const scores = scoreModel(model, data, targets, [metric.k], signal);
      const score = scores[metric.key];
      if (score === undefined) throw new CartwiseError('INTERNAL', { reason: `metric ${metric.key} was not computed` });
      const metrics = Object.fromEntries(Object.entries(scores).filter(([k]) => k.endsWith(`@${metric.k}`)));
      record({ algo: cand.algo, params: { ...model.params }, status: 'ok', score, metrics, fitS: Math.round(fitS * 1000) / 1000 });
    } catch (err) {
      if (options.signal?.aborted) throw new CartwiseError('ABORTED');
      const fitS = Math.round(((performance.now() - t0) / 1000) * 1000) / 1000;
      if (isCartwiseError(err) && err.code === 'ABORTED') record({ ...cand, status: 'timeout', fitS, reason: `stopped after ${fitS.toFixed(0)} s, its share of the budget` });
      else record({ ...cand, status: 'failed', fitS, reason: (err as Error).message });
    } finally {
      clearTimeout(timeout);
    }
  };
  const blending = options.blends !== false;
  for (const [i, cand] of candidates.entries()) await trial(cand, !blending && i === candidates.length - 1);
  if (blending && Date.now() < deadline) {
    const blends = blendCandidates(rankEntries(entries));
    total += blends.length;
    for (const [i, cand] of blends.entries()) await trial(cand, i === blends.length - 1);
  }
  const ranked = rankEntries(entries);
  const best = ranked[0]?.status === 'ok' ? ranked[0] : undefined;
  return {
    metric: metric.key,
    protocol: validationProtocol === 'time' ? { kind: 'time', testFraction } : { kind: validationProtocol },
    trainRows: split.train.length,
    testRows: split.test.length,
    validationUsers: targets.size,
    items: data.nItems,
    budgetMs,
    elapsedMs: Date.now() - started,
    createdAt: new Date().toISOString(),
    entries: ranked,
    winner: best ? { algo: best.algo, params: best.params, score: best.score as number } : null,
  };
}
