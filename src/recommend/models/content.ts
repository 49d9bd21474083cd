/**
 * Content-based recommendations from item text.
 * Paper: Pazzani & Billsus, "Content-based recommendation systems" (The Adaptive Web, 2007); TF-IDF of Salton &
 * Buckley (1988). Each item is an L2-normalised TF-IDF vector over tokens of its title (weighted `titleWeight`),
 * description, category path (every level and every prefix, e.g. `cat:home`, `cat:home>kitchen`), tags
 * (`tag:…`) and attributes (`attr:key=value`); IDF = ln((1 + n)/(1 + df)) + 1. A user profile is the weighted sum of
 * the vectors of the items they interacted with; score = profile · item vector (cosine up to the profile norm).
 * Items with text but no interactions are scored too: the cold-start path for new items.
 * Complexity: fit O(total tokens); recommend O(Σ_{t ∈ profile} |items(t)|) through the term→item index.
 * Limits: needs item metadata in the fit data (`catalog` in the builder); no stemming; bag of words only.
 */
import { z } from 'zod';
import type { Item } from '../../core/schemas/index.ts';
import type { Artifact } from '../../store/store.ts';
import { transposeCsr, type Csr, type InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, csrBuffers, csrFromBuffers, parseParams, topK, type Profile, type Recommendations, type RecommenderFactory } from '../recommender.ts';

export const contentParamsSchema = z.object({
  titleWeight: z.number().min(0).default(2).describe('term-frequency multiplier of title tokens'),
  minDf: z.number().int().positive().default(1).describe('terms in fewer items are dropped'),
  maxDfRatio: z.number().gt(0).max(1).default(0.5).describe('terms in more than this share of items are dropped'),
});
export type ContentParams = z.infer<typeof contentParamsSchema>;

const STOPWORDS = new Set('a an and are as at be by for from has in is it its of on or the to with this that'.split(' '));

/** Lower-cased word tokens (letters and digits), stopwords and 1-character tokens dropped. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const t = m[0];
    if (t.length > 1 && !STOPWORDS.has(t)) out.push(t);
  }
  return out;
}

/** Weighted terms of one item (term → raw frequency). */
export function itemTerms(item: Item, titleWeight: number): Map<string, number> {
  const tf = new Map<string, number>();
  const add = (t: string, w: number) => tf.set(t, (tf.get(t) ?? 0) + w);
  for (const t of tokenize(item.title)) add(t, titleWeight);
  if (item.description) for (const t of tokenize(item.description)) add(t, 1);
  if (item.category) {
    const levels = item.category.split('>').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
    for (let l = 0; l < levels.length; l++) add(`cat:${levels.slice(0, l + 1).join('>')}`, 1);
    for (const level of levels) for (const t of tokenize(level)) add(t, 1);
  }
  for (const tag of item.tags ?? []) add(`tag:${tag.toLowerCase()}`, 1);
  for (const [k, v] of Object.entries(item.attrs ?? {})) add(`attr:${k.toLowerCase()}=${String(v).toLowerCase()}`, 1);
  return tf;
}

/** Content model: item×term TF-IDF matrix (rows L2-normalised) and its transpose. */
export class ContentRecommender extends BaseRecommender<ContentParams> {
  readonly kind = 'content';
  /** [nItems × nTerms] L2-normalised TF-IDF rows */
  itemTerms: Csr = { rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float32Array(0) };
  private termItems: Csr | undefined;

  protected async fitModel(data: InteractionData): Promise<void> {
    const meta = data.itemMeta ?? [];
    const { titleWeight, minDf, maxDfRatio } = this.params;
    const docs = Array.from({ length: data.nItems }, (_, i) => (meta[i] ? itemTerms(meta[i] as Item, titleWeight) : new Map<string, number>()));
    const df = new Map<string, number>();
    for (const d of docs) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const nDocs = docs.filter((d) => d.size > 0).length;
    const vocab = new Map<string, number>();
    const idf: number[] = [];
    for (const [t, c] of [...df.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (c < minDf || c > Math.max(1, maxDfRatio * nDocs)) continue;
      vocab.set(t, idf.length);
      idf.push(Math.log((1 + nDocs) / (1 + c)) + 1);
    }
    const indptr = new Int32Array(data.nItems + 1);
    const indices: number[] = [];
    const values: number[] = [];
    docs.forEach((d, i) => {
      const row: [number, number][] = [];
      for (const [t, f] of d) {
        const id = vocab.get(t);
        if (id !== undefined) row.push([id, f * (idf[id] as number)]);
      }
      row.sort((a, b) => a[0] - b[0]);
      const norm = Math.sqrt(row.reduce((s, [, v]) => s + v * v, 0)) || 1;
      for (const [id, v] of row) {
        indices.push(id);
        values.push(v / norm);
      }
      indptr[i + 1] = indices.length;
    });
    this.itemTerms = { rows: data.nItems, cols: idf.length, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
    this.termItems = transposeCsr(this.itemTerms);
  }

  /** Prepares the term→item index after loading. */
  prepare(): void {
    this.termItems = transposeCsr(this.itemTerms);
  }

  private scoreTerms(terms: Map<number, number>, out: Float64Array): boolean {
    const ti = this.termItems;
    if (!ti || terms.size === 0) return false;
    for (const [t, w] of terms) for (let p = ti.indptr[t] as number; p < (ti.indptr[t + 1] as number); p++) out[ti.indices[p] as number]! += w * (ti.values[p] as number);
    return true;
  }

  protected scoreProfile(profile: Profile, out: Float64Array): boolean {
    const terms = new Map<number, number>();
    const m = this.itemTerms;
    for (let q = 0; q < profile.items.length; q++) {
      const j = profile.items[q] as number;
      const w = profile.values[q] as number;
      for (let p = m.indptr[j] as number; p < (m.indptr[j + 1] as number); p++) terms.set(m.indices[p] as number, (terms.get(m.indices[p] as number) ?? 0) + w * (m.values[p] as number));
    }
    return this.scoreTerms(terms, out);
  }

  similarItems(item: number, k: number): Recommendations {
    const m = this.itemTerms;
    const terms = new Map<number, number>();
    for (let p = m.indptr[item] as number; p < (m.indptr[item + 1] as number); p++) terms.set(m.indices[p] as number, m.values[p] as number);
    const scores = new Float64Array(this.nItems);
    if (!this.scoreTerms(terms, scores)) return { items: new Int32Array(0), scores: new Float32Array(0) };
    for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = -Infinity;
    scores[item] = -Infinity;
    return topK(scores, k);
  }

  toArtifact(): Artifact {
    return { manifest: this.manifest({ nTerms: this.itemTerms.cols }), buffers: { ...csrBuffers('history', this.history), ...csrBuffers('terms', this.itemTerms) } };
  }
}

export const contentFactory: RecommenderFactory<ContentParams> = {
  kind: 'content',
  description: 'Content-based: TF-IDF over title, description, category path, tags and attributes',
  paramsSchema: contentParamsSchema,
  create: (params) => new ContentRecommender(parseParams(contentParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new ContentRecommender(parseParams(contentParamsSchema, artifact.manifest.params));
    m.restoreBase(artifact);
    m.itemTerms = csrFromBuffers('terms', artifact.buffers, m.nItems, artifact.manifest.nTerms as number);
    m.prepare();
    return m;
  },
};
