import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../core/logger.ts';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import type { Artifact, Store } from '../store/store.ts';
import { SEARCH_INDEX_VERSION } from './search-index.ts';
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

  describe('an artifact saved by another analyser version', () => {
    // What the analyser before SEARCH_INDEX_VERSION 2 wrote for "Shelving": Porter2's `shelv`, which the current
    // analyser merges into `shelf` (so does the query "shelves"). Renaming the term in a current artifact gives
    // exactly the index an older build saved for this catalogue.
    async function saveOldAnalyserArtifact(version: number | undefined): Promise<void> {
      await store.upsertItems([{ id: 's', title: 'Steel Shelving Unit', category: 'Storage', price: 80 }]);
      await new SearchService(store, { syncIntervalMs: -1 }).ready();
      const saved = (await store.loadArtifact(SEARCH_ARTIFACT))!;
      const dec = new TextDecoder();
      const terms = JSON.parse(dec.decode(saved.buffers['terms'])) as string[];
      expect(terms).toContain('shelf');
      const manifest: Artifact['manifest'] = { ...saved.manifest };
      if (version === undefined) delete manifest['version'];
      else manifest['version'] = version;
      const oldTerms = terms.map((t) => (t === 'shelf' ? 'shelv' : t));
      await store.saveArtifact(SEARCH_ARTIFACT, { manifest, buffers: { ...saved.buffers, terms: new TextEncoder().encode(JSON.stringify(oldTerms)) } });
    }

    function capturingLogger(): { log: Logger; lines: { level: string; msg: string; obj: Record<string, unknown> }[] } {
      const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
      const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, msg, obj });
      return { log: { warn: at('warn'), info: at('info') } as unknown as Logger, lines };
    }

    it.each([
      ['an older version', 1],
      ['no version', undefined],
    ])('with %s is rebuilt from the catalogue, logged, and finds what the new analyser matches', async (_name, version) => {
      await saveOldAnalyserArtifact(version);
      const { log, lines } = capturingLogger();
      const s = new SearchService(store, { syncIntervalMs: -1, log });
      const r = await s.search({ q: 'shelves', highlight: false });
      expect(r.recovery).toBeUndefined();
      expect(r.hits.map((h) => h.id)).toEqual(['s']);
      expect(s.lastLoad).toMatchObject({ source: 'catalogue', reason: 'analyser-changed', items: 4 });
      expect(s.lastLoad?.detail).toContain(`this build writes ${SEARCH_INDEX_VERSION}`);
      const warning = lines.find((l) => l.level === 'warn');
      expect(warning?.msg).toMatch(/rebuilt from the catalogue.*another analyser/);
      expect(warning?.obj).toMatchObject({ reason: 'analyser-changed', version: SEARCH_INDEX_VERSION, items: 4 });
      // The rebuilt index was saved under the current version with the current terms: the next start loads it.
      const resaved = (await store.loadArtifact(SEARCH_ARTIFACT))!;
      expect(resaved.manifest['version']).toBe(SEARCH_INDEX_VERSION);
      expect(JSON.parse(new TextDecoder().decode(resaved.buffers['terms']))).toContain('shelf');
      const next = new SearchService(store, { syncIntervalMs: -1 });
      expect((await next.search({ q: 'shelves', highlight: false })).hits.map((h) => h.id)).toEqual(['s']);
      expect(next.lastLoad).toEqual({ source: 'artifact', items: 4 });
    });

    it('is used as it is when it carries the current version (no rebuild, so its terms are what get searched)', async () => {
      // The same old terms under the current version: the service trusts the version and loads the artifact,
      // which is why the version must be bumped whenever analysis changes.
      await saveOldAnalyserArtifact(SEARCH_INDEX_VERSION);
      const { log, lines } = capturingLogger();
      const s = new SearchService(store, { syncIntervalMs: -1, log });
      const r = await s.search({ q: 'shelves', highlight: false });
      expect(r.recovery).toBe('trending'); // no text match: the old `shelv` posting never meets the query's `shelf`
      expect(s.lastLoad).toEqual({ source: 'artifact', items: 4 });
      expect(lines).toEqual([]);
    });

    it('is replaced by the rebuild endpoint path too, reported as requested', async () => {
      await saveOldAnalyserArtifact(SEARCH_INDEX_VERSION);
      const s = new SearchService(store, { syncIntervalMs: -1 });
      await s.ready();
      expect(await s.rebuild()).toBe(4);
      expect(s.lastLoad).toMatchObject({ source: 'catalogue', reason: 'requested', items: 4 });
      expect((await s.search({ q: 'shelves', highlight: false })).hits.map((h) => h.id)).toEqual(['s']);
    });
  });

  it('tries again after a failed load instead of failing every later search', async () => {
    let fail = true;
    const flaky = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'loadArtifact' && fail) {
          fail = false;
          return () => Promise.reject(new Error('store unreachable'));
        }
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const s = new SearchService(flaky, { syncIntervalMs: -1 });
    await expect(s.search({ q: 'drill' })).rejects.toThrow(/store unreachable/);
    expect((await s.search({ q: 'drill' })).total).toBe(2);
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

  it('learns synonyms from searches and the clicks they led to (multi-word queries too)', async () => {
    const fillers = Array.from({ length: 60 }, (_, i) => ({ id: `h${i}`, title: `Garden Hose ${i} ft.`, category: 'Garden', price: 20 }));
    await store.upsertItems([...fillers, { id: 'r1', title: 'Gas Cooktop 30 in.', price: 900 }, { id: 'r2', title: 'Electric Cooktop', price: 700 }]);
    const s = new SearchService(store, { syncIntervalMs: -1, signalsTtlMs: 0 });
    expect((await s.search({ q: 'hob' })).hits.map((h) => h.id)).not.toContain('r1');
    const events = [];
    for (let i = 0; i < 3; i++) {
      events.push({ id: `s${i}`, type: 'search', userId: `u${i}`, query: i === 0 ? 'gas hob' : 'hob 30 inch', props: { items: 'h1,h2' }, ts: T + i * 10 });
      events.push({ id: `c${i}`, type: 'click', userId: `u${i}`, itemId: i === 2 ? 'r2' : 'r1', recId: `s${i}`, ts: T + i * 10 + 1 });
    }
    await store.appendEvents(events);
    await s.refreshSignals();
    const r = await s.search({ q: 'hob' });
    expect(r.recovery).toBeUndefined(); // matched through the learned synonym, not a zero-result fallback
    expect(r.understood).toContain('hob also matches cooktop (learned from clicks)');
    expect(r.hits.map((h) => h.id).sort()).toEqual(['r1', 'r2']);
  });

  it('reuses a shopper\'s personal context across searches for personalTtlMs', async () => {
    let calls = 0;
    const recommendationScores = async () => {
      calls++;
      return new Map([['b', 1]]);
    };
    const cached = new SearchService(store, { syncIntervalMs: -1, recordSearches: false, recommendationScores });
    await cached.search({ q: 'drill', userId: 'u1' });
    await cached.search({ q: 'drill kit', userId: 'u1' });
    expect(calls).toBe(1);
    await cached.search({ q: 'drill', userId: 'u2' });
    expect(calls).toBe(2);
    const fresh = new SearchService(store, { syncIntervalMs: -1, recordSearches: false, recommendationScores, personalTtlMs: 0 });
    await fresh.search({ q: 'drill', userId: 'u1' });
    await fresh.search({ q: 'drill', userId: 'u1' });
    expect(calls).toBe(4);
  });

  it('records searches with a userId as search events carrying the shown items', async () => {
    const s = new SearchService(store, { syncIntervalMs: -1 });
    const r = await s.search({ q: 'cordless drill', userId: 'shopper' });
    await s.flush();
    const [e] = await store.userEvents('shopper');
    expect(e).toMatchObject({ id: r.searchId, type: 'search', query: 'cordless drill' });
    expect(String(e?.props?.['items']).split(',')).toEqual(r.hits.map((h) => h.id));
  });

  it('answers lexically while the catalogue is still being embedded, then fuses the vectors', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const calls: string[][] = [];
    // Vectors by meaning: "spade" and the garden hose share one; everything else another.
    const embedder = {
      name: 'slow',
      dimensions: 2,
      async embed(texts: readonly string[]) {
        calls.push([...texts]);
        if (calls.length === 1) await gate; // the catalogue's embedding waits; queries do not
        return texts.map((t) => Float32Array.from(/spade|hose/i.test(t) ? [1, 0] : [0, 1]));
      },
    };
    const s = new SearchService(store, { syncIntervalMs: -1, embedder });
    const before = await s.search({ q: 'spade' });
    expect(before.recovery).toBe('trending'); // no word matches and no vectors yet
    expect(calls).toHaveLength(1); // the query was not embedded: the vectors are not ready
    release();
    await s.whenEmbedded();
    const after = await s.search({ q: 'spade' });
    expect(after.recovery).toBeUndefined();
    expect(after.hits[0]?.id).toBe('c');
  });

  it('fuses the built-in embedder when asked (hybrid)', async () => {
    const s = new SearchService(store, { syncIntervalMs: -1, embedder: 'hashing' });
    await s.whenEmbedded();
    const r = await s.search({ q: 'gardn hos' });
    expect(r.hits[0]?.id).toBe('c');
  });
});
