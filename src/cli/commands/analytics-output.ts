import { output, type CliContext } from '../context.ts';
import { table } from '../format.ts';

/** Flags every analytics command shares. */
export interface AnalyticsOutputFlags {
  json?: boolean;
  csv?: boolean;
}

type Cell = string | number | null | undefined;

/** RFC 4180 CSV: fields with commas, quotes or newlines are quoted, quotes doubled. */
export function toCsv(headers: readonly string[], rows: readonly Cell[][]): string {
  const field = (c: Cell) => {
    const s = c === null || c === undefined ? '' : String(c);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(field).join(',')).join('\n');
}

/**
 * Prints an analytics result: the whole document with --json, the main table as CSV with --csv, otherwise a
 * heading plus the table.
 */
export function emitTable(ctx: CliContext, flags: AnalyticsOutputFlags, data: unknown, headers: string[], rows: Cell[][], heading?: string): void {
  if (flags.csv && !ctx.json) {
    process.stdout.write(toCsv(headers, rows) + '\n');
    return;
  }
  output(ctx, data, () => [heading, table(headers, rows)].filter((s) => s !== undefined && s !== '').join('\n\n'));
}

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);
export const duration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return '–';
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)}m`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  return `${(ms / 86_400_000).toFixed(1)}d`;
};
