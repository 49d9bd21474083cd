import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { crossFitHalf, judgmentsAsClicks, runSearchEval } from './search-eval.ts';

const dir = mkdtempSync(join(tmpdir(), 'cartwise-search-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 80 hoses, then four cooktops and a kettle (so unmatched cooktops fall below rank 50); no title calls a cooktop a hob. */
const productsPath = join(dir, 'products.csv');
writeFileSync(
  productsPath,
  'product_uid,product_title,n_title_variants\n' +
    Array.from({ length: 80 }, (_, i) => `h${i},Garden Hose ${i} ft.,1`)
      .concat(['r1,GE 30 in. Gas Cooktop,1', 'r2,Whirlpool Electric Cooktop,1', 'r3,Samsung Slide-In Gas Cooktop,1', 'r4,Frigidaire Electric Cooktop,1', 'k1,Hob Top Kettle,1'])
      .join('\n') +
    '\n',
);
const judgmentsCsv = (rows: [string, string, number][]) => '"id","product_uid","product_title","search_term","relevance"\n' + rows.map(([q, id, r], i) => `${i},${id},"",${JSON.stringify(q)},${r}`).join('\n') + '\n';

describe('search-eval click learning', () => {
  it('treats products judged >= 2.3 as clicks, grouped by query and leaving out the skipped queries', () => {
    const log = judgmentsAsClicks(
      [
        { query: 'Gas Hob', productId: 'r1', relevance: 3 },
        { query: 'gas hob ', productId: 'r2', relevance: 2.33 },
        { query: 'gas hob', productId: 'h1', relevance: 1.67 },
        { query: 'hob', productId: 'r3', relevance: 3 },
      ],
      new Set(['hob']),
    );
    expect(log).toEqual([{ query: 'gas hob', clicked: ['r1', 'r2'] }]);
    expect(crossFitHalf('Gas Hob ')).toBe(crossFitHalf('gas hob'));
  });

  it('learns from the history file, never from the judged queries themselves', async () => {
    const judgmentsPath = join(dir, 'judgments.csv');
    writeFileSync(judgmentsPath, judgmentsCsv([['hob', 'r3', 3], ['hob', 'k1', 1], ['garden hose', 'h3', 3]]));
    const clicksPath = join(dir, 'history.csv');
    // The history also judges "hob" itself (r3 highly relevant): that row must not be learned from.
    writeFileSync(clicksPath, judgmentsCsv([['gas hob', 'r1', 3], ['gas hob', 'r3', 3], ['electric hob', 'r2', 3], ['electric hob', 'r4', 2.67], ['hob', 'r3', 3]]));
    const store = await DuckDbStore.open(':memory:');
    try {
      const plain = await runSearchEval({ judgmentsPath, productsPath, store, k: 10 });
      const withClicks = await runSearchEval({ judgmentsPath, productsPath, store, k: 10, clicksPath });
      expect(plain['retrieval_recall@50']).toBe(0.5); // r3 is never found for "hob"; h3 is for "garden hose"
      expect(withClicks['retrieval_recall@50']).toBe(1);
      expect(withClicks.click_learning).toEqual({ source: 'file', queries: 2, clicks: 4, words: 1, excluded_queries: 1 });
    } finally {
      await store.close();
    }
  });

  it('cross-fits: a query only learns from the other half of the judged queries', async () => {
    // Every hob query is in one half, so there is nothing to learn for that half from the other one.
    const hobQueries = ['hob', 'gas hob', 'electric hob', 'hob 30', 'black hob', 'cheap hob'];
    const half = crossFitHalf('gas hob');
    const sameHalf = hobQueries.filter((q) => crossFitHalf(q) === half);
    const judgmentsPath = join(dir, 'one-half.csv');
    writeFileSync(judgmentsPath, judgmentsCsv(sameHalf.flatMap((q) => [[q, 'r1', 3], [q, 'r2', 3], [q, 'r3', 3]] as [string, string, number][])));
    const store = await DuckDbStore.open(':memory:');
    try {
      const plain = await runSearchEval({ judgmentsPath, productsPath, store, k: 10 });
      const crossFit = await runSearchEval({ judgmentsPath, productsPath, store, k: 10, clicksCrossFit: true });
      expect(sameHalf.length).toBeGreaterThan(1);
      expect(crossFit['retrieval_recall@50']).toBe(plain['retrieval_recall@50']);
      expect(crossFit.click_learning?.source).toBe('cross-fit');
    } finally {
      await store.close();
    }
  });
});
