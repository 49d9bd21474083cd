import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import type { Store } from '../../store/store.ts';
import { jsonlFormat } from './jsonl.ts';
import { movieLensFormat } from './movielens.ts';
import { onlineRetailFormat } from './online-retail.ts';
import { runImport, sameItem, type ImportSummary } from './import-runner.ts';
import { sequencesFormat } from './sequences.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RETAIL = [
  'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', // 2
  '536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom', // 3
  '536366,22633,"HAND WARMER, UNION JACK",6,2010-12-01 08:28:00,1.85,,United Kingdom', // 4 guest
  '536367,22633,"HAND WARMER, UNION JACK",6,2010-12-01 08:28:00,1.85,,United Kingdom', // 5 guest
  'C536379,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,2010-12-01 09:41:00,2.55,17850.0,United Kingdom', // 6 refund
  '536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom', // 7 skipped
  '536415,22140,"RED ""SPOT"" MUG\nSECOND LINE",x,2010-12-01 11:52:00,1.0,13047.0,France', // 8-9 rejected (quantity)
  '536416,22141,MUG,2,not a date,1.0,13047.0,France', // 10 rejected (date)
  '', // 11 blank
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', // 12 same content as line 2
].join('\n') + '\n';

let store: Store;
beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
});
afterEach(async () => {
  await store.close();
});

function expectAccounted(s: ImportSummary): void {
  expect(s.rowsRead).toBe(s.rowsAccepted + s.rowsRejected + s.rowsSkipped);
  for (const f of s.files) expect(f.rowsRead).toBe(f.rowsAccepted + f.rowsRejected + f.rowsSkipped);
}

describe('runImport', () => {
  it('imports, counts every row by category, and a second import inserts nothing', async () => {
    const path = join(dir, 'retail.csv.gz');
    writeFileSync(path, gzipSync(RETAIL));
    const rejects = join(dir, 'rejects.csv');
    const first = await runImport({ store, format: onlineRetailFormat, path, rejectsPath: rejects, batchSize: 2 });
    expectAccounted(first);
    expect(first).toMatchObject({
      rowsRead: 10, rowsAccepted: 6, rowsRejected: 2, rowsSkipped: 2,
      skippedByRule: { 'blank line': 1, 'stock adjustment': 1 },
      eventsInserted: 6, eventsDuplicate: 0, itemsUpserted: 3, itemsUnchanged: 0,
      usersUpserted: 3, distinctUsers: 3, distinctItems: 3,
      counts: { guest: 2, refund: 1 }, interrupted: false, limited: false,
    });
    expect(first.rejects).toEqual([
      { file: 'retail.csv.gz', line: 8, reason: 'Quantity `x` is not an integer' },
      { file: 'retail.csv.gz', line: 10, reason: expect.stringContaining('InvoiceDate `not a date`') },
    ]);
    // The reject file keeps the whole record (two physical lines) with its reason.
    const lines = readFileSync(rejects, 'utf8');
    expect(lines.startsWith('file,line,reason,record\n')).toBe(true);
    expect(lines).toContain('retail.csv.gz,8,Quantity `x` is not an integer,"536415,22140,""RED """"SPOT"""" MUG\nSECOND LINE"",x,');

    const stats = await store.stats();
    expect(stats.events).toBe(6);
    expect(stats.eventsByType).toEqual({ purchase: 5, refund: 1 });
    expect(await store.getItem('22633')).toMatchObject({ title: 'HAND WARMER, UNION JACK', price: 1.85, currency: 'GBP' });
    const refund = await store.query<{ revenue: number; quantity: number }>("SELECT revenue, quantity FROM events WHERE type = 'refund'");
    expect(refund).toEqual([{ revenue: -2.55, quantity: 1 }]);

    const second = await runImport({ store, format: onlineRetailFormat, path, batchSize: 2 });
    expectAccounted(second);
    expect(second).toMatchObject({ rowsRead: 10, eventsInserted: 0, eventsDuplicate: 6, itemsUpserted: 0, itemsUnchanged: 3, usersUpserted: 0, usersUnchanged: 3 });
    expect((await store.stats()).events).toBe(6);
  });

  it('gives equal ids to the same file read plain or gzipped (file name without .gz, line, content)', async () => {
    const plain = join(dir, 'retail.csv');
    writeFileSync(plain, RETAIL);
    const gz = join(dir, 'sub-retail.csv.gz');
    writeFileSync(gz, gzipSync(RETAIL));
    await runImport({ store, format: onlineRetailFormat, path: plain });
    const again = await runImport({ store, format: onlineRetailFormat, path: join(dir, 'retail.csv') });
    expect(again.eventsInserted).toBe(0);
    // Another file name is another source: its rows are new events.
    expect((await runImport({ store, format: onlineRetailFormat, path: gz })).eventsInserted).toBe(6);
  });

  it('stops at --limit rows per file', async () => {
    const path = join(dir, 'limit.csv');
    writeFileSync(path, RETAIL);
    const s = await runImport({ store, format: onlineRetailFormat, path, limit: 3 });
    expect(s).toMatchObject({ rowsRead: 3, eventsInserted: 3, limited: true });
  });

  it('stops after the current batch when aborted and reports what was stored', async () => {
    const path = join(dir, 'seq.txt');
    writeFileSync(path, Array.from({ length: 50 }, (_, u) => `u${u} a b c d`).join('\n') + '\n');
    const controller = new AbortController();
    const appendEvents = store.appendEvents.bind(store);
    let calls = 0;
    const watched: Store = Object.assign(Object.create(store) as Store, {
      appendEvents: (events: Parameters<Store['appendEvents']>[0]) => {
        if (++calls === 2) controller.abort();
        return appendEvents(events);
      },
    });
    const s = await runImport({ store: watched, format: sequencesFormat, path, batchSize: 8, signal: controller.signal });
    expect(s.interrupted).toBe(true);
    expect(s.rowsRead).toBeLessThan(50);
    expectAccounted(s);
    // Every row read was stored: nothing half-done.
    expect(s.eventsInserted).toBe(s.rowsAccepted * 4);
    expect((await store.stats()).events).toBe(s.eventsInserted);
    // Running again completes the import; the rows already stored count as duplicates.
    const rest = await runImport({ store, format: sequencesFormat, path });
    expect(rest).toMatchObject({ rowsRead: 50, eventsInserted: 200 - s.eventsInserted, eventsDuplicate: s.eventsInserted });
  });

  it('validates mapper output with the shared schemas and writes JSON-lines rejects', async () => {
    const path = join(dir, 'events.jsonl');
    const future = Date.now() + 10 * 86_400_000;
    writeFileSync(path, [
      '{"type":"view","userId":"u1","itemId":"i1","ts":"2024-05-01T10:00:00Z"}',
      '{"type":"view","itemId":"i1","ts":1714557600000}',
      '{"type":"purchase","userId":"u1","ts":1714557600000}',
      `{"type":"view","userId":"u1","itemId":"i1","ts":${future}}`,
      '{"item":{"id":"i1","title":""}}',
      '{"item":{"id":"i2","title":"Mug"}}',
      '{"id":"client-1","type":"view","userId":"u2","itemId":"i2","ts":1714557600000}',
    ].join('\n'));
    const rejects = join(dir, 'rejects.jsonl');
    const s = await runImport({ store, format: jsonlFormat, path, rejectsPath: rejects });
    expectAccounted(s);
    expect(s).toMatchObject({ rowsRead: 7, rowsAccepted: 3, rowsRejected: 4, eventsInserted: 2, itemsUpserted: 1 });
    expect(s.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'event.userId is required'],
      [3, 'event.itemId is required for purchase events'],
      [4, expect.stringContaining('more than 24 hours in the future')],
      [5, 'item.title must not be empty'],
    ]);
    const written = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; record: string });
    expect(written.map((w) => w.line)).toEqual([2, 3, 4, 5]);
    expect(written[0]?.record).toBe('{"type":"view","itemId":"i1","ts":1714557600000}');
    // A client id is kept as the event id.
    expect((await store.userEvents('u2')).map((e) => e.id)).toEqual(['client-1']);
  });

  it('pseudonymises user ids when asked', async () => {
    const path = join(dir, 'p.jsonl');
    writeFileSync(path, '{"type":"view","userId":"alice","itemId":"i1","ts":1714557600000}\n');
    await runImport({ store, format: jsonlFormat, path, pseudonymizeKey: 'k'.repeat(20) });
    const [row] = await store.query<{ user_id: string }>('SELECT user_id FROM events');
    expect(row?.user_id).toMatch(/^p_/);
    expect(row?.user_id).not.toContain('alice');
  });

  it('fails the whole import with the missing columns named when the header does not fit', async () => {
    const path = join(dir, 'bad-header.csv');
    writeFileSync(path, 'invoice,code\n1,2\n');
    await expect(runImport({ store, format: onlineRetailFormat, path })).rejects.toThrow(/missing column\(s\) `InvoiceNo`, `StockCode`/);
  });
});

describe('MovieLens layouts', () => {
  it('reads ml-1m (:: separated, Latin-1) with items and profiles before ratings', async () => {
    const d = join(dir, 'ml-1m');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'movies.dat'), Buffer.from('1::Toy Story (1995)::Animation|Children\'s|Comedy\n2::Caf\xe9 au lait (1993)::Comedy\n', 'latin1'));
    writeFileSync(join(d, 'users.dat'), '1::F::1::10::48067\n');
    writeFileSync(join(d, 'ratings.dat.gz'), gzipSync('1::1::5::978300760\n1::2::3::978302109\n1::2::x::978302109\n'));
    const s = await runImport({ store, format: movieLensFormat, path: d });
    expect(s.files.map((f) => f.file)).toEqual(['movies.dat', 'users.dat', 'ratings.dat.gz']);
    expect(s).toMatchObject({ eventsInserted: 2, itemsUpserted: 2, usersUpserted: 1, rowsRejected: 1 });
    expect(s.rejects[0]).toEqual({ file: 'ratings.dat.gz', line: 3, reason: 'rating `x` is not a number' });
    expect((await store.getItem('2'))?.title).toBe('Café au lait (1993)');
    expect(await store.getUser('1')).toEqual({ id: '1', attrs: { gender: 'F', occupation: '10', zip: '48067', age: 1 } });
  });

  it('reads ml-latest CSV files by header, and names a directory without ratings', async () => {
    const d = join(dir, 'ml-latest-small');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'movies.csv'), 'movieId,title,genres\n1,"American President, The (1995)",Comedy|Drama|Romance\n');
    writeFileSync(join(d, 'ratings.csv'), 'userId,movieId,rating,timestamp\n1,1,4.5,964982703\n');
    const s = await runImport({ store, format: movieLensFormat, path: d, formatOptions: { type: 'rating' } });
    expect(s).toMatchObject({ eventsInserted: 1, itemsUpserted: 1 });
    expect(await store.getItem('1')).toMatchObject({ title: 'American President, The (1995)', category: 'Comedy', tags: ['Comedy', 'Drama', 'Romance'] });
    expect((await store.userEvents('1'))[0]).toMatchObject({ type: 'rating', rating: 4.5, ts: 964982703000 });
    const empty = join(dir, 'empty-ml');
    mkdirSync(empty, { recursive: true });
    await expect(runImport({ store, format: movieLensFormat, path: empty })).rejects.toThrow(/no MovieLens ratings file/);
  });
});

describe('sameItem', () => {
  it('compares field by field, ignoring key order in attrs', () => {
    expect(sameItem({ id: 'a', title: 'T', attrs: { x: 1, y: 'z' } }, { id: 'a', title: 'T', attrs: { y: 'z', x: 1 } })).toBe(true);
    expect(sameItem({ id: 'a', title: 'T', price: 1 }, { id: 'a', title: 'T', price: 2 })).toBe(false);
    expect(sameItem({ id: 'a', title: 'T', tags: ['x'] }, { id: 'a', title: 'T' })).toBe(false);
  });
});
