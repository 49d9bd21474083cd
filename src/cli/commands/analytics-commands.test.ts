import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { toCsv } from './analytics-output.ts';

const bin = join(import.meta.dirname, '../../../bin/cartwise.js');
const T = Date.UTC(2025, 2, 3, 12);
let dir: string;

function cli(args: string[]): string {
  return execFileSync(process.execPath, [bin, '--data-dir', dir, ...args], { encoding: 'utf8', env: { ...process.env, CARTWISE_DEV: '1' } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-analytics-cli-'));
  const store = await DuckDbStore.open(join(dir, 'cartwise.duckdb'));
  let n = 0;
  const e = (userId: string, type: string, minutes: number) => ({ id: `c${++n}`, type, userId, itemId: 'x', ts: T + minutes * 60_000 });
  await store.appendEvents([e('a', 'view', 0), e('a', 'add_to_cart', 5), e('a', 'purchase', 10), e('b', 'view', 0), e('b', 'add_to_cart', 3000), e('b', 'view', 60 * 24 * 7)]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analytics CLI contract', () => {
  it('funnel --json prints { steps, users, … }; --csv prints the table', () => {
    const out = JSON.parse(cli(['funnel', '--steps', 'view,add_to_cart,purchase', '--window', '24h', '--json']));
    expect(out).toMatchObject({ steps: ['view', 'add_to_cart', 'purchase'], users: [2, 1, 1], windowMs: 86_400_000 });
    const csv = cli(['funnel', '--steps', 'view,add_to_cart', '--window', '3d', '--same-item', '--csv']).trim().split('\n');
    expect(csv[0]).toBe('step,event,users,step_conversion,overall_conversion,median_ms,p90_ms');
    expect(csv[2]).toMatch(/^2,add_to_cart,2,1,1,/);
  });

  it('retention --json prints cohorts keyed by start date with size and retention (period 0 = 1.0)', () => {
    const out = JSON.parse(cli(['retention', '--period', 'week', '--periods', '2', '--return-type', 'view', '--json']));
    expect(out.cohorts['2025-03-03']).toMatchObject({ size: 2, retention: [1, 0.5, 0] });
  });

  it('reports a bad parameter naming it, with a non-zero exit', () => {
    const r = spawnSync(process.execPath, [bin, '--data-dir', dir, 'funnel', '--steps', 'view,add_to_cart', '--window', '0h'], { encoding: 'utf8', env: { ...process.env, CARTWISE_DEV: '1' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('`window`');
  });

  it('quotes CSV fields', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1, null]])).toBe('a,b\n"x,y","say ""hi"""\n1,');
  });
});
