import type { EventInput, ItemInput } from '../../core/schemas/index.ts';
import { parseTimestamp } from '../../core/time.ts';
import { filePart, headerIndex, num, ok, rejected, type ImportFormat, type RowMapper } from './import-format.ts';

const COLUMNS = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session'] as const;
const TYPES: Readonly<Record<string, string>> = { view: 'view', cart: 'add_to_cart', remove_from_cart: 'remove_from_cart', purchase: 'purchase' };

/** `electronics.smartphone` → `electronics > smartphone`. */
export function categoryPathFromCode(code: string): string {
  return code.split('.').map((s) => s.trim()).filter((s) => s.length > 0).join(' > ');
}

/**
 * Parses REES46 `event_time` (`2019-10-01 00:00:00 UTC`, or any ISO 8601 time) to epoch ms.
 */
export function parseRees46Time(text: string): number | undefined {
  const s = text.trim().replace(/\s+UTC$/i, 'Z');
  return parseTimestamp(s.endsWith('Z') ? s.replace(' ', 'T') : s);
}

/**
 * The mapper for the REES46 "eCommerce behavior data from multi category store" files: view / cart /
 * remove_from_cart / purchase → view / add_to_cart / remove_from_cart / purchase, `user_session` → sessionId,
 * `price` → event price (and revenue for a purchase of one unit). Each product gets a catalogue row: category
 * path from `category_code` (`a.b.c` → `a > b > c`), attributes `brand` and `categoryId`, the price, and the
 * title `<brand> <last category level>` (or `Product <id>` when both are empty), since the data has no titles.
 */
export function createRees46Mapper(header: readonly string[] | undefined, file = 'rees46 file'): RowMapper {
  const c = headerIndex(header, COLUMNS, file);
  return ({ fields }) => {
    const name = (fields[c.event_type] ?? '').trim();
    const type = TYPES[name];
    if (type === undefined) return rejected(`event_type \`${name}\` is not view, cart, remove_from_cart or purchase`);
    const timeText = fields[c.event_time] ?? '';
    const ts = parseRees46Time(timeText);
    if (ts === undefined) return rejected(`event_time \`${timeText}\` is not a date-time such as 2019-10-01 00:00:00 UTC`);
    const productId = (fields[c.product_id] ?? '').trim();
    const priceText = fields[c.price] ?? '';
    const price = num(priceText);
    if (priceText.trim() !== '' && price === undefined) return rejected(`price \`${priceText}\` is not a number`);
    const event: EventInput = { type, userId: (fields[c.user_id] ?? '').trim(), itemId: productId, ts };
    const session = (fields[c.user_session] ?? '').trim();
    if (session !== '') event.sessionId = session;
    if (price !== undefined) {
      event.price = price;
      if (type === 'purchase') {
        event.quantity = 1;
        event.revenue = price;
      }
    }
    const code = (fields[c.category_code] ?? '').trim();
    const brand = (fields[c.brand] ?? '').trim();
    const categoryId = (fields[c.category_id] ?? '').trim();
    const path = code !== '' ? categoryPathFromCode(code) : '';
    const leaf = path.split(' > ').pop() ?? '';
    const title = [brand, leaf].filter((s) => s !== '').join(' ') || `Product ${productId}`;
    const item: ItemInput = { id: productId, title };
    if (path !== '') item.category = path;
    if (price !== undefined && price >= 0) item.price = price;
    const attrs: Record<string, string> = {};
    if (brand !== '') attrs['brand'] = brand;
    if (categoryId !== '') attrs['categoryId'] = categoryId;
    if (Object.keys(attrs).length > 0) item.attrs = attrs;
    return ok([event], productId !== '' ? [item] : []);
  };
}

export const rees46Format: ImportFormat = {
  name: 'rees46',
  argument: 'file.csv[.gz]',
  summary: 'REES46 multi-category store events → view / add_to_cart / remove_from_cart / purchase + items',
  help: `Columns (header required): event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session

Mapping:
  event_time            → ts ("2019-10-01 00:00:00 UTC")
  event_type            → view, cart → add_to_cart, remove_from_cart, purchase
  user_id               → user id;  user_session → session id
  price                 → event price (purchase: quantity 1, revenue = price)
  product_id            → item: category = category_code "a.b.c" → "a > b > c",
                          attrs brand and categoryId, price, title "<brand> <leaf category>"
                          (or "Product <id>"); the first row seen for a product wins`,
  async plan(path) {
    return [
      filePart('rees46', path, {
        syntax: { kind: 'csv' }, split: { kind: 'csv', delimiter: ',' }, header: true,
        createMapper: (header) => createRees46Mapper(header, path),
      }),
    ];
  },
};
