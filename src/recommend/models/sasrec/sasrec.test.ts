import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/random.ts';
import { decodeArtifact, encodeArtifact } from '../../../store/artifact-codec.ts';
import { DuckDbStore } from '../../../store/duckdb/duckdb-store.ts';
import { buildFromRows, type InteractionData, type InteractionRow } from '../../interactions/interaction-builder.ts';
import { runRecommenderContract } from '../../recommender.contract.ts';
import { itemKnnFactory } from '../item-knn.ts';
import { popularityFactory } from '../popularity.ts';
import type { Recommender } from '../../recommender.ts';
import { checkpointFromArtifact, checkpointToArtifact, sasrecFactory, SasrecRecommender, type SasrecParams } from './sasrec.ts';
import type { TrainCheckpoint } from './train.ts';

const small: Partial<SasrecParams> = { dim: 16, blocks: 1, heads: 2, epochs: 30, negatives: 0, validationUsers: 0, dropout: 0, lr: 0.01, batchSize: 8, warmupSteps: 5 };
// The checkerboard's missing items are, by construction, never the successor of a user's last item (each row is in
// item order, so nothing follows the block's last items): a next-item model is right not to rank them first, so the
// "own block first" check is skipped here; the known-answer store below checks personalisation instead.
runRecommenderContract(sasrecFactory, { params: small, personalised: false });

/**
 * The known-answer store: items form one hidden cycle (a seeded random order of N items); every shopper starts
 * somewhere on it and follows it. The last step of each shopper is the test item.
 */
function cycleStore(nItems: number, nUsers: number, seed: number) {
  const rng = createRng(seed);
  const order = rng.shuffle(Array.from({ length: nItems }, (_, i) => `i${i}`));
  const next = new Map(order.map((id, k) => [id, order[(k + 1) % nItems] as string]));
  const train: InteractionRow[] = [];
  const test = new Map<string, string>();
  for (let u = 0; u < nUsers; u++) {
    const len = 6 + rng.int(8);
    let k = rng.int(nItems);
    const user = `u${u}`;
    for (let t = 0; t < len; t++) {
      const item = order[(k + t) % nItems] as string;
      if (t === len - 1) test.set(user, item);
      else train.push({ user, item, ts: 1_000 * t, weight: 1 });
    }
    k++;
  }
  return { train, test, next, order };
}

function hitRateAt1(model: Recommender, data: InteractionData, test: Map<string, string>): number {
  let hits = 0;
  for (const [user, item] of test) {
    const r = model.recommend(data.userIndex.get(user) as number, 1);
    if (data.itemIds[r.items[0] as number] === item) hits++;
  }
  return hits / test.size;
}

describe('SASRec known-answer store (hidden item cycle)', () => {
  const store = cycleStore(40, 240, 5);
  const data = buildFromRows(store.train);
  const params: Partial<SasrecParams> = { dim: 32, blocks: 1, heads: 2, maxLen: 20, epochs: 25, negatives: 0, dropout: 0.1, lr: 0.005, batchSize: 16, warmupSteps: 10, validationUsers: 40, patience: 0 };
  let model: SasrecRecommender;

  it('learns the next item to HR@1 > 0.95 and beats non-sequential models by a clear margin', async () => {
    model = sasrecFactory.create(params) as SasrecRecommender;
    await model.fit(data, { seed: 3 });
    const hr = hitRateAt1(model, data, store.test);
    expect(hr).toBeGreaterThan(0.95);
    // Learning curve: validation NDCG@10 improves from the first epoch to the best one.
    expect(model.learningCurve.length).toBe(25);
    expect(Math.max(...model.learningCurve.map((e) => e.ndcg10))).toBeGreaterThan((model.learningCurve[0] as { ndcg10: number }).ndcg10);
    const pop = popularityFactory.create();
    await pop.fit(data, { seed: 3 });
    const knn = itemKnnFactory.create({ neighbors: 20 });
    await knn.fit(data, { seed: 3 });
    expect(hitRateAt1(pop, data, store.test)).toBeLessThan(0.2);
    expect(hitRateAt1(knn, data, store.test)).toBeLessThan(hr - 0.3);
  });

  it('follows an anonymous session as it browses, and explains by the item it follows', () => {
    const { order, next } = store;
    const idx = (id: string) => data.itemIndex.get(id) as number;
    const a = order[3] as string;
    const b = next.get(a) as string;
    const c = next.get(b) as string;
    const first = model.recommend({ recentItems: [idx(a), idx(b)] }, 1);
    expect(data.itemIds[first.items[0] as number]).toBe(c);
    const after = model.recommend({ recentItems: [idx(a), idx(b), idx(c)] }, 1);
    expect(data.itemIds[after.items[0] as number]).toBe(next.get(c));
    const why = model.explain({ recentItems: [idx(a), idx(b), idx(c)] }, after.items[0] as number);
    expect([idx(a), idx(b), idx(c)]).toContain(why.after);
    // A known user's new event (not yet in the training log) changes the next answer without retraining.
    const u = data.userIndex.get('u0') as number;
    const base = model.recommend(u, 1).items[0] as number;
    const moved = model.recommend({ user: u, recentItems: [base] }, 1).items[0] as number;
    expect(moved).not.toBe(base);
    expect(data.itemIds[moved]).toBe(next.get(data.itemIds[base] as string));
    // An empty session has nothing to score from.
    expect(model.recommend({ recentItems: [] }, 5).items.length).toBe(0);
  });

  it('batch inference gives the single-query scores', () => {
    const queries = [0, 5, { recentItems: [1, 2, 3] }, { recentItems: [] }, { user: 7, recentItems: [4] }];
    const out = new Float32Array(queries.length * data.nItems);
    const ok = model.scoreBatch(queries, out);
    expect(Array.from(ok)).toEqual([1, 1, 1, 0, 1]);
    const one = new Float64Array(data.nItems);
    queries.forEach((q, r) => {
      if (!ok[r]) return;
      model.score(q, one);
      for (let i = 0; i < data.nItems; i++) expect(out[r * data.nItems + i]).toBeCloseTo(one[i]!, 4);
    });
  });

  it('round-trips through an artifact with identical scores and keeps its learning curve', () => {
    const restored = sasrecFactory.fromArtifact(decodeArtifact(encodeArtifact(model.toArtifact()))) as SasrecRecommender;
    const s1 = new Float64Array(data.nItems);
    const s2 = new Float64Array(data.nItems);
    model.score({ recentItems: [1, 2, 3] }, s1);
    restored.score({ recentItems: [1, 2, 3] }, s2);
    expect(s2).toEqual(s1);
    expect(restored.learningCurve).toEqual(model.learningCurve.map((e) => ({ ...e })));
  });
});

const PER_CAT = 30;

/**
 * A category store for side features: 8 categories of 30 items; each shopper browses a few random items of one
 * category. Most items are seen only a few times, so their ids alone say little; their category says where a
 * shopper is heading. Returns the rows, the catalogue and each shopper's category.
 */
function categoryStore(seed: number, nUsers = 80, perUser = 4) {
  const rng = createRng(seed);
  const nCat = 8;
  const catalog = Array.from({ length: nCat * PER_CAT }, (_, i) => ({ id: `i${i}`, title: `item ${i}`, category: `Sports > c${Math.floor(i / PER_CAT)}`, attrs: { brand: `b${i % 3}` } }));
  const rows: InteractionRow[] = [];
  const userCat = new Map<string, number>();
  for (let u = 0; u < nUsers; u++) {
    const c = rng.int(nCat);
    userCat.set(`u${u}`, c);
    for (let t = 0; t < perUser; t++) rows.push({ user: `u${u}`, item: `i${c * PER_CAT + rng.int(PER_CAT)}`, ts: t, weight: 1 });
  }
  return { rows, catalog, userCat };
}

/** Share of each shopper's top 10 that is in the shopper's category. */
function categoryPrecision(m: Recommender, data: InteractionData, userCat: ReadonlyMap<string, number>): number {
  let hits = 0;
  for (const [user, c] of userCat) {
    for (const i of m.recommend(data.userIndex.get(user) as number, 10).items) if (Math.floor(Number(data.itemIds[i]!.slice(1)) / PER_CAT) === c) hits++;
  }
  return hits / (10 * userCat.size);
}

describe('SASRec with item side features', () => {
  const store = categoryStore(8);
  const userCat = store.userCat;
  const data = buildFromRows(store.rows, { catalog: store.catalog });
  // Neighbour features off: this checks what the catalogue adds.
  const params: Partial<SasrecParams> = { dim: 16, blocks: 1, heads: 2, maxLen: 10, epochs: 12, negatives: 0, dropout: 0.1, lr: 0.01, batchSize: 16, warmupSteps: 10, validationUsers: 0, neighbourFeatures: 0 };
  let featured: SasrecRecommender;

  it('learns categories from the catalogue faster than from ids alone', async () => {
    // The default (auto) uses the catalogue's features when it has any.
    featured = sasrecFactory.create(params) as SasrecRecommender;
    await featured.fit(data, { seed: 2 });
    const plain = sasrecFactory.create({ ...params, sideFeatures: false });
    await plain.fit(data, { seed: 2 });
    const withFeatures = categoryPrecision(featured, data, userCat);
    const without = categoryPrecision(plain, data, userCat);
    expect(featured.shape?.nFeatures).toBe(8 + 1 + 3);
    // Measured: 0.78 with features, 0.21 without (seed 2).
    expect(withFeatures).toBeGreaterThan(0.6);
    expect(withFeatures).toBeGreaterThan(without + 0.3);
  });

  it('without a catalogue, learns categories from sequence neighbours (neighbourFeatures)', async () => {
    // A denser log of the same kind (pairs must repeat to become neighbours): 300 shoppers × 5 items, ids only.
    const dense = categoryStore(4, 300, 5);
    const ids = buildFromRows(dense.rows);
    const precision = (m: Recommender) => categoryPrecision(m, ids, dense.userCat);
    const withNeighbours = sasrecFactory.create({ ...params, epochs: 4, neighbourFeatures: 5 });
    await withNeighbours.fit(ids, { seed: 2 });
    const plain = sasrecFactory.create({ ...params, epochs: 4 });
    await plain.fit(ids, { seed: 2 });
    // Measured: 0.74 with neighbour features, 0.31 with ids alone (seed 2, 4 epochs).
    expect(precision(withNeighbours)).toBeGreaterThan(0.6);
    expect(precision(withNeighbours)).toBeGreaterThan(precision(plain) + 0.25);
  });

  it('round-trips the features through an artifact with identical scores', () => {
    const restored = sasrecFactory.fromArtifact(decodeArtifact(encodeArtifact(featured.toArtifact()))) as SasrecRecommender;
    const s1 = new Float64Array(data.nItems);
    const s2 = new Float64Array(data.nItems);
    featured.score({ recentItems: [1, 2, 3] }, s1);
    restored.score({ recentItems: [1, 2, 3] }, s2);
    expect(s2).toEqual(s1);
  });

  it('asks for a catalogue when sideFeatures is set without item metadata', async () => {
    const m = sasrecFactory.create({ ...params, sideFeatures: true });
    await expect(m.fit(buildFromRows([{ user: 'u', item: 'a', ts: 0 }, { user: 'u', item: 'b', ts: 1 }]))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/metadata/) });
  });
});

describe('SASRec when order does not matter', () => {
  it('is not worse than popularity on an orderless, popularity-skewed store', async () => {
    // Every shopper draws distinct items from a Zipf-like distribution in random order; the last one is the test.
    const rng = createRng(21);
    const rows: InteractionRow[] = [];
    const test = new Map<string, string>();
    for (let u = 0; u < 300; u++) {
      const len = 4 + rng.int(6);
      const picked = new Set<number>();
      while (picked.size < len) picked.add(Math.floor(40 * Math.pow(rng.next(), 2.5)));
      [...picked].forEach((it, t) => {
        if (t === len - 1) test.set(`u${u}`, `i${it}`);
        else rows.push({ user: `u${u}`, item: `i${it}`, ts: t, weight: 1 });
      });
    }
    const data = buildFromRows(rows);
    const hr10 = (m: Recommender) => {
      let hits = 0;
      for (const [user, item] of test) if (Array.from(m.recommend(data.userIndex.get(user) as number, 10).items).some((i) => data.itemIds[i] === item)) hits++;
      return hits / test.size;
    };
    const sas = sasrecFactory.create({ dim: 16, blocks: 1, heads: 2, maxLen: 10, epochs: 12, negatives: 0, dropout: 0.2, lr: 0.005, batchSize: 16, validationUsers: 50, patience: 3 });
    await sas.fit(data, { seed: 2 });
    const pop = popularityFactory.create();
    await pop.fit(data);
    expect(hr10(sas)).toBeGreaterThanOrEqual(hr10(pop) - 0.03);
  });
});

describe('SASRec training: checkpoints, resumption, determinism, validation', () => {
  const store = cycleStore(20, 60, 9);
  const data = buildFromRows(store.train);
  const params: Partial<SasrecParams> = { dim: 8, blocks: 1, heads: 1, maxLen: 10, epochs: 4, negatives: 8, dropout: 0.1, lr: 0.01, batchSize: 8, validationUsers: 10, patience: 0 };

  it('resumes from an epoch checkpoint to exactly the uninterrupted result', async () => {
    const checkpoints: TrainCheckpoint[] = [];
    const full = sasrecFactory.create(params) as SasrecRecommender;
    await full.fit(data, { seed: 4, onCheckpoint: (c) => void checkpoints.push(c) });
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4]);
    const saved = decodeArtifact(encodeArtifact(checkpointToArtifact(checkpoints[1] as TrainCheckpoint, full.params)));
    const resumed = sasrecFactory.create(params) as SasrecRecommender;
    await resumed.fit(data, { seed: 4, resumeFrom: checkpointFromArtifact(saved) });
    expect(Array.from(resumed.weights?.dense ?? [])).toEqual(Array.from(full.weights?.dense ?? []));
    expect(Array.from(resumed.weights?.item ?? [])).toEqual(Array.from(full.weights?.item ?? []));
    expect(resumed.learningCurve.map((e) => e.loss)).toEqual(full.learningCurve.map((e) => e.loss));
  });

  it('stores epoch checkpoints in the store and resumes from the stored one after an interruption', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      const controller = new AbortController();
      const first = sasrecFactory.create(params) as SasrecRecommender;
      const fit = first.fit(data, {
        seed: 4,
        signal: controller.signal,
        onCheckpoint: async (c) => {
          await store.saveArtifact('sasrec-checkpoint', checkpointToArtifact(c, first.params));
          if (c.epoch === 2) controller.abort();
        },
      });
      await expect(fit).rejects.toMatchObject({ code: 'ABORTED' });
      const saved = await store.loadArtifact('sasrec-checkpoint');
      expect(saved?.manifest.epoch).toBe(2);
      const resumed = sasrecFactory.create(params) as SasrecRecommender;
      await resumed.fit(data, { seed: 4, resumeFrom: checkpointFromArtifact(saved as NonNullable<typeof saved>) });
      const straight = sasrecFactory.create(params) as SasrecRecommender;
      await straight.fit(data, { seed: 4 });
      expect(Array.from(resumed.weights?.item ?? [])).toEqual(Array.from(straight.weights?.item ?? []));
      expect(resumed.learningCurve.length).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('stops early when validation NDCG@10 stops improving, keeping the best epoch', async () => {
    const m = sasrecFactory.create({ ...params, epochs: 60, patience: 2, lr: 0.05 }) as SasrecRecommender;
    await m.fit(data, { seed: 1 });
    const curve = m.learningCurve;
    const best = Math.max(...curve.map((e) => e.ndcg10));
    expect(curve[m.bestEpoch - 1]?.ndcg10).toBe(best);
    if (curve.length < 60) expect(curve.length - m.bestEpoch).toBe(2);
  });

  it('stops at the time budget after a whole epoch', async () => {
    const m = sasrecFactory.create({ ...params, epochs: 50, timeBudgetMinutes: 1e-9 }) as SasrecRecommender;
    await m.fit(data, { seed: 1 });
    expect(m.learningCurve.length).toBe(1);
  });

  it('reports progress with loss and ETA and aborts mid-training', async () => {
    const controller = new AbortController();
    const seen: { loss: number; etaMs: number }[] = [];
    const m = sasrecFactory.create({ ...params, epochs: 50 });
    await expect(
      m.fit(data, {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p as unknown as { loss: number; etaMs: number });
          if (seen.length >= 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(Number.isFinite(seen[0]?.loss)).toBe(true);
    expect(seen[0]?.etaMs).toBeGreaterThanOrEqual(0);
  });

  it('rejects heads that do not divide dim, naming the parameter', async () => {
    const m = sasrecFactory.create({ dim: 10, heads: 3 });
    await expect(m.fit(data)).rejects.toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/`heads`/) });
    expect(() => sasrecFactory.create({ dim: -1 })).toThrow(/dim/);
  });
});
