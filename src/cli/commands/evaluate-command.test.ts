import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import type { StoredEvent } from '../../core/schemas/index.ts';
import { parseParamFlags } from './evaluate-command.ts';

const bin = join(import.meta.dirname, '../../../bin/cartwise.js');

function files(): { dir: string; train: string; test: string; all: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cartwise-eval-'));
  const train: string[] = ['user,item,ts,weight'];
  const test: string[] = ['user,item,ts,weight'];
  const all: string[] = ['user,item,ts'];
  // Two taste groups; each user's held-out item is the group item they have not seen.
  for (let u = 0; u < 20; u++) {
    const base = u < 10 ? 0 : 10;
    for (let j = 0; j < 6; j++) {
      const item = base + ((u + j) % 7);
      const line = `u${u},i${item},${1000 + u * 10 + j}`;
      all.push(line);
      (j < 5 ? train : test).push(`${line},1.0`);
    }
  }
  const t = join(dir, 'train.csv');
  const s = join(dir, 'test.csv');
  const a = join(dir, 'all.csv');
  writeFileSync(t, train.join('\n') + '\n');
  writeFileSync(s, test.join('\n') + '\n');
  writeFileSync(a, all.join('\n') + '\n');
  return { dir, train: t, test: s, all: a };
}

function cli(args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CARTWISE_DEV: '1' } });
}

describe('cartwise evaluate', () => {
  it('prints one JSON object with the reference keys for --train/--test', () => {
    const f = files();
    const out = cli(['evaluate', '--train', f.train, '--test', f.test, '--algo', 'itemknn', '--param', 'neighbors=5', '--k', '3,5', '--json']);
    const r = JSON.parse(out) as Record<string, unknown>;
    for (const key of ['ndcg@3', 'recall@5', 'precision@3', 'map@5', 'hr@3', 'mrr@5', 'coverage@5', 'novelty@5', 'users', 'fit_s', 'predict_s', 'algo', 'params']) expect(r).toHaveProperty(key);
    expect(r.algo).toBe('itemknn');
    expect((r.params as Record<string, unknown>).neighbors).toBe(5);
    expect(r.users).toBe(20);
    expect(r['hr@5'] as number).toBeGreaterThan(0.5);
  });

  it('--algo auto selects on the training file alone (validating like the files were split) and reports the winner', () => {
    const f = files();
    const r = JSON.parse(cli(['evaluate', '--train', f.train, '--test', f.test, '--algo', 'auto', '--budget', '60s', '--k', '5', '--json'])) as {
      algo: string; auto: boolean; 'hr@5': number; selection: { validation: { kind: string }; winner: { algo: string }; candidates: { status: string }[] };
    };
    expect(r.auto).toBe(true);
    expect(r.selection.validation.kind).toBe('loo');
    expect(r.algo).toBe(r.selection.winner.algo);
    expect(r.selection.candidates.filter((c) => c.status === 'ok').length).toBeGreaterThan(3);
    expect(r['hr@5']).toBeGreaterThan(0.5);
    expect(() => cli(['evaluate', '--train', f.train, '--test', f.test, '--algo', 'auto,ease', '--json'])).toThrow(/auto.*runs alone/);
  });

  it('compares several algorithms over a protocol split, writing a report and a table', () => {
    const f = files();
    const report = join(f.dir, 'report.json');
    const out = cli(['evaluate', '--data', f.all, '--protocol', 'loo', '--algo', 'pop,sar', '--k', '5', '--out', report]);
    expect(out).toMatch(/ndcg@5/);
    expect(out).toMatch(/sar/);
    const saved = JSON.parse(readFileSync(report, 'utf8')) as { protocol: string; results: { algo: string }[] };
    expect(saved.protocol).toBe('loo');
    expect(saved.results.map((x) => x.algo)).toEqual(['pop', 'sar']);
  });

  it('labels sampled metrics when asked for them', () => {
    const f = files();
    const r = JSON.parse(cli(['evaluate', '--train', f.train, '--test', f.test, '--algo', 'pop', '--k', '3', '--sampled-negatives', '4', '--json'])) as Record<string, unknown>;
    expect(r).toHaveProperty('sampled_ndcg@3');
    expect(r).not.toHaveProperty('ndcg@3');
    expect(r.sampled_negatives).toBe(4);
  });

  it("evaluates over the store's own events, weighted by type", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cartwise-eval-store-'));
    const store = await DuckDbStore.open(join(dir, 'cartwise.duckdb'));
    const events: StoredEvent[] = [];
    let n = 0;
    for (let u = 0; u < 12; u++) {
      const base = u < 6 ? 0 : 10;
      for (let j = 0; j < 5; j++) {
        events.push({ id: `e${n++}`, type: j === 4 ? 'purchase' : 'view', userId: `u${u}`, itemId: `i${base + ((u + j) % 6)}`, ts: Date.UTC(2024, 0, 1) + (u * 10 + j) * 60_000 } as StoredEvent);
      }
    }
    await store.appendEvents(events);
    await store.close();
    const out = cli(['--data-dir', dir, 'evaluate', '--protocol', 'loo', '--algo', 'itemknn', '--k', '3', '--json']);
    const r = JSON.parse(out) as Record<string, number>;
    expect(r.users).toBe(12);
    expect(r['hr@3']).toBeGreaterThan(0);
  });

  it('reads a catalogue with --items for models that use item metadata, naming a bad line', () => {
    const f = files();
    const items = join(f.dir, 'items.jsonl');
    const lines: string[] = [];
    // Two categories matching the taste groups, plus catalogue-only hoses (the content model drops terms in over half the items).
    const kind = (i: number) => (i < 10 ? ['red mug', 'Kitchen > Mugs'] : i < 20 ? ['steel tent', 'Sports > Tents'] : ['garden hose', 'Garden > Hoses']);
    for (let i = 0; i < 30; i++) lines.push(JSON.stringify({ id: `i${i}`, title: kind(i)[0], category: kind(i)[1] }));
    writeFileSync(items, lines.join('\n') + '\n');
    const withItems = JSON.parse(cli(['evaluate', '--train', f.train, '--test', f.test, '--items', items, '--algo', 'content', '--k', '5', '--json'])) as Record<string, number>;
    const without = JSON.parse(cli(['evaluate', '--train', f.train, '--test', f.test, '--algo', 'content', '--k', '5', '--json'])) as Record<string, number>;
    expect(withItems['hr@5']).toBeGreaterThan(0.5);
    expect(withItems['hr@5']).toBeGreaterThan(without['hr@5']! + 0.3);
    writeFileSync(items, lines[0] + '\n{"id":"i1","price":-3}\n');
    expect(() => cli(['evaluate', '--train', f.train, '--test', f.test, '--items', items, '--algo', 'content', '--json'])).toThrow(/items\.jsonl line 2: (title|price)/);
  });

  it('reports a bad parameter or algorithm clearly', () => {
    const f = files();
    expect(() => cli(['evaluate', '--train', f.train, '--test', f.test, '--algo', 'ease', '--param', 'lamda=3'])).toThrow(/lamda/);
    expect(() => cli(['evaluate', '--train', f.train, '--test', f.test, '--algo', 'nope'])).toThrow(/Unknown algorithm/);
  });
});

describe('parseParamFlags', () => {
  it('types values and routes algo-prefixed keys', () => {
    const p = parseParamFlags(['lambda=300', 'sar.similarity=lift', 'hybrid.ease.lambda=10', 'weighted=true'], ['ease', 'sar', 'hybrid', 'itemknn']);
    expect(p.get('ease')).toEqual({ lambda: 300 });
    expect(p.get('sar')).toEqual({ similarity: 'lift' });
    expect(p.get('hybrid')).toEqual({ 'ease.lambda': 10 });
    expect(p.get('itemknn')).toEqual({ weighted: true });
    expect(() => parseParamFlags(['x'], ['ease'])).toThrow(/key=value/);
  });
});
