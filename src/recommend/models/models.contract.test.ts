import { runRecommenderContract } from '../recommender.contract.ts';
import { alsFactory } from './als.ts';
import { bprFactory } from './bpr.ts';
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
runRecommenderContract(alsFactory, { params: { factors: 4, iterations: 15, alpha: 10, reg: 0.1 } });
runRecommenderContract(bprFactory, { params: { factors: 8, epochs: 200, lr: 0.05 } });
