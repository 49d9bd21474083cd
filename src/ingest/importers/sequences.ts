import type { EventInput } from '../../core/schemas/index.ts';
import { parseTimestamp } from '../../core/time.ts';
import { CartwiseError } from '../../core/errors.ts';
import { filePart, ok, rejected, type FormatOptionValues, type ImportFormat, type RowMapper } from './import-format.ts';

/** The default synthetic clock of a sequence: position 0 at 2020-01-01T00:00:00Z, one hour per position. */
export const SEQUENCE_START_MS = Date.UTC(2020, 0, 1);
export const SEQUENCE_STEP_MS = 3_600_000;

export interface SequenceOptions {
  type: string;
  startMs: number;
  stepMs: number;
}

/**
 * The mapper for sequence files (`user item item …` per line, items in time order, as in the S3-Rec Amazon
 * benchmarks). The files carry no times, so the k-th item of a line gets the synthetic time
 * `startMs + k × stepMs`; every user's sequence starts at the same instant and the order within a user is exact.
 * One event of `type` per item; a line with a user and no item is rejected.
 */
export function createSequenceMapper(options: SequenceOptions): RowMapper {
  return ({ fields }) => {
    const parts = fields.filter((f) => f.length > 0);
    if (parts.length < 2) return rejected('expected `user item [item …]`, found no item');
    const userId = parts[0] as string;
    const events: EventInput[] = [];
    for (let k = 1; k < parts.length; k++) {
      events.push({ type: options.type, userId, itemId: parts[k] as string, ts: options.startMs + (k - 1) * options.stepMs });
    }
    return ok(events);
  };
}

function sequenceOptions(values: FormatOptionValues): SequenceOptions {
  const type = values['type'] ?? 'purchase';
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(type)) throw new CartwiseError('INVALID_PARAM', { name: '--type', reason: `\`${type}\` is not an event type` });
  const startMs = values['start'] !== undefined ? parseTimestamp(values['start']) : SEQUENCE_START_MS;
  if (startMs === undefined) throw new CartwiseError('INVALID_PARAM', { name: '--start', reason: 'must be an ISO 8601 time or epoch ms' });
  const stepMs = values['stepMs'] !== undefined ? Number(values['stepMs']) : SEQUENCE_STEP_MS;
  if (!Number.isInteger(stepMs) || stepMs < 1) throw new CartwiseError('INVALID_PARAM', { name: '--step-ms', reason: 'must be a positive integer' });
  return { type, startMs, stepMs };
}

export const sequencesFormat: ImportFormat = {
  name: 'sequences',
  argument: 'file[.gz]',
  summary: 'One line per user, `user item item …` in time order → one event per item',
  help: `Format: one line per user, whitespace-separated: user_id item_id item_id … (oldest first),
as in the S3-Rec Amazon benchmark files (Sports_and_Outdoors.txt).

Mapping:
  first field           → user id
  each further field    → one event of --type (default purchase) for that item
  position k (0-based)  → synthetic ts = --start + k × --step-ms (default 2020-01-01T00:00:00Z,
                          one hour apart): the order within a user is exact, the times are not real`,
  options: [
    { flags: '--type <type>', description: 'event type of every event (purchase, view, …)', defaultValue: 'purchase' },
    { flags: '--start <time>', description: 'synthetic time of each sequence\'s first event (ISO 8601 or epoch ms)', defaultValue: '2020-01-01T00:00:00Z' },
    { flags: '--step-ms <ms>', description: 'synthetic time between consecutive events of a user', defaultValue: String(SEQUENCE_STEP_MS) },
  ],
  async plan(path, values) {
    const options = sequenceOptions(values);
    const part = filePart('sequences', path, {
      syntax: { kind: 'line' }, split: { kind: 'separator', separator: /\s+/ }, header: false,
      createMapper: () => createSequenceMapper(options),
    });
    // The event type is not in the line, so it is part of the id namespace: importing a file as `view` and
    // again as `purchase` stores both.
    part.source = `${part.source}:${options.type}`;
    return [part];
  },
};
