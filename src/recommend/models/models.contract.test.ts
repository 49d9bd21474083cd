import { runRecommenderContract } from '../recommender.contract.ts';
import { alsFactory } from './als.ts';
import { bprFactory } from './bpr.ts';
import { contentFactory } from './content.ts';
import { easeFactory } from './ease.ts';
import { fbtFactory } from './fbt.ts';
import { recommenderFactories } from './index.ts';
import { itemKnnFactory } from './item-knn.ts';
import { popularityFactory } from './popularity.ts';
import { sarFactory } from './sar.ts';
import { userKnnFactory } from './user-knn.ts';

runRecommenderContract(popularityFactory, { personalised: false });
runRecommenderContract(popularityFactory, { personalised: false, params: { mode: 'trending', halfLifeDays: 1 } });
runRecommenderContract(itemKnnFactory, { params: { neighbors: 5 } });
runRecommenderContract(itemKnnFactory, { params: { neighbors: 5, similarity: 'asymmetric', shrink: 2 } });
runRecommenderContract(sarFactory);
runRecommenderContract(sarFactory, { params: { similarity: 'lift', halfLifeDays: 0 } });
runRecommenderContract(easeFactory, { params: { lambda: 10 } });
runRecommenderContract(alsFactory, { params: { factors: 4, iterations: 15, alpha: 10, reg: 0.1 } });
runRecommenderContract(bprFactory, { params: { factors: 8, epochs: 200, lr: 0.05 } });
runRecommenderContract(userKnnFactory, { params: { neighbors: 5 } });
runRecommenderContract(contentFactory, {
  prepare: (data) => ({
    ...data,
    itemMeta: data.itemIds.map((id) =>
      Number(id.slice(1)) < 10
        ? { id, title: `Red cotton shirt ${id}`, category: 'Clothing > Shirts', tags: ['summer'] }
        : { id, title: `Steel kitchen pan ${id}`, category: 'Home > Kitchen', attrs: { material: 'steel' } },
    ),
  }),
});
runRecommenderContract(fbtFactory, { params: { minSupport: 1 } });
runRecommenderContract(recommenderFactories.hybrid, { params: { algos: 'itemknn,sar', weights: '0.6,0.4', 'itemknn.neighbors': 5 } });
runRecommenderContract(recommenderFactories.hybrid, { params: { algos: 'ease,userknn', normalize: 'rank' } });
runRecommenderContract(easeFactory, { params: { lambda: 10, dropout: 0.2, halfLifeDays: 1, threads: 1 } });
