/**
 * The registry of recommendation algorithms: name → factory (with its zod parameter schema, defaults and
 * descriptions). The evaluator, model selection, the CLI and the server look algorithms up here only.
 */
import { CartwiseError } from '../../core/errors.ts';
import type { Recommender, RecommenderFactory } from '../recommender.ts';
import { alsFactory } from './als.ts';
import { bprFactory } from './bpr.ts';
import { contentFactory } from './content.ts';
import { easeFactory } from './ease.ts';
import { fbtFactory } from './fbt.ts';
import { createHybridFactory } from './hybrid.ts';
import { itemKnnFactory } from './item-knn.ts';
import { popularityFactory } from './popularity.ts';
import { sarFactory } from './sar.ts';
import { sasrecFactory } from './sasrec/sasrec.ts';
import { markovFactory } from './markov.ts';
import { sessionKnnFactory } from './session-knn.ts';
import { userKnnFactory } from './user-knn.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- factories differ in their params type
type AnyRecommenderFactory = RecommenderFactory<any>;

/** Every registered algorithm, by name. */
export const recommenderFactories = {
  pop: popularityFactory,
  itemknn: itemKnnFactory,
  sar: sarFactory,
  ease: easeFactory,
  als: alsFactory,
  bpr: bprFactory,
  userknn: userKnnFactory,
  content: contentFactory,
  fbt: fbtFactory,
  sasrec: sasrecFactory,
  sknn: sessionKnnFactory,
  markov: markovFactory,
  hybrid: createHybridFactory((name) => getFactory(name)),
} satisfies Record<string, AnyRecommenderFactory>;

export type AlgorithmName = keyof typeof recommenderFactories;

/** Names of every registered algorithm. */
export function algorithmNames(): string[] {
  return Object.keys(recommenderFactories);
}

/** The factory of an algorithm; throws `UNKNOWN_ALGORITHM` listing the known names. */
export function getFactory(name: string): RecommenderFactory {
  const f = (recommenderFactories as Record<string, AnyRecommenderFactory>)[name];
  if (!f) throw new CartwiseError('UNKNOWN_ALGORITHM', { name, known: algorithmNames().join(', ') });
  return f as RecommenderFactory;
}

/** Creates a model of `name` with (partial) params, validated by its schema. */
export function createRecommender(name: string, params: Record<string, unknown> = {}): Recommender {
  return getFactory(name).create(params);
}

/** Restores any registered model from its artifact (the manifest's `kind` picks the factory). */
export function recommenderFromArtifact(artifact: { manifest: Record<string, unknown>; buffers: Record<string, Uint8Array> }): Recommender {
  return getFactory(String(artifact.manifest.kind)).fromArtifact(artifact);
}
