import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { SearchService } from '../../search/search-service.ts';
import { runCommands } from '../test-support.ts';
import { registerSynonymsCommand } from './synonyms-command.ts';

let dir: string;

const cli = (args: string[]) => runCommands([registerSynonymsCommand], ['--data-dir', dir, '--log-level', 'silent', ...args]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cartwise-synonyms-'));
  const store = await DuckDbStore.open(join(dir, 'cartwise.duckdb'));
  await store.upsertItems([
    { id: 's1', title: 'Corner Sofa', price: 500 },
    { id: 'f1', title: 'French Door Refrigerator', price: 1500 },
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cartwise synonyms', () => {
  it('sets rules from flags or a file, shows them, and searches use them', async () => {
    expect(JSON.parse(await cli(['synonyms', '--set', 'settee, sofa', 'icebox => refrigerator', '--json']))).toEqual({ rules: 2, words: 3 });
    expect(JSON.parse(await cli(['synonyms', '--json']))).toMatchObject({ rules: ['settee, sofa', 'icebox => refrigerator'], learned: [] });
    const file = join(dir, 'rules.txt');
    writeFileSync(file, '# living room\nsettee, sofa\n\nchesterfield => sofa\n');
    expect(await cli(['synonyms', '--file', file])).toContain('Saved 2 synonym rule(s)');
    expect(await cli(['synonyms'])).toContain('  chesterfield => sofa');
    const store = await DuckDbStore.open(join(dir, 'cartwise.duckdb'));
    try {
      const hits = (await new SearchService(store, { syncIntervalMs: -1 }).search({ q: 'chesterfield' })).hits.map((h) => h.id);
      expect(hits).toEqual(['s1']);
    } finally {
      await store.close();
    }
  });

  it('names a bad rule by its number and saves nothing', async () => {
    await cli(['synonyms', '--set', 'settee, sofa']);
    await expect(cli(['synonyms', '--set', 'a, b', 'a => b => c'])).rejects.toThrow(/rules\.1 "a => b => c" has more than one "=>"/);
    expect(JSON.parse(await cli(['synonyms', '--json'])).rules).toEqual(['settee, sofa']);
    await expect(cli(['synonyms', '--set', 'a, b', '--clear'])).rejects.toThrow(/give one of --set, --file or --clear/);
    await expect(cli(['synonyms', '--file', join(dir, 'missing.txt')])).rejects.toThrow(/File not found/);
    expect(JSON.parse(await cli(['synonyms', '--clear', '--json']))).toEqual({ rules: 0, words: 0 });
  });
});
