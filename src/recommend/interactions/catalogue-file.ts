/**
 * Reads a catalogue file for offline evaluation: JSON lines (`.gz` decompressed), each an Item in the API's shape
 * (`{"id":"sku-1","title":"…","category":"Home > Kitchen","tags":[…],"attrs":{"brand":"…"}}`) or wrapped as
 * `{"item": {…}}` like `cartwise import` reads. Every line is validated by the Item schema; a bad line is an error
 * naming the file, the line and the field. Blank lines are skipped.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { CartwiseError } from '../../core/errors.ts';
import { itemSchema, type Item } from '../../core/schemas/index.ts';
import { validate } from '../../core/schemas/validate.ts';

export async function readCatalogueJsonl(path: string): Promise<Item[]> {
  if (!existsSync(path)) throw new CartwiseError('FILE_NOT_FOUND', { path });
  const input = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const items: Item[] = [];
  const fail = (line: number, reason: string): never => {
    throw new CartwiseError('VALIDATION_FAILED', { reason: `${path} line ${line}: ${reason}` }, { path, line });
  };
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      fail(lineNo, `not valid JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(lineNo, 'expected a JSON object (an item, or {"item": …})');
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    const candidate = keys.length === 1 && keys[0] === 'item' ? o['item'] : o;
    const v = validate(itemSchema, candidate);
    if (!v.ok) fail(lineNo, v.issues.map((i) => `${i.path} ${i.message}`).join('; '));
    else items.push(v.value);
  }
  return items;
}
