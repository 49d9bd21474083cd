import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_PG_URL, dropSchemas, openTestStore, postgresUnavailable } from '../store/postgres/testing.ts';
import { SearchService } from './search-service.ts';

const PG_URL = process.env['CARTWISE_TEST_PG_URL'] ?? DEFAULT_TEST_PG_URL;
const why = await postgresUnavailable(PG_URL);
if (why) console.warn(`search on PostgreSQL skipped: ${why}`);
const schemas: string[] = [];
afterAll(async () => {
  if (!why) await dropSchemas(PG_URL, schemas);
});

describe.skipIf(why !== undefined)('search service on PostgreSQL', () => {
  it('keeps synonym rules in the store and reports queries from recorded searches and their clicks', async () => {
    const store = await openTestStore(PG_URL, schemas);
    try {
      await store.upsertItems([
        { id: 'd1', title: 'Cordless Drill', price: 99 },
        { id: 'c1', title: 'Gas Cooktop', price: 500 },
      ]);
      const s = new SearchService(store, { syncIntervalMs: -1 });
      await s.setSynonymRules(['hob => cooktop']);
      const hob = await s.search({ q: 'hob', userId: 'u1' });
      expect(hob.hits.map((h) => h.id)).toEqual(['c1']);
      await s.search({ q: 'zzqx', userId: 'u2' });
      await s.flush();
      await store.appendEvents([{ id: 'k1', type: 'click', userId: 'u1', itemId: 'c1', recId: hob.searchId, ts: Date.now() }]);
      const report = await s.queryReport({ days: 1 });
      expect(report.top.find((q) => q.query === 'hob')).toMatchObject({ searches: 1, clicked: 1, noMatch: 0 });
      expect(report.noMatch.map((q) => q.query)).toEqual(['zzqx']);
      const restarted = new SearchService(store, { syncIntervalMs: -1, recordSearches: false });
      expect((await restarted.synonyms()).rules).toEqual(['hob => cooktop']);
      expect((await restarted.search({ q: 'hob' })).hits.map((h) => h.id)).toEqual(['c1']);
    } finally {
      await store.close();
    }
  });
});
