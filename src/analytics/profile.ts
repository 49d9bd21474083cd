/**
 * The user profile the recommendation and assistant features read: segment and RFM, lifetime value, favourite
 * categories and brands, price band, recent items, first and last seen. Every part is a small query filtered
 * by the user id, computed in the store.
 */
import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { RfmSegments, revenueSql, orderKeySql, rfmUsers } from './rfm.ts';
import { dialectOf, raw, run, sql } from './sql.ts';

/** Weights of event types when ranking a user's favourite categories and brands. */
export const AFFINITY_WEIGHTS: Readonly<Record<string, number>> = { view: 1, click: 1, add_to_cart: 3, purchase: 5, review: 2, remove_from_cart: -1, refund: -3 };

export interface UserProfile {
  userId: string;
  attrs: Record<string, string | number | boolean> | null;
  firstSeen: string;
  lastSeen: string;
  events: number;
  eventsByType: Record<string, number>;
  orders: number;
  lifetimeValue: number;
  segment: string;
  segmentName: string;
  rfm: { r: number; f: number; m: number; recencyDays: number; frequency: number; monetary: number } | null;
  favouriteCategories: { category: string; score: number }[];
  favouriteBrands: { brand: string; score: number }[];
  /** Median price of the items the user touched and where it sits in the catalogue's price terciles. */
  priceBand: { medianPrice: number; band: 'budget' | 'mid' | 'premium' } | null;
  recentItems: { itemId: string; title?: string; lastType: string; lastAt: string }[];
}

const iso = (ms: unknown) => new Date(Number(ms)).toISOString();

/** Builds a user's profile; throws NOT_FOUND when the user has neither events nor a stored profile. */
export async function computeUserProfile(store: Store, userId: string, options: { recent?: number; top?: number } = {}): Promise<UserProfile> {
  const d = dialectOf(store.dialect);
  const ms = d.epochMs('e.ts');
  const weights = Object.entries(AFFINITY_WEIGHTS).map(([t, w]) => `WHEN '${t}' THEN ${w}`).join(' ');
  const score = `sum(CASE e.type ${weights} ELSE 1 END)`;
  const [basics, byType, cats, brands, band, recent, user, rfm] = await Promise.all([
    run<Record<string, unknown>>(
      store,
      sql`SELECT count(*) AS n, min(${raw(ms)}) AS first, max(${raw(ms)}) AS last,
        sum(CASE WHEN e.type = 'purchase' THEN ${raw(revenueSql())} ELSE 0 END) AS ltv,
        count(DISTINCT CASE WHEN e.type = 'purchase' THEN ${orderKeySql(store)} END) AS orders
        FROM events e WHERE e.user_id = ${userId}`,
    ),
    run<{ type: string; n: number }>(store, sql`SELECT type, count(*) AS n FROM events WHERE user_id = ${userId} GROUP BY type ORDER BY n DESC, type`),
    run<{ k: string; s: number }>(
      store,
      sql`SELECT i.category AS k, ${raw(score)} AS s FROM events e JOIN items i ON i.id = e.item_id
        WHERE e.user_id = ${userId} AND i.category IS NOT NULL GROUP BY i.category HAVING ${raw(score)} > 0 ORDER BY s DESC, k LIMIT ${options.top ?? 5}`,
    ),
    run<{ k: string; s: number }>(
      store,
      sql`SELECT b.k, sum(b.w) AS s FROM (SELECT ${d.jsonText('i.attrs', 'brand')} AS k, CASE e.type ${raw(weights)} ELSE 1 END AS w
        FROM events e JOIN items i ON i.id = e.item_id WHERE e.user_id = ${userId}) b
        WHERE b.k IS NOT NULL GROUP BY b.k HAVING sum(b.w) > 0 ORDER BY s DESC, b.k LIMIT ${options.top ?? 5}`,
    ),
    run<Record<string, unknown>>(
      store,
      sql`SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(e.price, i.price)) FROM events e LEFT JOIN items i ON i.id = e.item_id
                  WHERE e.user_id = ${userId} AND coalesce(e.price, i.price) IS NOT NULL) AS med,
             percentile_cont(0.3333333) WITHIN GROUP (ORDER BY price) AS q1, percentile_cont(0.6666667) WITHIN GROUP (ORDER BY price) AS q2
        FROM items WHERE price IS NOT NULL`,
    ),
    run<Record<string, unknown>>(
      store,
      sql`SELECT item_id, type, t FROM (
          SELECT e.item_id, e.type, ${raw(ms)} AS t, row_number() OVER (PARTITION BY e.item_id ORDER BY e.ts DESC, e.id DESC) AS rn
          FROM events e WHERE e.user_id = ${userId} AND e.item_id IS NOT NULL) x
        WHERE rn = 1 ORDER BY t DESC, item_id LIMIT ${options.recent ?? 10}`,
    ),
    store.getUser(userId),
    rfmUsers(store, { userId, limit: 1 }),
  ]);
  const b = basics[0];
  const n = Number(b?.['n'] ?? 0);
  if (n === 0 && !user) throw new CartwiseError('NOT_FOUND', { what: 'User', id: userId });
  const titles = new Map((await store.getItems(recent.map((r) => String(r['item_id'])))).map((i) => [i.id, i.title]));
  const r = rfm[0];
  const segment = r?.segment ?? 'no_purchase';
  const med = band[0]?.['med'];
  const q1 = Number(band[0]?.['q1']);
  const q2 = Number(band[0]?.['q2']);
  return {
    userId,
    attrs: user?.attrs ?? null,
    firstSeen: n ? iso(b?.['first']) : '',
    lastSeen: n ? iso(b?.['last']) : '',
    events: n,
    eventsByType: Object.fromEntries(byType.map((x) => [x.type, Number(x.n)])),
    orders: Number(b?.['orders'] ?? 0),
    lifetimeValue: Number(b?.['ltv'] ?? 0),
    segment,
    segmentName: segment in RfmSegments ? RfmSegments[segment as keyof typeof RfmSegments].name : 'No purchase yet',
    rfm: r ? { r: r.r, f: r.f, m: r.m, recencyDays: Math.round(r.recencyDays * 100) / 100, frequency: r.frequency, monetary: r.monetary } : null,
    favouriteCategories: cats.map((c) => ({ category: String(c.k), score: Number(c.s) })),
    favouriteBrands: brands.map((c) => ({ brand: String(c.k), score: Number(c.s) })),
    priceBand:
      med === null || med === undefined || Number.isNaN(q1)
        ? null
        : { medianPrice: Number(med), band: Number(med) <= q1 ? 'budget' : Number(med) <= q2 ? 'mid' : 'premium' },
    recentItems: recent.map((x) => {
      const id = String(x['item_id']);
      const title = titles.get(id);
      return { itemId: id, ...(title !== undefined ? { title } : {}), lastType: String(x['type']), lastAt: iso(x['t']) };
    }),
  };
}
