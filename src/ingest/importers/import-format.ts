import { basename } from 'node:path';
import { CartwiseError } from '../../core/errors.ts';
import type { EventInput, ItemInput, UserInput } from '../../core/schemas/index.ts';
import type { RecordSyntax, TextEncoding } from './record-reader.ts';

/**
 * What a per-format mapper returns for one row (STYLE.md: an ingest step returns ok or rejected(reason), it
 * does not throw for bad input). `skipped` is for rows a documented rule leaves out on purpose; each rule is
 * counted separately in the import summary.
 */
export type MapResult =
  | {
      kind: 'ok';
      events: EventInput[];
      items?: ItemInput[];
      users?: UserInput[];
      /** Counted in the summary's `counts` (e.g. `guest`, `refund`), to report how a rule applied. */
      tags?: readonly string[];
    }
  | { kind: 'rejected'; reason: string }
  | { kind: 'skipped'; rule: string };

/** The row a mapper receives: its split fields, its 1-based line number and its raw text. */
export interface SourceRow {
  fields: readonly string[];
  line: number;
  text: string;
}

export type RowMapper = (row: SourceRow) => MapResult;

/** How a record's text is split into fields. */
export type FieldSplit =
  /** RFC 4180 CSV with this delimiter (quotes honoured). */
  | { kind: 'csv'; delimiter: string }
  /** A plain separator with no quoting (`\t`, `::`, `|`) or a regular expression (`/\s+/`). */
  | { kind: 'separator'; separator: string | RegExp }
  /** The whole line is one field (JSON lines). */
  | { kind: 'whole' };

/** One input file of an import. MovieLens has several (items, users, ratings), the other formats one. */
export interface ImportPart {
  path: string;
  /** Namespace of the deterministic event ids: format and file name without `.gz`, never the directory. */
  source: string;
  /** Short name for progress and the summary (`u.data`). */
  label: string;
  encoding: TextEncoding;
  syntax: RecordSyntax;
  split: FieldSplit;
  /** True when the first record is a header (not counted as a row). */
  header: boolean;
  /**
   * For files whose header is optional (`header: false`): true when the first record is a header after all,
   * which is then not counted as a row.
   */
  isHeader?: (fields: readonly string[]) => boolean;
  /**
   * Builds the row mapper, given the header's fields when `header` is true. Throws IMPORT_FAILED naming the
   * missing column when the header does not fit the format.
   */
  createMapper(header: readonly string[] | undefined): RowMapper;
}

/** A format-specific command-line option (`--map`, `--type`, …). */
export interface FormatOption {
  /** Commander flags, e.g. `--type <type>`. */
  flags: string;
  description: string;
  defaultValue?: string;
}

/** Options given to a format: the values of its {@link FormatOption}s by camel-case name. */
export type FormatOptionValues = Readonly<Record<string, string | undefined>>;

/** One importable dataset format: help text for the CLI and a planner that turns a path into parts. */
export interface ImportFormat {
  name: string;
  /** One line for `cartwise import --help`. */
  summary: string;
  /** Columns and mapping, shown by `cartwise import <format> --help`. */
  help: string;
  /** What the `<path>` argument is (`events.csv[.gz]`, `dir`). */
  argument: string;
  options?: readonly FormatOption[];
  /** Resolves the path into the files to read, in order (catalogue files before event files). */
  plan(path: string, options: FormatOptionValues): Promise<ImportPart[]>;
}

/** The `ok` result. */
export function ok(events: EventInput[], items?: ItemInput[], users?: UserInput[], tags?: readonly string[]): MapResult {
  const r: MapResult = { kind: 'ok', events };
  if (items && items.length > 0) r.items = items;
  if (users && users.length > 0) r.users = users;
  if (tags && tags.length > 0) r.tags = tags;
  return r;
}

/** The `rejected` result: `reason` names the field or column at fault. */
export function rejected(reason: string): MapResult {
  return { kind: 'rejected', reason };
}

/** The `skipped` result, for a documented rule. */
export function skipped(rule: string): MapResult {
  return { kind: 'skipped', rule };
}

/**
 * Finds the index of each wanted column in a header (exact names, case-insensitive, surrounding spaces
 * ignored). Throws IMPORT_FAILED listing the missing columns and the header found.
 */
export function headerIndex<K extends string>(header: readonly string[] | undefined, wanted: readonly K[], file: string): Record<K, number> {
  const norm = (header ?? []).map((h) => h.trim().toLowerCase());
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  for (const name of wanted) {
    const i = norm.indexOf(name.toLowerCase());
    if (i === -1) missing.push(name);
    else out[name] = i;
  }
  if (missing.length > 0) {
    const found = (header ?? []).join(', ') || 'nothing';
    throw new CartwiseError(
      'IMPORT_FAILED',
      { reason: `${file}: missing column(s) ${missing.map((m) => `\`${m}\``).join(', ')} in the header (found: ${found})` },
      { file, missing },
    );
  }
  return out;
}

/** Parses a finite number; `undefined` for empty or invalid text. */
export function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = text.trim();
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Normalises an id written as a number by a spreadsheet or pandas (`17850.0` → `17850`); other text is
 * trimmed and kept.
 */
export function cleanId(text: string | undefined): string {
  if (text === undefined) return '';
  const s = text.trim();
  return s.endsWith('.0') && /^\d+\.0$/.test(s) ? s.slice(0, -2) : s;
}

/** The id namespace of a file: format plus file name without directory and without `.gz`. */
export function sourceName(format: string, path: string): string {
  return `${format}:${basename(path).replace(/\.gz$/i, '')}`;
}

/**
 * Describes a single-file import part with the usual defaults (UTF-8, id namespace from the file name, label
 * = file name). Formats with one input file use this in `plan`.
 */
export function filePart(
  format: string,
  path: string,
  spec: Pick<ImportPart, 'syntax' | 'split' | 'header' | 'createMapper'> & { encoding?: TextEncoding; isHeader?: ImportPart['isHeader'] },
): ImportPart {
  const part: ImportPart = {
    path,
    source: sourceName(format, path),
    label: basename(path),
    encoding: spec.encoding ?? 'utf8',
    syntax: spec.syntax,
    split: spec.split,
    header: spec.header,
    createMapper: spec.createMapper,
  };
  if (spec.isHeader) part.isHeader = spec.isHeader;
  return part;
}
