/**
 * Review insight: per-item and per-category average rating, rating distribution, sentiment of the review
 * text and the trend over time. Ratings are aggregated in the store; sentiment is scored in JS with the
 * `sentiment` package (AFINN-165 word list, English) over the review texts only, paged from the store and
 * capped by `maxTexts` (newest first), so no other events are read into memory.
 */
import Sentiment from 'sentiment';
import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { rangeSql, type TimeRange } from './filters.ts';
import { dialectOf, raw, run, sql, type Sql } from './sql.ts';

export const SENTIMENT_METHOD = 'AFINN-165 via the sentiment npm package (score per word; > 0 positive, < 0 negative)';

export interface ReviewOptions extends TimeRange {
  /** Group by item or by item category (default item). */
  by?: 'item' | 'category' | undefined;
  itemId?: string | undefined;
  /** A category path or prefix. */
  category?: string | undefined;
  top?: number | undefined;
  /** Trend buckets (default month). */
  interval?: 'week' | 'month' | undefined;
  /** Most review texts scored for sentiment (default 50,000, newest first). */
  maxTexts?: number | undefined;
}

export interface SentimentStats {
  scored: number;
  /** Mean AFINN comparative score (score / words). */
  mean: number | null;
  positive: number;
  negative: number;
  neutral: number;
}

export interface ReviewStats {
  reviews: number;
  avgRating: number | null;
  /** Reviews per rounded rating value. */
  distribution: Record<string, number>;
  sentiment: SentimentStats;
}

export interface ReviewInsight {
  method: string;
  overall: ReviewStats;
  groups: ({ key: string; title?: string } & ReviewStats)[];
  trend: ({ start: string } & Omit<ReviewStats, 'distribution'>)[];
}

function emptySentiment(): SentimentStats {
  return { scored: 0, mean: null, positive: 0, negative: 0, neutral: 0 };
}

/** Scores one text: AFINN comparative score (sum of word scores / number of tokens). */
export function sentimentOf(text: string): { score: number; comparative: number } {
  const r = analyzer.analyze(text);
  return { score: r.score, comparative: r.comparative };
}
const analyzer = new Sentiment();

/** Computes review insight in the store (ratings) and over review texts (sentiment). */
export async function computeReviewInsight(store: Store, o: ReviewOptions = {}): Promise<ReviewInsight> {
  const by = o.by ?? 'item';
  if (by !== 'item' && by !== 'category') throw new CartwiseError('INVALID_PARAM', { name: 'by', reason: 'must be item or category' });
  const interval = o.interval ?? 'month';
  if (interval !== 'week' && interval !== 'month') throw new CartwiseError('INVALID_PARAM', { name: 'interval', reason: 'must be week or month' });
  const d = dialectOf(store.dialect);
  const ms = d.epochMs('e.ts');
  const conds: Sql[] = [sql`e.type = 'review'`, rangeSql(store, o)];
  if (o.itemId !== undefined) conds.push(sql`e.item_id = ${o.itemId}`);
  if (o.category !== undefined) conds.push(sql`(i.category = ${o.category} OR i.category LIKE ${o.category.replace(/[\\%_]/g, (c) => `\\${c}`) + ' > %'} ESCAPE '\\')`);
  const where = conds.reduce((a, b) => sql`${a} AND ${b}`);
  const key = by === 'item' ? 'e.item_id' : "coalesce(i.category, '(none)')";
  const bucket = interval === 'month' ? d.monthIndex(ms) : d.floorDiv(`${d.floorDiv(ms, '86400000')} + 3`, '7');
  const from = raw('FROM events e LEFT JOIN items i ON i.id = e.item_id');
  const top = o.top ?? 20;
  const [groups, dist, trend] = await Promise.all([
    run<Record<string, unknown>>(store, sql`SELECT ${raw(key)} AS k, count(*) AS n, avg(e.rating) AS avg ${from} WHERE ${where} GROUP BY ${raw(key)} ORDER BY n DESC, k LIMIT ${top}`),
    run<Record<string, unknown>>(store, sql`SELECT ${raw(key)} AS k, CAST(round(e.rating) AS INTEGER) AS r, count(*) AS n ${from} WHERE ${where} AND e.rating IS NOT NULL GROUP BY ${raw(key)}, CAST(round(e.rating) AS INTEGER)`),
    run<Record<string, unknown>>(store, sql`SELECT ${raw(bucket)} AS b, count(*) AS n, avg(e.rating) AS avg ${from} WHERE ${where} GROUP BY ${raw(bucket)} ORDER BY b`),
  ]);
  const groupKeys = new Set(groups.map((g) => String(g['k'])));

  // Sentiment: page through review texts only (newest first), aggregating per group and per bucket.
  const perGroup = new Map<string, number[]>();
  const perBucket = new Map<number, number[]>();
  const all: number[] = [];
  const maxTexts = o.maxTexts ?? 50_000;
  const page = 5000;
  for (let offset = 0; offset < maxTexts; offset += page) {
    const rows = await run<Record<string, unknown>>(
      store,
      sql`SELECT ${raw(key)} AS k, ${raw(bucket)} AS b, e.text ${from} WHERE ${where} AND e.text IS NOT NULL ORDER BY e.ts DESC, e.id LIMIT ${Math.min(page, maxTexts - offset)} OFFSET ${offset}`,
    );
    for (const r of rows) {
      const c = sentimentOf(String(r['text'])).comparative;
      all.push(c);
      const k = String(r['k']);
      if (groupKeys.has(k)) (perGroup.get(k) ?? perGroup.set(k, []).get(k))?.push(c);
      const b = Number(r['b']);
      (perBucket.get(b) ?? perBucket.set(b, []).get(b))?.push(c);
    }
    if (rows.length < page) break;
  }
  const sentiment = (xs: number[] | undefined): SentimentStats => {
    if (!xs || xs.length === 0) return emptySentiment();
    let s = 0;
    let pos = 0;
    let neg = 0;
    for (const x of xs) {
      s += x;
      if (x > 0) pos++;
      else if (x < 0) neg++;
    }
    return { scored: xs.length, mean: Math.round((s / xs.length) * 1e4) / 1e4, positive: pos, negative: neg, neutral: xs.length - pos - neg };
  };
  const distOf = (k?: string) => {
    const out: Record<string, number> = {};
    for (const r of dist) if (k === undefined || String(r['k']) === k) out[String(r['r'])] = (out[String(r['r'])] ?? 0) + Number(r['n']);
    return out;
  };
  const [tot] = await run<Record<string, unknown>>(store, sql`SELECT count(*) AS n, avg(e.rating) AS avg ${from} WHERE ${where}`);
  const titles = by === 'item' ? new Map((await store.getItems([...groupKeys])).map((i) => [i.id, i.title])) : new Map<string, string>();
  const avg = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1e4) / 1e4);
  const startOf = (b: number) =>
    interval === 'month' ? new Date(Date.UTC(1970 + Math.floor(b / 12), b % 12, 1)).toISOString().slice(0, 10) : new Date((b * 7 - 3) * 86_400_000).toISOString().slice(0, 10);
  return {
    method: SENTIMENT_METHOD,
    overall: { reviews: Number(tot?.['n'] ?? 0), avgRating: avg(tot?.['avg']), distribution: distOf(), sentiment: sentiment(all) },
    groups: groups.map((g) => {
      const k = String(g['k']);
      const title = titles.get(k);
      return { key: k, ...(title !== undefined ? { title } : {}), reviews: Number(g['n']), avgRating: avg(g['avg']), distribution: distOf(k), sentiment: sentiment(perGroup.get(k)) };
    }),
    trend: trend.map((t) => ({ start: startOf(Number(t['b'])), reviews: Number(t['n']), avgRating: avg(t['avg']), sentiment: sentiment(perBucket.get(Number(t['b']))) })),
  };
}
