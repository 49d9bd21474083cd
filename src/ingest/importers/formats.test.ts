import { describe, expect, it } from 'vitest';
import { createCsvMapper, parseColumnMap, readTimestamp } from './csv-mapped.ts';
import type { MapResult, RowMapper } from './import-format.ts';
import { createJsonlMapper } from './jsonl.ts';
import { createMl100kItemMapper, createMoviesMapper, createMovieUserMapper, createRatingMapper, movieYear } from './movielens.ts';
import { createOnlineRetailMapper, parseInvoiceDate } from './online-retail.ts';
import { categoryPathFromCode, createRees46Mapper, parseRees46Time } from './rees46.ts';
import { createRetailRocketMapper } from './retailrocket.ts';
import { createSequenceMapper } from './sequences.ts';
import { createTaobaoMapper } from './taobao.ts';
import { splitCsvRecord } from '../../core/csv.ts';

/** Runs a mapper on a CSV-ish line the way the runner does. */
function run(mapper: RowMapper, text: string, split: (t: string) => string[] = (t) => splitCsvRecord(t) ?? [], line = 2): MapResult {
  return mapper({ fields: split(text), line, text });
}

function okOf(r: MapResult) {
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
}

const RETAIL_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'.split(',');

describe('online-retail', () => {
  const map = createOnlineRetailMapper(RETAIL_HEADER);

  it('maps an invoice line to a purchase, an item and a profile', () => {
    const r = okOf(run(map, '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom'));
    expect(r.events).toEqual([{
      type: 'purchase', userId: '17850', sessionId: '536365', itemId: '85123A', ts: Date.UTC(2010, 11, 1, 8, 26), quantity: 6, price: 2.55, revenue: 15.3,
    }]);
    expect(r.items).toEqual([{ id: '85123A', title: 'WHITE HANGING HEART T-LIGHT HOLDER', price: 2.55, currency: 'GBP' }]);
    expect(r.users).toEqual([{ id: '17850', attrs: { country: 'United Kingdom' } }]);
    expect(r.tags).toBeUndefined();
  });

  it('maps a C invoice to a refund with positive quantity and negative revenue, and a quoted description', () => {
    const r = okOf(run(map, 'C536379,D,"Discount, staff",-1,12/1/2010 9:41,27.5,14527.0,United Kingdom'));
    expect(r.events[0]).toMatchObject({ type: 'refund', quantity: 1, price: 27.5, revenue: -27.5, ts: Date.UTC(2010, 11, 1, 9, 41) });
    expect(r.items?.[0]).toMatchObject({ id: 'D', title: 'Discount, staff', tags: ['service'] });
    expect(r.tags).toEqual(['refund']);
  });

  it('gives rows without CustomerID the guest user of their invoice', () => {
    const r = okOf(run(map, '536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,2010-12-01 14:32:00,2.51,,United Kingdom'));
    expect(r.events[0]?.userId).toBe('guest:536544');
    expect(r.users).toEqual([{ id: 'guest:536544', attrs: { country: 'United Kingdom', guest: true } }]);
    expect(r.tags).toEqual(['guest']);
  });

  it('skips stock adjustments and bad-debt lines by rule', () => {
    expect(run(map, '536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom')).toEqual({ kind: 'skipped', rule: 'stock adjustment' });
    expect(run(map, '536589,21777,damaged,-10,2010-12-01 16:50:00,0.0,,United Kingdom')).toEqual({ kind: 'skipped', rule: 'stock adjustment' });
    expect(run(map, 'A563185,B,Adjust bad debt,1,2011-08-12 14:50:00,11062.06,,United Kingdom')).toEqual({ kind: 'skipped', rule: 'bad debt adjustment' });
  });

  it('rejects malformed rows naming the column', () => {
    expect(run(map, '536365,85123A,X,six,2010-12-01 08:26:00,2.55,17850.0,UK')).toEqual({ kind: 'rejected', reason: 'Quantity `six` is not an integer' });
    expect(run(map, '536365,85123A,X,6,yesterday,2.55,17850.0,UK')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('InvoiceDate `yesterday`') });
    expect(run(map, '536365,85123A,X,6,2010-12-01 08:26:00,abc,17850.0,UK')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('UnitPrice') });
    expect(run(map, '536365,85123A,X')).toMatchObject({ kind: 'rejected', reason: 'expected 8 columns, got 3' });
  });

  it('refuses a header without the needed columns', () => {
    expect(() => createOnlineRetailMapper(['InvoiceNo', 'StockCode'], 'x.csv')).toThrow(/x\.csv: missing column\(s\) `Description`/);
  });

  it('parses both InvoiceDate layouts as UTC and refuses impossible dates', () => {
    expect(parseInvoiceDate('12/9/2011 12:50')).toBe(Date.UTC(2011, 11, 9, 12, 50));
    expect(parseInvoiceDate('2011-12-09 12:50:00')).toBe(Date.UTC(2011, 11, 9, 12, 50));
    expect(parseInvoiceDate('4/31/2011 10:00')).toBeUndefined();
    expect(parseInvoiceDate('13/1/2011 10:00')).toBeUndefined();
  });
});

describe('retailrocket', () => {
  const map = createRetailRocketMapper(['timestamp', 'visitorid', 'event', 'itemid', 'transactionid']);
  it('maps the three event names and the transaction id', () => {
    expect(okOf(run(map, '1433221332117,257597,view,355908,')).events).toEqual([{ type: 'view', userId: '257597', itemId: '355908', ts: 1433221332117 }]);
    expect(okOf(run(map, '1433223236124,287857,addtocart,5206,')).events[0]?.type).toBe('add_to_cart');
    expect(okOf(run(map, '1433224214164,992329,transaction,248676,4000')).events[0]).toMatchObject({ type: 'purchase', props: { transactionId: '4000' } });
  });
  it('rejects unknown events and bad timestamps', () => {
    expect(run(map, '1433221332117,1,click,2,')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('event `click`') });
    expect(run(map, '2015-06-02,1,view,2,')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('timestamp') });
  });
});

describe('taobao', () => {
  const map = createTaobaoMapper();
  it('maps behaviours, seconds and the category', () => {
    const r = okOf(run(map, '1,2268318,2520377,pv,1511544070'));
    expect(r.events).toEqual([{ type: 'view', userId: '1', itemId: '2268318', ts: 1511544070000 }]);
    expect(r.items).toEqual([{ id: '2268318', title: 'Item 2268318', category: '2520377' }]);
    expect(okOf(run(map, '1,2,3,fav,1511544070')).events[0]?.type).toBe('favorite');
    expect(okOf(run(map, '1,2,3,cart,1511544070')).events[0]?.type).toBe('add_to_cart');
    expect(okOf(run(map, '1,2,3,buy,1511544070')).events[0]?.type).toBe('purchase');
  });
  it('rejects wrong behaviours and column counts', () => {
    expect(run(map, '1,2,3,like,1511544070')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('behavior_type `like`') });
    expect(run(map, '1,2,3,pv')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('expected 5 columns') });
  });
});

describe('rees46', () => {
  const header = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session'.split(',');
  const map = createRees46Mapper(header);
  it('maps events, sessions and the item with its category path and brand', () => {
    const r = okOf(run(map, '2019-10-01 00:00:04 UTC,purchase,1004237,2053013555631882655,electronics.smartphone,apple,1081.98,535871217,c6bd7419-2748-4c56-95b4-8cec9ff8b80d'));
    expect(r.events).toEqual([{
      type: 'purchase', userId: '535871217', itemId: '1004237', ts: Date.UTC(2019, 9, 1, 0, 0, 4),
      sessionId: 'c6bd7419-2748-4c56-95b4-8cec9ff8b80d', price: 1081.98, quantity: 1, revenue: 1081.98,
    }]);
    expect(r.items).toEqual([{ id: '1004237', title: 'apple smartphone', category: 'electronics > smartphone', price: 1081.98, attrs: { brand: 'apple', categoryId: '2053013555631882655' } }]);
    expect(okOf(run(map, '2019-10-01 00:00:00 UTC,cart,44600062,2103807459595387724,,,35.79,541312140,72d76fde')).events[0]?.type).toBe('add_to_cart');
    expect(okOf(run(map, '2019-10-01 00:00:00 UTC,remove_from_cart,5,6,,,1.0,7,s')).items?.[0]?.title).toBe('Product 5');
  });
  it('rejects unknown event types and bad times', () => {
    expect(run(map, '2019-10-01 00:00:00 UTC,wishlist,1,2,,,1,3,s')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('event_type `wishlist`') });
    expect(run(map, 'soon,view,1,2,,,1,3,s')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('event_time `soon`') });
  });
  it('converts category codes and times', () => {
    expect(categoryPathFromCode('appliances.kitchen.washer')).toBe('appliances > kitchen > washer');
    expect(parseRees46Time('2019-11-17 08:43:00 UTC')).toBe(Date.UTC(2019, 10, 17, 8, 43));
  });
});

describe('movielens', () => {
  const pipe = (t: string) => t.split('|');
  it('maps u.item with genres, category and year', () => {
    const r = okOf(run(createMl100kItemMapper(), '1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0', pipe));
    expect(r.events).toEqual([]);
    expect(r.items).toEqual([{ id: '1', title: 'Toy Story (1995)', category: 'Animation', tags: ['Animation', "Children's", 'Comedy'], attrs: { year: 1995, releaseDate: '01-Jan-1995' } }]);
    expect(run(createMl100kItemMapper(), '2|short|line', pipe)).toMatchObject({ kind: 'rejected' });
  });
  it('maps movies.dat, users and ratings', () => {
    const colons = (t: string) => t.split('::');
    expect(okOf(run(createMoviesMapper(), '1::Toy Story (1995)::Animation|Children\'s|Comedy', colons)).items?.[0]).toMatchObject({ category: 'Animation', attrs: { year: 1995 } });
    expect(okOf(run(createMovieUserMapper('100k'), '1|24|M|technician|85711', pipe)).users).toEqual([{ id: '1', attrs: { gender: 'M', occupation: 'technician', zip: '85711', age: 24 } }]);
    expect(okOf(run(createMovieUserMapper('1m'), '1::F::1::10::48067', colons)).users?.[0]?.attrs).toMatchObject({ gender: 'F', age: 1 });
    const tab = (t: string) => t.split('\t');
    expect(okOf(run(createRatingMapper('review'), '196\t242\t3\t881250949', tab)).events).toEqual([{ type: 'review', userId: '196', itemId: '242', rating: 3, ts: 881250949000 }]);
    expect(run(createRatingMapper('review'), '196\t242\tgood\t881250949', tab)).toEqual({ kind: 'rejected', reason: 'rating `good` is not a number' });
  });
  it('reads the year from the title or the release date', () => {
    expect(movieYear('Heat (1995)')).toBe(1995);
    expect(movieYear('unknown', '01-Jan-1997')).toBe(1997);
    expect(movieYear('unknown')).toBeUndefined();
  });
});

describe('sequences', () => {
  const ws = (t: string) => t.split(/\s+/);
  it('gives each item a synthetic increasing time', () => {
    const map = createSequenceMapper({ type: 'view', startMs: 1000, stepMs: 10 });
    expect(okOf(run(map, '7 11 12 13', ws)).events).toEqual([
      { type: 'view', userId: '7', itemId: '11', ts: 1000 },
      { type: 'view', userId: '7', itemId: '12', ts: 1010 },
      { type: 'view', userId: '7', itemId: '13', ts: 1020 },
    ]);
    expect(run(map, '7', ws)).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('no item') });
  });
});

describe('csv with --map', () => {
  it('parses the map and refuses unknown fields or a missing user/ts', () => {
    expect(parseColumnMap('user=customer, item=sku,ts=when,type=action')).toEqual({ user: 'customer', item: 'sku', ts: 'when', type: 'action' });
    expect(() => parseColumnMap('user=a,ts=b,colour=c')).toThrow(/`colour=c` must be FIELD=COLUMN/);
    expect(() => parseColumnMap('item=a')).toThrow(/at least user=COLUMN and ts=COLUMN/);
  });

  it('maps columns by header name, with the --type default and the item title', () => {
    const map = createCsvMapper(['Customer', 'SKU', 'When', 'Stars', 'Name'], {
      map: { user: 'customer', item: 'sku', ts: 'when', rating: 'stars', title: 'name' }, type: 'review', delimiter: ',', header: true, tsUnit: 'auto',
    });
    const r = okOf(run(map, 'u1,sku-1,1700000000,4,Blue mug'));
    expect(r.events).toEqual([{ type: 'review', ts: 1_700_000_000_000, userId: 'u1', itemId: 'sku-1', rating: 4 }]);
    expect(r.items).toEqual([{ id: 'sku-1', title: 'Blue mug' }]);
    expect(run(map, 'u1,sku-1,1700000000,lots,Blue mug')).toEqual({ kind: 'rejected', reason: 'rating `lots` is not a number' });
    expect(run(map, 'u1,sku-1,whenever,4,Blue mug')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('ts `whenever`') });
  });

  it('names a mapped column missing from the header, and requires a type', () => {
    expect(() => createCsvMapper(['a'], { map: { user: 'a', ts: 'b' }, type: 'view', delimiter: ',', header: true, tsUnit: 'ms' }, 'f.csv')).toThrow(/column `b` \(for ts\) is not in the header/);
    expect(() => createCsvMapper(['a', 'b'], { map: { user: 'a', ts: 'b' }, delimiter: ',', header: true, tsUnit: 'ms' })).toThrow(/--type/);
  });

  it('reads numeric timestamps as seconds or milliseconds', () => {
    expect(readTimestamp('1700000000', 'auto')).toBe(1_700_000_000_000);
    expect(readTimestamp('1700000000000', 'auto')).toBe(1_700_000_000_000);
    expect(readTimestamp('1700000000', 'ms')).toBe(1_700_000_000);
    expect(readTimestamp('2024-01-02T03:04:05Z', 'auto')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });
});

describe('jsonl', () => {
  const map = createJsonlMapper();
  const whole = (t: string) => [t];
  it('passes events through and recognises item and user lines', () => {
    expect(okOf(run(map, '{"type":"view","userId":"u","itemId":"i","ts":1}', whole)).events).toEqual([{ type: 'view', userId: 'u', itemId: 'i', ts: 1 }]);
    expect(okOf(run(map, '{"item":{"id":"i","title":"T"}}', whole)).items).toEqual([{ id: 'i', title: 'T' }]);
    expect(okOf(run(map, '{"user":{"id":"u"}}', whole)).users).toEqual([{ id: 'u' }]);
  });
  it('rejects non-JSON and non-objects', () => {
    expect(run(map, '{"type":', whole)).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('not valid JSON') });
    expect(run(map, '[1,2]', whole)).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('expected a JSON object') });
  });
});
