import { describe, expect, it } from 'vitest';
import { foundNothing, queryReport } from './query-report.ts';

describe('queryReport', () => {
  const searches = [
    { id: 's1', query: 'Cordless Drill', userId: 'u1', props: { total: 5 } },
    { id: 's2', query: 'cordless drill ', userId: 'u2', props: { total: 5 } },
    { id: 's3', query: 'cordless drill', userId: 'u1', props: { total: 5 } },
    { id: 'sdk1', recId: 's_abc', query: 'hob', userId: 'u3', props: { total: 3, recovery: 'trending' } },
    { id: 's4', query: 'hob', userId: 'u4', props: { total: 0 } },
    { id: 's5', query: 'drlil', userId: 'u5', props: { total: 2, recovery: 'corrected' } },
    { id: 'demo', query: 'lamp', userId: 'u6', props: { results: 4 } },
  ];

  it('counts searches, users, click-through and searches that found nothing per normalised query', () => {
    const r = queryReport(searches, new Set(['s1', 's3', 's_abc']));
    expect(r).toMatchObject({ searches: 7, queries: 4, clickThrough: 3 / 7, noMatchRate: 2 / 7 });
    expect(r.top[0]).toEqual({ query: 'cordless drill', searches: 3, users: 2, clicked: 2, clickThrough: 2 / 3, noMatch: 0 });
    // The SDK's search event is attributed through its recId (the server's searchId).
    expect(r.noMatch).toEqual([{ query: 'hob', searches: 2, users: 2, clicked: 1, clickThrough: 0.5, noMatch: 2 }]);
    expect(r.top.map((q) => q.query)).toEqual(['cordless drill', 'hob', 'drlil', 'lamp']);
    expect(queryReport(searches, new Set(), 1).top).toHaveLength(1);
  });

  it('treats a corrected typo as found, and relaxed, dropped-filter or trending answers as not', () => {
    expect(foundNothing({ recovery: 'corrected', total: 2 })).toBe(false);
    expect(foundNothing({ recovery: 'relaxed', total: 2 })).toBe(true);
    expect(foundNothing({ recovery: 'dropped-filters', total: 2 })).toBe(true);
    expect(foundNothing({ results: 0 })).toBe(true);
    expect(foundNothing(null)).toBe(false);
  });

  it('counts a search once when both the server and the SDK recorded it', () => {
    const r = queryReport(
      [
        { id: 's_1', query: 'kettle', userId: 'u1', props: { total: 4 } },
        { id: 'sdk-9', recId: 's_1', query: 'kettle', userId: 'u1', props: { items: 'a,b' } },
      ],
      new Set(['s_1']),
    );
    expect(r.top).toEqual([{ query: 'kettle', searches: 1, users: 1, clicked: 1, clickThrough: 1, noMatch: 0 }]);
  });
});
