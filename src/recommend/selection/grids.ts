/**
 * Small per-algorithm hyper-parameter grids for model selection. Each algorithm's first entry is its most
 * reliable setting (tried first, so a tight budget still compares every algorithm once); later entries are tried
 * round-robin across algorithms while the budget lasts. Names follow the hyper-parameter contract of issue 3
 * (EASE `lambda`; item-kNN `neighbors`, `shrink`; ALS `factors`, `iterations`, `alpha`, `reg`; BPR `factors`,
 * `epochs`, `lr`, `reg`; SAR `similarity`, `halfLifeDays`). Registered algorithms without a grid run with their
 * defaults only.
 */
import { algorithmNames, getFactory } from '../models/index.ts';

export type ParamGrid = readonly Readonly<Record<string, unknown>>[];

/** The default grids, by algorithm name. */
export const defaultGrids: Readonly<Record<string, ParamGrid>> = {
  pop: [{ mode: 'users' }, { mode: 'trending', halfLifeDays: 14 }],
  itemknn: [{ neighbors: 100, shrink: 0 }, { neighbors: 50, shrink: 10 }, { neighbors: 200, shrink: 0, similarity: 'asymmetric', asymmetricAlpha: 0.5 }],
  sar: [{ similarity: 'jaccard', halfLifeDays: 30 }, { similarity: 'lift', halfLifeDays: 30 }, { similarity: 'cosine', halfLifeDays: 0 }],
  ease: [{ lambda: 300 }, { lambda: 100 }, { lambda: 1000 }, { lambda: 30 }],
  als: [{ factors: 64, iterations: 15, alpha: 10, reg: 0.1 }, { factors: 32, iterations: 15, alpha: 20, reg: 0.1 }],
  bpr: [{ factors: 64, epochs: 30, lr: 0.05, reg: 0.001 }],
};

/**
 * Algorithms whose fit is slow or open-ended (iterative training, composites): tried after the others in each
 * round, so that a tight budget still compares every fast algorithm.
 */
export const slowAlgorithms: ReadonlySet<string> = new Set(['als', 'bpr', 'sasrec', 'hybrid']);

/** Algorithms model selection tries by default: every registered one, fast ones first. */
export function defaultAlgorithms(): string[] {
  const names = algorithmNames();
  return [...names.filter((n) => !slowAlgorithms.has(n)), ...names.filter((n) => slowAlgorithms.has(n))];
}

/** One point of the search: an algorithm and its (partial) parameters. */
export interface Candidate {
  algo: string;
  params: Record<string, unknown>;
}

/**
 * The candidates for a set of algorithms, interleaved round-robin: every algorithm's first grid point, then every
 * second point, and so on. Unknown names throw `UNKNOWN_ALGORITHM` (through the registry).
 */
export function candidatesFor(algorithms: readonly string[], grids: Readonly<Record<string, ParamGrid>> = defaultGrids): Candidate[] {
  const lists = algorithms.map((algo) => {
    getFactory(algo);
    const grid = grids[algo] ?? defaultGrids[algo] ?? [{}];
    return { algo, grid: grid.length > 0 ? grid : [{}] };
  });
  const out: Candidate[] = [];
  const depth = Math.max(0, ...lists.map((l) => l.grid.length));
  for (let d = 0; d < depth; d++) for (const l of lists) if (d < l.grid.length) out.push({ algo: l.algo, params: { ...(l.grid[d] as Record<string, unknown>) } });
  return out;
}
