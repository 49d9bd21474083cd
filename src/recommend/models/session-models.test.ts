import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.ts';
import { decodeArtifact, encodeArtifact } from '../../store/artifact-codec.ts';
import { buildFromRows, type InteractionRow } from '../interactions/interaction-builder.ts';
import { runRecommenderContract } from '../recommender.contract.ts';
import type { Recommender, RecommenderFactory } from '../recommender.ts';
import { markovFactory, MarkovRecommender, queryWindow } from './markov.ts';
import { popularityFactory } from './popularity.ts';
import { sessionKnnFactory } from './session-knn.ts';

// The checkerboard's missing items never follow a user's last items (rows are in item order), so a transition model
// falls back to popularity there: "own block first" is checked by the known-answer store below instead.
runRecommenderContract(markovFactory, { personalised: false });
runRecommenderContract(markovFactory, { personalised: false, params: { lookback: 1, skip: 2, normalize: false } });
runRecommenderContract(sessionKnnFactory, { params: { neighbors: 10 } });
runRecommenderContract(sessionKnnFactory, { params: { neighbors: 5, window: 3, forwardBoost: 0 } });

/** Shoppers walk one hidden cycle of items (see sasrec.test.ts); the last step of each is the test item. */
function cycleStore(nItems: number, nUsers: number, seed: number) {
  const rng = createRng(seed);
  const order = rng.shuffle(Array.from({ length: nItems }, (_, i) => `i${i}`));
  const train: InteractionRow[] = [];
  const test = new Map<string, string>();
  for (let u = 0; u < nUsers; u++) {
    const len = 5 + rng.int(6);
    const k = rng.int(nItems);
    for (let t = 0; t < len; t++) {
      const item = order[(k + t) % nItems] as string;
      if (t === len - 1) test.set(`u${u}`, item);
      else train.push({ user: `u${u}`, item, ts: 60_000 * t, weight: 1, session: `s${u}` });
    }
  }
  return { train, test, order };
}

describe.each([
  ['markov', markovFactory as RecommenderFactory],
  ['sknn', sessionKnnFactory as RecommenderFactory],
])('%s on the known-answer store', (_name, factory) => {
  const store = cycleStore(30, 150, 2);
  const data = buildFromRows(store.train);
  let model: Recommender;

  it('predicts the hidden next item (HR@1 > 0.95), far above popularity', async () => {
    model = factory.create({});
    await model.fit(data, { seed: 1 });
    const pop = popularityFactory.create();
    await pop.fit(data);
    const hr = (m: Recommender) => {
      let hits = 0;
      for (const [user, item] of store.test) if (data.itemIds[m.recommend(data.userIndex.get(user) as number, 1).items[0] as number] === item) hits++;
      return hits / store.test.size;
    };
    expect(hr(model)).toBeGreaterThan(0.95);
    expect(hr(pop)).toBeLessThan(0.2);
  });

  it('follows an anonymous session as it browses', () => {
    const idx = (k: number) => data.itemIndex.get(store.order[k % 30] as string) as number;
    expect(model.recommend({ recentItems: [idx(4)] }, 1).items[0]).toBe(idx(5));
    expect(model.recommend({ recentItems: [idx(4), idx(5)] }, 1).items[0]).toBe(idx(6));
    expect(model.recommend({ recentItems: [] }, 3).items.length).toBe(0);
    const restored = factory.fromArtifact(decodeArtifact(encodeArtifact(model.toArtifact())));
    expect(restored.recommend({ recentItems: [idx(4), idx(5)] }, 5)).toEqual(model.recommend({ recentItems: [idx(4), idx(5)] }, 5));
  });
});

describe('Markov details', () => {
  it('normalises transitions per source item, ignores pairs across long gaps, explains by the item followed', async () => {
    const H = 3_600_000;
    const rows: InteractionRow[] = [
      { user: 'a', item: 'x', ts: 0 },
      { user: 'a', item: 'y', ts: H },
      { user: 'b', item: 'x', ts: 0 },
      { user: 'b', item: 'y', ts: H },
      { user: 'c', item: 'x', ts: 0 },
      { user: 'c', item: 'z', ts: 100 * H },
    ];
    const data = buildFromRows(rows);
    const [x, y, z] = ['x', 'y', 'z'].map((id) => data.itemIndex.get(id) as number) as [number, number, number];
    const m = markovFactory.create({ maxGapHours: 24 }) as MarkovRecommender;
    await m.fit(data);
    const out = new Float64Array(data.nItems);
    m.score({ recentItems: [x] }, out);
    expect(out[y]).toBeCloseTo(1, 5);
    expect(out[z]).toBeLessThan(1e-5);
    const all = markovFactory.create({}) as MarkovRecommender;
    await all.fit(data);
    all.score({ recentItems: [x] }, out);
    expect(out[y]).toBeCloseTo(2 / 3, 5);
    expect(out[z]).toBeCloseTo(1 / 3, 5);
    expect(all.explain({ recentItems: [z, x] }, y)).toEqual({ after: x, weight: expect.closeTo(2 / 3, 5) });
  });

  it('builds the ordered query window from the user sequence then recent items', () => {
    const indptr = Int32Array.from([0, 3]);
    const items = Int32Array.from([4, 5, 6]);
    expect(Array.from(queryWindow({ user: 0, recentItems: [7, 99, -1] }, indptr, items, 10, 3))).toEqual([5, 6, 7]);
    expect(Array.from(queryWindow(0, indptr, items, 10, 10))).toEqual([4, 5, 6]);
    expect(Array.from(queryWindow({ recentItems: [1] }, indptr, items, 10, 10))).toEqual([1]);
  });
});
