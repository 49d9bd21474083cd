import type { EventInput, ItemInput } from '../../core/schemas/index.ts';
import { cleanId, filePart, headerIndex, num, ok, rejected, skipped, type ImportFormat, type RowMapper } from './import-format.ts';

/** StockCodes that are charges, fees or manual lines rather than products (tagged `service` in the catalogue). */
const SERVICE_CODES: ReadonlySet<string> = new Set(['POST', 'DOT', 'M', 'C2', 'D', 'S', 'B', 'CRUK', 'PADS', 'AMAZONFEE', 'BANK CHARGES']);

const COLUMNS = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'] as const;

/** `M/D/YYYY H:MM[:SS]` (the UCI .xlsx export). */
const US_DATE_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
/** `YYYY-MM-DD HH:MM[:SS]` (the CSV copies). */
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Parses an Online Retail InvoiceDate, either `12/1/2010 8:26` (month first, as in the UCI workbook) or
 * `2010-12-01 08:26:00`, as UTC epoch ms. The shop is in the UK, whose local time differs from UTC by at most
 * one hour (summer time); reading it as UTC keeps imports identical on every machine. Undefined when invalid.
 */
export function parseInvoiceDate(text: string): number | undefined {
  const s = text.trim();
  let m = ISO_DATE_RE.exec(s);
  let y: number, mo: number, d: number, h: number, mi: number, sec: number;
  if (m) {
    y = +m[1]!; mo = +m[2]!; d = +m[3]!; h = +m[4]!; mi = +m[5]!; sec = m[6] ? +m[6] : 0;
  } else {
    m = US_DATE_RE.exec(s);
    if (!m) return undefined;
    mo = +m[1]!; d = +m[2]!; y = +m[3]!; h = +m[4]!; mi = +m[5]!; sec = m[6] ? +m[6] : 0;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  // Date.UTC rolls 31 April over to 1 May; refuse such dates instead.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}

/**
 * The mapper for UCI Online Retail rows. Rules (documented in docs/guide/importing.md):
 * - an invoice line is a `purchase` of `|Quantity|` units at `UnitPrice`, revenue = quantity × price,
 *   session = InvoiceNo; an invoice starting with `C` (cancellation) is a `refund` with the same positive
 *   quantity and a negative revenue, so `sum(revenue)` over both types is net sales;
 * - rows without CustomerID belong to user `guest:<InvoiceNo>` (one guest per order, counted as `guest`);
 * - skipped as `stock adjustment`: rows with no CustomerID and UnitPrice 0 (damaged, lost, found, …), and
 *   negative quantities on an invoice that is not a cancellation; skipped as `bad debt adjustment`: invoices
 *   starting with `A`;
 * - StockCode → item (title = Description, price = UnitPrice, currency GBP; charges such as POST are tagged
 *   `service`), first description seen wins; the customer's Country goes to the user profile.
 */
export function createOnlineRetailMapper(header: readonly string[] | undefined, file = 'online retail file'): RowMapper {
  const c = headerIndex(header, COLUMNS, file);
  // The lines of one invoice are consecutive and share their InvoiceDate: remember the last one parsed.
  let lastDateText = '';
  let lastDateMs: number | undefined;
  return ({ fields }) => {
    if (fields.length < COLUMNS.length) return rejected(`expected ${COLUMNS.length} columns, got ${fields.length}`);
    const invoice = (fields[c.InvoiceNo] ?? '').trim();
    const code = (fields[c.StockCode] ?? '').trim();
    const description = (fields[c.Description] ?? '').trim();
    const quantityText = fields[c.Quantity] ?? '';
    const customer = cleanId(fields[c.CustomerID]);
    const country = (fields[c.Country] ?? '').trim();
    if (invoice === '') return rejected('InvoiceNo is empty');
    if (code === '') return rejected('StockCode is empty');
    const quantity = num(quantityText);
    if (quantity === undefined || !Number.isInteger(quantity)) return rejected(`Quantity \`${quantityText}\` is not an integer`);
    const price = num(fields[c.UnitPrice]);
    if (price === undefined) return rejected(`UnitPrice \`${fields[c.UnitPrice] ?? ''}\` is not a number`);
    const dateText = fields[c.InvoiceDate] ?? '';
    if (dateText !== lastDateText) {
      lastDateText = dateText;
      lastDateMs = parseInvoiceDate(dateText);
    }
    const ts = lastDateMs;
    if (ts === undefined) return rejected(`InvoiceDate \`${dateText}\` is not a date (M/D/YYYY H:MM or YYYY-MM-DD HH:MM:SS)`);

    const first = invoice.charCodeAt(0);
    const cancelled = first === 67 || first === 99; // C or c
    if (first === 65 || first === 97) return skipped('bad debt adjustment');
    if (customer === '' && price === 0) return skipped('stock adjustment');
    if (!cancelled && quantity < 0) return skipped('stock adjustment');
    if (price < 0) return rejected(`UnitPrice ${price} is negative`);

    const units = Math.abs(quantity);
    const guest = customer === '';
    const userId = guest ? `guest:${invoice}` : customer;
    const event: EventInput = {
      type: cancelled ? 'refund' : 'purchase',
      userId,
      sessionId: invoice,
      itemId: code,
      ts,
      quantity: units,
      price,
      revenue: Math.round((cancelled ? -units : units) * price * 100) / 100,
    };
    const items: ItemInput[] = [];
    if (description !== '') {
      const item: ItemInput = { id: code, title: description, price, currency: 'GBP' };
      if (SERVICE_CODES.has(code.toUpperCase()) || code.startsWith('gift_')) item.tags = ['service'];
      items.push(item);
    }
    const user = country !== '' ? [{ id: userId, attrs: guest ? { country, guest: true } : { country } }] : [];
    const tags = guest ? (cancelled ? ['guest', 'refund'] : ['guest']) : cancelled ? ['refund'] : undefined;
    return ok([event], items, user, tags);
  };
}

export const onlineRetailFormat: ImportFormat = {
  name: 'online-retail',
  argument: 'file.csv[.gz]',
  summary: 'UCI Online Retail invoice lines → purchase / refund events, StockCode items',
  help: `Columns (header required): InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country

Mapping:
  each invoice line        → purchase event (quantity = Quantity, price = UnitPrice,
                             revenue = quantity × price, session = InvoiceNo)
  InvoiceNo starting "C"   → refund event (quantity = |Quantity|, revenue negative)
  StockCode                → item (title = Description, price = UnitPrice, currency GBP;
                             POST, DOT, M, BANK CHARGES, … tagged "service"); first description wins
  CustomerID               → user id ("17850.0" → "17850"); Country → user profile attribute
  InvoiceDate              → ts, "12/1/2010 8:26" or "2010-12-01 08:26:00", read as UTC
Rules:
  no CustomerID            → user "guest:<InvoiceNo>" (one guest per order; counted as "guest")
  no CustomerID, price 0   → skipped: stock adjustment (damaged/lost/found lines)
  negative qty, not "C…"   → skipped: stock adjustment
  InvoiceNo starting "A"   → skipped: bad debt adjustment`,
  async plan(path) {
    return [
      filePart('online-retail', path, {
        syntax: { kind: 'csv' }, split: { kind: 'csv', delimiter: ',' }, header: true,
        createMapper: (header) => createOnlineRetailMapper(header, path),
      }),
    ];
  },
};
