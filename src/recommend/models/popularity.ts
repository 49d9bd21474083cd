/**
 * Popularity: all-time (distinct users per item, as `recs.py` `pop`), trending (interactions decayed with a
 * half-life from the latest event) and per category (`popularIn`).
 * Paper: none — the baseline every recommender paper reports.
 * Complexity: fit O(nnz); recommend O(nItems log k).
 * Limits: not personalised (apart from excluding seen items); categories need item metadata in the fit data.
 */
import { z } from 'zod';
import type { Artifact } from '../../store/store.ts';
import { bytesOf, float64Of } from '../../store/artifact-codec.ts';
import type { InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, csrBuffers, parseParams, requireBuffer, topK, type Profile, type Recommendations, type RecommenderFactory } from '../recommender.ts';
import { DAY_MS } from '../../core/time.ts';

export const popularityParamsSchema = z.object({
  mode: z.enum(['users', 'weight', 'trending']).default('users').describe('users: distinct users per item (all-time); weight: summed interaction weight; trending: events decayed by halfLifeDays'),
  halfLifeDays: z.number().positive().default(7).describe('half-life of the trending decay, in days (mode trending)'),
});
export type PopularityParams = z.infer<typeof popularityParamsSchema>;

/** Popularity model; `popularIn(category, k)` gives the per-category lists. */
export class PopularityRecommender extends BaseRecommender<PopularityParams> {
  readonly kind = 'pop';
  /** [nItems] popularity score */
  popularity: Float64Array = new Float64Array(0);
  /** [nItems] category path of each item ('' when unknown) */
  categories: string[] = [];

  protected async fitModel(data: InteractionData): Promise<void> {
    const pop = new Float64Array(data.nItems);
    const { mode, halfLifeDays } = this.params;
    if (mode === 'trending') {
      const hl = halfLifeDays * DAY_MS;
      for (let p = 0; p < data.seqItems.length; p++) {
        pop[data.seqItems[p] as number]! += (data.seqWeights[p] as number) * Math.pow(2, -(data.maxTs - (data.seqTs[p] as number)) / hl);
      }
    } else {
      const m = data.matrix;
      for (let p = 0; p < m.indices.length; p++) pop[m.indices[p] as number]! += mode === 'users' ? 1 : (m.values[p] as number);
    }
    this.popularity = pop;
    this.categories = data.itemMeta ? data.itemMeta.map((it) => it?.category ?? '') : [];
  }

  protected scoreProfile(_profile: Profile, out: Float64Array): boolean {
    out.set(this.popularity);
    return true;
  }

  /** The k most popular items whose category path starts with `category` (e.g. `Home > Kitchen`). */
  popularIn(category: string, k: number): Recommendations {
    const prefix = category.trim();
    return topK(this.popularity, k, (i) => {
      const c = this.categories[i] ?? '';
      return c === prefix || c.startsWith(prefix + ' >') || c.startsWith(prefix + '>');
    });
  }

  toArtifact(): Artifact {
    return {
      manifest: this.manifest({ categories: this.categories }),
      buffers: { ...csrBuffers('history', this.history), popularity: bytesOf(this.popularity) },
    };
  }
}

export const popularityFactory: RecommenderFactory<PopularityParams> = {
  kind: 'pop',
  description: 'Most popular items (all-time, trending with decay, or per category)',
  paramsSchema: popularityParamsSchema,
  create: (params) => new PopularityRecommender(parseParams(popularityParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new PopularityRecommender(parseParams(popularityParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.popularity = float64Of(requireBuffer(artifact, 'popularity'));
    m.categories = (artifact.manifest.categories as string[] | undefined) ?? [];
    return m;
  },
};
