/**
 * The contract every `Recommender` passes (STYLE.md habit 1, like implicit's shared model test mixin): top-k
 * order, seen items excluded, unknown users, k larger than the catalogue, save → load giving identical scores,
 * the same seed giving the same model, and abort. Call `runRecommenderContract(factory)` inside a test file.
 *
 * The fixture is a checkerboard: users 0–11 interact only with items 0–9, users 12–23 only with items 10–19,
 * each user missing a few items of their block. A personalised model must recommend the missing items of the
 * user's own block first.
 */
import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../store/artifact-codec.ts';
import { buildFromRows, type InteractionData, type InteractionRow } from './interactions/interaction-builder.ts';
import type { Recommender, RecommenderFactory } from './recommender.ts';

export interface ContractOptions {
  /** Parameters for a small, fast fit. */
  params?: Record<string, unknown>;
  /** False for non-personalised models (popularity): skips the "own block first" check. */
  personalised?: boolean;
  /** Extra fit data (item metadata for content models). */
  prepare?: (data: InteractionData) => InteractionData;
}

/** The checkerboard fixture (deterministic). */
export function checkerboardRows(): InteractionRow[] {
  const rows: InteractionRow[] = [];
  let ts = Date.UTC(2024, 0, 1);
  for (let u = 0; u < 24; u++) {
    const block = u < 12 ? 0 : 10;
    for (let j = 0; j < 10; j++) {
      // Each user skips 3 items of the block, a different 3 per user.
      if ((j + u) % 10 < 3) continue;
      rows.push({ user: `u${String(u).padStart(2, '0')}`, item: `i${String(block + j).padStart(2, '0')}`, ts: (ts += 60_000), weight: 1 });
    }
  }
  return rows;
}

function scoresOf(model: Recommender, query: number): Float64Array {
  const out = new Float64Array(model.nItems);
  model.score(query, out);
  return out;
}

/** Registers the contract tests for one factory. */
export function runRecommenderContract(factory: RecommenderFactory, options: ContractOptions = {}): void {
  const params = options.params ?? {};
  const makeData = () => {
    const d = buildFromRows(checkerboardRows());
    return options.prepare ? options.prepare(d) : d;
  };
  const fitted = async (seed = 7) => {
    const m = factory.create(params);
    await m.fit(makeData(), { seed });
    return m;
  };

  describe(`Recommender contract: ${factory.kind}`, () => {
    it('has a parameter schema whose defaults parse', () => {
      expect(factory.paramsSchema.safeParse({}).success).toBe(true);
      expect(factory.create().kind).toBe(factory.kind);
    });

    it('returns top-k in descending score order, without duplicates, own block first', async () => {
      const data = makeData();
      const m = await fitted();
      for (const userId of ['u00', 'u05', 'u13', 'u20']) {
        const u = data.userIndex.get(userId) as number;
        const r = m.recommend(u, 3);
        expect(r.items.length).toBe(3);
        expect(new Set(r.items).size).toBe(3);
        for (let i = 1; i < r.scores.length; i++) expect(r.scores[i - 1]).toBeGreaterThanOrEqual(r.scores[i] as number);
        if (options.personalised ?? true) {
          const block = userId < 'u12' ? 'A' : 'B';
          for (const it of r.items) expect(Number(data.itemIds[it]?.slice(1)) < 10 ? 'A' : 'B').toBe(block);
        }
      }
    });

    it('excludes seen items by default and includes them when asked', async () => {
      const data = makeData();
      const m = await fitted();
      const u = data.userIndex.get('u03') as number;
      const seen = new Set(Array.from(data.matrix.indices.subarray(data.matrix.indptr[u], data.matrix.indptr[u + 1])));
      const r = m.recommend(u, 20);
      for (const it of r.items) expect(seen.has(it)).toBe(false);
      const all = m.recommend(u, 20, { excludeSeen: false });
      expect(all.items.length).toBeGreaterThan(r.items.length);
      const excluded = m.recommend(u, 20, { exclude: [r.items[0] as number] });
      expect(Array.from(excluded.items)).not.toContain(r.items[0]);
      const filtered = m.recommend(u, 20, { filter: (i) => i % 2 === 0 });
      for (const it of filtered.items) expect(it % 2).toBe(0);
      const cands = m.recommend(u, 20, { candidates: [r.items[1] as number, r.items[0] as number] });
      expect(new Set(cands.items)).toEqual(new Set([r.items[0], r.items[1]]));
    });

    it('handles an unknown user without throwing', async () => {
      const m = await fitted();
      const r = m.recommend(10_000, 5);
      expect(r.items.length).toBeLessThanOrEqual(5);
      expect(m.recommend(-1, 5).items.length).toBeLessThanOrEqual(5);
    });

    it('recommends from a context of recent items without a known user', async () => {
      const data = makeData();
      const m = await fitted();
      const recent = ['i01', 'i02', 'i03', 'i04'].map((id) => data.itemIndex.get(id) as number);
      const r = m.recommend({ recentItems: recent }, 3);
      expect(r.items.length).toBeGreaterThan(0);
      for (const it of r.items) expect(recent).not.toContain(it);
      if (options.personalised ?? true) for (const it of r.items) expect(Number(data.itemIds[it]?.slice(1))).toBeLessThan(10);
    });

    it('returns at most the unseen catalogue when k exceeds it', async () => {
      const data = makeData();
      const m = await fitted();
      const u = data.userIndex.get('u01') as number;
      const nSeen = (data.matrix.indptr[u + 1] as number) - (data.matrix.indptr[u] as number);
      const r = m.recommend(u, 1000);
      expect(r.items.length).toBeLessThanOrEqual(data.nItems - nSeen);
      expect(new Set(r.items).size).toBe(r.items.length);
    });

    it('saves and loads to identical scores', async () => {
      const m = await fitted();
      const restored = factory.fromArtifact(decodeArtifact(encodeArtifact(m.toArtifact())));
      expect(restored.kind).toBe(m.kind);
      for (const u of [0, 7, 15]) expect(scoresOf(restored, u)).toEqual(scoresOf(m, u));
      expect(restored.recommend(3, 5)).toEqual(m.recommend(3, 5));
    });

    it('gives the same model for the same seed', async () => {
      const a = await fitted(11);
      const b = await fitted(11);
      for (const u of [0, 13]) expect(scoresOf(a, u)).toEqual(scoresOf(b, u));
    });

    it('stops with ABORTED when the signal is aborted', async () => {
      const m = factory.create(params);
      const controller = new AbortController();
      controller.abort();
      await expect(m.fit(makeData(), { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    });
  });
}
