/**
 * Catalogue metadata aligned with a served model's item index (price, stock, category path, title, tags,
 * attributes), so that filters and rules run on typed arrays and plain arrays indexed by item index instead of
 * looking items up by id. Catalogue items the model does not know (added after training) are kept by id.
 */
import type { Item } from '../../core/schemas/index.ts';
import type { Filters, RuleMatch } from './request.ts';

/** Whether `path` equals `prefix` or lies below it, level by level ("Home > Kitchen" matches "Home > Kitchen > Mugs"). */
export function categoryMatches(path: string | undefined, prefix: string): boolean {
  return keyMatches(categoryKey(path), categoryKey(prefix));
}

/** A category path in canonical form: levels trimmed, lower-cased, joined by " > " ('' when absent). */
export function categoryKey(path: string | undefined): string {
  if (!path) return '';
  return path.split('>').map((x) => x.trim().toLowerCase()).filter(Boolean).join(' > ');
}

function keyMatches(key: string, prefixKey: string): boolean {
  return prefixKey !== '' && (key === prefixKey || key.startsWith(prefixKey + ' > '));
}

/** Cuts a category path to its first `level` levels (the whole path when `level` is absent). */
export function categoryAt(path: string | undefined, level?: number): string {
  if (!path) return '';
  const parts = path.split('>').map((x) => x.trim()).filter(Boolean);
  return (level ? parts.slice(0, level) : parts).join(' > ');
}

export class CatalogueView {
  /** Items known to the model. */
  readonly size: number;
  /** [size] item metadata, undefined where the catalogue has no entry */
  readonly items: (Item | undefined)[];
  /** [size] price, NaN where unknown */
  readonly price: Float64Array;
  /** [size] 0 out of stock, 1 in stock, 2 unknown */
  readonly stock: Uint8Array;
  /** [size] canonical category path ({@link categoryKey}) */
  readonly categoryKeys: string[];
  /** Catalogue items unknown to the model, by id. */
  readonly unknown: ReadonlyMap<string, Item>;
  /** Number of catalogue items (known + unknown). */
  readonly catalogueSize: number;

  constructor(itemIds: readonly string[], catalogue: readonly Item[]) {
    this.size = itemIds.length;
    const byId = new Map<string, Item>();
    for (const it of catalogue) byId.set(it.id, it);
    this.items = itemIds.map((id) => byId.get(id));
    this.price = Float64Array.from(this.items, (it) => (it?.price ?? Number.NaN));
    this.stock = Uint8Array.from(this.items, (it) => (it?.inStock === undefined ? 2 : it.inStock ? 1 : 0));
    this.categoryKeys = this.items.map((it) => categoryKey(it?.category));
    const known = new Set(itemIds);
    const unknown = new Map<string, Item>();
    for (const [id, it] of byId) if (!known.has(id)) unknown.set(id, it);
    this.unknown = unknown;
    this.catalogueSize = byId.size;
  }

  /** The metadata of an item by index. */
  item(i: number): Item | undefined {
    return this.items[i];
  }

  /**
   * A predicate for the filters (undefined when nothing needs checking). `inStock` defaults to true: items marked
   * out of stock are left out unless the filter says `inStock: false`.
   */
  filterFor(filters: Filters | undefined, extraCategory?: string): ((i: number) => boolean) | undefined {
    const f = filters ?? {};
    const inStock = f.inStock ?? true;
    const category = f.category ?? extraCategory;
    const categoryPrefix = category ? categoryKey(category) : '';
    const attrs = f.attrs ? Object.entries(f.attrs) : [];
    const { priceMin, priceMax } = f;
    if (!inStock && !category && attrs.length === 0 && priceMin === undefined && priceMax === undefined) return undefined;
    return (i) => {
      if (inStock && this.stock[i] === 0) return false;
      if (priceMin !== undefined || priceMax !== undefined) {
        const p = this.price[i] as number;
        if (Number.isNaN(p)) return false;
        if (priceMin !== undefined && p < priceMin) return false;
        if (priceMax !== undefined && p > priceMax) return false;
      }
      if (category && !keyMatches(this.categoryKeys[i] as string, categoryPrefix)) return false;
      if (attrs.length > 0) {
        const it = this.items[i];
        for (const [k, v] of attrs) if (it?.attrs?.[k] !== v) return false;
      }
      return true;
    };
  }

  /** Whether an item matches a rule's conditions. */
  matches(i: number, m: RuleMatch, id: string): boolean {
    if (m.itemIds && !m.itemIds.includes(id)) return false;
    const it = this.items[i];
    if (m.category && !keyMatches(this.categoryKeys[i] as string, categoryKey(m.category))) return false;
    if (m.tag && !(it?.tags ?? []).includes(m.tag)) return false;
    if (m.attrs) for (const [k, v] of Object.entries(m.attrs)) if (it?.attrs?.[k] !== v) return false;
    if (m.priceMin !== undefined || m.priceMax !== undefined) {
      const p = this.price[i] as number;
      if (Number.isNaN(p) || (m.priceMin !== undefined && p < m.priceMin) || (m.priceMax !== undefined && p > m.priceMax)) return false;
    }
    if (m.inStock !== undefined && (this.stock[i] === 0) === m.inStock) return false;
    return true;
  }
}
