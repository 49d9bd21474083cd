import { CartwiseError } from '../../core/errors.ts';
import type { EventInput, ItemInput, UserInput } from '../../core/schemas/index.ts';
import { filePart, ok, rejected, type ImportFormat, type RowMapper } from './import-format.ts';

/**
 * The mapper for JSON lines: each line is one object — an Event in the API's shape (`{"type":"view",
 * "userId":…,"itemId":…,"ts":…}`), or `{"item": {…}}` (an Item), or `{"user": {…}}` (a User profile).
 * Lines that are not JSON objects are rejected with the parser's message; schema problems are reported by
 * the runner with the field named. An event's own `id` is kept (so ids from another system stay stable).
 */
export function createJsonlMapper(): RowMapper {
  return ({ text }) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return rejected(`not valid JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return rejected('expected a JSON object (an event, {"item": …} or {"user": …})');
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'item') return ok([], [o['item'] as ItemInput]);
    if (keys.length === 1 && keys[0] === 'user') return ok([], undefined, [o['user'] as UserInput]);
    return ok([o as EventInput]);
  };
}

export const jsonlFormat: ImportFormat = {
  name: 'jsonl',
  argument: 'file.jsonl[.gz]',
  summary: 'JSON lines: events in the API shape, {"item": …} and {"user": …} lines',
  help: `One JSON object per line:
  {"type":"view","userId":"u1","itemId":"sku-1","ts":"2025-01-01T10:00:00Z"}   an Event (API shape)
  {"item":{"id":"sku-1","title":"Blue mug","category":"Home > Kitchen","price":9.5}}
  {"user":{"id":"u1","attrs":{"country":"FR"}}}
Events keep their "id" when they have one; otherwise they get a deterministic id from the file
name, line number and line content. Every object is validated by the same schemas as the HTTP API.`,
  async plan(path) {
    if (path === '') throw new CartwiseError('INVALID_PARAM', { name: 'path', reason: 'is empty' });
    return [filePart('jsonl', path, { syntax: { kind: 'line' }, split: { kind: 'whole' }, header: false, createMapper: () => createJsonlMapper() })];
  },
};
