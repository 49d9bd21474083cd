/**
 * Hybrid: a weighted blend of any registered models.
 * Paper: Burke, "Hybrid recommender systems: survey and experiments" (UMUAI 2002) — the "weighted" hybrid.
 * Each component scores all items; per query, its finite scores are normalised (min–max to [0, 1], z-score, or
 * rank-based 1 − rank/n) and the blend is Σ w_c · norm_c (an item a component cannot score counts as that
 * component's minimum). Components are named `algos` ("ease,itemknn") with `weights` ("0.7,0.3"); component
 * parameters are given as `<algo>.<param>` (e.g. `ease.lambda`).
 * Complexity: the sum of the components' costs, plus O(nItems) per component per query.
 * Limits: the same algorithm cannot appear twice; weights are not tuned here (model selection does that).
 */
import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import type { Artifact } from '../../store/store.ts';
import type { InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, csrBuffers, type FitOptions, type Profile, type Recommender, type RecommenderFactory, type RecommendQuery } from '../recommender.ts';

export const hybridParamsSchema = z
  .object({
    algos: z.string().default('ease,itemknn').describe('comma-separated component algorithms'),
    weights: z.string().default('').describe('comma-separated blend weights (default: equal)'),
    normalize: z.enum(['minmax', 'zscore', 'rank']).default('minmax').describe('per-query score normalisation of each component'),
  })
  .catchall(z.unknown());
export type HybridParams = z.infer<typeof hybridParamsSchema>;

type Resolve = (name: string) => RecommenderFactory;

/** Hybrid model: fitted components and their weights. */
export class HybridRecommender extends BaseRecommender<HybridParams> {
  readonly kind = 'hybrid';
  components: Recommender[] = [];
  weights: number[] = [];
  private buf: Float64Array | undefined;
  private readonly resolve: Resolve;

  constructor(params: HybridParams, resolve: Resolve, components?: Recommender[]) {
    super(params);
    this.resolve = resolve;
    const names = this.names();
    const w = params.weights.trim() === '' ? names.map(() => 1 / names.length) : params.weights.split(',').map((x) => Number(x.trim()));
    if (w.length !== names.length || w.some((x) => !Number.isFinite(x))) {
      throw new CartwiseError('INVALID_PARAM', { name: 'weights', reason: `expected ${names.length} numbers for ${names.join(',')}; got "${params.weights}"` });
    }
    this.weights = w;
    this.components = components ?? names.map((name) => resolve(name).create(this.componentParams(name)));
  }

  private names(): string[] {
    const names = this.params.algos.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (names.length === 0) throw new CartwiseError('INVALID_PARAM', { name: 'algos', reason: 'name at least one algorithm' });
    if (names.includes('hybrid')) throw new CartwiseError('INVALID_PARAM', { name: 'algos', reason: 'a hybrid cannot contain a hybrid' });
    if (new Set(names).size !== names.length) throw new CartwiseError('INVALID_PARAM', { name: 'algos', reason: 'each algorithm may appear once' });
    return names;
  }

  private componentParams(name: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.params)) if (k.startsWith(`${name}.`)) out[k.slice(name.length + 1)] = v;
    return out;
  }

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    for (const [c, model] of this.components.entries()) {
      await model.fit(data, {
        ...options,
        ...(options.onProgress ? { onProgress: (p) => options.onProgress?.({ ...p, phase: `${model.kind} ${p.phase} (${c + 1}/${this.components.length})` }) } : {}),
      });
    }
  }

  /** Blends the components' scores for the original query (each builds its own profile from it). */
  override score(query: RecommendQuery, out: Float64Array): boolean {
    if (!this.fitted) throw new CartwiseError('MODEL_NOT_READY', { reason: 'hybrid is not fitted' });
    out.fill(0);
    if (this.buf?.length !== this.nItems) this.buf = new Float64Array(this.nItems);
    const buf = this.buf;
    let any = false;
    for (const [c, model] of this.components.entries()) {
      buf.fill(0);
      if (!model.score(query, buf)) continue;
      any = true;
      normalizeScores(buf, this.params.normalize);
      const w = this.weights[c] as number;
      for (let i = 0; i < out.length; i++) out[i]! += w * (buf[i] as number);
    }
    return any;
  }

  protected scoreProfile(_profile: Profile, _out: Float64Array): boolean {
    return false; // unused: `score` is overridden
  }

  toArtifact(): Artifact {
    const buffers: Record<string, Uint8Array> = { ...csrBuffers('history', this.history) };
    const manifests = this.components.map((m, c) => {
      const a = m.toArtifact();
      for (const [name, b] of Object.entries(a.buffers)) buffers[`c${c}/${name}`] = b;
      return a.manifest;
    });
    return { manifest: this.manifest({ components: manifests }), buffers };
  }

  /** Restores components from a hybrid artifact. */
  static fromArtifact(artifact: Artifact, params: HybridParams, resolve: Resolve): HybridRecommender {
    const manifests = artifact.manifest.components as Record<string, unknown>[];
    const components = manifests.map((manifest, c) => {
      const buffers: Record<string, Uint8Array> = {};
      for (const [name, b] of Object.entries(artifact.buffers)) if (name.startsWith(`c${c}/`)) buffers[name.slice(`c${c}/`.length)] = b;
      return resolve(String(manifest.kind)).fromArtifact({ manifest, buffers });
    });
    const m = new HybridRecommender(params, resolve, components);
    m.restoreBase(artifact);
    return m;
  }
}

/**
 * Normalises finite scores in place (min–max, z-score or rank); non-finite scores become the normalised minimum.
 */
export function normalizeScores(s: Float64Array, how: 'minmax' | 'zscore' | 'rank'): void {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sq += v * v;
    n++;
  }
  if (n === 0) {
    s.fill(0);
    return;
  }
  if (how === 'minmax') {
    const span = max - min || 1;
    for (let i = 0; i < s.length; i++) s[i] = Number.isFinite(s[i]) ? ((s[i] as number) - min) / span : 0;
  } else if (how === 'zscore') {
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(sq / n - mean * mean, 0)) || 1;
    const lo = (min - mean) / sd;
    for (let i = 0; i < s.length; i++) s[i] = Number.isFinite(s[i]) ? ((s[i] as number) - mean) / sd : lo;
  } else {
    const idx = Array.from({ length: s.length }, (_, i) => i).filter((i) => Number.isFinite(s[i]));
    idx.sort((a, b) => (s[b] as number) - (s[a] as number) || a - b);
    s.fill(0);
    idx.forEach((i, r) => (s[i] = 1 - r / idx.length));
  }
}

/** The hybrid factory needs the registry to build components; `models/index.ts` passes its lookup. */
export function createHybridFactory(resolve: Resolve): RecommenderFactory<HybridParams> {
  const parse = (params: unknown): HybridParams => {
    const r = hybridParamsSchema.safeParse(params ?? {});
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new CartwiseError('INVALID_PARAM', { name: issue?.path.join('.') || '?', reason: issue?.message ?? 'invalid' });
    }
    return r.data;
  };
  return {
    kind: 'hybrid',
    description: 'Weighted blend of other models with per-query score normalisation',
    paramsSchema: hybridParamsSchema,
    create: (params) => new HybridRecommender(parse(params), resolve),
    fromArtifact: (artifact) => HybridRecommender.fromArtifact(artifact, parse(artifact.manifest.params), resolve),
  };
}
