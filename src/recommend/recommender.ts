/**
 * The `Recommender` shape (STYLE.md "How algorithms are shaped"): every algorithm fits on
 * {@link InteractionData}, scores all items for a user or a context of recent items, and serialises to an
 * artifact (manifest + typed arrays). Loading lives on the factory, which also holds the zod parameter schema.
 * Models see only dense indices; the id maps live in the interaction data and in the artifact manifest.
 */
import type { z } from 'zod';
import { CartwiseError } from '../core/errors.ts';
import type { Artifact } from '../store/store.ts';
import { bytesOf, float32Of, int32Of } from '../store/artifact-codec.ts';
import type { Csr, InteractionData } from './interactions/interaction-builder.ts';

/** Progress of a long fit, for progress bars. */
export interface FitProgress {
  phase: string;
  done: number;
  total: number;
}

export interface FitOptions {
  /** Aborts the fit at the next safe point with `CartwiseError('ABORTED')`. */
  signal?: AbortSignal;
  /** Seed of every random choice (initialisation, sampling). */
  seed?: number;
  onProgress?: (progress: FitProgress) => void;
}

/** Who to recommend for: a user index, or a context of recent items (session, cold user), or both. */
export type RecommendQuery = number | { user?: number; recentItems?: ArrayLike<number> };

export interface RecommendOptions {
  /** Leave out the items in the user's history and the context's recent items (default true). */
  excludeSeen?: boolean;
  /** Item indices never to return. */
  exclude?: ArrayLike<number>;
  /** Only these item indices may be returned. */
  candidates?: ArrayLike<number>;
  /** Business filter on an item index (in stock, category…); called only for items that would make the list. */
  filter?: (item: number) => boolean;
}

/** Top-k items, best first, with their scores. */
export interface Recommendations {
  items: Int32Array;
  scores: Float32Array;
}

/** A user's profile as models see it: item indices with weights (history or recent items). */
export interface Profile {
  /** The user index, or -1 for a context without a known user. */
  user: number;
  items: Int32Array;
  values: Float32Array;
}

/** The interface every algorithm implements. */
export interface Recommender {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nItems: number;
  readonly nUsers: number;
  fit(data: InteractionData, options?: FitOptions): Promise<void>;
  /**
   * Fills `out` [nItems] with a score per item (higher is better; -Infinity for items that cannot be scored) and
   * returns false when the query has nothing to score from (unknown user, no known recent items).
   */
  score(query: RecommendQuery, out: Float64Array): boolean;
  /** Top-k items for a user or context; fewer than k when the catalogue (after exclusions) is smaller. */
  recommend(query: RecommendQuery, k: number, options?: RecommendOptions): Recommendations;
  /** Items most similar to `item` (item-based models). */
  similarItems?(item: number, k: number): Recommendations;
  toArtifact(): Artifact;
}

/** Builds models of one algorithm: its parameter schema (defaults + descriptions), `create` and `fromArtifact`. */
export interface RecommenderFactory<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly kind: string;
  readonly description: string;
  readonly paramsSchema: z.ZodType<P>;
  create(params?: Partial<P>): Recommender;
  fromArtifact(artifact: Artifact): Recommender;
}

/**
 * Top-k indices of `scores` by descending score (ties: lower index first), skipping -Infinity/NaN and items the
 * filter rejects. A bounded binary min-heap: O(n log k).
 */
export function topK(scores: Float64Array, k: number, filter?: (item: number) => boolean, candidates?: ArrayLike<number>): Recommendations {
  const n = candidates ? candidates.length : scores.length;
  k = Math.max(0, Math.min(k, n));
  const heapI = new Int32Array(k);
  const heapS = new Float64Array(k);
  let size = 0;
  // "worse" = lower score, or equal score and higher index.
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  for (let c = 0; c < n && k > 0; c++) {
    const i = candidates ? (candidates[c] as number) : c;
    const s = scores[i] as number;
    if (!(s > -Infinity)) continue;
    if (size === k && !worse(heapS[0] as number, heapI[0] as number, s, i)) continue;
    if (filter && !filter(i)) continue;
    if (size < k) {
      let j = size++;
      while (j > 0) {
        const parent = (j - 1) >> 1;
        if (!worse(s, i, heapS[parent] as number, heapI[parent] as number)) break;
        heapS[j] = heapS[parent] as number;
        heapI[j] = heapI[parent] as number;
        j = parent;
      }
      heapS[j] = s;
      heapI[j] = i;
    } else {
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        if (l >= size) break;
        const r = l + 1;
        let m = l;
        if (r < size && worse(heapS[r] as number, heapI[r] as number, heapS[l] as number, heapI[l] as number)) m = r;
        if (!worse(heapS[m] as number, heapI[m] as number, s, i)) break;
        heapS[j] = heapS[m] as number;
        heapI[j] = heapI[m] as number;
        j = m;
      }
      heapS[j] = s;
      heapI[j] = i;
    }
  }
  const idx = Array.from({ length: size }, (_, j) => j);
  idx.sort((a, b) => (heapS[b] as number) - (heapS[a] as number) || (heapI[a] as number) - (heapI[b] as number));
  const items = new Int32Array(size);
  const out = new Float32Array(size);
  idx.forEach((j, r) => {
    items[r] = heapI[j] as number;
    out[r] = heapS[j] as number;
  });
  return { items, scores: out };
}

/** Throws `ABORTED` when the signal fired: call at safe points of long loops. */
export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CartwiseError('ABORTED');
}

/** Lets the event loop breathe (Ctrl-C, progress) inside long synchronous fits. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Serialises a CSR matrix into artifact buffers under a name prefix. */
export function csrBuffers(prefix: string, m: Csr): Record<string, Uint8Array> {
  return {
    [`${prefix}.indptr`]: bytesOf(m.indptr),
    [`${prefix}.indices`]: bytesOf(m.indices),
    [`${prefix}.values`]: bytesOf(m.values),
  };
}

/** Rebuilds a CSR matrix from artifact buffers written by {@link csrBuffers}. */
export function csrFromBuffers(prefix: string, buffers: Record<string, Uint8Array>, rows: number, cols: number): Csr {
  const get = (name: string) => {
    const b = buffers[`${prefix}.${name}`];
    if (!b) throw new CartwiseError('VALIDATION_FAILED', { reason: `artifact buffer "${prefix}.${name}" is missing` });
    return b;
  };
  return { rows, cols, indptr: int32Of(get('indptr')), indices: int32Of(get('indices')), values: float32Of(get('values')) };
}

/** Reads a required typed buffer from an artifact. */
export function requireBuffer(artifact: Artifact, name: string): Uint8Array {
  const b = artifact.buffers[name];
  if (!b) throw new CartwiseError('VALIDATION_FAILED', { reason: `artifact buffer "${name}" is missing` });
  return b;
}

/** The manifest fields every model artifact carries. */
export interface ModelManifest {
  kind: string;
  version: number;
  params: Record<string, unknown>;
  nUsers: number;
  nItems: number;
  [key: string]: unknown;
}

/**
 * The shared half of every model: keeps the training history (CSR, what "seen" means and what item-based
 * models score from), builds the {@link Profile} of a query, and turns scores into top-k with the exclusions.
 * A model implements `fitModel`, `scoreProfile` and its own artifact buffers.
 */
export abstract class BaseRecommender<P extends Record<string, unknown>> implements Recommender {
  abstract readonly kind: string;
  readonly params: P;
  nUsers = 0;
  nItems = 0;
  /** User×item history used for seen-exclusion and profiles; models may store their own weights in it. */
  protected history: Csr = { rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float32Array(0) };
  protected fitted = false;
  private scratch: Float64Array | undefined;

  constructor(params: P) {
    this.params = params;
  }

  async fit(data: InteractionData, options: FitOptions = {}): Promise<void> {
    checkAbort(options.signal);
    this.nUsers = data.nUsers;
    this.nItems = data.nItems;
    this.history = data.matrix;
    await this.fitModel(data, options);
    this.fitted = true;
  }

  protected abstract fitModel(data: InteractionData, options: FitOptions): Promise<void>;

  /** Scores every item for a profile into `out` (pre-filled with 0). Returns false when it cannot. */
  protected abstract scoreProfile(profile: Profile, out: Float64Array): boolean;

  /** The profile of a query: the user's history row, plus recent items (weight 1 each, or the max history weight). */
  profileOf(query: RecommendQuery): Profile {
    const user = typeof query === 'number' ? query : (query.user ?? -1);
    const recent = typeof query === 'number' ? undefined : query.recentItems;
    let items: Int32Array = new Int32Array(0);
    let values: Float32Array = new Float32Array(0);
    if (user >= 0 && user < this.nUsers) {
      const s = this.history.indptr[user] as number;
      const e = this.history.indptr[user + 1] as number;
      items = this.history.indices.subarray(s, e);
      values = this.history.values.subarray(s, e);
    }
    if (recent && recent.length > 0) {
      const merged = new Map<number, number>();
      let maxW = 1;
      for (let p = 0; p < items.length; p++) {
        merged.set(items[p] as number, values[p] as number);
        maxW = Math.max(maxW, values[p] as number);
      }
      for (let p = 0; p < recent.length; p++) {
        const it = recent[p] as number;
        if (it >= 0 && it < this.nItems) merged.set(it, Math.max(merged.get(it) ?? 0, maxW));
      }
      const keys = [...merged.keys()].sort((a, b) => a - b);
      items = Int32Array.from(keys);
      values = Float32Array.from(keys.map((k) => merged.get(k) as number));
    }
    return { user: user >= 0 && user < this.nUsers ? user : -1, items, values };
  }

  score(query: RecommendQuery, out: Float64Array): boolean {
    if (!this.fitted) throw new CartwiseError('MODEL_NOT_READY', { reason: `${this.kind} is not fitted` });
    out.fill(0);
    const profile = this.profileOf(query);
    return this.scoreProfile(profile, out);
  }

  recommend(query: RecommendQuery, k: number, options: RecommendOptions = {}): Recommendations {
    if (this.scratch?.length !== this.nItems) this.scratch = new Float64Array(this.nItems);
    const scores = this.scratch;
    if (!this.score(query, scores)) return { items: new Int32Array(0), scores: new Float32Array(0) };
    if (options.excludeSeen ?? true) {
      const profile = this.profileOf(query);
      for (let p = 0; p < profile.items.length; p++) scores[profile.items[p] as number] = -Infinity;
    }
    if (options.exclude) for (let p = 0; p < options.exclude.length; p++) scores[options.exclude[p] as number] = -Infinity;
    return topK(scores, k, options.filter, options.candidates);
  }

  /** The manifest common fields. */
  protected manifest(extra: Record<string, unknown> = {}): ModelManifest {
    return { kind: this.kind, version: 1, params: { ...this.params }, nUsers: this.nUsers, nItems: this.nItems, ...extra };
  }

  /** Restores the common fields and the history from an artifact (used by factories' `fromArtifact`). */
  restoreBase(artifact: Artifact): void {
    const m = artifact.manifest as ModelManifest;
    if (m.kind !== this.kind) throw new CartwiseError('VALIDATION_FAILED', { reason: `artifact holds a "${String(m.kind)}" model, not "${this.kind}"` });
    this.nUsers = m.nUsers;
    this.nItems = m.nItems;
    this.history = csrFromBuffers('history', artifact.buffers, this.nUsers, this.nItems);
    this.fitted = true;
  }

  abstract toArtifact(): Artifact;
}

/** Parses params with a factory's schema, turning zod issues into `INVALID_PARAM` naming the key. */
export function parseParams<P>(schema: z.ZodType<P>, params: unknown): P {
  const r = schema.safeParse(params ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CartwiseError('INVALID_PARAM', { name: issue?.path.join('.') || '?', reason: issue?.message ?? 'invalid' });
  }
  return r.data;
}
