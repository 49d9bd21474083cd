import { describe, expect, it } from 'vitest';
import * as cartwise from './index.ts';

describe('the package entry point', () => {
  it('exposes the schemas, the error registry and the store opener', async () => {
    const ok = cartwise.validate(cartwise.eventSchema, { type: 'view', userId: 'u', itemId: 'i', ts: '2025-01-01T00:00:00Z' });
    expect(ok).toEqual({ ok: true, value: { type: 'view', userId: 'u', itemId: 'i', ts: Date.UTC(2025, 0, 1) } });
    expect(cartwise.ErrorCodes.BATCH_TOO_LARGE.status).toBe(413);
    const store = await cartwise.openStore('duckdb://:memory:');
    expect((await store.stats()).events).toBe(0);
    await store.close();
  });
});
