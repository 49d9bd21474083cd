import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../core/time.ts';
import type { InteractionBatch } from '../../store/store.ts';
import { readInteractionCsv, tableRows } from './csv-rows.ts';
import { buildFromBatches, buildFromRows, transposeCsr } from './interaction-builder.ts';

const T0 = Date.UTC(2024, 0, 10);

function row(user: string, item: string, days: number, weight = 1) {
  return { user, item, ts: T0 + days * DAY_MS, weight };
}

describe('interaction builder', () => {
  it('orders items by count, users by id, and sums duplicates into a sorted CSR', () => {
    const d = buildFromRows([row('b', 'x', 0), row('a', 'y', 1), row('a', 'x', 2), row('a', 'x', 3, 2), row('c', 'z', 4)]);
    expect(d.userIds).toEqual(['a', 'b', 'c']);
    expect(d.itemIds).toEqual(['x', 'y', 'z']);
    expect(Array.from(d.matrix.indptr)).toEqual([0, 2, 3, 4]);
    expect(Array.from(d.matrix.indices)).toEqual([0, 1, 0, 2]);
    expect(Array.from(d.matrix.values)).toEqual([3, 1, 1, 1]);
    expect(Array.from(d.itemCounts)).toEqual([3, 1, 1]);
    // Sequences keep every row in time order.
    expect(Array.from(d.seqItems.subarray(d.seqIndptr[0], d.seqIndptr[1]))).toEqual([1, 0, 0]);
    expect(d.maxTs).toBe(T0 + 4 * DAY_MS);
  });

  it('applies max/last duplicate policies and exponential time decay', () => {
    const rows = [row('a', 'x', 0, 1), row('a', 'x', 10, 4), row('a', 'y', 10, 2)];
    expect(Array.from(buildFromRows(rows, { duplicates: 'max' }).matrix.values)).toEqual([4, 2]);
    expect(Array.from(buildFromRows([row('a', 'x', 10, 4), row('a', 'x', 0, 1)], { duplicates: 'last' }).matrix.values)).toEqual([4]);
    const decayed = buildFromRows(rows, { halfLifeDays: 10 });
    // x: 1·2^-1 + 4·1 = 4.5 at the reference time (latest row).
    expect(decayed.matrix.values[0]).toBeCloseTo(4.5, 6);
  });

  it('filters by minimum counts until stable and caps items', () => {
    const rows = [row('a', 'x', 0), row('a', 'y', 1), row('b', 'x', 2), row('b', 'y', 3), row('c', 'x', 4), row('c', 'z', 5)];
    const d = buildFromRows(rows, { minItemInteractions: 2, minUserInteractions: 2 });
    expect(d.itemIds).toEqual(['x', 'y']);
    expect(d.userIds).toEqual(['a', 'b']);
    expect(buildFromRows(rows, { maxItems: 1 }).itemIds).toEqual(['x']);
  });

  it('drops exact repeated events when asked', () => {
    const rows = [row('a', 'x', 0), row('a', 'x', 0)];
    expect(Array.from(buildFromRows(rows).matrix.values)).toEqual([2]);
    expect(Array.from(buildFromRows(rows, { dropRepeatedEvents: true }).matrix.values)).toEqual([1]);
  });

  it('weights store events by type and reviews by rating, skipping unweighted types', async () => {
    const batch: InteractionBatch = {
      length: 4,
      userIds: ['u', 'u', 'u', 'v'],
      itemIds: ['i', 'j', 'k', 'i'],
      types: ['view', 'purchase', 'review', 'remove_from_cart'],
      ts: Float64Array.from([1, 2, 3, 4]),
      rating: Float64Array.from([NaN, NaN, 5, NaN]),
      quantity: new Float64Array(4).fill(NaN),
      sessionIds: ['s1', 's1', null, null],
    };
    async function* batches() {
      yield batch;
    }
    const d = await buildFromBatches(batches());
    expect(d.userIds).toEqual(['u']);
    const w = new Map(d.itemIds.map((id, i) => [id, d.matrix.values[d.matrix.indices.indexOf(i)]]));
    expect(w.get('i')).toBe(1);
    expect(w.get('j')).toBe(8);
    expect(w.get('k')).toBe(5);
    expect(Array.from(d.seqSessions)).toEqual([0, 0, -1]);
  });

  it('appends catalogue-only items with their metadata', () => {
    const d = buildFromRows([row('a', 'x', 0)], { catalog: [{ id: 'x', title: 'X' }, { id: 'new', title: 'New' }] });
    expect(d.itemIds).toEqual(['x', 'new']);
    expect(d.itemMeta?.[1]?.title).toBe('New');
  });

  it('transposes a CSR', () => {
    const d = buildFromRows([row('a', 'x', 0), row('b', 'y', 0), row('b', 'x', 0)]);
    const t = transposeCsr(d.matrix);
    expect(Array.from(t.indptr)).toEqual([0, 2, 3]);
    expect(Array.from(t.indices)).toEqual([0, 1, 1]);
  });

  it('rejects rows with empty ids or bad numbers, naming the field', () => {
    expect(() => buildFromRows([{ user: '', item: 'x', ts: 0 }])).toThrow(/"user"/);
    expect(() => buildFromRows([{ user: 'a', item: 'x', ts: Number.NaN }])).toThrow(/"ts"/);
  });
});

describe('interaction CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cartwise-csv-'));
  it('reads user,item,ts[,weight] with seconds converted to ms', async () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, 'user,item,ts,weight\n1,10,874965478,1.0\n"2,x",11,874965479,\n');
    const t = await readInteractionCsv(p);
    expect(t.length).toBe(2);
    expect(t.users).toEqual(['1', '2,x']);
    expect(Array.from(t.ts)).toEqual([874965478000, 874965479000]);
    expect(Array.from(t.weights)).toEqual([1, 1]);
    expect([...tableRows(t, [1])]).toEqual([{ user: '2,x', item: '11', ts: 874965479000, weight: 1 }]);
  });
  it('keeps millisecond and ISO timestamps', async () => {
    const p = join(dir, 'b.csv');
    writeFileSync(p, 'item,user,ts\nx,a,1700000000000\ny,a,2024-01-01T00:00:00Z\n');
    const t = await readInteractionCsv(p);
    expect(Array.from(t.ts)).toEqual([1700000000000, Date.UTC(2024, 0, 1)]);
  });
  it('names the line and field of bad input', async () => {
    const p = join(dir, 'c.csv');
    writeFileSync(p, 'user,item,ts\na,x,1\nb,y,not-a-time\n');
    await expect(readInteractionCsv(p)).rejects.toThrow(/line 3: field "ts"/);
    const q = join(dir, 'd.csv');
    writeFileSync(q, 'customer,item\na,x\n');
    await expect(readInteractionCsv(q)).rejects.toThrow(/no "user" column/);
    await expect(readInteractionCsv(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
