/**
 * The served model: everything the recommendation service needs to answer a request, built by one training run and
 * swapped in as one object (hot swap = one reference assignment, so a request sees either the old or the new model,
 * never a mix). It holds the selected model, the id maps of its dense indices, and auxiliary structures over the
 * same item index: trending popularity (cold start, "popular in"), an item-kNN neighbour matrix (explanations,
 * diversity, similar-items fallback), content similarity over the catalogue text (items nobody interacted with),
 * the bought-together matrix and the users' purchases (exclusion).
 * Saved as one artifact: a manifest with each part's manifest, and the parts' buffers under `<part>/` prefixes.
 */
import { CartwiseError } from '../../core/errors.ts';
import { bytesOf, float64Of, int32Of } from '../../store/artifact-codec.ts';
import type { Artifact } from '../../store/store.ts';
import type { Csr } from '../interactions/interaction-builder.ts';
import { recommenderFromArtifact } from '../models/index.ts';
import { ItemKnnRecommender, itemKnnFactory } from '../models/item-knn.ts';
import { PopularityRecommender, popularityFactory } from '../models/popularity.ts';
import { csrBuffers, csrFromBuffers, type Recommender } from '../recommender.ts';

/** Artifact names in the store. */
export const ModelArtifacts = {
  served: 'recommend/model',
  leaderboard: 'recommend/leaderboard',
  rules: 'recommend/rules',
} as const;

/** What `GET /v1/models` says about the served model. */
export interface ServedModelInfo {
  id: string;
  algo: string;
  params: Record<string, unknown>;
  /** `trained`: saved by a training run; `fallback`: popularity computed at start-up (no trained model yet). */
  source: 'trained' | 'fallback';
  trainedAt: string;
  /** When the training events were read: events received later are not in the model. */
  eventsReadAt?: string;
  /** Time of the latest training event: a user's events up to it are in the model. */
  lastEventAt?: string;
  users: number;
  items: number;
  interactions: number;
  /** The selection metric of the winner, when model selection chose it. */
  validation?: { metric: string; value: number };
}

export interface ServedModel {
  info: ServedModelInfo;
  /** [nItems] external id of each item index */
  itemIds: readonly string[];
  itemIndex: ReadonlyMap<string, number>;
  /** [nUsers] external id of each user index */
  userIds: readonly string[];
  userIndex: ReadonlyMap<string, number>;
  main: Recommender;
  trending: PopularityRecommender;
  related: ItemKnnRecommender;
  /** TF-IDF item similarity, when the catalogue has metadata: how items without interactions are reached. */
  content?: Recommender;
  /** item × item basket cosine, row i = i's companions */
  together: Csr;
  /** user × item, 1 where the user bought the item */
  purchases: Csr;
  /**
   * Each user's latest distinct trained items, newest first: user u's are `lastItems[lastIndptr[u] … lastIndptr[u+1]-1]`
   * with times `lastTs` (epoch ms). With the real-time feed, they are the session a request starts from.
   */
  lastIndptr: Int32Array;
  lastItems: Int32Array;
  lastTs: Float64Array;
}

/**
 * The latest `perUser` distinct items of every user from the time-ordered sequences of the interaction data, newest
 * first.
 */
export function lastItemsOf(seqIndptr: Int32Array, seqItems: Int32Array, seqTs: Float64Array, perUser = 10): { lastIndptr: Int32Array; lastItems: Int32Array; lastTs: Float64Array } {
  const nUsers = seqIndptr.length - 1;
  const indptr = new Int32Array(nUsers + 1);
  const items: number[] = [];
  const ts: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const seen = new Set<number>();
    for (let p = (seqIndptr[u + 1] as number) - 1; p >= (seqIndptr[u] as number) && seen.size < perUser; p--) {
      const it = seqItems[p] as number;
      if (seen.has(it)) continue;
      seen.add(it);
      items.push(it);
      ts.push(seqTs[p] as number);
    }
    indptr[u + 1] = items.length;
  }
  return { lastIndptr: indptr, lastItems: Int32Array.from(items), lastTs: Float64Array.from(ts) };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function prefixed(prefix: string, buffers: Record<string, Uint8Array>): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(buffers).map(([k, v]) => [`${prefix}/${k}`, v]));
}

function unprefixed(prefix: string, buffers: Record<string, Uint8Array>): Record<string, Uint8Array> {
  const p = `${prefix}/`;
  return Object.fromEntries(Object.entries(buffers).filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v]));
}

function indexOf(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  ids.forEach((id, i) => m.set(id, i));
  return m;
}

/** Serialises a served model into one artifact. */
export function servedModelToArtifact(model: ServedModel): Artifact {
  const parts: Record<string, Artifact> = { main: model.main.toArtifact(), trending: model.trending.toArtifact(), related: model.related.toArtifact() };
  if (model.content) parts.content = model.content.toArtifact();
  return {
    manifest: {
      kind: 'served-model',
      version: 1,
      info: model.info,
      parts: Object.fromEntries(Object.entries(parts).map(([k, a]) => [k, a.manifest])),
    },
    buffers: {
      ...Object.assign({}, ...Object.entries(parts).map(([name, a]) => prefixed(name, a.buffers))),
      ...csrBuffers('together', model.together),
      ...csrBuffers('purchases', model.purchases),
      'last/indptr': bytesOf(model.lastIndptr),
      'last/items': bytesOf(model.lastItems),
      'last/ts': bytesOf(model.lastTs),
      'ids/items': enc.encode(JSON.stringify(model.itemIds)),
      'ids/users': enc.encode(JSON.stringify(model.userIds)),
    },
  };
}

/** Restores a served model from its artifact; throws `VALIDATION_FAILED` naming what is missing. */
export function servedModelFromArtifact(artifact: Artifact): ServedModel {
  const m = artifact.manifest as { kind?: string; version?: number; info?: ServedModelInfo; parts?: Record<string, Record<string, unknown>> };
  if (m.kind !== 'served-model' || !m.info || !m.parts) throw new CartwiseError('VALIDATION_FAILED', { reason: 'the artifact is not a served model' });
  const part = (name: string): Artifact => {
    const manifest = m.parts?.[name];
    if (!manifest) throw new CartwiseError('VALIDATION_FAILED', { reason: `served model part "${name}" is missing` });
    return { manifest, buffers: unprefixed(name, artifact.buffers) };
  };
  const ids = (name: string): string[] => {
    const b = artifact.buffers[`ids/${name}`];
    if (!b) throw new CartwiseError('VALIDATION_FAILED', { reason: `served model id map "${name}" is missing` });
    return JSON.parse(dec.decode(b)) as string[];
  };
  const itemIds = ids('items');
  const userIds = ids('users');
  const trending = popularityFactory.fromArtifact(part('trending'));
  const related = itemKnnFactory.fromArtifact(part('related'));
  if (!(trending instanceof PopularityRecommender) || !(related instanceof ItemKnnRecommender)) {
    throw new CartwiseError('VALIDATION_FAILED', { reason: 'served model auxiliary parts have unexpected kinds' });
  }
  return {
    info: m.info,
    itemIds,
    itemIndex: indexOf(itemIds),
    userIds,
    userIndex: indexOf(userIds),
    main: recommenderFromArtifact(part('main')),
    trending,
    related,
    ...(m.parts.content ? { content: recommenderFromArtifact(part('content')) } : {}),
    together: csrFromBuffers('together', artifact.buffers, itemIds.length, itemIds.length),
    purchases: csrFromBuffers('purchases', artifact.buffers, userIds.length, itemIds.length),
    lastIndptr: artifact.buffers['last/indptr'] ? int32Of(artifact.buffers['last/indptr']) : new Int32Array(userIds.length + 1),
    lastItems: artifact.buffers['last/items'] ? int32Of(artifact.buffers['last/items']) : new Int32Array(0),
    lastTs: artifact.buffers['last/ts'] ? float64Of(artifact.buffers['last/ts']) : new Float64Array(0),
  };
}
