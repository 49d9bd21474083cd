/**
 * What the demo storefront shows, read from the store through the `Store` port (Node side; not part of the
 * browser bundle): the category tree, the most-interacted items, a category page, a title search and one item.
 */
import { categoryLevels, type Item } from '../../core/schemas/index.ts';
import type { Store } from '../../store/store.ts';

/** A node of the category tree: `path` is the full `A > B` prefix. */
export interface CategoryNode {
  name: string;
  path: string;
  /** Items in this category and below. */
  count: number;
  children: CategoryNode[];
}

/** Builds the category tree from `(category, count)` rows; children sorted by name. */
export function buildCategoryTree(rows: readonly { category: string; n: number }[]): CategoryNode[] {
  const root: CategoryNode = { name: '', path: '', count: 0, children: [] };
  for (const row of rows) {
    let node = root;
    const levels = categoryLevels(row.category);
    for (let depth = 0; depth < levels.length; depth++) {
      const name = levels[depth]!;
      let child = node.children.find((c) => c.name === name);
      if (!child) {
        child = { name, path: levels.slice(0, depth + 1).join(' > '), count: 0, children: [] };
        node.children.push(child);
      }
      child.count += row.n;
      node = child;
    }
  }
  const sort = (nodes: CategoryNode[]): void => {
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    for (const n of nodes) sort(n.children);
  };
  sort(root.children);
  return root.children;
}

/** Finds a node by its full path. */
export function findCategory(tree: readonly CategoryNode[], path: string): CategoryNode | undefined {
  const levels = categoryLevels(path);
  let nodes = tree;
  let found: CategoryNode | undefined;
  for (const name of levels) {
    found = nodes.find((n) => n.name === name);
    if (!found) return undefined;
    nodes = found.children;
  }
  return found;
}

/** The whole category tree of the catalogue (one GROUP BY over the items table). */
export async function loadCategoryTree(store: Store): Promise<CategoryNode[]> {
  const rows = await store.query<{ category: string; n: number | bigint }>('SELECT category, count(*) AS n FROM items WHERE category IS NOT NULL GROUP BY category');
  return buildCategoryTree(rows.map((r) => ({ category: String(r.category), n: Number(r.n) })));
}

/** Items ordered by how often shoppers viewed, carted or bought them; catalogue order when there are no events. */
export async function popularItems(store: Store, limit: number): Promise<Item[]> {
  const rows = await store.query<{ item_id: string }>(
    "SELECT e.item_id FROM events e JOIN items i ON i.id = e.item_id WHERE e.type IN ('view', 'add_to_cart', 'purchase') GROUP BY e.item_id ORDER BY count(*) DESC, e.item_id LIMIT ?",
    [limit],
  );
  const ids = rows.map((r) => String(r.item_id));
  const byId = new Map((await store.getItems(ids)).map((i) => [i.id, i]));
  const items = ids.map((id) => byId.get(id)).filter((i): i is Item => i !== undefined);
  if (items.length < limit) {
    const seen = new Set(ids);
    const more = await store.listItems({ limit: limit * 2 });
    for (const item of more.items) if (items.length < limit && !seen.has(item.id)) items.push(item);
  }
  return items;
}

/** One page of a category (the category and everything below it). */
export async function categoryPage(store: Store, path: string, page: number, pageSize: number): Promise<{ items: Item[]; total: number }> {
  return store.listItems({ category: path, limit: pageSize, offset: (page - 1) * pageSize });
}

/** Items whose title contains every word of the query (case-insensitive), at most `limit`. */
export async function searchItems(store: Store, query: string, limit: number): Promise<Item[]> {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0).slice(0, 8);
  if (words.length === 0) return [];
  const where = words.map(() => "lower(title) LIKE ? ESCAPE '\\'").join(' AND ');
  const params = words.map((w) => `%${w.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  const rows = await store.query<{ id: string }>(`SELECT id FROM items WHERE ${where} ORDER BY length(title), id LIMIT ?`, [...params, limit]);
  const ids = rows.map((r) => String(r.id));
  const byId = new Map((await store.getItems(ids)).map((i) => [i.id, i]));
  return ids.map((id) => byId.get(id)).filter((i): i is Item => i !== undefined);
}
