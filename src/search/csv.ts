/**
 * Minimal RFC 4180 CSV reading for the search evaluation files (Home Depot format): quoted fields with doubled
 * quotes, quoted newlines, LF or CRLF line ends; `.gz` files are gunzipped; bytes decoded as latin1 (lossless for
 * any byte) or UTF-8.
 */
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CartwiseError } from '../core/errors.ts';

export type TextEncodingName = 'latin1' | 'utf8';

/** Reads a (possibly gzipped) text file; a missing file raises FILE_NOT_FOUND. */
export function readTextFile(path: string, encoding: TextEncodingName = 'latin1'): string {
  if (!existsSync(path)) throw new CartwiseError('FILE_NOT_FOUND', { path });
  let buf = readFileSync(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  let text = buf.toString(encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  else if (encoding === 'latin1' && text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  return text;
}

/** Parses CSV text into rows of fields; each row also records the 1-based line it started on. */
export function parseCsv(text: string): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let row: string[] = [];
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === 10) line++;
        field += text[i];
      }
      continue;
    }
    if (c === 34 && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (c === 44) {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (fieldStarted || row.length > 0 || field !== '') {
        row.push(field);
        rows.push(row);
        lines.push(rowLine);
      }
      row = [];
      field = '';
      fieldStarted = false;
      line++;
      rowLine = line;
    } else {
      field += text[i];
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new CartwiseError('IMPORT_FAILED', { reason: `unterminated quoted field starting on line ${rowLine}` });
  if (fieldStarted || row.length > 0 || field !== '') {
    row.push(field);
    rows.push(row);
    lines.push(rowLine);
  }
  return { rows, lines };
}

/** Parses a CSV with a header into records keyed by column; checks that `required` columns exist. */
export function readCsvRecords(path: string, required: readonly string[], encoding: TextEncodingName = 'latin1'): { records: Record<string, string>[]; lines: number[] } {
  const { rows, lines } = parseCsv(readTextFile(path, encoding));
  const header = rows[0];
  if (!header) throw new CartwiseError('IMPORT_FAILED', { reason: `${path} is empty` });
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new CartwiseError('IMPORT_FAILED', { reason: `${path} lacks column(s) ${missing.join(', ')} (header: ${header.join(', ')})` });
  const records: Record<string, string>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] as string[];
    const rec: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) rec[header[c] as string] = row[c] ?? '';
    records.push(rec);
  }
  return { records, lines: lines.slice(1) };
}

/** Quotes a CSV field when needed. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
