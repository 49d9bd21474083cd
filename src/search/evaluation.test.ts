import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { parseCsv } from './csv.ts';
import { evaluateRanking, ndcgAt, topIndices } from './evaluation.ts';
import { runSearchEval } from './search-eval.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-search-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluation metrics', () => {
  it('computes NDCG like the reference (log2 discounts, ideal from all judged gains)', () => {
    expect(ndcgAt([2, 0, 1], [2, 1, 0], 10)).toBeCloseTo((2 + 1 / 2) / (2 + 1 / Math.log2(3)), 12);
    expect(ndcgAt([0, 0], [0, 0], 10)).toBeUndefined();
    expect(ndcgAt([1, 2], [2, 1], 1)).toBeCloseTo(0.5, 12);
  });

  it('ranks ties in catalogue order and fills with zero scores', () => {
    expect(topIndices(new Float64Array([0, 3, 1, 3, 0]), 4)).toEqual([1, 3, 2, 0]);
  });

  it('parses quoted CSV with doubled quotes and newlines', () => {
    const { rows } = parseCsv('a,b\n"x, ""y""",2\r\n"multi\nline",3\n');
    expect(rows).toEqual([['a', 'b'], ['x, "y"', '2'], ['multi\nline', '3']]);
  });

  it('scores a known toy case', () => {
    const judgments = [
      { query: 'q', productId: 'a', relevance: 3 },
      { query: 'q', productId: 'b', relevance: 1 },
      { query: 'q', productId: 'c', relevance: 2.5 },
      { query: 'z', productId: 'a', relevance: 1 }, // ideal DCG 0: skipped
    ];
    const scores = new Float64Array([0.5, 0.9, 0, 0.1]); // rows a, b, c, d
    const m = evaluateRanking({ judgments, productIds: ['a', 'b', 'c', 'd'], k: 10, system: 't', score: () => scores });
    expect(m.queries).toBe(1);
    // Re-rank: b (0), a (2), c (1.5) → DCG = 2/log2(3) + 1.5/2; ideal 2 + 1.5/log2(3).
    expect(m['rerank_ndcg@10']).toBeCloseTo(Math.round(((2 / Math.log2(3) + 1.5 / 2) / (2 + 1.5 / Math.log2(3))) * 1e6) / 1e6, 6);
    // Retrieval: b, a, d, c (zero score, catalogue order after d) → recall of a and c in top 50 = 1.
    expect(m['retrieval_recall@50']).toBe(1);
  });
});

const DATA = resolve('../shared/datasets/home-depot-search-relevance-dev');
const REFERENCE = resolve('../shared/reference/search.py');
const python = spawnSync('/usr/bin/python3', ['-c', 'import numpy, pandas'], { encoding: 'utf8' });
const canCompare = existsSync(DATA) && existsSync(REFERENCE) && python.status === 0;
if (!canCompare) console.warn('search parity with search.py skipped: needs ../shared/datasets/home-depot-search-relevance-dev, ../shared/reference/search.py and /usr/bin/python3 with numpy and pandas');

describe.skipIf(!canCompare)('parity with shared/reference/search.py (Home Depot dev, first 800 judgments)', () => {
  // A subset keeps the test to a few seconds; the full run is in bench/search and bench/RESULTS.md.
  const judgmentsPath = join(dir, 'dev-subset.csv.gz');
  if (canCompare) {
    const text = readFileSync(join(DATA, 'dev_20.csv.gz'));
    const lines = (spawnSync('gzip', ['-dc'], { input: text, maxBuffer: 1 << 26 }).stdout as Buffer).toString('latin1').split('\n');
    writeFileSync(judgmentsPath, gzipSync(Buffer.from(lines.slice(0, 801).join('\n') + '\n', 'latin1')));
  }
  const reference = (extra: string[]) => {
    const r = spawnSync('/usr/bin/python3', [REFERENCE, '--judgments', judgmentsPath, '--products', join(DATA, 'products.csv.gz'), '--k', '10', ...extra], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`search.py failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, number>;
  };

  it('bm25-title mode gives the reference numbers; the full ranker beats them and its run file scores the same', async () => {
    const store = await DuckDbStore.open(':memory:');
    const runPath = join(dir, 'run-full.csv');
    try {
      const products = join(DATA, 'products.csv.gz');
      const bm25 = await runSearchEval({ judgmentsPath, productsPath: products, mode: 'bm25-title', k: 10, store });
      const ref = reference([]);
      expect(bm25.queries).toBe(ref['queries']);
      for (const key of ['retrieval_ndcg@10', 'retrieval_recall@50', 'rerank_ndcg@10']) expect(bm25[key as 'rerank_ndcg@10']).toBeCloseTo(ref[key] as number, 6);
      const full = await runSearchEval({ judgmentsPath, productsPath: products, mode: 'full', k: 10, store, runPath });
      expect(reference(['--run', runPath])['rerank_ndcg@10']).toBeCloseTo(full['rerank_ndcg@10'] as number, 6);
      expect(full['retrieval_ndcg@10']).toBeGreaterThan((ref['retrieval_ndcg@10'] as number) + 0.03);
      expect(full['retrieval_recall@50']).toBeGreaterThan((ref['retrieval_recall@50'] as number) + 0.05);
    } finally {
      await store.close();
    }
  });
});
