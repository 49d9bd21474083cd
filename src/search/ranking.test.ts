import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { parseRankingWeights } from './ranking.ts';
import { SearchService } from './search-service.ts';

describe('searchWeights', () => {
  it('parses name=number pairs and names a bad one', () => {
    expect(parseRankingWeights('')).toEqual({});
    expect(parseRankingWeights(' margin = 0.5 , clicks=1')).toEqual({ margin: 0.5, clicks: 1 });
    expect(() => parseRankingWeights('profit=1')).toThrow(/`searchWeights`: unknown weight "profit"; known: coordPower/);
    expect(() => parseRankingWeights('margin=')).toThrow(/margin must be a number/);
  });

  it('is checked for shape when the config loads', () => {
    const load = (searchWeights: string) => loadConfig({ env: {}, flags: { dataDir: '/tmp/x', searchWeights, adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20) }, persistKeys: false });
    expect(load('margin=0.3').searchWeights).toBe('margin=0.3');
    expect(() => load('margin:0.3')).toThrow(/searchWeights.*name=number pairs/);
  });

  it('changes the ranking: a margin weight puts the higher-margin item of equal text first', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      await store.upsertItems([
        { id: 'a-low', title: 'Cordless Drill', price: 100, attrs: { margin: 0.05 } },
        { id: 'b-high', title: 'Cordless Drill', price: 100, attrs: { margin: 0.6 } },
      ]);
      const order = async (weights: string) => {
        const s = new SearchService(store, { syncIntervalMs: -1, signalsTtlMs: 0, engine: { weights: parseRankingWeights(weights) } });
        await s.refreshSignals();
        return (await s.search({ q: 'cordless drill' })).hits.map((h) => h.id);
      };
      expect(await order('margin=0')).toEqual(['a-low', 'b-high']); // equal text: id order
      expect(await order('margin=0.5')).toEqual(['b-high', 'a-low']);
    } finally {
      await store.close();
    }
  });
});
