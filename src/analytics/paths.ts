/**
 * Paths: what users do next (or did before) around an anchor event, N steps deep, within a session —
 * Sankey-ready nodes and links. The anchor is the first event in each session matching the filter; labels
 * are event types, item categories (falling back to the type for item-less events), item ids or pages. Computed in
 * the store over sessionised events ({@link sessionizedEventsSql}).
 */
import { CartwiseError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { assertKnownTypes, checkEventFilter, eventFilterSql, type EventFilter, type TimeRange } from './filters.ts';
import { DEFAULT_SESSION_GAP_MS, sessionizedEventsSql } from './sessions.ts';
import { dialectOf, raw, run, sql, type Sql } from './sql.ts';

/** Node labels: event type, item category, item id, or page (`props.page`, else `props.url`). */
export const PathLabels = { type: 'type', category: 'category', item: 'item', page: 'page' } as const;
export type PathLabel = keyof typeof PathLabels;

export interface PathOptions extends TimeRange {
  anchor: EventFilter;
  direction?: 'next' | 'previous' | undefined;
  /** Steps away from the anchor (1–6, default 3). */
  depth?: number | undefined;
  by?: PathLabel | undefined;
  gapMs?: number | undefined;
  /** Labels kept per step; the rest are merged into `other` (default 8). */
  width?: number | undefined;
}

export interface PathNode {
  id: string;
  /** 0 = the anchor; positive after it, negative before it. */
  step: number;
  label: string;
  count: number;
}

export interface PathResult {
  anchor: string;
  direction: 'next' | 'previous';
  depth: number;
  by: PathLabel;
  /** Sessions containing the anchor. */
  sessions: number;
  nodes: PathNode[];
  links: { source: string; target: string; value: number }[];
  /** Sessions that end at each step (no further event). */
  ended: number[];
}

/** Computes path nodes and links around an anchor; errors name the field. */
export async function computePaths(store: Store, o: PathOptions): Promise<PathResult> {
  const anchor = checkEventFilter(o.anchor, 'anchor');
  await assertKnownTypes(store, [{ type: anchor.type, field: 'anchor' }]);
  const direction = o.direction ?? 'next';
  if (direction !== 'next' && direction !== 'previous') throw new CartwiseError('INVALID_PARAM', { name: 'direction', reason: 'must be next or previous' });
  const depth = o.depth ?? 3;
  if (!Number.isInteger(depth) || depth < 1 || depth > 6) throw new CartwiseError('INVALID_PARAM', { name: 'depth', reason: 'must be an integer from 1 to 6' });
  const by = o.by ?? 'type';
  if (!(by in PathLabels)) throw new CartwiseError('INVALID_PARAM', { name: 'by', reason: 'must be type, category, item or page' });
  const width = o.width ?? 8;
  const d = dialectOf(store.dialect);
  const label: Sql =
    by === 'type'
      ? raw('s.type')
      : by === 'item'
        ? raw("coalesce(s.item_id, '(' || s.type || ')')")
        : by === 'category'
          ? raw("coalesce(i.category, '(' || s.type || ')')")
          : sql`coalesce(${d.jsonText('s.props', 'page')}, ${d.jsonText('s.props', 'url')}, '(' || s.type || ')')`;
  const sign = direction === 'next' ? 1 : -1;
  const se = sessionizedEventsSql(store, { sinceMs: o.sinceMs, untilMs: o.untilMs, gapMs: o.gapMs ?? DEFAULT_SESSION_GAP_MS });
  const anchorCond = eventFilterSql(store, anchor, 's');
  const rows = await run<Record<string, unknown>>(
    store,
    sql`WITH se AS (SELECT x.*, row_number() OVER (PARTITION BY session_key ORDER BY t, id) AS rn FROM (${se}) x),
      lab AS (SELECT s.session_key, s.rn, ${label} AS label, ${anchorCond} AS is_anchor FROM se s LEFT JOIN items i ON i.id = s.item_id),
      anc AS (SELECT session_key, min(rn) AS arn FROM lab WHERE is_anchor GROUP BY session_key),
      st AS (SELECT l.session_key, ${raw(String(sign))} * (l.rn - a.arn) AS pos, l.label FROM lab l JOIN anc a ON a.session_key = l.session_key
             WHERE ${raw(String(sign))} * (l.rn - a.arn) BETWEEN 0 AND ${depth})
      SELECT 'n' AS kind, pos, label, NULL AS label2, count(*) AS n FROM st GROUP BY pos, label
      UNION ALL
      SELECT 'l', a.pos, a.label, b.label, count(*) FROM st a JOIN st b ON b.session_key = a.session_key AND b.pos = a.pos + 1 GROUP BY a.pos, a.label, b.label`,
  );
  // Keep the `width` most frequent labels per step, merge the rest into "other".
  const nodeCounts = new Map<number, Map<string, number>>();
  for (const r of rows)
    if (r['kind'] === 'n') {
      const pos = Number(r['pos']);
      const m = nodeCounts.get(pos) ?? new Map<string, number>();
      m.set(String(r['label']), Number(r['n']));
      nodeCounts.set(pos, m);
    }
  const kept = new Map<number, Set<string>>();
  for (const [pos, m] of nodeCounts) kept.set(pos, new Set([...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, width).map((e) => e[0])));
  const name = (pos: number, l: string) => (kept.get(pos)?.has(l) ? l : 'other');
  const id = (pos: number, l: string) => `${pos * sign}:${l}`;
  const nodes = new Map<string, PathNode>();
  for (const [pos, m] of nodeCounts)
    for (const [l, n] of m) {
      const lbl = name(pos, l);
      const key = id(pos, lbl);
      const node = nodes.get(key) ?? { id: key, step: pos * sign, label: lbl, count: 0 };
      node.count += n;
      nodes.set(key, node);
    }
  const links = new Map<string, { source: string; target: string; value: number }>();
  for (const r of rows)
    if (r['kind'] === 'l') {
      const pos = Number(r['pos']);
      const source = id(pos, name(pos, String(r['label'])));
      const target = id(pos + 1, name(pos + 1, String(r['label2'])));
      const key = `${source}\u0000${target}`;
      const link = links.get(key) ?? { source, target, value: 0 };
      link.value += Number(r['n']);
      links.set(key, link);
    }
  const atStep = (pos: number) => [...(nodeCounts.get(pos)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const sessions = atStep(0);
  return {
    anchor: anchor.type,
    direction,
    depth,
    by,
    sessions,
    nodes: [...nodes.values()].sort((a, b) => Math.abs(a.step) - Math.abs(b.step) || b.count - a.count || a.label.localeCompare(b.label)),
    links: [...links.values()].sort((a, b) => b.value - a.value || a.source.localeCompare(b.source) || a.target.localeCompare(b.target)),
    ended: Array.from({ length: depth }, (_, k) => atStep(k) - atStep(k + 1)),
  };
}
