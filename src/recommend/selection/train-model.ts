/**
 * The training pipeline behind `cartwise train`, `POST /v1/models/train` and the server's start-up training:
 * read the event log and the catalogue from the store → (auto) model selection on a time-based validation split →
 * fit the chosen algorithm on all events → fit the serving aids (trending, item neighbours, bought-together,
 * purchases) → save the served model (and the leaderboard) as artifacts. Every phase reports progress and stops
 * at the next safe point when the signal fires; nothing is saved by an interrupted run, so the previously saved
 * model stays in place.
 */
import { CartwiseError } from '../../core/errors.ts';
import { randomId } from '../../core/ids.ts';
import type { Item } from '../../core/schemas/index.ts';
import type { Store } from '../../store/store.ts';
import type { Csr, InteractionData } from '../interactions/interaction-builder.ts';
import { getFactory } from '../models/index.ts';
import { ItemKnnRecommender, itemKnnFactory } from '../models/item-knn.ts';
import { PopularityRecommender, popularityFactory } from '../models/popularity.ts';
import type { FitProgress } from '../recommender.ts';
import { boughtTogether } from '../serving/bought-together.ts';
import { lastItemsOf, ModelArtifacts, servedModelToArtifact, type ServedModel } from '../serving/served-model.ts';
import { buildEventData, readCatalogue, readEventTable, type EventTable } from './event-table.ts';
import type { ParamGrid } from './grids.ts';
import { selectModel, type Leaderboard, type LeaderboardEntry } from './model-selection.ts';

/** What to train: `algo: 'auto'` runs model selection; any registered name trains that algorithm. */
export interface TrainRequest {
  algo: string;
  /** Parameters of a single algorithm (`algo` ≠ auto). */
  params?: Record<string, unknown>;
  /** Selection budget in ms (auto; default 10 minutes). */
  budgetMs?: number;
  /** Selection metric (auto; default ndcg@10). */
  metric?: string;
  /** Algorithms to try (auto; default all registered). */
  algorithms?: readonly string[];
  grids?: Readonly<Record<string, ParamGrid>>;
  testFraction?: number;
  seed?: number;
}

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (progress: FitProgress) => void;
  onEntry?: (entry: LeaderboardEntry) => void;
  /** Save the model (and leaderboard) to the store (default true). */
  save?: boolean;
  /** Source recorded in the model info (default `trained`). */
  source?: 'trained' | 'fallback';
  /** Run the computation in a worker thread (default false). */
  worker?: boolean;
}

export interface TrainOutcome {
  model: ServedModel;
  leaderboard?: Leaderboard;
  /** Seconds per phase. */
  timings: { readS: number; selectS: number; fitS: number; auxS: number; saveS: number };
}

const secs = (t0: number) => Math.round((performance.now() - t0)) / 1000;

/** The user×item purchase matrix (binary) of a table over the data's indices. */
export function purchaseMatrix(table: EventTable, data: InteractionData): Csr {
  const byUser = new Map<number, Set<number>>();
  for (let r = 0; r < table.length; r++) {
    if (table.types[r] !== 'purchase') continue;
    const u = data.userIndex.get(table.users[r] as string);
    const i = data.itemIndex.get(table.items[r] as string);
    if (u === undefined || i === undefined) continue;
    let s = byUser.get(u);
    if (!s) byUser.set(u, (s = new Set()));
    s.add(i);
  }
  const indptr = new Int32Array(data.nUsers + 1);
  for (const [u, s] of byUser) indptr[u + 1] = s.size;
  for (let u = 0; u < data.nUsers; u++) indptr[u + 1]! += indptr[u] as number;
  const indices = new Int32Array(indptr[data.nUsers] as number);
  for (const [u, s] of byUser) indices.set(Int32Array.from(s).sort(), indptr[u] as number);
  return { rows: data.nUsers, cols: data.nItems, indptr, indices, values: new Float32Array(indices.length).fill(1) };
}

/** What training reads from the store: the event table and the catalogue (plain data, cloneable to a worker). */
export interface TrainingInput {
  table: EventTable;
  catalogue: Item[];
  eventsReadAt: string;
  readS: number;
}

/** Reads the training input from the store; `VALIDATION_FAILED` when there is nothing to train on. */
export async function readTrainingInput(store: Store, options: Pick<TrainOptions, 'signal' | 'onProgress'> = {}): Promise<TrainingInput> {
  const { signal, onProgress } = options;
  const t = performance.now();
  const eventsReadAt = new Date().toISOString();
  onProgress?.({ phase: 'read events', done: 0, total: 0 });
  const table = await readEventTable(store, { ...(signal ? { signal } : {}), onRows: (n) => onProgress?.({ phase: 'read events', done: n, total: 0 }) });
  const catalogue = await readCatalogue(store, signal);
  if (table.length === 0) throw new CartwiseError('VALIDATION_FAILED', { reason: 'the store holds no item interactions (views, carts, purchases, reviews) to train on' });
  return { table, catalogue, eventsReadAt, readS: secs(t) };
}

/**
 * Trains a served model from the store. Throws `UNKNOWN_ALGORITHM`/`INVALID_PARAM` for a bad request,
 * `VALIDATION_FAILED` when the store has no interactions (or selection has nothing to validate on and no
 * candidate succeeds), `ABORTED` when interrupted. With `worker: true` the computation runs in a worker thread
 * (the event loop stays free for serving); reading and saving stay on the caller's thread.
 */
export async function trainServedModel(store: Store, request: TrainRequest, options: TrainOptions = {}): Promise<TrainOutcome> {
  if (request.algo !== 'auto') getFactory(request.algo).create(request.params ?? {}); // validates name and params before any work
  const input = await readTrainingInput(store, options);
  let out: TrainOutcome;
  if (options.worker) {
    const { trainInWorker } = await import('./training-worker-client.ts');
    out = await trainInWorker(input, request, options);
  } else out = await trainFromInput(input, request, options);
  const t = performance.now();
  if (options.save ?? true) {
    options.onProgress?.({ phase: 'save', done: 0, total: 1 });
    if (out.leaderboard) await store.saveArtifact(ModelArtifacts.leaderboard, { manifest: { ...out.leaderboard, modelId: out.model.info.id }, buffers: {} });
    await store.saveArtifact(ModelArtifacts.served, servedModelToArtifact(out.model));
  }
  out.timings.saveS = secs(t);
  return out;
}

/** The computation of a training run on input already read (no I/O): selection, fits, serving aids. */
export async function trainFromInput(input: TrainingInput, request: TrainRequest, options: TrainOptions = {}): Promise<TrainOutcome> {
  const { signal, onProgress } = options;
  const { table, catalogue, eventsReadAt, readS } = input;
  const auto = request.algo === 'auto';
  let t = performance.now();
  let algo = request.algo;
  let params = request.params ?? {};
  let leaderboard: Leaderboard | undefined;
  t = performance.now();
  if (auto) {
    leaderboard = await selectModel(table, {
      interactions: { catalog: catalogue },
      ...(request.metric ? { metric: request.metric } : {}),
      ...(request.budgetMs !== undefined ? { budgetMs: request.budgetMs } : {}),
      ...(request.algorithms ? { algorithms: request.algorithms } : {}),
      ...(request.grids ? { grids: request.grids } : {}),
      ...(request.testFraction !== undefined ? { testFraction: request.testFraction } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(options.onEntry ? { onEntry: options.onEntry } : {}),
    });
    if (!leaderboard.winner) {
      const first = leaderboard.entries[0];
      throw new CartwiseError('VALIDATION_FAILED', { reason: `no candidate could be trained within the budget (first: ${first ? `${first.algo} ${first.status}: ${first.reason ?? ''}` : 'none'})` });
    }
    algo = leaderboard.winner.algo;
    params = leaderboard.winner.params;
  }
  const selectS = secs(t);

  t = performance.now();
  const data = buildEventData(table, { catalog: catalogue });
  const main = getFactory(algo).create(params);
  await main.fit(data, {
    seed: request.seed ?? 42,
    ...(signal ? { signal } : {}),
    onProgress: (p) => {
      if (signal?.aborted) throw new CartwiseError('ABORTED');
      onProgress?.({ ...p, phase: `fit ${algo}: ${p.phase}` });
    },
  });
  const fitS = secs(t);

  t = performance.now();
  onProgress?.({ phase: 'serving aids', done: 0, total: 4 });
  const trending = popularityFactory.create({ mode: 'trending', halfLifeDays: 7 });
  await trending.fit(data, signal ? { signal } : {});
  const related = itemKnnFactory.create({ neighbors: 50 });
  await related.fit(data, { ...(signal ? { signal } : {}), onProgress: (p) => onProgress?.({ ...p, phase: `serving aids: ${p.phase}` }) });
  if (!(trending instanceof PopularityRecommender) || !(related instanceof ItemKnnRecommender)) throw new CartwiseError('INTERNAL', { reason: 'unexpected auxiliary model kinds' });
  const content = catalogue.length > 0 ? getFactory('content').create({}) : undefined;
  if (content) await content.fit(data, signal ? { signal } : {});
  const together = boughtTogether(table, data.itemIndex, data.nItems);
  const purchases = purchaseMatrix(table, data);
  const auxS = secs(t);
  if (signal?.aborted) throw new CartwiseError('ABORTED');

  const model: ServedModel = {
    info: {
      id: randomId('mdl_', 6),
      algo,
      params: { ...main.params },
      source: options.source ?? 'trained',
      trainedAt: new Date().toISOString(),
      eventsReadAt,
      ...(Number.isFinite(data.maxTs) ? { lastEventAt: new Date(data.maxTs).toISOString() } : {}),
      users: data.nUsers,
      items: data.nItems,
      interactions: table.length,
      ...(leaderboard?.winner ? { validation: { metric: leaderboard.metric, value: leaderboard.winner.score } } : {}),
    },
    itemIds: data.itemIds,
    itemIndex: data.itemIndex,
    userIds: data.userIds,
    userIndex: data.userIndex,
    main,
    trending,
    related,
    ...(content ? { content } : {}),
    together,
    purchases,
    ...lastItemsOf(data.seqIndptr, data.seqItems, data.seqTs),
  };
  return { model, ...(leaderboard ? { leaderboard } : {}), timings: { readS, selectS, fitS, auxS, saveS: 0 } };
}
