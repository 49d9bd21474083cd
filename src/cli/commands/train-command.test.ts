import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvents, fixtureItems } from '../../recommend/serving/test-fixtures.ts';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { registerRecommendCommand } from './recommend-command.ts';
import { registerSimilarCommand } from './similar-command.ts';
import { registerTrainCommand } from './train-command.ts';
import { runCommands } from '../test-support.ts';

let dir: string;

/** Runs the commands in-process (a child process per call would cost seconds of start-up each). */
const cli = (args: string[]) => runCommands([registerTrainCommand, registerRecommendCommand, registerSimilarCommand], ['--data-dir', dir, '--log-level', 'silent', ...args]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cartwise-train-'));
  const store = await DuckDbStore.open(join(dir, 'cartwise.duckdb'));
  await store.upsertItems(fixtureItems());
  await store.appendEvents(fixtureEvents(20));
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cartwise train / recommend / similar', () => {
  it('trains with --auto, then recommends and lists similar items from the saved model', async () => {
    const trained = JSON.parse(await cli(['train', '--auto', '--budget', '60s', '--algorithms', 'pop,itemknn', '--json']));
    expect(trained.model.algo).toBe('itemknn');
    expect(trained.leaderboard.entries.length).toBeGreaterThanOrEqual(2);
    expect(trained.leaderboard.winner.algo).toBe('itemknn');
    const recs = JSON.parse(await cli(['recommend', '--user', 'uB2', '--k', '3', '--json']));
    expect(recs.model.id).toBe(trained.model.id);
    expect(recs.items).toHaveLength(3);
    for (const it of recs.items) expect(it.id).toMatch(/^b/);
    const text = await cli(['similar', '--item', 'a0', '--k', '2']);
    expect(text).toContain('similar to "Kitchen thing 0"');
    const bought = JSON.parse(await cli(['similar', '--item', 'a0', '--bought-together', '--json']));
    expect(bought.items[0].id).toBe('a1');
  }, 60_000);

  it('refuses a bad parameter naming it', async () => {
    await expect(cli(['train', '--algo', 'ease', '--param', 'lambda=-3'])).rejects.toThrow(/Invalid parameter `lambda`/);
    await expect(cli(['train', '--auto', '--budget', 'soon'])).rejects.toThrow(/Invalid parameter `budget`/);
    await expect(cli(['train', '--auto', '--metric', 'auc@x'])).rejects.toThrow(/Invalid parameter `metric`/);
  });
});
