/**
 * Search analytics: what shoppers searched for, how often a search led to a click, cart or purchase, and which
 * queries found nothing (the ones to fix with a synonym rule). Pure over search events and the later events that
 * carry a search's id as `recId` (the server records a search under its `searchId`; the storefront SDK sends its own
 * search event with `recId` = searchId, so both ids attribute; a search both recorded counts once).
 * A search "found nothing" when it had no result or was answered by zero-result recovery (`props.total` 0,
 * `props.results` 0, or `props.recovery` relaxed terms, dropped filters or fell back to trending items; a typo the
 * engine corrected found what the shopper meant and does not count).
 * Complexity: O(searches + clicks) time and memory.
 */
import { normalizeQueryKey } from './ranking.ts';

export interface SearchEventRow {
  id: string;
  recId?: string | null;
  query: string;
  userId: string;
  props?: Record<string, unknown> | null;
}

export interface QueryStats {
  query: string;
  searches: number;
  users: number;
  /** Searches followed by at least one click, add-to-cart or purchase carrying their id. */
  clicked: number;
  /** clicked / searches */
  clickThrough: number;
  /** Searches that found nothing (see the module header). */
  noMatch: number;
}

export interface QueryReport {
  searches: number;
  queries: number;
  clickThrough: number;
  noMatchRate: number;
  /** Most searched queries, most first. */
  top: QueryStats[];
  /** Queries that found nothing, most often first. */
  noMatch: QueryStats[];
}

/** True when a search event says it found nothing (see the module header). */
export function foundNothing(props: Record<string, unknown> | null | undefined): boolean {
  if (!props) return false;
  const recovery = props['recovery'];
  return props['total'] === 0 || props['results'] === 0 || recovery === 'relaxed' || recovery === 'dropped-filters' || recovery === 'trending';
}

/** Aggregates search events and the ids of searches that led to a click into the report (top `limit` of each list). */
export function queryReport(searches: readonly SearchEventRow[], clickedIds: ReadonlySet<string>, limit = 20): QueryReport {
  const byQuery = new Map<string, { searches: number; users: Set<string>; clicked: number; noMatch: number }>();
  let clicked = 0;
  let noMatch = 0;
  // A storefront that calls GET /v1/search with a userId and also tracks the search with the SDK sends the same
  // search twice: the server's event (id = searchId) and the SDK's (recId = searchId). Count it once.
  const ids = new Set(searches.map((s) => s.id));
  for (const s of searches) {
    if (s.recId && ids.has(s.recId)) continue;
    const key = normalizeQueryKey(s.query);
    if (key === '') continue;
    let q = byQuery.get(key);
    if (!q) byQuery.set(key, (q = { searches: 0, users: new Set(), clicked: 0, noMatch: 0 }));
    q.searches++;
    q.users.add(s.userId);
    if (clickedIds.has(s.id) || (s.recId && clickedIds.has(s.recId))) {
      q.clicked++;
      clicked++;
    }
    if (foundNothing(s.props)) {
      q.noMatch++;
      noMatch++;
    }
  }
  const stats: QueryStats[] = [...byQuery].map(([query, q]) => ({
    query,
    searches: q.searches,
    users: q.users.size,
    clicked: q.clicked,
    clickThrough: q.clicked / q.searches,
    noMatch: q.noMatch,
  }));
  const byName = (a: QueryStats, b: QueryStats) => (a.query < b.query ? -1 : 1);
  const total = stats.reduce((n, q) => n + q.searches, 0);
  return {
    searches: total,
    queries: stats.length,
    clickThrough: total > 0 ? clicked / total : 0,
    noMatchRate: total > 0 ? noMatch / total : 0,
    top: [...stats].sort((a, b) => b.searches - a.searches || byName(a, b)).slice(0, limit),
    noMatch: stats.filter((q) => q.noMatch > 0).sort((a, b) => b.noMatch - a.noMatch || byName(a, b)).slice(0, limit),
  };
}
