import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../open-store.ts';
import { DEFAULT_TEST_PG_URL, dropSchemas, postgresUnavailable, withTestSchema } from './testing.ts';

const PG_URL = process.env['CARTWISE_TEST_PG_URL'] ?? DEFAULT_TEST_PG_URL;
const why = await postgresUnavailable(PG_URL);
if (why) console.warn(`openStore(postgres://…) tests skipped: ${why}`);
const schemas: string[] = [];
afterAll(async () => {
  if (!why) await dropSchemas(PG_URL, schemas);
});

describe.skipIf(why !== undefined)('openStore with a postgres:// URL', () => {
  it('opens the PostgreSQL adapter in the ?schema= named, for postgres:// and postgresql://', async () => {
    const t = withTestSchema(PG_URL);
    schemas.push(t.schema);
    const store = await openStore(t.url);
    expect(store.dialect).toBe('postgres');
    await store.upsertItems([{ id: 'i1', title: 'Mug' }]);
    await store.close();
    const again = await openStore(t.url.replace(/^postgres:/, 'postgresql:'));
    expect((await again.stats()).items).toBe(1);
    await again.close();
  });
});
