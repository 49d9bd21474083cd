import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { openFixtureStore } from '../recommend/serving/test-fixtures.ts';
import { SEARCH_ARTIFACT } from '../search/search-service.ts';
import { startServer } from './serve.ts';

describe('startServer', () => {
  it('builds the search index right after it starts listening, before any search arrives', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-serve-'));
    const config = loadConfig({ env: {}, flags: { dataDir, port: '0', adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20) }, persistKeys: false });
    const store = await openFixtureStore();
    expect(await store.loadArtifact(SEARCH_ARTIFACT)).toBeUndefined();
    const server = await startServer(config, store, createLogger('silent'));
    try {
      let saved = await store.loadArtifact(SEARCH_ARTIFACT);
      for (let i = 0; i < 100 && !saved; i++) {
        await new Promise((r) => setTimeout(r, 100));
        saved = await store.loadArtifact(SEARCH_ARTIFACT);
      }
      expect(saved?.manifest['kind']).toBe('search-index');
    } finally {
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with an unknown search weight, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-serve-'));
    const config = loadConfig({ env: {}, flags: { dataDir, port: '0', adminKey: 'a'.repeat(20), writeKey: 'w'.repeat(20), searchWeights: 'margin=0.2,profit=1' }, persistKeys: false });
    const store = await openFixtureStore();
    try {
      await expect(startServer(config, store, createLogger('silent'))).rejects.toThrow(/`searchWeights`: unknown weight "profit"/);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
