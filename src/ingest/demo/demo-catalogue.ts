import { DAY_MS } from '../../core/time.ts';
import type { Item } from '../../core/schemas/index.ts';
import { createRng, type Rng } from '../../core/random.ts';
import { BOOK_TITLE_STARTS, DEMO_DEPARTMENTS, type DemoDepartment, type DemoLeaf } from './demo-vocabulary.ts';

/** A leaf category of the built catalogue, with the dense indices of its items. */
export interface CatalogueLeaf {
  /** Index into `DemoCatalogue.leaves`. */
  index: number;
  /** Full path, e.g. `Home > Kitchen > Mugs`. */
  path: string;
  department: number;
  def: DemoLeaf;
  /** Item indices in this leaf. */
  items: Int32Array;
  /** Leaf indices of its complements (only leaves that have items). */
  complements: number[];
  /** Sum of the popularity of its items (its share of attention inside the department). */
  weight: number;
  medianPrice: number;
}

/**
 * The simulated catalogue: the public items plus the hidden truth the simulation (and the tests) use.
 * Arrays are indexed by the dense item index `i`; `items[i].id` is the public id.
 */
export interface DemoCatalogue {
  items: Item[];
  leaves: CatalogueLeaf[];
  /** [nDepartments] leaf indices per department (non-empty leaves only). */
  departmentLeaves: number[][];
  /** [nItems] leaf index */
  leafOf: Int32Array;
  /** [nItems] brand index, global across departments (`department * 64 + local`) */
  brandOf: Int32Array;
  /** [nItems] unit price */
  price: Float64Array;
  /** [nItems] price / leaf median: >1 is pricier than its peers */
  relPrice: Float64Array;
  /** [nItems] hidden quality, standard normal: drives add-to-cart and review ratings */
  quality: Float32Array;
  /** [nItems] popularity weight (log-normal): how often the item is looked at */
  popularity: Float64Array;
  /** [nItems] 1 when in stock */
  inStock: Uint8Array;
  /** [nItems] lower-case product noun, for queries and reviews */
  noun: string[];
}

/** Packs a department and a local brand number into one brand index. */
export const brandIndex = (department: number, local: number): number => department * 64 + local;

/** Picks an index with probability proportional to `weights[i]` (linear scan; the arrays here are short). */
export function pickWeighted(rng: Rng, weights: ArrayLike<number>, total?: number): number {
  let sum = total ?? 0;
  if (total === undefined) for (let i = 0; i < weights.length; i++) sum += weights[i] as number;
  let r = rng.next() * sum;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] as number;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** A shop-style price: ≥ 10 ends in .99, below in .49/.99. */
function shopPrice(p: number): number {
  if (p >= 10) return Math.max(9.99, Math.round(p) - 0.01);
  return Math.max(0.99, Math.round(p * 2) / 2 - 0.01);
}

function titleFor(rng: Rng, dept: DemoDepartment, leaf: DemoLeaf, brand: string, noun: string, feature: string | undefined, size: string | undefined, color: string | undefined): string {
  if (dept.titleStyle === 'book') {
    const start = rng.pick(BOOK_TITLE_STARTS);
    const adj = rng.pick(dept.adjectives);
    return `${start} ${adj} ${noun}${leaf.name === 'Cookbooks' ? ': Recipes for Every Day' : leaf.name === 'Travel Guides' ? ': A Traveller’s Guide' : ''}`;
  }
  const adj = rng.next() < 0.7 ? rng.pick(dept.adjectives) + ' ' : '';
  const feat = feature !== undefined && rng.next() < 0.75 ? feature + ' ' : '';
  let title = `${brand} ${adj}${feat}${noun}`;
  if (size !== undefined) title += `, ${size}`;
  if (color !== undefined) title += ` – ${color}`;
  return title;
}

/**
 * Builds the simulated catalogue for a seed: `count` items spread over the category tree (every leaf gets at
 * least one item when `count` allows), with composed titles and descriptions, log-normal prices per category,
 * about 7% out of stock, tags and attrs (brand, color, size, material or the leaf's own feature), and the
 * hidden popularity and quality the shopper simulation draws on. Pure: the same (seed, count, endMs) gives the
 * same catalogue. Item ids are `demo:<seed>:i<n>`.
 */
export function createDemoCatalogue(seed: number, count: number, endMs: number): DemoCatalogue {
  const rng = createRng(mixSeed(seed, 0x17e45));
  const leaves: CatalogueLeaf[] = [];
  const leafDefs: { dept: number; def: DemoLeaf; path: string }[] = [];
  DEMO_DEPARTMENTS.forEach((dept, d) => {
    for (const sub of dept.subcategories) for (const leaf of sub.leaves) leafDefs.push({ dept: d, def: leaf, path: `${dept.name} > ${sub.name} > ${leaf.name}` });
  });
  const breadth = leafDefs.map((l) => l.def.breadth ?? 1);
  const breadthTotal = breadth.reduce((a, b) => a + b, 0);

  // Assign items to leaves: one each first (so every category exists), the rest by breadth.
  const leafOf = new Int32Array(count);
  for (let i = 0; i < count; i++) leafOf[i] = i < leafDefs.length ? i : pickWeighted(rng, breadth, breadthTotal);
  rng.shuffle(Array.from(leafOf)).forEach((v, i) => (leafOf[i] = v));

  // Brand popularity inside a department: the first brands are the big ones (Zipf-like).
  const brandWeights = DEMO_DEPARTMENTS.map((d) => d.brands.map((_, b) => 1 / (b + 1.5)));

  const brandOf = new Int32Array(count);
  const price = new Float64Array(count);
  const relPrice = new Float64Array(count);
  const quality = new Float32Array(count);
  const popularity = new Float64Array(count);
  const inStock = new Uint8Array(count);
  const noun: string[] = new Array<string>(count);
  const items: Item[] = new Array<Item>(count);

  for (let i = 0; i < count; i++) {
    const { dept: d, def: leaf, path } = leafDefs[leafOf[i] as number] as (typeof leafDefs)[number];
    const dept = DEMO_DEPARTMENTS[d] as DemoDepartment;
    const localBrand = pickWeighted(rng, brandWeights[d] as number[]);
    const brand = dept.brands[localBrand] as string;
    brandOf[i] = brandIndex(d, localBrand);
    const n = rng.pick(leaf.nouns);
    noun[i] = n.toLowerCase();
    const featureEntry = leaf.features ? Object.entries(leaf.features)[0] : undefined;
    const feature = featureEntry ? rng.pick(featureEntry[1]) : undefined;
    const size = leaf.sizes && leaf.sizes.length > 0 ? rng.pick(leaf.sizes) : undefined;
    const color = leaf.colored !== false && dept.colors.length > 0 ? rng.pick(dept.colors) : undefined;
    const q = rng.normal();
    quality[i] = q;
    // Better items cost a little more; big brands carry a premium.
    const raw = leaf.priceMedian * Math.exp((leaf.priceSigma ?? 0.45) * rng.normal() + 0.08 * q + (localBrand === 0 ? 0.1 : 0));
    const unit = shopPrice(raw);
    price[i] = unit;
    relPrice[i] = unit / leaf.priceMedian;
    popularity[i] = Math.exp(1.1 * rng.normal() + 0.15 * q) * (brandWeights[d]?.[localBrand] ?? 1) * 1.5;
    inStock[i] = rng.next() < 0.93 ? 1 : 0;
    const title = titleFor(rng, dept, leaf, brand, n, feature, size, color);

    const attrs: Record<string, string> = {};
    if (dept.titleStyle === 'book') attrs['author'] = brand;
    else attrs['brand'] = brand;
    if (color !== undefined) attrs['color'] = color;
    if (size !== undefined) attrs['size'] = size;
    if (featureEntry && feature !== undefined) attrs[featureEntry[0]] = feature;
    if (leaf.features) for (const [key, values] of Object.entries(leaf.features).slice(1)) attrs[key] = rng.pick(values);

    const tags = new Set<string>([leaf.name.toLowerCase(), n.toLowerCase()]);
    if (feature !== undefined) tags.add(feature.toLowerCase());
    if (color !== undefined) tags.add(color.toLowerCase());
    if (unit < leaf.priceMedian * 0.7) tags.add('budget');
    if (unit > leaf.priceMedian * 1.6) tags.add('premium');
    if (rng.next() < 0.08) tags.add('new-arrival');
    if (rng.next() < 0.05) tags.add('sale');

    const blurb1 = rng.pick(dept.blurbs).replace('{noun}', n.toLowerCase());
    let blurb2 = rng.pick(dept.blurbs).replace('{noun}', n.toLowerCase());
    if (blurb2 === blurb1) blurb2 = '';
    const made = featureEntry && feature !== undefined
      ? featureEntry[0] === 'material' ? ` Made of ${feature.toLowerCase()}.` : ` ${capitalize(featureEntry[0])}: ${feature}.`
      : '';
    const by = dept.titleStyle === 'book' ? `A ${leaf.name === 'Novels' ? 'novel' : leaf.name.toLowerCase().replace(/s$/, '')} by ${brand}.` : `From ${brand}.`;
    const description = `${by} ${blurb1}${blurb2 ? ' ' + blurb2 : ''}${made}${size !== undefined ? ` Size: ${size}.` : ''}${color !== undefined ? ` Colour: ${color}.` : ''}`;

    items[i] = {
      id: `demo:${seed}:i${i}`,
      title,
      description,
      category: path,
      price: unit,
      currency: 'USD',
      inStock: inStock[i] === 1,
      tags: [...tags],
      attrs,
      // Listed between 13 months before the window end and a week before it.
      createdAt: endMs - (7 + rng.int(390)) * DAY_MS - rng.int(DAY_MS),
    };
  }

  // Per-leaf item lists and weights.
  const perLeaf: number[][] = leafDefs.map(() => []);
  for (let i = 0; i < count; i++) perLeaf[leafOf[i] as number]?.push(i);
  const nameToLeaf = new Map(leafDefs.map((l, k) => [l.def.name, k]));
  leafDefs.forEach((l, k) => {
    const members = perLeaf[k] as number[];
    let weight = 0;
    for (const i of members) weight += popularity[i] as number;
    leaves.push({
      index: k,
      path: l.path,
      department: l.dept,
      def: l.def,
      items: Int32Array.from(members),
      complements: [],
      weight,
      medianPrice: l.def.priceMedian,
    });
  });
  for (const leaf of leaves) {
    for (const name of leaf.def.complements ?? []) {
      const k = nameToLeaf.get(name);
      if (k !== undefined && (leaves[k]?.items.length ?? 0) > 0) leaf.complements.push(k);
    }
  }
  const departmentLeaves = DEMO_DEPARTMENTS.map((_, d) => leaves.filter((l) => l.department === d && l.items.length > 0).map((l) => l.index));
  return { items, leaves, departmentLeaves, leafOf, brandOf, price, relPrice, quality, popularity, inStock, noun };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Mixes two integers into a well-spread 32-bit seed (a murmur3 finaliser), for independent sub-streams. */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ Math.imul(b >>> 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
