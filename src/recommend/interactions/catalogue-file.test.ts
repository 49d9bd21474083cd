import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCatalogueJsonl } from './catalogue-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-catalogue-'));

describe('readCatalogueJsonl', () => {
  it('reads plain and wrapped items, gzipped, skipping blank lines', async () => {
    const path = join(dir, 'items.jsonl.gz');
    writeFileSync(path, gzipSync('{"id":"a","title":"Tent","category":"Sports > Camping","attrs":{"brand":"X"}}\n\n{"item":{"id":"b","title":"Pan","tags":["steel"]}}\n'));
    const items = await readCatalogueJsonl(path);
    expect(items.map((i) => i.id)).toEqual(['a', 'b']);
    expect(items[0]?.attrs).toEqual({ brand: 'X' });
    expect(items[1]?.tags).toEqual(['steel']);
  });

  it('names the line and the field of a bad item', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"id":"a","title":"Tent"}\n{"id":"b","title":""}\n');
    await expect(readCatalogueJsonl(path)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/bad\.jsonl line 2: title/) });
    writeFileSync(path, '{"id":"a","title":"Tent"}\nnot json\n');
    await expect(readCatalogueJsonl(path)).rejects.toMatchObject({ message: expect.stringMatching(/line 2: not valid JSON/) });
  });

  it('reports a missing file', async () => {
    await expect(readCatalogueJsonl(join(dir, 'none.jsonl'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
