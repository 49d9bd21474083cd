/**
 * The demo store generator: a deterministic simulation of an online shop. Shoppers have latent tastes
 * (favourite departments and brands), price sensitivity, a device, a country and a first-touch source; they come
 * back in sessions over the window (weekends busier, evenings busiest; a few loyal customers, many one-time
 * visitors) and browse, search (sometimes with typos), add to cart, remove, abandon, buy (with complements
 * such as a camera and a memory card) and review later (ratings follow a hidden item quality).
 *
 * Everything comes from `createRng` streams derived from the seed, so (seed, items, users, days, endMs) fixes the
 * output. The generator yields batches, never one giant array: the catalogue first, then shoppers and their
 * events as they are simulated.
 */
import { CartwiseError } from '../../core/errors.ts';
import { createRng, type Rng } from '../../core/random.ts';
import type { Item, StoredEvent, User } from '../../core/schemas/index.ts';
import { DAY_MS, HOUR_MS, MIN_TS_MS } from '../../core/time.ts';
import { brandIndex, createDemoCatalogue, mixSeed, pickWeighted, type DemoCatalogue } from './demo-catalogue.ts';
import { DEMO_COUNTRIES, DEMO_DEPARTMENTS, DEMO_DEVICES, DEMO_SOURCES, REVIEW_PHRASES, REVIEW_TAILS } from './demo-vocabulary.ts';

export interface DemoStoreOptions {
  /** Random seed (integer ≥ 0; default 42). */
  seed?: number;
  /** Catalogue size (default 3,000). */
  items?: number;
  /** Number of shoppers (default 20,000). */
  users?: number;
  /** Length of the simulated window in days (default 90). */
  days?: number;
  /** End of the window, epoch ms (default: the most recent UTC midnight). */
  endMs?: number;
  /** Events per yielded batch (default 5,000). */
  batchSize?: number;
}

export type ResolvedDemoOptions = Required<DemoStoreOptions>;

export const DEMO_DEFAULTS = { seed: 42, items: 3_000, users: 20_000, days: 90, batchSize: 5_000 } as const;

const BOUNDS = {
  seed: [0, 4_294_967_295],
  items: [1, 500_000],
  users: [1, 5_000_000],
  days: [1, 3_650],
  batchSize: [1, 1_000_000],
} as const satisfies Record<string, readonly [number, number]>;

/** The most recent UTC midnight at or before `nowMs`. */
export function startOfUtcDay(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

/**
 * Fills in defaults and checks every option, throwing `INVALID_PARAM` naming the option when one is not an
 * integer in range. `endMs` defaults to the start of the current UTC day, so runs on the same day agree.
 */
export function resolveDemoOptions(options: DemoStoreOptions = {}, nowMs: number = Date.now()): ResolvedDemoOptions {
  const out = { ...DEMO_DEFAULTS, endMs: startOfUtcDay(nowMs) } as ResolvedDemoOptions;
  for (const key of Object.keys(BOUNDS) as (keyof typeof BOUNDS)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const [lo, hi] = BOUNDS[key];
    if (!Number.isInteger(value) || value < lo || value > hi) {
      throw new CartwiseError('INVALID_PARAM', { name: key, reason: `must be an integer from ${lo} to ${hi.toLocaleString('en-US')}; got ${String(value)}` });
    }
    out[key] = value;
  }
  if (options.endMs !== undefined) {
    if (!Number.isInteger(options.endMs)) throw new CartwiseError('INVALID_PARAM', { name: 'endMs', reason: `must be an integer epoch ms; got ${String(options.endMs)}` });
    out.endMs = options.endMs;
  }
  if (out.endMs - out.days * DAY_MS < MIN_TS_MS) {
    throw new CartwiseError('INVALID_PARAM', { name: 'endMs', reason: 'the window would start before 1990' });
  }
  return out;
}

/** The id prefix of a run's events, sessions and orders: `demo:<seed>:<yyyymmdd>` (or `…:<endMs>` off midnight). */
export function demoRunKey(options: Pick<ResolvedDemoOptions, 'seed' | 'endMs'>): string {
  const day = options.endMs % DAY_MS === 0 ? new Date(options.endMs).toISOString().slice(0, 10).replace(/-/g, '') : String(options.endMs);
  return `demo:${options.seed}:${day}`;
}

/** One batch from the generator. `shoppersDone` counts shoppers simulated so far (for progress). */
export type DemoBatch =
  | { kind: 'items'; items: Item[]; shoppersDone: number }
  | { kind: 'users'; users: User[]; shoppersDone: number }
  | { kind: 'events'; events: StoredEvent[]; shoppersDone: number };

/** What a generator run produced (its return value). */
export interface DemoSummary {
  items: number;
  users: number;
  events: number;
  eventsByType: Record<string, number>;
  sessions: number;
  orders: number;
  /** Sum of purchase revenue, USD. */
  revenue: number;
  firstEventMs: number | null;
  lastEventMs: number | null;
}

const SEGMENTS = [
  // share, extra sessions (geometric mean), mean gap between sessions in days, purchase propensity
  { name: 'one-time', share: 0.64, extraSessions: 0.12, gapDays: 12, buy: 0.85 },
  { name: 'regular', share: 0.28, extraSessions: 2.2, gapDays: 14, buy: 1.1 },
  { name: 'loyal', share: 0.08, extraSessions: 9, gapDays: 6, buy: 1.45 },
] as const;

/** Relative traffic by UTC weekday (0 = Sunday): weekends are busier. */
const WEEKDAY_WEIGHT = [1.3, 0.92, 0.9, 0.92, 0.96, 1.05, 1.38] as const;
/** Relative traffic by hour of day: quiet nights, a lunch bump, an evening peak. */
const HOUR_WEIGHT = [0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.8, 0.9, 0.95, 1.0, 1.15, 1.1, 0.95, 0.9, 0.95, 1.05, 1.25, 1.5, 1.65, 1.6, 1.25, 0.7] as const;
const HOUR_TOTAL = HOUR_WEIGHT.reduce((a, b) => a + b, 0);
const WEEKDAY_MAX = Math.max(...WEEKDAY_WEIGHT);

/** Sessions start at least this long before the window end, so they finish inside it. */
const SESSION_MARGIN_MS = 3 * HOUR_MS;

const weightsOf = (table: readonly (readonly [string, number])[]) => table.map(([, w]) => w);
const COUNTRY_W = weightsOf(DEMO_COUNTRIES);
const DEVICE_W = weightsOf(DEMO_DEVICES);
const SOURCE_W = weightsOf(DEMO_SOURCES);
const DEPT_APPEAL = DEMO_DEPARTMENTS.map((d) => d.appeal);

/** A shopper's latent traits (never exported into the store except device, country and source). */
interface Shopper {
  index: number;
  id: string;
  /** [nDepartments] taste weights */
  taste: Float64Array;
  tasteTotal: number;
  favouriteBrands: Set<number>;
  /** 0 (ignores price) … 1 (bargain hunter) */
  priceSensitivity: number;
  device: string;
  country: string;
  source: string;
  segment: (typeof SEGMENTS)[number];
}

function createShopper(rng: Rng, index: number, seed: number): Shopper {
  const taste = new Float64Array(DEMO_DEPARTMENTS.length).fill(0.12);
  const favourites = 1 + (rng.next() < 0.55 ? 1 : 0) + (rng.next() < 0.2 ? 1 : 0);
  const favouriteBrands = new Set<number>();
  for (let k = 0; k < favourites; k++) {
    const d = pickWeighted(rng, DEPT_APPEAL);
    taste[d] = (taste[d] as number) + 3 / (k + 1);
    const brands = DEMO_DEPARTMENTS[d]?.brands.length ?? 1;
    // Favourite brands lean towards the big ones but not exclusively.
    favouriteBrands.add(brandIndex(d, rng.next() < 0.5 ? rng.int(Math.min(2, brands)) : rng.int(brands)));
  }
  let tasteTotal = 0;
  for (const t of taste) tasteTotal += t;
  const segment = SEGMENTS[pickWeighted(rng, SEGMENTS.map((s) => s.share))] ?? SEGMENTS[0];
  return {
    index,
    id: `demo:${seed}:u${index}`,
    taste,
    tasteTotal,
    favouriteBrands,
    priceSensitivity: rng.next() ** 0.8,
    device: DEMO_DEVICES[pickWeighted(rng, DEVICE_W)]?.[0] ?? 'mobile',
    country: DEMO_COUNTRIES[pickWeighted(rng, COUNTRY_W)]?.[0] ?? 'US',
    source: DEMO_SOURCES[pickWeighted(rng, SOURCE_W)]?.[0] ?? 'organic',
    segment,
  };
}

/** Session start times: first visit uniform over the window (a slight growth trend), then exponential gaps. */
function sessionStarts(rng: Rng, shopper: Shopper, startMs: number, endMs: number): number[] {
  const windowMs = endMs - startMs;
  const wanted = 1 + Math.floor(-Math.log(1 - rng.next()) * shopper.segment.extraSessions);
  const out: number[] = [];
  // Density rising gently over the window (the shop grows); repeat customers tend to have arrived earlier.
  const reach = shopper.segment.name === 'one-time' ? 1 : 0.7;
  let t = placeInWeek(rng, () => startMs + windowMs * reach * rng.next() ** 0.85, startMs);
  for (let k = 0; k < wanted; k++) {
    const prev = t;
    if (k > 0) t = placeInWeek(rng, () => prev + (-Math.log(1 - rng.next()) * shopper.segment.gapDays + 0.3) * DAY_MS, startMs);
    if (t >= endMs - SESSION_MARGIN_MS) break;
    out.push(t);
  }
  for (let tries = 0; out.length === 0 && tries < 20; tries++) {
    // A first visit drawn too late: redraw it anywhere in the window.
    const placed = placeInWeek(rng, () => startMs + rng.next() * Math.max(0, windowMs - DAY_MS), startMs);
    if (placed < endMs - SESSION_MARGIN_MS) out.push(placed);
  }
  if (out.length === 0) out.push(Math.max(startMs, endMs - 2 * SESSION_MARGIN_MS));
  return out;
}

/**
 * Draws a time from `draw` and keeps it with probability ∝ its weekday's weight (rejection sampling: weekends
 * busier), then sets the hour from the daily cycle.
 */
function placeInWeek(rng: Rng, draw: () => number, startMs: number): number {
  let day = 0;
  for (let tries = 0; tries < 12; tries++) {
    day = Math.floor(draw() / DAY_MS);
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    if (rng.next() * WEEKDAY_MAX < (WEEKDAY_WEIGHT[weekday] as number)) break;
  }
  const hour = pickWeighted(rng, HOUR_WEIGHT, HOUR_TOTAL);
  return Math.max(startMs, day * DAY_MS + hour * HOUR_MS + rng.int(HOUR_MS));
}

/** Introduces one keyboard slip into a word of at least four letters. */
export function typo(rng: Rng, text: string): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => (w.length >= 4 ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const wi = rng.pick(candidates);
  const w = words[wi] as string;
  const p = 1 + rng.int(w.length - 2);
  const op = rng.int(3);
  const next =
    op === 0 ? w.slice(0, p) + (w[p + 1] ?? '') + (w[p] ?? '') + w.slice(p + 2) // swap
      : op === 1 ? w.slice(0, p) + w.slice(p + 1) // drop
        : w.slice(0, p) + (w[p] ?? '') + w.slice(p); // double
  words[wi] = next;
  return words.join(' ');
}

function queryFor(rng: Rng, catalogue: DemoCatalogue, item: number): string {
  const it = catalogue.items[item] as Item;
  const noun = catalogue.noun[item] as string;
  const leaf = catalogue.leaves[catalogue.leafOf[item] as number];
  const attrs = it.attrs ?? {};
  const r = rng.next();
  let q: string;
  if (r < 0.3) q = noun;
  else if (r < 0.45 && typeof attrs['brand'] === 'string') q = `${attrs['brand']} ${noun}`;
  else if (r < 0.6 && typeof attrs['color'] === 'string') q = `${attrs['color']} ${noun}`;
  else if (r < 0.72) q = (leaf?.def.name ?? noun).toLowerCase();
  else if (r < 0.82 && typeof attrs['author'] === 'string') q = String(attrs['author']);
  else if (r < 0.92) q = it.title.split(/[,–]/)[0]?.trim() ?? noun;
  else q = `cheap ${noun}`;
  q = q.toLowerCase();
  return rng.next() < 0.08 ? typo(rng, q) : q;
}

function reviewText(rng: Rng, rating: 1 | 2 | 3 | 4 | 5, noun: string): string {
  const first = rng.pick(REVIEW_PHRASES[rating]).replace('{noun}', noun);
  const tail = rng.pick(REVIEW_TAILS[rating]);
  return tail ? `${first} ${tail}` : first;
}

/** Rounds money to cents. */
const cents = (x: number): number => Math.round(x * 100) / 100;

/**
 * Simulates the demo store and yields it in batches: items (1,000 per batch), then shoppers (`users` batches)
 * and their events (`events` batches of `batchSize`), interleaved as shoppers are simulated. Ids are
 * deterministic — items `demo:<seed>:i<n>`, users `demo:<seed>:u<n>`, events `demo:<seed>:<yyyymmdd>:e<n>`
 * (the day of `endMs`) — so storing the same run twice inserts nothing new. Options are checked with
 * {@link resolveDemoOptions}. The generator's return value is a {@link DemoSummary}.
 */
export function* generateDemoStore(options: DemoStoreOptions = {}): Generator<DemoBatch, DemoSummary, undefined> {
  const o = resolveDemoOptions(options);
  const { seed, endMs, batchSize } = o;
  const startMs = endMs - o.days * DAY_MS;
  const catalogue = createDemoCatalogue(seed, o.items, endMs);
  const prefix = demoRunKey(o);
  const summary: DemoSummary = { items: o.items, users: 0, events: 0, eventsByType: {}, sessions: 0, orders: 0, revenue: 0, firstEventMs: null, lastEventMs: null };

  for (let i = 0; i < catalogue.items.length; i += 1000) yield { kind: 'items', items: catalogue.items.slice(i, i + 1000), shoppersDone: 0 };

  const { leaves, departmentLeaves, leafOf, brandOf, relPrice, quality, popularity, inStock, price, noun } = catalogue;
  const deptWeight = departmentLeaves.map((ls) => ls.reduce((s, l) => s + (leaves[l]?.weight ?? 0), 0));
  let eventCounter = 0;
  let orderCounter = 0;
  let events: StoredEvent[] = [];
  let users: User[] = [];
  // Scratch buffer for per-shopper item weights inside a leaf.
  let scratch = new Float64Array(64);

  /** Adds an event and returns its id (undefined when it falls after the window). */
  const emit = (e: Omit<StoredEvent, 'id'>): string | undefined => {
    if (e.ts >= endMs) return undefined; // a very long last session: the window ends first
    const ev = { id: `${prefix}:e${eventCounter++}`, ...e } as StoredEvent;
    events.push(ev);
    summary.events++;
    summary.eventsByType[ev.type] = (summary.eventsByType[ev.type] ?? 0) + 1;
    if (summary.firstEventMs === null || ev.ts < summary.firstEventMs) summary.firstEventMs = ev.ts;
    if (summary.lastEventMs === null || ev.ts > summary.lastEventMs) summary.lastEventMs = ev.ts;
    return ev.id;
  };

  /** Picks a leaf by the shopper's taste (department) then popularity (leaf). */
  const pickLeaf = (rng: Rng, s: Shopper): number => {
    let d = pickWeighted(rng, s.taste, s.tasteTotal);
    if ((departmentLeaves[d]?.length ?? 0) === 0) d = pickWeighted(rng, deptWeight);
    const ls = departmentLeaves[d] as number[];
    let total = 0;
    for (const l of ls) total += leaves[l]?.weight ?? 0;
    let r = rng.next() * total;
    for (const l of ls) {
      r -= leaves[l]?.weight ?? 0;
      if (r < 0) return l;
    }
    return ls[ls.length - 1] as number;
  };

  /** Picks an item in a leaf: popularity × favourite brand × price fit × stock; `brand` boosts one brand. */
  const pickItem = (rng: Rng, s: Shopper, leaf: number, brand = -1): number => {
    const members = leaves[leaf]?.items as Int32Array;
    if (members.length > scratch.length) scratch = new Float64Array(members.length * 2);
    const exponent = 0.2 + 1.6 * s.priceSensitivity;
    let total = 0;
    for (let k = 0; k < members.length; k++) {
      const i = members[k] as number;
      let w = (popularity[i] as number) * Math.pow(relPrice[i] as number, -exponent);
      const b = brandOf[i] as number;
      if (s.favouriteBrands.has(b)) w *= 3;
      if (b === brand) w *= 5;
      if (inStock[i] === 0) w *= 0.35;
      scratch[k] = w;
      total += w;
    }
    let r = rng.next() * total;
    for (let k = 0; k < members.length; k++) {
      r -= scratch[k] as number;
      if (r < 0) return members[k] as number;
    }
    return members[members.length - 1] as number;
  };

  for (let u = 0; u < o.users; u++) {
    const rng = createRng(mixSeed(seed, u + 1));
    const s = createShopper(rng, u, seed);
    const starts = sessionStarts(rng, s, startMs, endMs);
    summary.users++;
    users.push({ id: s.id, attrs: { country: s.country, device: s.device, source: s.source } });

    /** Items left in an abandoned cart, revisited in a later session. */
    let abandoned: number[] = [];
    starts.forEach((start, k) => {
      summary.sessions++;
      const sessionId = `${prefix}:s${u}.${k}`;
      // Returning visits come back through email or directly more often than new ones.
      const source = k === 0 ? s.source : rng.next() < 0.35 ? 'email' : rng.next() < 0.5 ? 'direct' : s.source;
      const device = rng.next() < 0.85 ? s.device : DEMO_DEVICES[pickWeighted(rng, DEVICE_W)]?.[0] ?? s.device;
      const props = { device, source };
      let t = start;
      const step = () => {
        t += Math.round(4_000 + -Math.log(1 - rng.next()) * 40_000);
      };
      const cart = new Map<number, number>(); // item → quantity
      let leaf = pickLeaf(rng, s);
      let nextItem = -1;
      let nextBrand = -1;
      /** The next view comes with a reason to buy (a complement, an item left in the cart). */
      let intent = false;
      let extraViews = 0;

      if (abandoned.length > 0 && rng.next() < 0.4) {
        nextItem = rng.pick(abandoned);
        intent = true;
      }
      abandoned = [];
      if (nextItem < 0 && rng.next() < (device === 'desktop' ? 0.38 : 0.26)) {
        const target = pickItem(rng, s, leaf);
        const query = queryFor(rng, catalogue, target);
        const searchId = emit({ type: 'search', userId: s.id, sessionId, ts: t, query, props: { ...props, results: Math.max(1, leaves[leaf]?.items.length ?? 1) } });
        step();
        if (rng.next() < 0.8) {
          // The click carries the search's id as recId, as the storefront SDK sends it, so search click learning works.
          emit({ type: 'click', userId: s.id, sessionId, itemId: catalogue.items[target]?.id as string, ts: t, ...(searchId ? { recId: searchId } : {}), props: { ...props, position: 1 + Math.floor(-Math.log(1 - rng.next()) * 2.5) } });
          step();
          nextItem = target;
        }
      }

      const meanViews = device === 'desktop' ? 5.5 : device === 'tablet' ? 4.5 : 3.8;
      const nViews = Math.min(40, 1 + Math.floor(-Math.log(1 - rng.next()) * meanViews));
      for (let v = 0; v < nViews; v++) {
        let item: number;
        if (nextItem >= 0) {
          item = nextItem;
          nextItem = -1;
        } else {
          if (v > 0) {
            const r = rng.next();
            if (r >= 0.68) leaf = pickLeaf(rng, s);
          }
          item = pickItem(rng, s, leaf, nextBrand);
        }
        leaf = leafOf[item] as number;
        nextBrand = -1;
        const itemId = catalogue.items[item]?.id as string;
        emit({ type: 'view', userId: s.id, sessionId, itemId, ts: t, props });
        step();
        const hadIntent = intent;
        intent = false;

        if (cart.size > 0 && rng.next() < 0.05) {
          const keys = [...cart.keys()];
          const gone = keys[rng.int(keys.length)] as number;
          emit({ type: 'remove_from_cart', userId: s.id, sessionId, itemId: catalogue.items[gone]?.id as string, ts: t, quantity: cart.get(gone) as number, props });
          cart.delete(gone);
          step();
        }

        if (inStock[item] === 0 || cart.has(item)) continue;
        const priceFit = Math.min(1.6, Math.pow(relPrice[item] as number, -0.8 * s.priceSensitivity));
        const pCart = Math.min(0.8, 0.065 * Math.exp(0.35 * (quality[item] as number)) * priceFit * (hadIntent ? 3.2 : 1) * s.segment.buy);
        if (rng.next() >= pCart) continue;
        const unit = price[item] as number;
        const quantity = unit < 15 && rng.next() < 0.3 ? 2 + rng.int(2) : 1;
        emit({ type: 'add_to_cart', userId: s.id, sessionId, itemId, ts: t, quantity, price: unit, props });
        step();
        cart.set(item, quantity);
        // Complements: a camera sends the shopper to memory cards, often of the same brand.
        const comps = leaves[leaf]?.complements ?? [];
        if (comps.length > 0 && rng.next() < 0.55) {
          const cl = comps[rng.int(comps.length)] as number;
          const ci = pickItem(rng, s, cl, brandOf[item] as number);
          nextItem = ci;
          intent = true;
          if (v === nViews - 1 && extraViews++ < 3) v--; // make room for the complement view
        }
      }

      if (cart.size === 0) return;
      let total = 0;
      for (const [i, q] of cart) total += (price[i] as number) * q;
      const deviceFactor = device === 'mobile' ? 0.8 : device === 'desktop' ? 1.15 : 1;
      const pBuy = Math.max(0.05, Math.min(0.9, 0.38 * deviceFactor * s.segment.buy * (1 - 0.12 * s.priceSensitivity * Math.log10(1 + total / 50))));
      if (rng.next() >= pBuy) {
        abandoned = [...cart.keys()];
        return;
      }
      step();
      const orderId = `${prefix}:o${orderCounter++}`;
      summary.orders++;
      for (const [i, quantity] of cart) {
        const unit = price[i] as number;
        const revenue = cents(unit * quantity);
        summary.revenue += revenue;
        const itemId = catalogue.items[i]?.id as string;
        emit({ type: 'purchase', userId: s.id, sessionId, itemId, ts: t, quantity, price: unit, revenue, props: { ...props, orderId } });
        // Reviews: a minority review, more often when the item is very good or very bad.
        const q = quality[i] as number;
        if (rng.next() < 0.1 + 0.07 * Math.abs(q)) {
          const reviewTs = t + Math.round((2 + rng.next() * 19) * DAY_MS);
          if (reviewTs < endMs) {
            const raw = 3.5 + 1.05 * q + 0.75 * rng.normal();
            const rating = Math.min(5, Math.max(1, Math.round(raw))) as 1 | 2 | 3 | 4 | 5;
            emit({ type: 'review', userId: s.id, sessionId: `${prefix}:r${u}.${k}.${i}`, itemId, ts: reviewTs, rating, text: reviewText(rng, rating, noun[i] as string), props: { device, source: 'email', orderId } });
          }
        }
      }
    });

    if (users.length >= 1000) {
      yield { kind: 'users', users, shoppersDone: u + 1 };
      users = [];
    }
    if (events.length >= batchSize) {
      yield { kind: 'events', events, shoppersDone: u + 1 };
      events = [];
    }
  }
  if (users.length > 0) yield { kind: 'users', users, shoppersDone: o.users };
  if (events.length > 0) yield { kind: 'events', events, shoppersDone: o.users };
  summary.revenue = cents(summary.revenue);
  return summary;
}
