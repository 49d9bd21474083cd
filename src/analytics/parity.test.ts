/**
 * Parity with `../shared/reference/analytics.py` on real data (Taobao UserBehavior head sample). Skips with a
 * message when the dataset, the reference script or python3 with pandas is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../store/duckdb/duckdb-store.ts';
import { computeFunnel } from './funnel.ts';
import { computeRetention, periodStart } from './retention.ts';
import { ONLINE_RETAIL_CSV_GZ, TAOBAO_CSV_GZ, loadOnlineRetail, loadTaobao, parityUnavailable, runReference } from './testing/datasets.ts';

const why = parityUnavailable(TAOBAO_CSV_GZ);
if (why) console.warn(`analytics parity tests (Taobao) skipped: ${why}`);
const whyRetail = parityUnavailable(ONLINE_RETAIL_CSV_GZ);
if (whyRetail) console.warn(`analytics parity tests (Online Retail) skipped: ${whyRetail}`);
const cols = ['--user-col', 'user_id', '--type-col', 'behavior_type', '--ts-col', 'timestamp', '--item-col', 'item_id'];
const funnelSteps = [{ type: 'view' }, { type: 'add_to_cart' }, { type: 'purchase' }];

describe.skipIf(why !== undefined)('parity with analytics.py on Taobao UserBehavior', () => {
  let store: DuckDbStore;
  let dir: string;
  let csv: string;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    expect(await loadTaobao(store)).toBe(84_287);
    dir = mkdtempSync(join(tmpdir(), 'cw-parity-'));
    csv = join(dir, 'taobao.csv');
    writeFileSync(csv, gunzipSync(readFileSync(TAOBAO_CSV_GZ)));
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pins the README numbers: pv → cart → buy, 24 h: 812 → 589 → 279; same item 812 → 277 → 42', async () => {
    expect((await computeFunnel(store, { steps: funnelSteps, windowMs: 24 * 3_600_000 })).users).toEqual([812, 589, 279]);
    expect((await computeFunnel(store, { steps: funnelSteps, windowMs: 24 * 3_600_000, sameItem: true })).users).toEqual([812, 277, 42]);
  });

  it.each([
    ['pv,fav,cart,buy', 6, false],
    ['cart,buy', 72, true],
  ] as const)('funnel %s window %s h (same item %s) equals the reference', async (steps, hours, sameItem) => {
    const ref = runReference(['funnel', '--in', csv, '--steps', steps, '--window-hours', String(hours), ...cols, ...(sameItem ? ['--same-item'] : [])]);
    const map: Record<string, string> = { pv: 'view', cart: 'add_to_cart', buy: 'purchase', fav: 'favorite' };
    const ours = await computeFunnel(store, { steps: steps.split(',').map((s) => ({ type: map[s] ?? s })), windowMs: hours * 3_600_000, sameItem });
    expect(ours.users).toEqual(ref['users']);
    expect(ours.stepConversion).toEqual(ref['step_conversion']);
  });

  it.each([
    ['day', 'ANY', 'ANY'],
    ['week', 'ANY', 'buy'],
    ['day', 'cart', 'buy'],
  ] as const)('retention by %s, cohort %s, return %s equals the reference', async (period, cohortType, returnType) => {
    const ref = runReference(['retention', '--in', csv, '--period', period, '--periods', '8', '--cohort-type', cohortType, '--return-type', returnType, ...cols]);
    const map: Record<string, string> = { cart: 'add_to_cart', buy: 'purchase' };
    const ours = await computeRetention(store, {
      period,
      periods: 8,
      ...(cohortType === 'ANY' ? {} : { cohortEvent: { type: map[cohortType] ?? cohortType } }),
      ...(returnType === 'ANY' ? {} : { returnEvent: { type: map[returnType] ?? returnType } }),
    });
    const refCohorts = ref['cohorts'] as Record<string, { size: number; retention: number[] }>;
    const expected = Object.fromEntries(Object.entries(refCohorts).map(([p, c]) => [periodStart(period, Number(p)), { size: c.size, retention: c.retention }]));
    const actual = Object.fromEntries(Object.entries(ours.cohorts).map(([k, c]) => [k, { size: c.size, retention: c.retention }]));
    expect(actual).toEqual(expected);
  });
});

describe.skipIf(whyRetail !== undefined)('parity with analytics.py on Online Retail purchases', () => {
  let store: DuckDbStore;
  let dir: string;
  let csv: string;
  beforeAll(async () => {
    store = await DuckDbStore.open(':memory:');
    dir = mkdtempSync(join(tmpdir(), 'cw-parity-retail-'));
    csv = join(dir, 'retail.csv');
    expect(await loadOnlineRetail(store, csv)).toBe(397_924);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('weekly retention of first-purchase cohorts equals the reference', async () => {
    const ref = runReference(['retention', '--in', csv, '--period', 'week', '--periods', '12', '--cohort-type', 'purchase', '--return-type', 'purchase', '--user-col', 'user', '--type-col', 'type', '--ts-col', 'ts']);
    const ours = await computeRetention(store, { period: 'week', periods: 12, cohortEvent: { type: 'purchase' }, returnEvent: { type: 'purchase' } });
    const refCohorts = ref['cohorts'] as Record<string, { size: number; retention: number[] }>;
    const expected = Object.fromEntries(Object.entries(refCohorts).map(([p, c]) => [periodStart('week', Number(p)), { size: c.size, retention: c.retention }]));
    const actual = Object.fromEntries(Object.entries(ours.cohorts).map(([k, c]) => [k, { size: c.size, retention: c.retention }]));
    expect(Object.keys(actual).length).toBeGreaterThan(50);
    expect(actual).toEqual(expected);
    // Pinned from the reference: the first cohort (week of 2010-11-29) has 303 customers, 21.45% back in week 1.
    expect(actual['2010-11-29']).toEqual({ size: 303, retention: [1, 0.214521, 0.240924, 0.066007, 0, ...(actual['2010-11-29']?.retention.slice(5) ?? [])] });
  }, 60_000);
});
