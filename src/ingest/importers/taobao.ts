import type { EventInput } from '../../core/schemas/index.ts';
import { filePart, headerIndex, ok, rejected, type ImportFormat, type RowMapper } from './import-format.ts';

const COLUMNS = ['user_id', 'item_id', 'category_id', 'behavior_type', 'timestamp'] as const;
const TYPES: Readonly<Record<string, string>> = { pv: 'view', cart: 'add_to_cart', fav: 'favorite', buy: 'purchase' };

/**
 * The mapper for Alibaba/Tianchi UserBehavior rows: pv → view, cart → add_to_cart, fav → the custom type
 * `favorite`, buy → purchase; `timestamp` is Unix seconds (× 1000 → ts). Each item gets a catalogue row with
 * `category` = its category id and the title `Item <id>` (the dataset has no titles). The original file has
 * no header; a header line `user_id,item_id,…` is recognised (by the runner, via `isHeader`) when present.
 */
export function createTaobaoMapper(): RowMapper {
  return ({ fields }) => {
    if (fields.length !== COLUMNS.length) return rejected(`expected ${COLUMNS.length} columns (${COLUMNS.join(',')}), got ${fields.length}`);
    const behavior = (fields[3] ?? '').trim();
    const type = TYPES[behavior];
    if (type === undefined) return rejected(`behavior_type \`${behavior}\` is not pv, cart, fav or buy`);
    const tsText = (fields[4] ?? '').trim();
    if (!/^\d+$/.test(tsText)) return rejected(`timestamp \`${tsText}\` is not Unix seconds`);
    const itemId = (fields[1] ?? '').trim();
    const category = (fields[2] ?? '').trim();
    const event: EventInput = { type, userId: (fields[0] ?? '').trim(), itemId, ts: Number(tsText) * 1000 };
    const items = itemId !== '' ? [category !== '' ? { id: itemId, title: `Item ${itemId}`, category } : { id: itemId, title: `Item ${itemId}` }] : [];
    return ok([event], items, undefined, type === 'favorite' ? ['favorite'] : undefined);
  };
}

export const taobaoFormat: ImportFormat = {
  name: 'taobao',
  argument: 'UserBehavior.csv[.gz]',
  summary: 'Alibaba Taobao UserBehavior → view / add_to_cart / favorite / purchase events + items',
  help: `Columns: user_id,item_id,category_id,behavior_type,timestamp (header optional)

Mapping:
  user_id               → user id
  item_id               → item id; item row with title "Item <id>" and category = category_id
  behavior_type pv      → view
  behavior_type cart    → add_to_cart
  behavior_type fav     → favorite (custom event type)
  behavior_type buy     → purchase
  timestamp             → ts (Unix seconds × 1000). Rows outside the dataset's 2017-11-25..12-03
                          window are kept as they are (not filtered).`,
  async plan(path) {
    return [
      filePart('taobao', path, {
        syntax: { kind: 'line' }, split: { kind: 'separator', separator: ',' }, header: false,
        createMapper: () => createTaobaoMapper(),
        isHeader: (fields) => (fields[0] ?? '').trim().toLowerCase() === 'user_id',
      }),
    ];
  },
};
