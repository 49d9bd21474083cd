import { runRecommenderContract } from '../recommender.contract.ts';
import { easeFactory } from './ease.ts';
import { itemKnnFactory } from './item-knn.ts';
import { popularityFactory } from './popularity.ts';
import { sarFactory } from './sar.ts';

runRecommenderContract(popularityFactory, { personalised: false });
runRecommenderContract(popularityFactory, { personalised: false, params: { mode: 'trending', halfLifeDays: 1 } });
runRecommenderContract(itemKnnFactory, { params: { neighbors: 5 } });
runRecommenderContract(itemKnnFactory, { params: { neighbors: 5, similarity: 'asymmetric', shrink: 2 } });
runRecommenderContract(sarFactory);
runRecommenderContract(sarFactory, { params: { similarity: 'lift', halfLifeDays: 0 } });
runRecommenderContract(easeFactory, { params: { lambda: 10 } });
