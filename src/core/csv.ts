/**
 * A small RFC 4180 CSV field splitter. The record reader joins physical lines into one record while a quoted
 * field is open (see {@link hasOpenQuote}); this file turns one record into its fields. Lines without a quote
 * take the fast path (`String.split`); quoted fields are scanned character by character, `""` inside quotes
 * being an escaped quote.
 */

/**
 * Splits one CSV record into fields. Quoted fields may contain the delimiter, newlines and `""`; text after a
 * closing quote up to the next delimiter is kept (lenient, as most readers are). Returns `undefined` when a
 * quote is still open at the end of the record (the caller reports the row as malformed).
 */
export function splitCsvRecord(record: string, delimiter = ','): string[] | undefined {
  if (record.indexOf('"') === -1) return record.split(delimiter);
  const fields: string[] = [];
  const n = record.length;
  const dl = delimiter.length;
  let i = 0;
  for (;;) {
    if (record.charCodeAt(i) === 34 /* " */) {
      // Quoted field: collect pieces between escaped quotes.
      let value = '';
      let start = i + 1;
      let j = start;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q === -1) return undefined;
        if (record.charCodeAt(q + 1) === 34) {
          value += record.slice(start, q + 1);
          start = j = q + 2;
          continue;
        }
        value += record.slice(start, q);
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the delimiter is appended (lenient).
      const next = record.indexOf(delimiter, i);
      const end = next === -1 ? n : next;
      if (end > i) value += record.slice(i, end);
      fields.push(value);
      if (next === -1) return fields;
      i = next + dl;
    } else {
      const next = record.indexOf(delimiter, i);
      if (next === -1) {
        fields.push(record.slice(i));
        return fields;
      }
      fields.push(record.slice(i, next));
      i = next + dl;
    }
  }
}

/**
 * True when the quotes in `text` leave a quoted field open, i.e. the record continues on the next physical
 * line. Counting quote characters is enough: an escaped quote (`""`) adds two and keeps the parity.
 */
export function hasOpenQuote(text: string): boolean {
  let count = 0;
  let i = text.indexOf('"');
  while (i !== -1) {
    count++;
    i = text.indexOf('"', i + 1);
  }
  return (count & 1) === 1;
}

/** Quotes a value for a CSV file when needed (reject files, exports). */
export function csvQuote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
