/**
 * User-based k-nearest neighbours.
 * Paper: Herlocker et al., "An algorithmic framework for performing collaborative filtering" (SIGIR 1999); top-N
 * variant of Deshpande & Karypis (2004). Cosine similarity between binary user rows, computed at query time
 * through the item→user index, sim(u,v) = |u ∩ v| / (‖u‖‖v‖ + shrink); score(u, i) = Σ_{v ∈ top-k neighbours}
 * sim(u,v) · B_vi. Works the same for a known user and for a context of recent items.
 * Complexity: fit O(nnz) (a transpose); recommend O(Σ_{j∈u} |users(j)| + k · |v|).
 * Limits: query cost grows with item popularity (very popular items touch many users); binary similarity.
 */
import { z } from 'zod';
import type { Artifact } from '../../store/store.ts';
import { transposeCsr, type Csr, type InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, csrBuffers, parseParams, type Profile, type RecommenderFactory } from '../recommender.ts';

export const userKnnParamsSchema = z.object({
  neighbors: z.number().int().positive().default(50).describe('most similar users whose items are scored'),
  shrink: z.number().min(0).default(0).describe('shrinkage added to the similarity denominator'),
});
export type UserKnnParams = z.infer<typeof userKnnParamsSchema>;

/** User-kNN model: keeps the item→user index; neighbours are found per query. */
export class UserKnnRecommender extends BaseRecommender<UserKnnParams> {
  readonly kind = 'userknn';
  private itemUsers: Csr | undefined;
  private overlap: Float64Array | undefined;
  private touched: Int32Array | undefined;

  protected async fitModel(data: InteractionData): Promise<void> {
    this.prepare();
    void data;
  }

  /** Builds the query-time structures from the history. */
  prepare(): void {
    this.itemUsers = transposeCsr(this.history);
    this.overlap = new Float64Array(this.nUsers);
    this.touched = new Int32Array(this.nUsers);
  }

  protected scoreProfile(profile: Profile, out: Float64Array): boolean {
    if (profile.items.length === 0 || !this.itemUsers || !this.overlap || !this.touched) return false;
    const { indptr: uptr, indices: uidx } = this.itemUsers;
    const { indptr, indices } = this.history;
    const overlap = this.overlap;
    const touched = this.touched;
    let nt = 0;
    for (let q = 0; q < profile.items.length; q++) {
      const j = profile.items[q] as number;
      for (let p = uptr[j] as number; p < (uptr[j + 1] as number); p++) {
        const v = uidx[p] as number;
        if (v === profile.user) continue;
        if (overlap[v] === 0) touched[nt++] = v;
        overlap[v]! += 1;
      }
    }
    const normU = Math.sqrt(profile.items.length);
    const { neighbors, shrink } = this.params;
    const cand: { v: number; s: number }[] = [];
    for (let t = 0; t < nt; t++) {
      const v = touched[t] as number;
      const len = (indptr[v + 1] as number) - (indptr[v] as number);
      cand.push({ v, s: (overlap[v] as number) / (normU * Math.sqrt(len) + shrink) });
      overlap[v] = 0;
    }
    cand.sort((a, b) => b.s - a.s || a.v - b.v);
    const top = cand.slice(0, neighbors);
    for (const { v, s } of top) for (let p = indptr[v] as number; p < (indptr[v + 1] as number); p++) out[indices[p] as number]! += s;
    return top.length > 0;
  }

  toArtifact(): Artifact {
    return { manifest: this.manifest(), buffers: csrBuffers('history', this.history) };
  }
}

export const userKnnFactory: RecommenderFactory<UserKnnParams> = {
  kind: 'userknn',
  description: 'User-based kNN: cosine neighbours among users, found at query time',
  paramsSchema: userKnnParamsSchema,
  create: (params) => new UserKnnRecommender(parseParams(userKnnParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new UserKnnRecommender(parseParams(userKnnParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.prepare();
    return m;
  },
};
