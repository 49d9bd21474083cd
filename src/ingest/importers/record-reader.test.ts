import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectSource, readRecords, type ReadRecordsOptions, type TextRecord } from './record-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string, options: ReadRecordsOptions): Promise<TextRecord[]> {
  const out: TextRecord[] = [];
  for await (const batch of readRecords(path, options)) out.push(...batch);
  return out;
}

describe('readRecords', () => {
  it('reads lines with CRLF, a BOM and no final newline, numbering lines from 1', async () => {
    const p = join(dir, 'a.txt');
    writeFileSync(p, '\uFEFFh1,h2\r\nx,1\r\n\r\ny,2');
    expect(await collect(p, { syntax: { kind: 'line' } })).toEqual([
      { line: 1, text: 'h1,h2' }, { line: 2, text: 'x,1' }, { line: 3, text: '' }, { line: 4, text: 'y,2' },
    ]);
  });

  it('joins CSV records whose quoted fields span lines and reports their first line', async () => {
    const p = join(dir, 'b.csv');
    writeFileSync(p, 'id,text\n1,"two\nlines"\n2,"a ""quoted"" word"\n3,plain\n');
    expect(await collect(p, { syntax: { kind: 'csv' } })).toEqual([
      { line: 1, text: 'id,text' },
      { line: 2, text: '1,"two\nlines"' },
      { line: 4, text: '2,"a ""quoted"" word"' },
      { line: 5, text: '3,plain' },
    ]);
  });

  it('hands an unterminated quote over as one final record', async () => {
    const p = join(dir, 'c.csv');
    writeFileSync(p, 'a\n"open\nstill open\n');
    expect(await collect(p, { syntax: { kind: 'csv' } })).toEqual([{ line: 1, text: 'a' }, { line: 2, text: '"open\nstill open' }]);
  });

  it('detects gzip by magic bytes (whatever the name), reports bytes read, and splits multi-byte text across chunks', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${i},café ☕ ${i}`).join('\n') + '\n';
    const p = join(dir, 'gz-without-suffix');
    writeFileSync(p, gzipSync(text));
    expect((await inspectSource(p)).gzip).toBe(true);
    let bytes = 0;
    const records = await collect(p, { syntax: { kind: 'line' }, chunkBytes: 64, onBytes: (b) => (bytes = b) });
    expect(records).toHaveLength(3000);
    expect(records[2999]).toEqual({ line: 3000, text: '2999,café ☕ 2999' });
    expect(bytes).toBe((await inspectSource(p)).bytes);
  });

  it('decodes Latin-1 files', async () => {
    const p = join(dir, 'latin1.txt');
    writeFileSync(p, Buffer.from([0x31, 0x7c, 0x43, 0x61, 0x66, 0xe9, 0x0a])); // "1|Café\n" in ISO-8859-1
    expect(await collect(p, { syntax: { kind: 'line' }, encoding: 'latin1' })).toEqual([{ line: 1, text: '1|Café' }]);
  });

  it('fails with the file and the last line read when a gzip stream is cut short', async () => {
    const p = join(dir, 'cut.csv.gz');
    const full = gzipSync(Array.from({ length: 20000 }, (_, i) => `row ${i} ${'x'.repeat(i % 50)}`).join('\n'));
    writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
    await expect(collect(p, { syntax: { kind: 'line' } })).rejects.toThrow(/cannot read .*cut\.csv\.gz after line \d+: unexpected end of file/);
  });

  it('detects the encoding with `auto`: UTF-8 when valid, else Latin-1', async () => {
    const latin = join(dir, 'auto-latin1.txt');
    writeFileSync(latin, Buffer.from('2|Caf\xe9\n', 'latin1'));
    const utf = join(dir, 'auto-utf8.txt');
    writeFileSync(utf, '2|Café\n');
    expect(await collect(latin, { syntax: { kind: 'line' }, encoding: 'auto' })).toEqual([{ line: 1, text: '2|Café' }]);
    expect(await collect(utf, { syntax: { kind: 'line' }, encoding: 'auto' })).toEqual([{ line: 1, text: '2|Café' }]);
  });

  it('names the missing file', async () => {
    await expect(collect(join(dir, 'nope.csv'), { syntax: { kind: 'line' } })).rejects.toThrow(/File not found: .*nope\.csv/);
  });
});
