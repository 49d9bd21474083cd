/**
 * Behaviour clusters: one feature row per user computed in the store (recency, orders, spend, activity, price
 * band, time-of-day shares, mobile share, shares of the top categories), standardised, then k-means with k
 * chosen by silhouette ({@link kMeansBySilhouette}). Each centroid is described in words from its most
 * distinctive standardised features. Time of day is UTC.
 */
import { CartwiseError } from '../core/errors.ts';
import { createRng } from '../core/random.ts';
import type { Store } from '../store/store.ts';
import { rangeSql, type TimeRange } from './filters.ts';
import { kMeansBySilhouette } from './kmeans.ts';
import { orderKeySql, revenueSql } from './rfm.ts';
import { dialectOf, join, raw, run, sql } from './sql.ts';

export interface ClusterOptions extends TimeRange {
  kMin?: number;
  kMax?: number;
  seed?: number;
  /** Top-level categories used as share features (default 5). */
  categories?: number;
  /** Users with fewer events are left out (default 1). */
  minEvents?: number;
}

export interface BehaviourCluster {
  id: number;
  size: number;
  share: number;
  revenueShare: number;
  /** Mean of each raw feature in the cluster. */
  centroid: Record<string, number>;
  description: string;
}

export interface ClusterResult {
  users: number;
  k: number;
  /** Mean silhouette of each candidate k (on a sample). */
  scores: { k: number; silhouette: number }[];
  features: string[];
  clusters: BehaviourCluster[];
  /** Milliseconds spent in SQL and in k-means. */
  timingMs: { sql: number; cluster: number };
}

const BASE = ['recency_days', 'orders', 'monetary', 'events', 'avg_price', 'night', 'morning', 'afternoon', 'evening', 'mobile'] as const;
/** Features clustered on a log scale (heavy-tailed counts and amounts). */
const LOG = new Set(['orders', 'monetary', 'events', 'avg_price']);

/**
 * Computes per-user behaviour features in the store (one row per user) and clusters them; k in
 * [kMin, kMax] (default 2–8) by silhouette. Deterministic for a seed.
 */
export async function computeClusters(store: Store, o: ClusterOptions = {}): Promise<ClusterResult> {
  const d = dialectOf(store.dialect);
  const kMin = o.kMin ?? 2;
  const kMax = o.kMax ?? 8;
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 2 || kMax < kMin || kMax > 20) {
    throw new CartwiseError('INVALID_PARAM', { name: 'k', reason: 'need integers 2 ≤ kMin ≤ kMax ≤ 20' });
  }
  const t0 = performance.now();
  const topCat = sql`split_part(i.category, ' > ', 1)`;
  const cats = (
    await run<{ c: string }>(
      store,
      sql`SELECT ${topCat} AS c FROM events e JOIN items i ON i.id = e.item_id WHERE i.category IS NOT NULL AND ${rangeSql(store, o)}
          GROUP BY ${topCat} ORDER BY count(*) DESC, ${topCat} LIMIT ${o.categories ?? 5}`,
    )
  ).map((r) => String(r.c));
  const hour = d.hourOfDay(d.epochMs('e.ts'));
  const share = (cond: string) => `avg(CASE WHEN ${cond} THEN 1.0 ELSE 0.0 END)`;
  const catCols = cats.map((c, j) => sql`avg(CASE WHEN ${topCat} = ${c} THEN 1.0 ELSE 0.0 END) AS cat${raw(String(j))}`);
  const rows = await run<Record<string, unknown>>(
    store,
    sql`SELECT e.user_id,
        ((SELECT max(${raw(d.epochMs('ts'))}) FROM events) - max(${raw(d.epochMs('e.ts'))})) / 86400000.0 AS recency_days,
        count(DISTINCT CASE WHEN e.type = 'purchase' THEN ${orderKeySql(store)} END) AS orders,
        sum(CASE WHEN e.type = 'purchase' THEN ${raw(revenueSql())} ELSE 0 END) AS monetary,
        count(*) AS events,
        avg(coalesce(e.price, i.price)) AS avg_price,
        ${raw(share(`${hour} < 6`))} AS night, ${raw(share(`${hour} >= 6 AND ${hour} < 12`))} AS morning,
        ${raw(share(`${hour} >= 12 AND ${hour} < 18`))} AS afternoon, ${raw(share(`${hour} >= 18`))} AS evening,
        avg(CASE WHEN ${d.jsonText('e.props', 'device')} IN ('mobile', 'tablet') THEN 1.0 ELSE 0.0 END) AS mobile
        ${catCols.length ? sql`, ${join(catCols, ', ')}` : raw('')}
      FROM events e LEFT JOIN items i ON i.id = e.item_id
      WHERE ${rangeSql(store, o)}
      GROUP BY e.user_id HAVING count(*) >= ${o.minEvents ?? 1}
      ORDER BY e.user_id`,
  );
  const tSql = performance.now() - t0;
  const features = [...BASE, ...cats.map((c) => `category:${c}`)];
  const cols = [...BASE, ...cats.map((_, j) => `cat${j}`)];
  const n = rows.length;
  const dim = features.length;
  if (n < kMin + 1) throw new CartwiseError('INVALID_PARAM', { name: 'k', reason: `only ${n} users with events; clustering needs more than ${kMin}` });
  /** [n, dim] raw values (NaN where missing), then standardised in `z`. */
  const rawX = new Float64Array(n * dim);
  const z = new Float64Array(n * dim);
  const revenue = new Float64Array(n);
  rows.forEach((r, i) => {
    revenue[i] = Number(r['monetary'] ?? 0);
    cols.forEach((c, j) => {
      const v = r[c];
      rawX[i * dim + j] = v === null || v === undefined ? NaN : Number(v);
    });
  });
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    const log = LOG.has(features[j] as string);
    let s = 0;
    let s2 = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = rawX[i * dim + j] as number;
      if (Number.isNaN(v)) continue;
      const x = log ? Math.log1p(Math.max(0, v)) : v;
      s += x;
      s2 += x * x;
      m++;
    }
    mean[j] = m ? s / m : 0;
    std[j] = m ? Math.sqrt(Math.max(0, s2 / m - (s / m) ** 2)) : 0;
    for (let i = 0; i < n; i++) {
      const v = rawX[i * dim + j] as number;
      const x = Number.isNaN(v) ? (mean[j] as number) : log ? Math.log1p(Math.max(0, v)) : v;
      z[i * dim + j] = (std[j] as number) > 1e-12 ? (x - (mean[j] as number)) / (std[j] as number) : 0;
    }
  }
  const t1 = performance.now();
  const km = kMeansBySilhouette(z, n, dim, createRng(o.seed ?? 42), { kMin, kMax });
  const tCluster = performance.now() - t1;

  const totalRevenue = revenue.reduce((a, b) => a + b, 0);
  const clusters: BehaviourCluster[] = [];
  for (let c = 0; c < km.k; c++) {
    let size = 0;
    let rev = 0;
    const sums = new Float64Array(dim);
    const counts = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      if (km.labels[i] !== c) continue;
      size++;
      rev += revenue[i] as number;
      for (let j = 0; j < dim; j++) {
        const v = rawX[i * dim + j] as number;
        if (!Number.isNaN(v)) {
          sums[j] = (sums[j] as number) + v;
          counts[j] = (counts[j] as number) + 1;
        }
      }
    }
    const centroid = Object.fromEntries(features.map((f, j) => [f, (counts[j] as number) > 0 ? round4((sums[j] as number) / (counts[j] as number)) : 0]));
    const zc = Array.from({ length: dim }, (_, j) => km.centroids[c * dim + j] as number);
    clusters.push({ id: c, size, share: round4(size / n), revenueShare: totalRevenue ? round4(rev / totalRevenue) : 0, centroid, description: describe(features, zc, centroid) });
  }
  clusters.sort((a, b) => b.size - a.size);
  clusters.forEach((c, i) => (c.id = i));
  return { users: n, k: km.k, scores: km.scores, features, clusters, timingMs: { sql: Math.round(tSql), cluster: Math.round(tCluster) } };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

/** Words for a centroid: its three most distinctive features (|z| ≥ 0.4), most distinctive first. */
export function describe(features: readonly string[], z: readonly number[], centroid: Record<string, number>): string {
  const phrases: { w: number; text: string }[] = [];
  features.forEach((f, j) => {
    const v = z[j] ?? 0;
    const raw = centroid[f] ?? 0;
    const hi = v > 0;
    let text: string | undefined;
    if (f === 'recency_days') text = hi ? `inactive for a while (last seen ${fmt(raw)} days ago on average)` : `recently active (${fmt(raw)} days)`;
    else if (f === 'orders') text = hi ? `frequent buyers (${fmt(raw)} orders)` : 'rarely or never buy';
    else if (f === 'monetary') text = hi ? `high spend (${fmt(raw)})` : 'low spend';
    else if (f === 'events') text = hi ? `very engaged (${fmt(raw)} events)` : `few events (${fmt(raw)})`;
    else if (f === 'avg_price') text = hi ? `premium price band (avg ${fmt(raw)})` : `budget price band (avg ${fmt(raw)})`;
    else if (f === 'mobile') text = hi ? 'mostly on mobile' : 'mostly on desktop';
    else if (f === 'night' || f === 'morning' || f === 'afternoon' || f === 'evening') text = hi ? `active mostly ${f === 'night' ? 'at night' : `in the ${f}`} (UTC)` : undefined;
    else if (f.startsWith('category:')) text = hi ? `favour ${f.slice(9)}` : undefined;
    if (text !== undefined && Math.abs(v) >= 0.4) phrases.push({ w: Math.abs(v), text });
  });
  phrases.sort((a, b) => b.w - a.w);
  const words = phrases.slice(0, 3).map((p) => p.text);
  if (words.length === 0) return 'Average shoppers';
  const s = words.join(', ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
