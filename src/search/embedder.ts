/**
 * The `Embedder` port (DESIGN.md) and its implementations for semantic matching:
 * - {@link HashingEmbedder}: built in, no download. Character n-grams (3–5, word-bounded) and words are hashed into a
 *   fixed number of signed buckets (the "hashing trick", Weinberger et al., ICML 2009), L2-normalised, so misspellings
 *   and compounds land near their correct forms. {@link blendBehaviour} then mixes in co-occurrence: an item's vector
 *   moves towards the items bought or viewed with it.
 * - {@link OpenAiEmbedder}: any OpenAI-compatible `POST {baseUrl}/v1/embeddings` endpoint the user configures.
 * And {@link VectorIndex}: exact inner-product search over a row-major Float32Array (fine to ~10⁵ items × 128 dims).
 */
import { CartwiseError } from '../core/errors.ts';
import { normalizeText } from './tokenizer.ts';

/** Turns texts into unit-length vectors of `dimensions` floats. */
export interface Embedder {
  readonly name: string;
  readonly dimensions: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Scales a vector to unit length in place (zero vectors stay zero). */
export function normalizeVector(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += (v[i] as number) * (v[i] as number);
  if (n > 0) {
    const inv = 1 / Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  }
  return v;
}

export interface HashingEmbedderParams {
  dimensions?: number;
  minGram?: number;
  maxGram?: number;
  /** Weight of whole-word features relative to n-grams. */
  wordWeight?: number;
}

/** Character n-gram hashing embedder (see module header); deterministic, synchronous underneath. */
export class HashingEmbedder implements Embedder {
  readonly name = 'hashing';
  readonly dimensions: number;
  private readonly minGram: number;
  private readonly maxGram: number;
  private readonly wordWeight: number;

  constructor(params: HashingEmbedderParams = {}) {
    this.dimensions = params.dimensions ?? 256;
    this.minGram = params.minGram ?? 3;
    this.maxGram = params.maxGram ?? 5;
    this.wordWeight = params.wordWeight ?? 2;
  }

  /** Embeds one text synchronously. */
  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const words = normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
    for (const w of words) {
      const hw = fnv1a('w:' + w);
      v[hw % this.dimensions] = (v[hw % this.dimensions] as number) + (hw & 0x80000000 ? -this.wordWeight : this.wordWeight);
      const padded = `<${w}>`;
      for (let n = this.minGram; n <= this.maxGram; n++) {
        for (let i = 0; i + n <= padded.length; i++) {
          const h = fnv1a(padded.slice(i, i + n));
          const b = h % this.dimensions;
          v[b] = (v[b] as number) + (h & 0x80000000 ? -1 : 1);
        }
      }
    }
    return normalizeVector(v);
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((t) => this.embedOne(t)));
  }
}

/**
 * Mixes behaviour into item vectors: `v_i ← normalise((1 − alpha)·v_i + alpha·mean_j∈N(i) v_j)` where N(i) are
 * items co-occurring with i in users' histories (weights = co-occurrence counts). Returns new vectors.
 */
export function blendBehaviour(vectors: Float32Array[], cooccurrence: readonly Map<number, number>[], alpha = 0.3): Float32Array[] {
  return vectors.map((v, i) => {
    const nb = cooccurrence[i];
    if (!nb || nb.size === 0) return v;
    const mix = new Float32Array(v.length);
    let total = 0;
    for (const [j, w] of nb) {
      const u = vectors[j];
      if (!u || j === i) continue;
      for (let k = 0; k < v.length; k++) mix[k] = (mix[k] as number) + w * (u[k] as number);
      total += w;
    }
    if (total === 0) return v;
    const out = new Float32Array(v.length);
    for (let k = 0; k < v.length; k++) out[k] = (1 - alpha) * (v[k] as number) + (alpha * (mix[k] as number)) / total;
    return normalizeVector(out);
  });
}

export interface OpenAiEmbedderOptions {
  /** e.g. `http://localhost:8080` (the `/v1/embeddings` path is appended) */
  baseUrl: string;
  model: string;
  apiKey?: string;
  dimensions: number;
  /** Texts per request (default 64). */
  batchSize?: number;
  timeoutMs?: number;
}

/** Adapter for an OpenAI-compatible embeddings endpoint; vectors are L2-normalised and checked for dimension. */
export class OpenAiEmbedder implements Embedder {
  readonly name = 'openai';
  readonly dimensions: number;

  constructor(private readonly options: OpenAiEmbedderOptions) {
    this.dimensions = options.dimensions;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const batch = this.options.batchSize ?? 64;
    const url = this.options.baseUrl.replace(/\/+$/, '') + '/v1/embeddings';
    for (let i = 0; i < texts.length; i += batch) {
      const input = texts.slice(i, i + batch);
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
          body: JSON.stringify({ model: this.options.model, input }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (err) {
        throw new CartwiseError('INTERNAL', { reason: `embeddings endpoint ${url} unreachable: ${(err as Error).message}` });
      }
      if (!res.ok) throw new CartwiseError('INTERNAL', { reason: `embeddings endpoint ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}` });
      const body = (await res.json()) as { data?: { index?: number; embedding?: unknown }[] };
      if (!Array.isArray(body.data) || body.data.length !== input.length) {
        throw new CartwiseError('INTERNAL', { reason: `embeddings endpoint returned ${Array.isArray(body.data) ? body.data.length : 'no'} vectors for ${input.length} inputs` });
      }
      const sorted = [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      for (const d of sorted) {
        if (!Array.isArray(d.embedding) || d.embedding.length !== this.dimensions) {
          throw new CartwiseError('INTERNAL', { reason: `embedding of dimension ${Array.isArray(d.embedding) ? d.embedding.length : '?'}; expected ${this.dimensions}` });
        }
        out.push(normalizeVector(Float32Array.from(d.embedding as number[])));
      }
    }
    return out;
  }
}

/** Exact maximum-inner-product search over unit vectors. */
export class VectorIndex {
  /** [n × dimensions], row-major */
  private data: Float32Array;
  private ids: string[] = [];
  private readonly rowOf = new Map<string, number>();

  constructor(readonly dimensions: number) {
    this.data = new Float32Array(dimensions * 16);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds or replaces vectors by id. */
  set(id: string, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new CartwiseError('INVALID_PARAM', { name: 'vector', reason: `dimension ${vector.length}, expected ${this.dimensions}` });
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.ids.length;
      this.ids.push(id);
      this.rowOf.set(id, row);
      if ((row + 1) * this.dimensions > this.data.length) {
        const next = new Float32Array(this.data.length * 2);
        next.set(this.data);
        this.data = next;
      }
    }
    this.data.set(vector, row * this.dimensions);
  }

  /** Removes a vector (swaps the last row into its place). */
  delete(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    const lastId = this.ids[last] as string;
    if (row !== last) {
      this.data.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[row] = lastId;
      this.rowOf.set(lastId, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
    return true;
  }

  /** The `k` ids with the largest inner product with `query`, best first. */
  nearest(query: Float32Array, k: number): { id: string; score: number }[] {
    const d = this.dimensions;
    const n = this.ids.length;
    const scores = new Float32Array(n);
    const data = this.data;
    for (let r = 0; r < n; r++) {
      let s = 0;
      const base = r * d;
      for (let j = 0; j < d; j++) s += (data[base + j] as number) * (query[j] as number);
      scores[r] = s;
    }
    // Keep the k best in a sorted array: insertion is rare once the array is full.
    const top: number[] = [];
    for (let r = 0; r < n; r++) {
      const s = scores[r] as number;
      if (top.length === k && s <= (scores[top[k - 1] as number] as number)) continue;
      let at = top.length;
      while (at > 0 && (scores[top[at - 1] as number] as number) < s) at--;
      top.splice(at, 0, r);
      if (top.length > k) top.pop();
    }
    return top.map((r) => ({ id: this.ids[r] as string, score: scores[r] as number }));
  }
}
