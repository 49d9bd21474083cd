import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportSummary } from '../../ingest/importers/index.ts';
import { registerImportCommand, renderImportSummary } from './import-command.ts';
import { runCommands } from '../test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const fixture = fileURLToPath(new URL('../../ingest/importers/fixtures/rees46-sample.csv', import.meta.url));

const runCli = (args: string[]) => runCommands([registerImportCommand], args);

describe('cartwise import', () => {
  it('imports the REES46 fixture and prints the summary as JSON; the second run adds nothing', async () => {
    const dataDir = join(dir, 'data');
    const first = JSON.parse(await runCli(['--data-dir', dataDir, 'import', 'rees46', fixture, '--json'])) as ImportSummary;
    expect(first).toMatchObject({
      format: 'rees46', rowsRead: 9, rowsAccepted: 7, rowsRejected: 2, eventsInserted: 7, itemsUpserted: 4, distinctUsers: 4,
    });
    expect(first.rejects).toEqual([
      { file: 'rees46-sample.csv', line: 8, reason: 'event_type `wishlist` is not view, cart, remove_from_cart or purchase' },
      { file: 'rees46-sample.csv', line: 9, reason: 'price `not-a-price` is not a number' },
    ]);
    const second = JSON.parse(await runCli(['--data-dir', dataDir, 'import', 'rees46', fixture, '--json'])) as ImportSummary;
    expect(second).toMatchObject({ eventsInserted: 0, eventsDuplicate: 7, itemsUpserted: 0, itemsUnchanged: 4 });
  });

  it('renders a readable summary with the rejected rows and the rules', () => {
    const text = renderImportSummary({
      format: 'online-retail', path: 'x.csv', files: [], rowsRead: 10, rowsAccepted: 7, rowsRejected: 1, rowsSkipped: 2,
      skippedByRule: { 'stock adjustment': 2 }, eventsInserted: 7, eventsDuplicate: 0, itemsUpserted: 3, itemsUnchanged: 0,
      usersUpserted: 2, usersUnchanged: 0, distinctUsers: 2, distinctItems: 3, counts: { guest: 1 },
      rejects: [{ file: 'x.csv', line: 4, reason: 'Quantity `x` is not an integer' }], interrupted: false, limited: false, elapsedMs: 1500, rowsPerSecond: 7,
    });
    expect(text).toContain('rows read         10');
    expect(text).toContain('skipped         2  (stock adjustment 2)');
    expect(text).toContain('x.csv:4  Quantity `x` is not an integer');
    expect(text).toContain('rules applied: guest 1');
  });

  it('refuses a bad --limit and a csv import without --map, naming the option', async () => {
    const dataDir = join(dir, 'data2');
    await expect(runCli(['--data-dir', dataDir, 'import', 'rees46', fixture, '--limit', 'many'])).rejects.toThrow(/--limit.*positive integer/);
    await expect(runCli(['--data-dir', dataDir, 'import', 'csv', fixture, '--type', 'view'])).rejects.toThrow(/--map.*is required/);
  });
});
