import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalModelEmbedder, readSafetensorsMatrix } from './local-model-embedder.ts';

const root = mkdtempSync(join(tmpdir(), 'cw-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TOKENS = ['[UNK]', 'drill', 'cord', '##less', 'shade', 'bamboo', '"'];
/** [7 × 3] rows chosen so sums are easy to check */
const ROWS = [
  [0, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [2, 2, 0],
  [0, 2, 2],
  [4, 0, 0],
];

function float16(x: number): number {
  // Exact for the small integers used here.
  if (x === 0) return 0;
  const e = Math.floor(Math.log2(Math.abs(x)));
  const f = Math.round((Math.abs(x) / Math.pow(2, e) - 1) * 1024);
  return (x < 0 ? 0x8000 : 0) | ((e + 15) << 10) | f;
}

/** Writes a real safetensors file: u64 header length, JSON header, raw little-endian data. */
function writeSafetensors(path: string, dtype: 'F32' | 'F16', name = 'embeddings'): void {
  const flat = ROWS.flat();
  const data = Buffer.alloc(flat.length * (dtype === 'F32' ? 4 : 2));
  flat.forEach((x, i) => (dtype === 'F32' ? data.writeFloatLE(x, i * 4) : data.writeUInt16LE(float16(x), i * 2)));
  const header = Buffer.from(JSON.stringify({ __metadata__: { format: 'pt' }, [name]: { dtype, shape: [ROWS.length, 3], data_offsets: [0, data.length] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(path, Buffer.concat([len, header, data]));
}

function modelDir(name: string, dtype: 'F32' | 'F16', tokenizer: 'json' | 'txt'): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeSafetensors(join(dir, 'model.safetensors'), dtype);
  if (tokenizer === 'json') writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab: Object.fromEntries(TOKENS.map((t, i) => [t, i])) } }));
  else writeFileSync(join(dir, 'vocab.txt'), TOKENS.join('\n') + '\n');
  return dir;
}

describe('LocalModelEmbedder (model2vec-style directory)', () => {
  it('loads F32 weights and a tokenizer.json, tokenises with WordPiece and mean-pools', async () => {
    const e = new LocalModelEmbedder(modelDir('f32', 'F32', 'json'));
    expect(e.dimensions).toBe(3);
    expect(e.tokenize('Cordless DRILL')).toEqual([2, 3, 1]);
    expect(e.tokenize('cordless hammer')).toEqual([2, 3, 0]);
    const [v] = await e.embed(['cordless drill']);
    // mean of rows cord, ##less, drill = (1, 1, 1)/3 → normalised (1,1,1)/√3
    for (const x of v!) expect(x).toBeCloseTo(1 / Math.sqrt(3), 6);
    const unknownOnly = e.embedOne('hammer');
    expect(Array.from(unknownOnly)).toEqual([0, 0, 0]);
  });

  it('loads F16 weights and a vocab.txt with the same result', () => {
    const a = new LocalModelEmbedder(modelDir('f32b', 'F32', 'json')).embedOne('bamboo shade');
    const b = new LocalModelEmbedder(modelDir('f16', 'F16', 'txt')).embedOne('bamboo shade');
    expect(Array.from(b).map((x) => Math.round(x * 1e5))).toEqual(Array.from(a).map((x) => Math.round(x * 1e5)));
    expect(readSafetensorsMatrix(join(root, 'f16', 'model.safetensors')).data[13]).toBe(2);
  });

  it('names what is wrong with a bad directory', () => {
    expect(() => new LocalModelEmbedder(join(root, 'missing'))).toThrow(/File not found/);
    const dir = modelDir('bad', 'F32', 'json');
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'BPE', vocab: {} } }));
    expect(() => new LocalModelEmbedder(dir)).toThrow(/only WordPiece/);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'WordPiece', vocab: { a: 0, b: 99 } } }));
    expect(() => new LocalModelEmbedder(dir)).toThrow(/id 99 but the embedding matrix has 7 rows/);
  });
});
