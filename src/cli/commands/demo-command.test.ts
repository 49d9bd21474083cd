import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'cartwise.js');
const dir = mkdtempSync(join(tmpdir(), 'cw-demo-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env: NodeJS.ProcessEnv = { ...process.env, CARTWISE_DEV: '1' };
for (const key of Object.keys(env)) if (key.startsWith('CARTWISE_') && key !== 'CARTWISE_DEV') delete env[key];

describe('cartwise demo', () => {
  it('generates once with --no-serve --json, and a second run reuses the store', async () => {
    const args = ['--data-dir', dir, 'demo', '--no-serve', '--json', '--seed', '5', '--items', '80', '--users', '60', '--days', '20'];
    const first = await run('node', [bin, ...args], { env });
    const a = JSON.parse(first.stdout) as { status: string; inserted: { items: number; users: number; events: number }; manifest: { seed: number; summary: { events: number; eventsByType: Record<string, number> } } };
    expect(a.status).toBe('generated');
    expect(a.manifest.seed).toBe(5);
    expect(a.inserted.items).toBe(80);
    expect(a.inserted.users).toBe(60);
    expect(a.inserted.events).toBe(a.manifest.summary.events);
    expect(a.inserted.events).toBeGreaterThan(200);
    expect(first.stderr).toContain('Demo store →');

    const second = await run('node', [bin, ...args], { env });
    const b = JSON.parse(second.stdout) as { status: string; inserted: { events: number } };
    expect(b.status).toBe('existing');
    expect(b.inserted.events).toBe(0);

    const stats = JSON.parse((await run('node', [bin, '--data-dir', dir, 'stats', '--json'], { env })).stdout) as { events: number; eventsByType: Record<string, number> };
    expect(stats.events).toBe(a.manifest.summary.events);
    expect(stats.eventsByType).toEqual(a.manifest.summary.eventsByType);
  });

  it('names the flag when a number is malformed', async () => {
    const err = (await run('node', [bin, '--data-dir', dir, 'demo', '--no-serve', '--users', 'many'], { env }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).not.toBe(0);
    expect(err.stderr).toContain('--users must be a whole number');
  });
});
