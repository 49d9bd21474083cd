import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CartwiseError } from '../../core/errors.ts';
import { hasOpenQuote } from '../../core/csv.ts';

/** How a file's text is cut into records. */
export type RecordSyntax =
  /** RFC 4180: a record may span lines inside quotes. */
  | { kind: 'csv' }
  /** One record per physical line. */
  | { kind: 'line' };

/** `auto`: UTF-8 unless the first chunk read is not valid UTF-8, then Latin-1 (ISO-8859-1). */
export type TextEncoding = 'utf8' | 'latin1' | 'auto';

/** One record of a file: its 1-based line number (where it starts) and its text without the line break. */
export interface TextRecord {
  line: number;
  text: string;
}

export interface ReadRecordsOptions {
  syntax: RecordSyntax;
  encoding?: TextEncoding;
  /** Called with the count of raw (possibly compressed) bytes read so far, for a progress bar. */
  onBytes?: (bytesRead: number) => void;
  /** Read buffer size in bytes (default 256 KiB). */
  chunkBytes?: number;
}

/** Size and compression of an input file. */
export interface SourceInfo {
  path: string;
  bytes: number;
  gzip: boolean;
}

/**
 * Looks at a file before reading it: its size, and whether it is gzip-compressed (by the magic bytes
 * 0x1f 0x8b, not by the file name). Throws FILE_NOT_FOUND with the path when it cannot be opened.
 */
export async function inspectSource(path: string): Promise<SourceInfo> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    throw new CartwiseError('FILE_NOT_FOUND', { path });
  }
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CartwiseError('IMPORT_FAILED', { reason: `${path} is not a file` });
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return { path, bytes: info.size, gzip: bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b };
  } finally {
    await handle.close();
  }
}

/**
 * Streams the records of a plain or gzip-compressed text file. Lines end at `\n` (a trailing `\r` is removed);
 * a final line without a newline is a record; in `csv` syntax a record continues over line breaks while a
 * quoted field is open. Records come in arrays, one per read chunk (an async step per record would cost more
 * than parsing it). Memory stays bounded by the chunk size and the longest record.
 */
export async function* readRecords(path: string, options: ReadRecordsOptions): AsyncGenerator<TextRecord[]> {
  const info = await inspectSource(path);
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  let bytesRead = 0;
  const onBytes = options.onBytes;
  file.on('data', (chunk) => {
    bytesRead += chunk.length;
    onBytes?.(bytesRead);
  });
  const stream = info.gzip ? file.pipe(createGunzip({ chunkSize: chunkBytes })) : file;
  if (info.gzip) file.on('error', (err) => stream.destroy(err));
  let decoder: StringDecoder | undefined = options.encoding === 'latin1' ? undefined : new StringDecoder('utf8');
  let sniff = options.encoding === 'auto';
  const csv = options.syntax.kind === 'csv';
  let carry = '';
  let line = 0;
  // A CSV record being assembled across lines: its text so far and its first line number.
  let pending: string | undefined;
  let pendingLine = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (sniff) {
        sniff = false;
        if (!isValidUtf8Start(chunk)) decoder = undefined;
      }
      let text = decoder ? decoder.write(chunk) : chunk.toString('latin1');
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      text = carry + text;
      const out: TextRecord[] = [];
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl === -1) break;
        let end = nl;
        if (end > start && text.charCodeAt(end - 1) === 13) end--;
        const piece = text.slice(start, end);
        start = nl + 1;
        line++;
        if (!csv) {
          out.push({ line, text: piece });
        } else if (pending !== undefined) {
          pending += '\n' + piece;
          if (hasOpenQuote(pending)) continue;
          out.push({ line: pendingLine, text: pending });
          pending = undefined;
        } else if (piece.indexOf('"') !== -1 && hasOpenQuote(piece)) {
          pending = piece;
          pendingLine = line;
        } else {
          out.push({ line, text: piece });
        }
      }
      carry = text.slice(start);
      if (out.length > 0) yield out;
    }
  } catch (err) {
    if (err instanceof CartwiseError) throw err;
    throw new CartwiseError('IMPORT_FAILED', { reason: `cannot read ${path} after line ${line}: ${(err as Error).message}` });
  } finally {
    file.destroy();
  }
  if (decoder) carry += decoder.end();
  if (carry.endsWith('\r')) carry = carry.slice(0, -1);
  const tail: TextRecord[] = [];
  if (carry.length > 0) {
    line++;
    if (pending !== undefined) pending += '\n' + carry;
    else tail.push({ line, text: carry });
  }
  // An unterminated quoted field: hand the remainder over as one record; the CSV splitter rejects it.
  if (pending !== undefined) tail.push({ line: pendingLine, text: pending });
  if (tail.length > 0) yield tail;
}

/** True when `bytes` is valid UTF-8, allowing a multi-byte character cut off at the end. */
export function isValidUtf8Start(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
