import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('applies defaults, derives the store URL from the data dir, and generates + keeps keys', () => {
    const dataDir = join(dir, 'a');
    const c = loadConfig({ env: {}, flags: { dataDir } });
    expect(c.port).toBe(8080);
    expect(c.storeUrl).toBe(`duckdb://${dataDir}/cartwise.duckdb`);
    expect(c.adminKey).toMatch(/^cw_admin_/);
    const again = loadConfig({ env: {}, flags: { dataDir } });
    expect(again.adminKey).toBe(c.adminKey);
    expect(again.writeKey).toBe(c.writeKey);
    expect(JSON.parse(readFileSync(join(dataDir, 'keys.json'), 'utf8')).adminKey).toBe(c.adminKey);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('orders precedence defaults < file < env < flags', () => {
    const dataDir = join(dir, 'b');
    const file = join(dir, 'b.json');
    writeFileSync(file, JSON.stringify({ port: 7000, logLevel: 'debug', host: '127.0.0.1' }));
    const env = { CARTWISE_PORT: '7100', CARTWISE_ADMIN_KEY: 'env-admin-key-1234567', CARTWISE_WRITE_KEY: 'env-write-key-1234567' };
    const c = loadConfig({ env, flags: { dataDir, port: '7200' }, configFile: file });
    expect(c.port).toBe(7200);
    expect(c.logLevel).toBe('debug');
    expect(c.host).toBe('127.0.0.1');
    expect(c.adminKey).toBe('env-admin-key-1234567');
    expect(loadConfig({ env, flags: { dataDir }, configFile: file }).port).toBe(7100);
  });

  it('names the bad key in errors', () => {
    expect(() => loadConfig({ env: { CARTWISE_PORT: 'eighty' }, flags: { dataDir: dir } })).toThrow(/`port`/);
    expect(() => loadConfig({ env: { CARTWISE_PROT: '1' }, flags: { dataDir: dir } })).toThrow(/CARTWISE_PROT.*unknown variable/);
    expect(() => loadConfig({ env: { CARTWISE_STORE_URL: 'mysql://x' }, flags: { dataDir: dir } })).toThrow(/storeUrl/);
    expect(() => loadConfig({ env: { CARTWISE_ADMIN_KEY: 'short' }, flags: { dataDir: dir } })).toThrow(/adminKey.*16/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ colour: 'red' }));
    expect(() => loadConfig({ env: {}, flags: { dataDir: dir }, configFile: file })).toThrow(/colour.*unknown key/);
  });
});
