import { describe, expect, it } from 'vitest';
import { hueOf, parseRecommendations, widgetRequest } from './widgets.ts';

// Rendering and click/impression tracking run in a real browser: test/browser/demo-store.test.ts.
describe('widgetRequest', () => {
  it('builds the recommendation API URLs from the data attributes', () => {
    expect(widgetRequest({ kind: 'recommendations', k: '4' }, 'https://cw.test', 'u 1')).toEqual({ ok: true, kind: 'recommendations', k: 4, url: 'https://cw.test/v1/recommendations?k=4&userId=u+1' });
    expect(widgetRequest({ kind: 'recommendations' }, '', undefined)).toEqual({ ok: true, kind: 'recommendations', k: 8, url: '/v1/recommendations?k=8' });
    expect(widgetRequest({ kind: 'similar', item: 'a/b' }, '', 'u')).toEqual({ ok: true, kind: 'similar', k: 8, url: '/v1/items/a%2Fb/similar?k=8' });
    expect(widgetRequest({ kind: 'bought-together', item: 'x', k: '3' }, '', 'u')).toMatchObject({ ok: true, url: '/v1/items/x/bought-together?k=3' });
  });

  it('names the attribute that is wrong', () => {
    expect(widgetRequest({ kind: 'carousel' }, '', 'u')).toMatchObject({ ok: false, reason: expect.stringMatching(/data-cartwise="carousel" is not a widget/) });
    expect(widgetRequest({ kind: 'recommendations', k: '0' }, '', 'u')).toMatchObject({ ok: false, reason: 'data-k="0" must be an integer from 1 to 100' });
    expect(widgetRequest({ kind: 'similar' }, '', 'u')).toMatchObject({ ok: false, reason: 'data-cartwise="similar" needs data-item="<item id>"' });
    expect(widgetRequest({ kind: 'toString' }, '', 'u').ok).toBe(false);
  });
});

describe('parseRecommendations', () => {
  it('keeps the contract fields and skips malformed items', () => {
    expect(parseRecommendations({ recId: 'r1', items: [{ itemId: 'a', score: 0.5, title: 'A', price: 3, explanation: 'Because you viewed B', extra: 1 }, { score: 1 }, null, { itemId: 7 }] })).toEqual({
      recId: 'r1',
      items: [
        { itemId: 'a', score: 0.5, title: 'A', price: 3, explanation: 'Because you viewed B' },
        { itemId: '7', score: 0 },
      ],
    });
  });

  it("reads the server's shape: `id` and an explanation object", () => {
    const body = { recId: 'rec_1', strategy: 'similar', items: [{ id: 'i7', score: 0.41, title: 'Green mug', category: 'Home', explanation: { type: 'similar', text: 'similar to "Blue mug"', itemId: 'i9' } }] };
    expect(parseRecommendations(body)).toEqual({ recId: 'rec_1', items: [{ itemId: 'i7', score: 0.41, title: 'Green mug', explanation: 'similar to "Blue mug"' }] });
  });

  it('explains what is missing', () => {
    expect(parseRecommendations(null)).toBe('the response is not a JSON object');
    expect(parseRecommendations({ items: [] })).toBe('the response has no recId');
    expect(parseRecommendations({ recId: 'r' })).toBe('the response has no items array');
  });
});

describe('hueOf', () => {
  it('is stable and within [0, 360)', () => {
    expect(hueOf('item-1')).toBe(hueOf('item-1'));
    for (const id of ['a', 'b', 'long id with spaces', '']) expect(hueOf(id)).toBeGreaterThanOrEqual(0), expect(hueOf(id)).toBeLessThan(360);
  });
});
