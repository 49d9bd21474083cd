import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.ts';
import { attemptsSql } from './funnel.ts';
import { rfmSql } from './rfm.ts';
import { sessionizedEventsSql } from './sessions.ts';
import { dialectOf, sql } from './sql.ts';

/** Only `dialect` is read while building SQL text. */
const pg = { dialect: 'postgres' } as unknown as Store;
const duck = { dialect: 'duckdb' } as unknown as Store;
const DUCKDB_ONLY = /\b(epoch_ms|ASOF|strftime|json_extract_string|hash)\b/i;

describe('dialect isolation', () => {
  it('emits no DuckDB-only SQL for PostgreSQL (funnels with every option, sessions, RFM)', () => {
    const o = {
      steps: [{ type: 'view', category: 'Shoes', attrs: { brand: 'Acme' } }, { type: 'add_to_cart', props: { device: 'mobile' } }, { type: 'purchase', minPrice: 5 }],
      windowMs: 86_400_000,
      sameItem: true,
      sinceMs: 0,
      untilMs: 1e12,
      exclusions: [{ filter: { type: 'remove_from_cart' }, fromStep: 1, toStep: 2 }],
      segment: 'champions',
    };
    for (const text of [attemptsSql(pg, o).text, attemptsSql(pg, { ...o, exclusions: [], breakdown: { by: 'first_touch' as const } }).text, sessionizedEventsSql(pg, { sinceMs: 0 }).text, rfmSql(pg).text]) {
      expect(text).not.toMatch(DUCKDB_ONLY);
    }
    expect(attemptsSql(pg, o).text).toMatch(/ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING/);
    expect(attemptsSql(duck, o).text).toMatch(/ASOF LEFT JOIN/);
  });

  it('binds every value: parameters match placeholders and no value appears in the text', () => {
    const evil = "x'); DROP TABLE events; --";
    const q = attemptsSql(duck, { steps: [{ type: 'view', category: evil, props: { k: evil } }, { type: 'purchase' }], windowMs: 1000 });
    expect(q.text).not.toContain('DROP TABLE');
    expect(q.text.split('?').length - 1).toBe(q.params.length);
    expect(q.params).toContain(evil);
  });

  it('keeps JSON keys out of paths: names are checked and bound', () => {
    expect(() => dialectOf('duckdb').jsonText('e.props', "a') OR 1=1 --")).toThrow(/not a valid property name/);
    const q = sql`SELECT ${dialectOf('postgres').jsonText('e.props', 'device')}`;
    expect(q).toEqual({ text: 'SELECT (e.props::jsonb ->> ?)', params: ['device'] });
  });
});
