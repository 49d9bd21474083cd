import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { runImport } from './import-runner.ts';
import { movieLensFormat } from './movielens.ts';

// The real datasets live beside the repository (../shared/datasets) and are never copied into it.
const DATASETS = resolve(process.cwd(), '../shared/datasets');
const ML100K = join(DATASETS, 'ml-100k');
const hasMl100k = existsSync(join(ML100K, 'u.data.gz')) || existsSync(join(ML100K, 'u.data'));
if (!hasMl100k) console.warn(`[importers] skipping the ml-100k import test: ${ML100K} is absent`);

describe.skipIf(!hasMl100k)('MovieLens 100K (real data)', () => {
  it('imports 100,000 ratings by 943 users of 1,682 items, and a second import adds nothing', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      const first = await runImport({ store, format: movieLensFormat, path: ML100K });
      expect(first.files.map((f) => [f.file, f.rowsRead])).toEqual([['u.item.gz', 1682], ['u.user.gz', 943], ['u.data.gz', 100_000]]);
      expect(first).toMatchObject({ rowsRejected: 0, rowsSkipped: 0, eventsInserted: 100_000, itemsUpserted: 1682, usersUpserted: 943, distinctUsers: 943, distinctItems: 1682 });
      const stats = await store.stats();
      expect(stats).toMatchObject({ events: 100_000, users: 943, items: 1682, userProfiles: 943, eventsByType: { review: 100_000 } });
      // The published rating distribution of ml-100k.
      const dist = await store.query<{ rating: number; n: number }>('SELECT rating, count(*) AS n FROM events GROUP BY rating ORDER BY rating');
      expect(dist.map((r) => [r.rating, r.n])).toEqual([[1, 6110], [2, 11370], [3, 27145], [4, 34174], [5, 21201]]);
      // Latin-1 titles decode (u.item has 9 titles with non-ASCII bytes).
      const [accented] = await store.query<{ n: number }>("SELECT count(*) AS n FROM items WHERE regexp_matches(title, '[À-ÿ]')");
      expect(accented?.n).toBeGreaterThan(0);
      expect(await store.getItem('1')).toMatchObject({ title: 'Toy Story (1995)', category: 'Animation', attrs: { year: 1995 } });

      const second = await runImport({ store, format: movieLensFormat, path: ML100K });
      expect(second).toMatchObject({ eventsInserted: 0, eventsDuplicate: 100_000, itemsUpserted: 0, itemsUnchanged: 1682, usersUpserted: 0, usersUnchanged: 943 });
      expect((await store.stats()).events).toBe(100_000);
    } finally {
      await store.close();
    }
  }, 180_000);
});
