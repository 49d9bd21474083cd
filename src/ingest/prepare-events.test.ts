import { describe, expect, it } from 'vitest';
import { prepareEvents, pseudonymize } from './prepare-events.ts';

const now = Date.UTC(2025, 5, 1);

describe('prepareEvents', () => {
  it('accepts epoch ms and ISO 8601 timestamps, and custom types', () => {
    const r = prepareEvents(
      [
        { type: 'view', userId: 'u1', itemId: 'i1', ts: Date.UTC(2025, 0, 1) },
        { type: 'purchase', userId: 7, itemId: 'i1', ts: '2025-01-01T00:00:00Z', revenue: 10 },
        { type: 'wishlist_add', userId: 'u1', itemId: 'i2', ts: '2025-01-01 10:00:00' },
      ],
      { nowMs: now },
    );
    expect(r.rejected).toEqual([]);
    expect(r.accepted.map((e) => e.ts)).toEqual([Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1, 10)]);
    expect(r.accepted[1]?.userId).toBe('7');
    expect(r.accepted[2]?.type).toBe('wishlist_add');
    expect(r.accepted.every((e) => e.id.length > 5)).toBe(true);
  });

  it('reports each bad event by index and field, and keeps the valid ones', () => {
    const r = prepareEvents(
      [
        { type: 'view', itemId: 'i1', ts: now },
        { type: 'view', userId: 'u1', itemId: 'i1', ts: now },
        { type: 'view', userId: 'u1', ts: now },
        { type: 'view', userId: 'u1', itemId: 'i1', ts: 'yesterday' },
        { type: 'view', userId: 'u1', itemId: 'i1', ts: 1_700_000_000 },
        { type: 'view', userId: 'x'.repeat(300), itemId: 'i1', ts: now },
        { type: 'view', userId: 'u1', itemId: 'i1', ts: now, colour: 'red' },
        { type: 'view', userId: 'u1', itemId: 'i1', ts: now + 3 * 86_400_000 },
        { type: 'view', userId: 'u1', itemId: 'i1', ts: now, props: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      ],
      { nowMs: now },
    );
    expect(r.acceptedIndex).toEqual([1]);
    const byIndex = Object.fromEntries(r.rejected.map((x) => [x.index, x.issues.map((i) => `${i.path}: ${i.message}`).join('; ')]));
    expect(byIndex[0]).toMatch(/^events\[0\]\.userId: /);
    expect(byIndex[2]).toBe('events[2].itemId: is required for view events');
    expect(byIndex[3]).toMatch(/events\[3\]\.ts: must be epoch milliseconds or an ISO 8601 string/);
    expect(byIndex[4]).toMatch(/seconds instead of milliseconds/);
    expect(byIndex[5]).toMatch(/userId: must be at most 256 characters \(maxIdLength\)/);
    expect(byIndex[6]).toMatch(/unknown field\(s\): colour/);
    expect(byIndex[7]).toMatch(/future/);
    expect(byIndex[8]).toMatch(/maxPropsCount/);
  });

  it('pseudonymises user ids with a stable keyed hash', () => {
    const r = prepareEvents([{ type: 'view', userId: 'alice', itemId: 'i', ts: now }], { nowMs: now, pseudonymizeKey: 'k' });
    expect(r.accepted[0]?.userId).toBe(pseudonymize('alice', 'k'));
    expect(pseudonymize('alice', 'k')).not.toBe(pseudonymize('alice', 'other'));
  });
});
