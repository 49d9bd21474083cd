import { afterEach, describe, expect, it } from 'vitest';
import { isCartwiseError } from '../../core/errors.ts';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { generateDemoStore, type DemoStoreOptions } from './generate-demo-store.ts';
import { DEMO_MANIFEST_ARTIFACT, loadDemoStore, readDemoManifest } from './load-demo-store.ts';

const END_MS = Date.UTC(2026, 10, 25);
const TINY: DemoStoreOptions = { seed: 3, items: 120, users: 150, days: 30, endMs: END_MS, batchSize: 500 };

let store: DuckDbStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('loadDemoStore (DuckDB :memory:)', () => {
  it('stores the whole run once; a second load and a second raw pass add nothing', async () => {
    store = await DuckDbStore.open(':memory:');
    const progress: number[] = [];
    const first = await loadDemoStore(store, TINY, { onProgress: (p) => progress.push(p.shoppersDone) });
    expect(first.status).toBe('generated');
    const summary = first.manifest.summary;
    expect(summary).toBeDefined();
    expect(first.inserted).toEqual({ items: 120, users: 150, events: summary?.events });
    expect(progress.at(-1)).toBe(150);

    const stats = await store.stats();
    expect(stats.items).toBe(120);
    expect(stats.userProfiles).toBe(150);
    expect(stats.events).toBe(summary?.events);
    expect(stats.eventsByType).toEqual(summary?.eventsByType);
    expect(Object.keys(stats.eventsByType).length).toBeGreaterThanOrEqual(5);
    expect(Date.parse(stats.lastEventAt as string)).toBeLessThan(END_MS);

    const item = await store.getItem('demo:3:i0');
    expect(item?.category?.split(' > ')).toHaveLength(3);
    const [purchase] = await store.query<{ revenue: number; order_id: string }>(
      "SELECT revenue, props->>'orderId' AS order_id FROM events WHERE type = 'purchase' LIMIT 1",
    );
    expect(purchase?.revenue).toBeGreaterThan(0);
    expect(purchase?.order_id).toMatch(/^demo:3:20261125:o\d+$/);

    // Second `cartwise demo`: the marker says complete, nothing is generated.
    const second = await loadDemoStore(store, TINY);
    expect(second.status).toBe('existing');
    expect(second.inserted).toEqual({ items: 0, users: 0, events: 0 });
    expect(second.requestedDiffers).toBe(false);
    // A different request keeps the stored demo and says so.
    const other = await loadDemoStore(store, { ...TINY, seed: 4 });
    expect(other.status).toBe('existing');
    expect(other.requestedDiffers).toBe(true);

    // Even bypassing the marker, the deterministic ids make a second pass a no-op.
    let inserted = 0;
    for (const batch of generateDemoStore(TINY)) if (batch.kind === 'events') inserted += (await store.appendEvents(batch.events)).inserted;
    expect(inserted).toBe(0);
    expect((await store.stats()).events).toBe(summary?.events);
  });

  it('finishes an interrupted run with the recorded options, without duplicates', async () => {
    store = await DuckDbStore.open(':memory:');
    const controller = new AbortController();
    let caught: unknown;
    try {
      await loadDemoStore(store, TINY, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.eventsInserted > 0) controller.abort();
        },
      });
    } catch (err) {
      caught = err;
    }
    expect(isCartwiseError(caught) && caught.code === 'ABORTED').toBe(true);
    expect((await readDemoManifest(store))?.status).toBe('in_progress');
    const partial = (await store.stats()).events;
    expect(partial).toBeGreaterThan(0);

    // The rerun asks for a later day and other sizes, but must finish the recorded run.
    const resumed = await loadDemoStore(store, { ...TINY, users: 9, endMs: END_MS + 86_400_000 });
    expect(resumed.status).toBe('resumed');
    expect(resumed.requestedDiffers).toBe(true);
    expect(resumed.manifest).toMatchObject({ status: 'complete', seed: 3, users: 150, endMs: END_MS });
    expect(resumed.duplicates).toBe(partial);
    const stats = await store.stats();
    expect(stats.events).toBe(resumed.manifest.summary?.events);
    expect(stats.userProfiles).toBe(150);
  });

  it('refuses to mix a demo into a store that holds other events', async () => {
    store = await DuckDbStore.open(':memory:');
    await store.appendEvents([{ id: 'real-1', type: 'view', userId: 'u1', itemId: 'x', ts: END_MS - 1000 }]);
    let caught: unknown;
    try {
      await loadDemoStore(store, TINY);
    } catch (err) {
      caught = err;
    }
    expect(isCartwiseError(caught) && caught.code === 'CONFLICT').toBe(true);
    expect((caught as Error).message).toMatch(/1 events that are not a demo store/);
    expect(await store.loadArtifact(DEMO_MANIFEST_ARTIFACT)).toBeUndefined();
  });
});
