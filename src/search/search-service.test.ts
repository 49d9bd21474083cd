import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import type { Store } from '../store/store.ts';
import { SEARCH_ARTIFACT, SearchService } from './search-service.ts';

let store: Store;
const T = Date.UTC(2025, 5, 1);
beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.upsertItems([
    { id: 'a', title: 'Cordless Drill', category: 'Tools > Drills', price: 99, attrs: { brand: 'DEWALT' } },
    { id: 'b', title: 'Cordless Drill Kit', category: 'Tools > Drills', price: 149, attrs: { brand: 'Makita' } },
    { id: 'c', title: 'Garden Hose', category: 'Garden', price: 30, attrs: { brand: 'Acme' } },
  ]);
});
afterEach(async () => store.close());

describe('SearchService', () => {
  it('builds the index on first use, persists it, and a new service loads it instead of rebuilding', async () => {
    const s1 = new SearchService(store, { syncIntervalMs: -1 });
    expect((await s1.search({ q: 'drill' })).total).toBe(2);
    const saved = await store.loadArtifact(SEARCH_ARTIFACT);
    expect(saved?.manifest['docs']).toBe(3);
    expect(saved?.manifest['catalogue']).toMatch(/^3@\d+$/);
    // Tamper with the saved stored fields: a loading service must use the artifact, not re-read the items.
    const stored = JSON.parse(new TextDecoder().decode(saved!.buffers['stored'])) as { title: string }[];
    stored[0]!.title = 'From the artifact';
    await store.saveArtifact(SEARCH_ARTIFACT, { manifest: saved!.manifest, buffers: { ...saved!.buffers, stored: new TextEncoder().encode(JSON.stringify(stored)) } });
    const s2 = new SearchService(store, { syncIntervalMs: -1 });
    expect((await s2.search({ q: 'drill', highlight: false })).hits.map((h) => h.title)).toContain('From the artifact');
    // A stale artifact (catalogue changed) is rebuilt.
    await store.upsertItems([{ id: 'd', title: 'Hammer Drill', price: 120 }]);
    const s3 = new SearchService(store, { syncIntervalMs: -1 });
    const r = await s3.search({ q: 'drill', highlight: false });
    expect(r.total).toBe(3);
    expect(r.hits.map((h) => h.title)).not.toContain('From the artifact');
  });

  it('syncs upserts and deletions made by other writers', async () => {
    const s = new SearchService(store, { syncIntervalMs: 0 });
    expect((await s.search({ q: 'hose' })).hits.map((h) => h.id)).toEqual(['c']);
    await new Promise((r) => setTimeout(r, 5)); // updated_at must move past the first stamp
    await store.upsertItems([{ id: 'c', title: 'Garden Sprinkler', category: 'Garden', price: 25 }, { id: 'e', title: 'Soaker Hose', price: 20 }]);
    expect((await s.search({ q: 'hose' })).hits.map((h) => h.id)).toEqual(['e']);
    await store.deleteItem('e');
    expect((await s.search({ q: 'soaker' })).recovery).toBe('trending');
    expect(await s.sync()).toEqual({ upserted: 0, removed: 0 });
  });

  it('learns popularity and conversion from events and personalises by affinity', async () => {
    const s = new SearchService(store, { syncIntervalMs: -1, signalsTtlMs: 0 });
    const events = [];
    for (let u = 0; u < 6; u++) events.push({ id: `v${u}`, type: 'view', userId: `u${u}`, itemId: 'b', ts: T + u });
    events.push({ id: 'p1', type: 'purchase', userId: 'u1', itemId: 'b', ts: T + 10 });
    events.push({ id: 'm1', type: 'purchase', userId: 'fan', itemId: 'a', ts: T + 20 });
    await store.appendEvents(events);
    const engine = await s.ready();
    await s.refreshSignals();
    expect(engine.signals.popularity.get('b')).toBe(1);
    expect(engine.signals.conversion.get('b')).toBeGreaterThan(0);
    const affinity = await s.userAffinity('fan');
    expect(affinity?.brands.get('DEWALT')).toBe(1);
    expect(affinity?.categories.get('Drills')).toBe(1);
    expect(affinity?.typicalPrice).toBe(99);
  });

  it('records searches with a userId as search events carrying the shown items', async () => {
    const s = new SearchService(store, { syncIntervalMs: -1 });
    const r = await s.search({ q: 'cordless drill', userId: 'shopper' });
    await s.flush();
    const [e] = await store.userEvents('shopper');
    expect(e).toMatchObject({ id: r.searchId, type: 'search', query: 'cordless drill' });
    expect(String(e?.props?.['items']).split(',')).toEqual(r.hits.map((h) => h.id));
  });

  it('fuses the built-in embedder when asked (hybrid)', async () => {
    const s = new SearchService(store, { syncIntervalMs: -1, embedder: 'hashing' });
    const r = await s.search({ q: 'gardn hos' });
    expect(r.hits[0]?.id).toBe('c');
  });
});
