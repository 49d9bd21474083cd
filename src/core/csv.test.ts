import { describe, expect, it } from 'vitest';
import { csvQuote, hasOpenQuote, splitCsvRecord } from './csv.ts';

describe('splitCsvRecord', () => {
  it('splits unquoted records, keeping empty fields', () => {
    expect(splitCsvRecord('a,b,,d,')).toEqual(['a', 'b', '', 'd', '']);
    expect(splitCsvRecord('')).toEqual(['']);
  });

  it('handles quoted fields with delimiters, escaped quotes and newlines', () => {
    expect(splitCsvRecord('1,"SET OF 3, RED",2.5')).toEqual(['1', 'SET OF 3, RED', '2.5']);
    expect(splitCsvRecord('"say ""hi""",x')).toEqual(['say "hi"', 'x']);
    expect(splitCsvRecord('"line1\nline2",z')).toEqual(['line1\nline2', 'z']);
    expect(splitCsvRecord('"",""')).toEqual(['', '']);
    expect(splitCsvRecord('a,"b"')).toEqual(['a', 'b']);
    expect(splitCsvRecord('"a",')).toEqual(['a', '']);
  });

  it('supports other delimiters, including multi-character ones', () => {
    expect(splitCsvRecord('a;"b;c";d', ';')).toEqual(['a', 'b;c', 'd']);
    expect(splitCsvRecord('1::Toy Story (1995)::Animation|Comedy', '::')).toEqual(['1', 'Toy Story (1995)', 'Animation|Comedy']);
  });

  it('keeps text after a closing quote (lenient) and reports an unterminated quote as undefined', () => {
    expect(splitCsvRecord('"12" inch,b')).toEqual(['12 inch', 'b']);
    expect(splitCsvRecord('a,"never closed')).toBeUndefined();
  });
});

describe('hasOpenQuote / csvQuote', () => {
  it('detects records that continue on the next line', () => {
    expect(hasOpenQuote('a,"b')).toBe(true);
    expect(hasOpenQuote('a,"b ""x"" c"')).toBe(false);
    expect(hasOpenQuote('plain')).toBe(false);
  });

  it('quotes only when needed and round-trips through the splitter', () => {
    expect(csvQuote('plain')).toBe('plain');
    const tricky = 'a, "b"\nc';
    expect(splitCsvRecord(`${csvQuote(tricky)},x`)).toEqual([tricky, 'x']);
  });
});
