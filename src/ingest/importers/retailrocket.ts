import type { EventInput } from '../../core/schemas/index.ts';
import { filePart, headerIndex, ok, rejected, type ImportFormat, type RowMapper } from './import-format.ts';

const COLUMNS = ['timestamp', 'visitorid', 'event', 'itemid', 'transactionid'] as const;
const TYPES: Readonly<Record<string, string>> = { view: 'view', addtocart: 'add_to_cart', transaction: 'purchase' };

/**
 * The mapper for RetailRocket `events.csv` rows: `timestamp` (epoch ms) → ts, `visitorid` → user,
 * `itemid` → item, `event` view / addtocart / transaction → view / add_to_cart / purchase, and the
 * `transactionid` of a transaction → `props.transactionId`. Unknown event names are rejected.
 */
export function createRetailRocketMapper(header: readonly string[] | undefined, file = 'events.csv'): RowMapper {
  const c = headerIndex(header, COLUMNS, file);
  return ({ fields }) => {
    const name = (fields[c.event] ?? '').trim();
    const type = TYPES[name];
    if (type === undefined) return rejected(`event \`${name}\` is not view, addtocart or transaction`);
    const tsText = (fields[c.timestamp] ?? '').trim();
    if (!/^\d+$/.test(tsText)) return rejected(`timestamp \`${tsText}\` is not epoch milliseconds`);
    const event: EventInput = {
      type,
      userId: (fields[c.visitorid] ?? '').trim(),
      itemId: (fields[c.itemid] ?? '').trim(),
      ts: Number(tsText),
    };
    const tx = (fields[c.transactionid] ?? '').trim();
    if (tx !== '') event.props = { transactionId: tx };
    return ok([event]);
  };
}

export const retailRocketFormat: ImportFormat = {
  name: 'retailrocket',
  argument: 'events.csv[.gz]',
  summary: 'RetailRocket events.csv → view / add_to_cart / purchase events',
  help: `Columns (header required): timestamp,visitorid,event,itemid,transactionid

Mapping:
  timestamp (epoch ms)  → ts
  visitorid             → user id
  itemid                → item id (no catalogue rows: the dataset's item properties are not imported)
  event view            → view
  event addtocart       → add_to_cart
  event transaction     → purchase, transactionid → props.transactionId
Other event names are rejected with their line number.`,
  async plan(path) {
    return [
      filePart('retailrocket', path, {
        syntax: { kind: 'csv' }, split: { kind: 'csv', delimiter: ',' }, header: true,
        createMapper: (header) => createRetailRocketMapper(header, path),
      }),
    ];
  },
};
