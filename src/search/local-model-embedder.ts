/**
 * Local sentence-embedding model directory adapter: static token embeddings with mean pooling, in the layout of
 * model2vec / "potion" models (Tulkens & van Dongen, 2024) that users can download themselves and point Cartwise at:
 *   model.safetensors  one 2-D tensor (`embeddings`, or the only tensor) [vocab × dims], F32 or F16
 *   tokenizer.json     Hugging Face tokenizer with a WordPiece model (`model.vocab`: token → id), or
 *   vocab.txt          one token per line (id = line number)
 *   config.json        optional: `{ "normalize": true, "do_lower_case": true }`
 * Text is lower-cased (unless `do_lower_case` is false), split into words and punctuation, each word tokenised by
 * greedy longest-match WordPiece (`##` continuations, `[UNK]` for the rest); the vector is the mean of the token rows,
 * L2-normalised. Nothing is downloaded: the directory must exist locally.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CartwiseError } from '../core/errors.ts';
import { normalizeVector, type Embedder } from './embedder.ts';

interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * Math.pow(2, -14) * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * Math.pow(2, e - 15) * (1 + f / 1024);
}

/** Reads the one embedding matrix of a safetensors file as Float32 [rows × cols]. */
export function readSafetensorsMatrix(path: string, preferredName = 'embeddings'): { data: Float32Array; rows: number; cols: number } {
  const buf = readFileSync(path);
  if (buf.length < 8) throw new CartwiseError('IMPORT_FAILED', { reason: `${path} is not a safetensors file (too short)` });
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen <= 0 || 8 + headerLen > buf.length) throw new CartwiseError('IMPORT_FAILED', { reason: `${path} has a bad safetensors header length` });
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, SafetensorsEntry>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = names.includes(preferredName) ? preferredName : names.length === 1 ? names[0] : undefined;
  if (!name) throw new CartwiseError('IMPORT_FAILED', { reason: `${path} has tensors ${names.join(', ')}; expected one named "${preferredName}"` });
  const entry = header[name] as SafetensorsEntry;
  if (entry.shape.length !== 2) throw new CartwiseError('IMPORT_FAILED', { reason: `tensor ${name} in ${path} has shape [${entry.shape.join(', ')}]; expected [vocab, dims]` });
  const [rows, cols] = entry.shape as [number, number];
  const start = 8 + headerLen + entry.data_offsets[0];
  const end = 8 + headerLen + entry.data_offsets[1];
  const bytes = buf.subarray(start, end);
  const data = new Float32Array(rows * cols);
  if (entry.dtype === 'F32') {
    if (bytes.length !== rows * cols * 4) throw new CartwiseError('IMPORT_FAILED', { reason: `tensor ${name} has ${bytes.length} bytes; expected ${rows * cols * 4}` });
    for (let i = 0; i < rows * cols; i++) data[i] = bytes.readFloatLE(i * 4);
  } else if (entry.dtype === 'F16') {
    if (bytes.length !== rows * cols * 2) throw new CartwiseError('IMPORT_FAILED', { reason: `tensor ${name} has ${bytes.length} bytes; expected ${rows * cols * 2}` });
    for (let i = 0; i < rows * cols; i++) data[i] = halfToFloat(bytes.readUInt16LE(i * 2));
  } else {
    throw new CartwiseError('IMPORT_FAILED', { reason: `tensor ${name} has dtype ${entry.dtype}; supported: F32, F16` });
  }
  return { data, rows, cols };
}

/** Static-embedding model from a local directory; see the module header. */
export class LocalModelEmbedder implements Embedder {
  readonly name = 'local-model';
  readonly dimensions: number;
  private readonly vocab: Map<string, number>;
  private readonly matrix: Float32Array;
  private readonly unk: number | undefined;
  private readonly lowerCase: boolean;
  private readonly prefix: string;

  constructor(readonly directory: string) {
    if (!existsSync(directory)) throw new CartwiseError('FILE_NOT_FOUND', { path: directory });
    const weights = join(directory, 'model.safetensors');
    if (!existsSync(weights)) throw new CartwiseError('FILE_NOT_FOUND', { path: weights });
    const config = existsSync(join(directory, 'config.json')) ? (JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8')) as Record<string, unknown>) : {};
    this.vocab = new Map();
    this.prefix = '##';
    const tokenizerPath = join(directory, 'tokenizer.json');
    const vocabPath = join(directory, 'vocab.txt');
    let lower = config['do_lower_case'] !== false;
    if (existsSync(tokenizerPath)) {
      const tok = JSON.parse(readFileSync(tokenizerPath, 'utf8')) as { model?: { type?: string; vocab?: unknown; continuing_subword_prefix?: string; unk_token?: string }; normalizer?: { lowercase?: boolean } };
      if (!tok.model || (tok.model.type !== undefined && tok.model.type !== 'WordPiece') || typeof tok.model.vocab !== 'object' || Array.isArray(tok.model.vocab)) {
        throw new CartwiseError('IMPORT_FAILED', { reason: `${tokenizerPath}: only WordPiece tokenizers (model.vocab as token → id) are supported; got ${tok.model?.type ?? 'none'}` });
      }
      for (const [t, id] of Object.entries(tok.model.vocab as Record<string, number>)) this.vocab.set(t, id);
      if (tok.model.continuing_subword_prefix) this.prefix = tok.model.continuing_subword_prefix;
      if (tok.normalizer?.lowercase === false) lower = false;
    } else if (existsSync(vocabPath)) {
      readFileSync(vocabPath, 'utf8')
        .split(/\r?\n/)
        .forEach((t, i) => {
          if (t !== '') this.vocab.set(t, i);
        });
    } else {
      throw new CartwiseError('FILE_NOT_FOUND', { path: `${tokenizerPath} (or vocab.txt)` });
    }
    this.lowerCase = lower;
    const m = readSafetensorsMatrix(weights);
    for (const [t, id] of this.vocab) {
      if (id < 0 || id >= m.rows) throw new CartwiseError('IMPORT_FAILED', { reason: `token ${JSON.stringify(t)} has id ${id} but the embedding matrix has ${m.rows} rows` });
    }
    this.matrix = m.data;
    this.dimensions = m.cols;
    this.unk = this.vocab.get('[UNK]');
  }

  /** WordPiece token ids of a text (greedy longest match per word). */
  tokenize(text: string): number[] {
    const s = this.lowerCase ? text.toLowerCase() : text;
    const ids: number[] = [];
    for (const word of s.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []) {
      let start = 0;
      const pieces: number[] = [];
      let bad = false;
      while (start < word.length) {
        let end = word.length;
        let found: number | undefined;
        while (end > start) {
          const piece = (start > 0 ? this.prefix : '') + word.slice(start, end);
          found = this.vocab.get(piece);
          if (found !== undefined) break;
          end--;
        }
        if (found === undefined) {
          bad = true;
          break;
        }
        pieces.push(found);
        start = end;
      }
      if (bad) {
        if (this.unk !== undefined) ids.push(this.unk);
      } else ids.push(...pieces);
    }
    return ids;
  }

  /** Mean-pooled, normalised embedding of one text (zero vector when no token is known). */
  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const ids = this.tokenize(text).filter((id) => id !== this.unk);
    for (const id of ids) {
      const base = id * this.dimensions;
      for (let j = 0; j < this.dimensions; j++) v[j] = (v[j] as number) + (this.matrix[base + j] as number);
    }
    if (ids.length > 0) for (let j = 0; j < this.dimensions; j++) v[j] = (v[j] as number) / ids.length;
    return normalizeVector(v);
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((t) => this.embedOne(t)));
  }
}
