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

/** Sign-random-projection bits per vector: the code used to pre-select candidates. */
const CODE_BITS = 256;
const CODE_WORDS = CODE_BITS / 32;

/** At or above this many vectors, {@link VectorIndex.nearest} pre-selects candidates by code; below, it scans all. */
export const APPROXIMATE_FROM = 20_000;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Maximum-inner-product search over unit vectors. Below {@link APPROXIMATE_FROM} vectors it scores every row. Above,
 * it first ranks rows by the Hamming distance between 256-bit sign-random-projection codes (SimHash, Charikar, STOC
 * 2002: the chance that a bit differs is angle/π) and scores exactly only the `candidates` closest codes (default
 * 2% of the rows, at least 2,000), so a query reads ~1/30 of the floats. The projection planes come from a fixed
 * seed, so results are deterministic. Complexity per query: O(n) popcounts + O(candidates · d).
 */
export class VectorIndex {
  /** [n × dimensions], row-major */
  private data: Float32Array;
  /** [n × CODE_WORDS] sign codes */
  private codes: Uint32Array;
  private ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  /** [CODE_BITS × dimensions] random hyperplanes */
  private readonly planes: Float32Array;

  constructor(readonly dimensions: number) {
    this.data = new Float32Array(dimensions * 16);
    this.codes = new Uint32Array(CODE_WORDS * 16);
    this.planes = new Float32Array(CODE_BITS * dimensions);
    let seed = 0x5eed5eed; // mulberry32
    for (let i = 0; i < this.planes.length; i++) {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      this.planes[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    }
  }

  get size(): number {
    return this.ids.length;
  }

  private code(v: Float32Array, offset: number, out: Uint32Array, at: number): void {
    const d = this.dimensions;
    for (let w = 0; w < CODE_WORDS; w++) {
      let word = 0;
      for (let bit = 0; bit < 32; bit++) {
        let s = 0;
        const base = (w * 32 + bit) * d;
        for (let j = 0; j < d; j++) s += (this.planes[base + j] as number) * (v[offset + j] as number);
        if (s > 0) word |= 1 << bit;
      }
      out[at + w] = word >>> 0;
    }
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
        const codes = new Uint32Array(this.codes.length * 2);
        codes.set(this.codes);
        this.codes = codes;
      }
    }
    this.data.set(vector, row * this.dimensions);
    this.code(vector, 0, this.codes, CODE_WORDS * row);
  }

  /** Removes a vector (swaps the last row into its place). */
  delete(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    const lastId = this.ids[last] as string;
    if (row !== last) {
      this.data.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.codes.copyWithin(CODE_WORDS * row, CODE_WORDS * last, CODE_WORDS * (last + 1));
      this.ids[row] = lastId;
      this.rowOf.set(lastId, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
    return true;
  }

  /**
   * The `k` ids with the largest inner product with `query`, best first: exact below {@link APPROXIMATE_FROM} rows
   * or with `exact`, otherwise over the `candidates` rows whose codes are closest to the query's.
   */
  nearest(query: Float32Array, k: number, options: { exact?: boolean; candidates?: number } = {}): { id: string; score: number }[] {
    const d = this.dimensions;
    const n = this.ids.length;
    const data = this.data;
    let rows: Int32Array;
    if (options.exact === true || n < APPROXIMATE_FROM) {
      rows = new Int32Array(n);
      for (let r = 0; r < n; r++) rows[r] = r;
    } else {
      rows = this.closestCodes(query, Math.min(n, Math.max(k, options.candidates ?? Math.max(2000, Math.ceil(n * 0.02)))));
    }
    const m = rows.length;
    const scores = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      const base = (rows[i] as number) * d;
      for (let j = 0; j < d; j++) s += (data[base + j] as number) * (query[j] as number);
      scores[i] = s;
    }
    // Keep the k best in a sorted array: insertion is rare once the array is full.
    const top: number[] = [];
    for (let i = 0; i < m; i++) {
      const s = scores[i] as number;
      if (top.length === k && s <= (scores[top[k - 1] as number] as number)) continue;
      let at = top.length;
      while (at > 0 && ((scores[top[at - 1] as number] as number) < s || ((scores[top[at - 1] as number] as number) === s && (rows[top[at - 1] as number] as number) > (rows[i] as number)))) at--;
      top.splice(at, 0, i);
      if (top.length > k) top.pop();
    }
    return top.map((i) => ({ id: this.ids[rows[i] as number] as string, score: scores[i] as number }));
  }

  /** The `want` rows whose codes are nearest the query's in Hamming distance (counting sort), row order within a distance. */
  private closestCodes(query: Float32Array, want: number): Int32Array {
    const n = this.ids.length;
    const q = new Uint32Array(CODE_WORDS);
    this.code(query, 0, q, 0);
    const dist = new Uint16Array(n);
    const count = new Int32Array(CODE_BITS + 2);
    const codes = this.codes;
    for (let r = 0; r < n; r++) {
      let h = 0;
      const base = CODE_WORDS * r;
      for (let w = 0; w < CODE_WORDS; w++) h += popcount32(((codes[base + w] as number) ^ (q[w] as number)) >>> 0);
      dist[r] = h;
      count[h + 1] = (count[h + 1] as number) + 1;
    }
    let limit = 0;
    let taken = 0;
    while (limit <= CODE_BITS && taken + (count[limit + 1] as number) < want) taken += count[++limit] as number;
    // Rows with distance < limit are all taken; distance === limit fills up to `want`.
    const out = new Int32Array(want);
    let o = 0;
    let atLimit = want - taken;
    for (let r = 0; r < n && o < want; r++) {
      const h = dist[r] as number;
      if (h < limit) out[o++] = r;
      else if (h === limit && atLimit > 0) {
        out[o++] = r;
        atLimit--;
      }
    }
    return out.subarray(0, o);
  }
}
