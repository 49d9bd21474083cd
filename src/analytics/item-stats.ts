import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { revenueSql } from './rfm.ts';
import { raw, run, sql } from './sql.ts';

/** One item's engagement: the catalogue page's views → carts → purchases. */
export interface ItemStats {
  itemId: string;
  views: number;
  viewers: number;
  addToCarts: number;
  purchases: number;
  buyers: number;
  /** Distinct buyers / distinct viewers (null without viewers). */
  viewToPurchase: number | null;
  revenue: number;
  reviews: number;
}

/** Counts an item's events in the store (one aggregate query); throws NOT_FOUND for an unknown item. */
export async function computeItemStats(store: Store, itemId: string): Promise<ItemStats> {
  const [row] = await run<Record<string, number | null>>(
    store,
    sql`SELECT
      count(*) FILTER (WHERE e.type = 'view') AS views,
      count(DISTINCT CASE WHEN e.type = 'view' THEN e.user_id END) AS viewers,
      count(*) FILTER (WHERE e.type = 'add_to_cart') AS carts,
      count(*) FILTER (WHERE e.type = 'purchase') AS purchases,
      count(DISTINCT CASE WHEN e.type = 'purchase' THEN e.user_id END) AS buyers,
      coalesce(sum(CASE WHEN e.type = 'purchase' THEN ${raw(revenueSql('e'))} END), 0) AS revenue,
      count(*) FILTER (WHERE e.type = 'review') AS reviews
    FROM events e WHERE e.item_id = ${itemId}`,
  );
  const r = row ?? {};
  const n = (k: string) => Number(r[k] ?? 0);
  if (n('views') + n('carts') + n('purchases') + n('reviews') === 0 && !(await store.getItem(itemId))) {
    throw new CartwiseError('NOT_FOUND', { what: 'Item', id: itemId });
  }
  return {
    itemId,
    views: n('views'),
    viewers: n('viewers'),
    addToCarts: n('carts'),
    purchases: n('purchases'),
    buyers: n('buyers'),
    viewToPurchase: n('viewers') > 0 ? n('buyers') / n('viewers') : null,
    revenue: n('revenue'),
    reviews: n('reviews'),
  };
}
