import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROXIMATE_FROM, blendBehaviour, HashingEmbedder, OpenAiEmbedder, VectorIndex } from './embedder.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('HashingEmbedder', () => {
  it('is deterministic, unit length, and puts misspellings near their word', async () => {
    const e = new HashingEmbedder({ dimensions: 256 });
    const [a, b, c, a2] = await e.embed(['cordless drill', 'cordles dril', 'bamboo shade', 'cordless drill']);
    expect(Array.from(a!)).toEqual(Array.from(a2!));
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(0.5);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.3);
  });

  it('blends behaviour: co-occurring items move together', () => {
    const e = new HashingEmbedder({ dimensions: 64 });
    const v = ['tent', 'sleeping bag', 'kettle'].map((t) => e.embedOne(t));
    const before = dot(v[0]!, v[1]!);
    const blended = blendBehaviour(v, [new Map([[1, 5]]), new Map([[0, 5]]), new Map()], 0.5);
    expect(dot(blended[0]!, blended[1]!)).toBeGreaterThan(before + 0.2);
    expect(blended[2]).toBe(v[2]);
  });
});

describe('VectorIndex', () => {
  it('returns nearest neighbours by inner product and supports delete', () => {
    const idx = new VectorIndex(2);
    idx.set('x', Float32Array.from([1, 0]));
    idx.set('y', Float32Array.from([0, 1]));
    idx.set('z', Float32Array.from([0.8, 0.6]));
    expect(idx.nearest(Float32Array.from([1, 0]), 2).map((r) => r.id)).toEqual(['x', 'z']);
    idx.delete('x');
    expect(idx.nearest(Float32Array.from([1, 0]), 1).map((r) => r.id)).toEqual(['z']);
    expect(() => idx.set('bad', Float32Array.from([1, 2, 3]))).toThrow(/dimension 3, expected 2/);
  });
});

describe('OpenAiEmbedder against a local OpenAI-compatible server', () => {
  let server: Server;
  let url = '';
  const seen: { auth?: string; body: { model: string; input: string[] } }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        if (req.url !== '/v1/embeddings' || req.method !== 'POST') {
          res.writeHead(404).end('nope');
          return;
        }
        const body = JSON.parse(raw) as { model: string; input: string[] };
        seen.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
        if (body.model === 'broken') {
          res.writeHead(500).end('model exploded');
          return;
        }
        // Deterministic fake vectors: [length, vowels, 1], returned in reverse order with indices.
        const data = body.input.map((t, index) => ({ index, embedding: [t.length, (t.match(/[aeiou]/g) ?? []).length, 1] })).reverse();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('batches, orders by index, normalises and sends the key', async () => {
    const e = new OpenAiEmbedder({ baseUrl: url + '/', model: 'tiny', apiKey: 'sk-test', dimensions: 3, batchSize: 2 });
    const vs = await e.embed(['abc', 'hello', 'zz']);
    expect(vs).toHaveLength(3);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual({ auth: 'Bearer sk-test', body: { model: 'tiny', input: ['abc', 'hello'] } });
    const n = Math.hypot(3, 1, 1);
    expect(Array.from(vs[0]!)).toEqual([3 / n, 1 / n, 1 / n].map((x) => Math.fround(x)));
    expect(dot(vs[1]!, vs[1]!)).toBeCloseTo(1, 5);
  });

  it('reports HTTP errors and wrong dimensions clearly', async () => {
    await expect(new OpenAiEmbedder({ baseUrl: url, model: 'broken', dimensions: 3 }).embed(['x'])).rejects.toThrow(/answered 500: model exploded/);
    await expect(new OpenAiEmbedder({ baseUrl: url, model: 'tiny', dimensions: 8 }).embed(['x'])).rejects.toThrow(/dimension 3; expected 8/);
    await expect(new OpenAiEmbedder({ baseUrl: 'http://127.0.0.1:9', model: 'tiny', dimensions: 3, timeoutMs: 2000 }).embed(['x'])).rejects.toThrow(/unreachable/);
  });
});

describe('VectorIndex above APPROXIMATE_FROM (code pre-selection)', () => {
  // Clustered unit vectors: 30 topics, each vector its topic's centre plus noise.
  const d = 32;
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
  const unit = (v: Float32Array) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const centres = Array.from({ length: 30 }, () => unit(Float32Array.from({ length: d }, rand)));
  const idx = new VectorIndex(d);
  const n = APPROXIMATE_FROM + 5000;
  for (let i = 0; i < n; i++) idx.set(`v${i}`, unit(Float32Array.from(centres[i % 30]!, (c) => c + 0.35 * rand())));

  it('finds most of the exact nearest neighbours while scoring 2% of the rows', () => {
    let overlap = 0;
    for (let t = 0; t < 20; t++) {
      const q = unit(Float32Array.from(centres[t]!, (c) => c + 0.35 * rand()));
      const exact = new Set(idx.nearest(q, 20, { exact: true }).map((x) => x.id));
      overlap += idx.nearest(q, 20).filter((x) => exact.has(x.id)).length / 20;
    }
    expect(overlap / 20).toBeGreaterThan(0.8);
    // With every row a candidate, the pre-selection changes nothing.
    const q = centres[3]!;
    expect(idx.nearest(q, 10, { candidates: n })).toEqual(idx.nearest(q, 10, { exact: true }));
  });

  it('keeps codes in step with rows on delete (the last row moves into the gap)', () => {
    const q = centres[5]!;
    const best = idx.nearest(q, 1, { candidates: n })[0]!.id;
    expect(idx.delete(best)).toBe(true);
    expect(idx.size).toBe(n - 1);
    const next = idx.nearest(q, 5, { candidates: n - 1 });
    expect(next.map((x) => x.id)).not.toContain(best);
    expect(next).toEqual(idx.nearest(q, 5, { exact: true }));
    idx.set(best, q);
    expect(idx.nearest(q, 1)[0]).toEqual({ id: best, score: expect.closeTo(1, 5) });
  });
});
