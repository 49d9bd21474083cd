/** Known-answer tests per model, beyond the shared contract. */
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../core/time.ts';
import { buildFromRows, type InteractionRow } from '../interactions/interaction-builder.ts';
import { ContentRecommender, contentFactory, tokenize } from './content.ts';
import { EaseRecommender } from './ease.ts';
import { FbtRecommender, fbtFactory } from './fbt.ts';
import { normalizeScores } from './hybrid.ts';
import { createRecommender, getFactory, recommenderFromArtifact } from './index.ts';
import { ItemKnnRecommender } from './item-knn.ts';
import { PopularityRecommender, popularityFactory } from './popularity.ts';
import { sarFactory } from './sar.ts';

const T0 = Date.UTC(2024, 5, 1);
const r = (user: string, item: string, minutes: number, weight = 1): InteractionRow => ({ user, item, ts: T0 + minutes * 60_000, weight });

describe('registry', () => {
  it('lists every required algorithm and rejects unknown names and params', () => {
    for (const name of ['pop', 'itemknn', 'userknn', 'sar', 'ease', 'als', 'bpr', 'content', 'fbt', 'hybrid']) expect(getFactory(name).kind).toBe(name);
    expect(() => getFactory('nope')).toThrow(/Unknown algorithm `nope`/);
    expect(() => createRecommender('ease', { lambda: -1 })).toThrow(/lambda/);
    expect(() => createRecommender('hybrid', { algos: 'ease,sar', weights: '1' })).toThrow(/weights/);
  });
  it('restores any model from its artifact by kind', async () => {
    const data = buildFromRows([r('a', 'x', 0), r('a', 'y', 1), r('b', 'x', 2)]);
    const m = createRecommender('sar');
    await m.fit(data);
    expect(recommenderFromArtifact(m.toArtifact()).kind).toBe('sar');
  });
});

describe('popularity', () => {
  it('counts distinct users, decays for trending and filters by category prefix', async () => {
    const rows = [r('a', 'old', -20 * 24 * 60), r('b', 'old', -20 * 24 * 60), r('c', 'new', 0), r('c', 'new', 1)];
    const catalog = [
      { id: 'old', title: 'Old', category: 'Home > Kitchen' },
      { id: 'new', title: 'New', category: 'Garden' },
    ];
    const data = buildFromRows(rows, { catalog });
    const all = popularityFactory.create() as PopularityRecommender;
    await all.fit(data);
    expect(data.itemIds[all.recommend(-1, 1).items[0] as number]).toBe('old');
    const trending = popularityFactory.create({ mode: 'trending', halfLifeDays: 1 }) as PopularityRecommender;
    await trending.fit(data);
    expect(data.itemIds[trending.recommend(-1, 1).items[0] as number]).toBe('new');
    expect(Array.from(all.popularIn('Home', 5).items).map((i) => data.itemIds[i])).toEqual(['old']);
    expect(all.popularIn('Hom', 5).items.length).toBe(0);
  });
});

describe('item-kNN', () => {
  it('computes cosine similarities and keeps the top neighbours', async () => {
    // x and y always together (cosine 1); z with x once (cosine 1/√2·… ).
    const data = buildFromRows([r('a', 'x', 0), r('a', 'y', 1), r('b', 'x', 2), r('b', 'y', 3), r('c', 'x', 4), r('c', 'z', 5), r('d', 'z', 6)]);
    const m = new ItemKnnRecommender({ neighbors: 1, shrink: 0, similarity: 'cosine', asymmetricAlpha: 0.5, weighted: false });
    await m.fit(data);
    const x = data.itemIndex.get('x') as number;
    const sim = m.similarItems(x, 5);
    expect(sim.items.length).toBe(1);
    expect(data.itemIds[sim.items[0] as number]).toBe('y');
    expect(sim.scores[0]).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
  });
});

describe('SAR', () => {
  it('weights recent interactions more through the affinity half-life', async () => {
    // u saw p long ago and q now; p's neighbour P2 and q's neighbour Q2 are otherwise symmetric.
    const rows = [r('u', 'p', -60 * 24 * 60), r('u', 'q', 0), r('v', 'p', 0), r('v', 'p2', 1), r('w', 'q', 0), r('w', 'q2', 1)];
    const data = buildFromRows(rows);
    const m = sarFactory.create({ halfLifeDays: 7 });
    await m.fit(data);
    const top = m.recommend(data.userIndex.get('u') as number, 1);
    expect(data.itemIds[top.items[0] as number]).toBe('q2');
    void DAY_MS;
  });
});

describe('EASE', () => {
  it('scores only the capped (most popular) items', async () => {
    const data = buildFromRows([r('a', 'x', 0), r('a', 'y', 1), r('b', 'x', 2), r('b', 'y', 3), r('c', 'x', 4), r('c', 'z', 5)]);
    const m = new EaseRecommender({ lambda: 1, maxItems: 2, dropout: 0, halfLifeDays: 0, threads: 1 });
    await m.fit(data);
    expect(m.dim).toBe(2);
    const out = new Float64Array(data.nItems);
    m.score(data.userIndex.get('c') as number, out);
    expect(out[data.itemIndex.get('z') as number]).toBe(-Infinity);
    expect(out[data.itemIndex.get('y') as number]).toBeGreaterThan(0);
  });
});

describe('EASE on worker threads', () => {
  it('gives the single-threaded scores from 512 items on', async () => {
    const rows: InteractionRow[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let u = 0; u < 400; u++) for (let k = 0; k < 12; k++) rows.push(r(`u${u}`, `i${Math.floor(next() ** 2 * 600)}`, k));
    const data = buildFromRows(rows);
    expect(data.nItems).toBeGreaterThanOrEqual(512);
    const one = new EaseRecommender({ lambda: 5, maxItems: 20000, threads: 1, dropout: 0, halfLifeDays: 0 });
    const two = new EaseRecommender({ lambda: 5, maxItems: 20000, threads: 2, dropout: 0, halfLifeDays: 0 });
    await one.fit(data);
    await two.fit(data);
    for (let i = 0; i < one.weights.length; i += 997) expect(Math.abs((one.weights[i] as number) - (two.weights[i] as number))).toBeLessThan(1e-6);
  });
});

describe('frequently bought together', () => {
  it('relates items of the same basket and scores a user from the last basket', async () => {
    const rows = [
      // Two baskets of "a" (2 days apart), others buy tent+stakes together.
      r('a', 'tent', 0), r('a', 'stakes', 1), r('a', 'mug', 3 * 24 * 60),
      r('b', 'tent', 0), r('b', 'stakes', 2),
      r('c', 'tent', 0), r('c', 'lamp', 1), r('c', 'stakes', 2),
      r('d', 'mug', 0), r('d', 'spoon', 1),
      r('e', 'mug', 0), r('e', 'spoon', 1),
    ];
    const data = buildFromRows(rows);
    const m = fbtFactory.create({ minSupport: 2 }) as FbtRecommender;
    await m.fit(data);
    const tent = data.itemIndex.get('tent') as number;
    const rel = m.similarItems(tent, 5);
    expect(Array.from(rel.items).map((i) => data.itemIds[i])).toEqual(['stakes']);
    expect(rel.scores[0]).toBeCloseTo(1, 6); // every tent basket has stakes
    const top = m.recommend(data.userIndex.get('a') as number, 1);
    expect(data.itemIds[top.items[0] as number]).toBe('spoon'); // from the last basket (mug), not the first
  });
});

describe('content-based', () => {
  it('tokenises and reaches a never-interacted item through its text', async () => {
    expect(tokenize('The Red-Cotton T-Shirt, 2 pack')).toEqual(['red', 'cotton', 'shirt', 'pack']);
    const catalog = [
      { id: 'tent1', title: 'Ultralight hiking tent', category: 'Outdoor > Camping' },
      { id: 'tent2', title: 'Family camping tent', category: 'Outdoor > Camping' },
      { id: 'pan', title: 'Cast iron pan', category: 'Home > Kitchen' },
      { id: 'newtent', title: 'Hiking tent for two', category: 'Outdoor > Camping' },
    ];
    const data = buildFromRows([r('a', 'tent1', 0), r('b', 'pan', 0), r('c', 'tent2', 0)], { catalog });
    expect(data.itemIds).toContain('newtent');
    const m = contentFactory.create() as ContentRecommender;
    await m.fit(data);
    const top = m.recommend(data.userIndex.get('a') as number, 1);
    expect(data.itemIds[top.items[0] as number]).toBe('newtent');
    const sim = m.similarItems(data.itemIndex.get('newtent') as number, 1);
    expect(data.itemIds[sim.items[0] as number]).toBe('tent1');
  });
});

describe('hybrid', () => {
  it('normalises scores by min-max, z-score and rank', () => {
    const a = Float64Array.from([1, 3, -Infinity, 2]);
    normalizeScores(a, 'minmax');
    expect(Array.from(a)).toEqual([0, 1, 0, 0.5]);
    const b = Float64Array.from([1, 3, 2]);
    normalizeScores(b, 'rank');
    expect(Array.from(b)).toEqual([1 - 2 / 3, 1, 1 - 1 / 3]);
    const c = Float64Array.from([1, 3]);
    normalizeScores(c, 'zscore');
    expect(Array.from(c)).toEqual([-1, 1]);
  });
  it('passes <algo>.<param> to its components and round-trips', async () => {
    const data = buildFromRows([r('a', 'x', 0), r('a', 'y', 1), r('b', 'x', 2), r('b', 'y', 3), r('c', 'x', 4)]);
    const m = createRecommender('hybrid', { algos: 'ease,pop', weights: '1,0.5', 'ease.lambda': 3 });
    await m.fit(data);
    const art = m.toArtifact();
    expect((art.manifest.components as { params: { lambda: number } }[])[0]?.params.lambda).toBe(3);
    const back = recommenderFromArtifact(art);
    expect(back.recommend(2, 2)).toEqual(m.recommend(2, 2));
  });
});
