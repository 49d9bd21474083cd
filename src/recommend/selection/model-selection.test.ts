import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { ModelArtifacts } from '../serving/served-model.ts';
import { openFixtureStore } from '../serving/test-fixtures.ts';
import { readEventTable, type EventTable } from './event-table.ts';
import { candidatesFor } from './grids.ts';
import { BLEND_WEIGHTS, blendCandidates, parseSelectionMetric, selectModel, type LeaderboardEntry } from './model-selection.ts';
import { trainServedModel } from './train-model.ts';

let store: DuckDbStore;
let table: EventTable;
beforeAll(async () => {
  store = await openFixtureStore(40);
  table = await readEventTable(store);
});
afterAll(async () => {
  await store.close();
});

describe('model selection', () => {
  it('reads the event log with type weights, types and sessions', () => {
    expect(table.length).toBeGreaterThan(400);
    const p = table.types.indexOf('purchase');
    expect(table.weights[p]).toBe(8);
    expect(table.sessions[p]).toMatch(/^s-u/);
    expect(table.weights[table.types.indexOf('view')]).toBe(1);
  });

  it('picks a collaborative model over popularity on a checkerboard and ranks the leaderboard', async () => {
    const lb = await selectModel(table, { algorithms: ['pop', 'itemknn', 'ease'], budgetMs: 60_000 });
    expect(lb.metric).toBe('ndcg@10');
    expect(lb.validationUsers).toBeGreaterThan(5);
    // every single candidate, then the best single model blended with the 2 other algorithms at 2 weights each
    expect(lb.entries.filter((e) => e.algo !== 'hybrid').length).toBe(candidatesFor(['pop', 'itemknn', 'ease']).length);
    const blends = lb.entries.filter((e) => e.algo === 'hybrid');
    expect(blends.length).toBe(2 * BLEND_WEIGHTS.length);
    const bestSingle = lb.entries.find((e) => e.algo !== 'hybrid')!;
    for (const b of blends) expect(String(b.params.algos).split(',')[0]).toBe(bestSingle.algo);
    const ok = lb.entries.filter((e) => e.status === 'ok');
    expect(ok.length).toBe(lb.entries.length);
    for (let i = 1; i < ok.length; i++) expect(ok[i - 1]!.score!).toBeGreaterThanOrEqual(ok[i]!.score!);
    expect(lb.winner?.algo).not.toBe('pop');
    const bestPop = Math.max(...ok.filter((e) => e.algo === 'pop').map((e) => e.score as number));
    expect(lb.winner!.score).toBeGreaterThan(bestPop);
    expect(ok[0]!.metrics!['recall@10']).toBeGreaterThan(0);
  });

  it('selects by another metric and refuses an unknown one naming the field', async () => {
    expect(parseSelectionMetric('Recall@20')).toEqual({ key: 'recall@20', name: 'recall', k: 20 });
    expect(() => parseSelectionMetric('auc')).toThrow(/Invalid parameter `metric`/);
    const lb = await selectModel(table, { algorithms: ['pop', 'itemknn'], metric: 'hr@5' });
    expect(lb.metric).toBe('hr@5');
    expect(lb.winner?.algo).toBe('itemknn');
  });

  it('stops trying candidates once the budget is spent, and skips EASE when its estimate exceeds what is left', async () => {
    const lb = await selectModel(table, { algorithms: ['pop', 'ease'], budgetMs: 60_000, secondsPerFlop: 1 });
    expect(lb.entries.filter((e) => e.algo === 'ease').every((e) => e.status === 'skipped' && /estimated fit/.test(e.reason ?? ''))).toBe(true);
    expect(lb.winner?.algo).toBe('pop');
    const none = await selectModel(table, { algorithms: ['pop', 'itemknn'], budgetMs: 1e-6 });
    expect(none.winner).toBeNull();
    expect(none.entries.every((e) => e.status === 'skipped' || e.status === 'timeout')).toBe(true);
  });

  it('blends the best single model with the best setting of each next-best other algorithm', () => {
    const e = (algo: string, score: number, params: Record<string, unknown>, status: LeaderboardEntry['status'] = 'ok'): LeaderboardEntry => ({ algo, params, status, score });
    const ranked = [e('ease', 0.5, { lambda: 300 }), e('ease', 0.45, { lambda: 100 }), e('hybrid', 0.44, { algos: 'ease,pop' }), e('bpr', 0.4, { factors: 64 }), e('pop', 0.3, { mode: 'trending' }), e('pop', 0.2, { mode: 'users' }), e('sar', 0.1, {}, 'failed')];
    const out = blendCandidates(ranked);
    expect(out.map((c) => `${c.params.algos} ${c.params.weights}`)).toEqual(['ease,bpr 0.7,0.3', 'ease,bpr 0.5,0.5', 'ease,pop 0.7,0.3', 'ease,pop 0.5,0.5']);
    expect(out[2]!.params).toMatchObject({ 'ease.lambda': 300, 'pop.mode': 'trending' });
    expect(blendCandidates(ranked, 1)).toHaveLength(2);
    expect(blendCandidates([e('pop', 0.3, {})])).toEqual([]);
  });

  it('is interrupted by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(selectModel(table, { algorithms: ['pop'], signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('trains --auto end to end: saves the winner with its id maps and the leaderboard', async () => {
    const out = await trainServedModel(store, { algo: 'auto', algorithms: ['pop', 'itemknn'], budgetMs: 60_000 });
    expect(out.model.info.algo).toBe('itemknn');
    expect(out.model.info.validation?.metric).toBe('ndcg@10');
    const saved = await store.loadArtifact(ModelArtifacts.served);
    expect((saved?.manifest.info as { id: string }).id).toBe(out.model.info.id);
    const lb = await store.loadArtifact(ModelArtifacts.leaderboard);
    expect(lb?.manifest.modelId).toBe(out.model.info.id);
    expect((lb?.manifest.entries as unknown[]).length).toBe(candidatesFor(['pop', 'itemknn']).length + BLEND_WEIGHTS.length);
    await expect(trainServedModel(store, { algo: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_ALGORITHM' });
    await expect(trainServedModel(store, { algo: 'ease', params: { lambda: -1 } })).rejects.toMatchObject({ code: 'INVALID_PARAM' });
  });
});
