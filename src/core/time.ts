/**
 * Timestamps: the public API accepts epoch milliseconds (number or digit string) and ISO 8601 strings.
 * Internally every time is epoch milliseconds (UTC).
 */
export type EpochMs = number;

const ISO_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Earliest plausible event time (1990-01-01); smaller numbers are almost always seconds, not ms. */
export const MIN_TS_MS = Date.UTC(1990, 0, 1);

/** Parses epoch ms or ISO 8601 into epoch ms; returns `undefined` for anything else. */
export function parseTimestamp(value: unknown): EpochMs | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^\d{1,16}$/.test(s)) return Number(s);
  if (!ISO_RE.test(s)) return undefined;
  // A date-time without an offset is read as UTC, so imports give the same result on every machine.
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  const normalized = s.replace(' ', 'T');
  const ms = Date.parse(hasOffset || normalized.length <= 10 ? normalized : `${normalized}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function toIso(ms: EpochMs): string {
  return new Date(ms).toISOString();
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
