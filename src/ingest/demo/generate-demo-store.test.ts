import { describe, expect, it } from 'vitest';
import { isCartwiseError } from '../../core/errors.ts';
import { createRng } from '../../core/random.ts';
import { eventSchema, itemSchema, userSchema, validate, type Item, type StoredEvent, type User } from '../../core/schemas/index.ts';
import { DAY_MS } from '../../core/time.ts';
import { createDemoCatalogue } from './demo-catalogue.ts';
import { DEMO_DEPARTMENTS } from './demo-vocabulary.ts';
import { generateDemoStore, resolveDemoOptions, typo, type DemoStoreOptions, type DemoSummary } from './generate-demo-store.ts';

const END_MS = Date.UTC(2026, 10, 25);
const SMALL: DemoStoreOptions = { seed: 7, items: 500, users: 2_500, days: 60, endMs: END_MS };

function collect(options: DemoStoreOptions) {
  const items: Item[] = [];
  const users: User[] = [];
  const events: StoredEvent[] = [];
  const kinds: string[] = [];
  const gen = generateDemoStore(options);
  let step = gen.next();
  while (!step.done) {
    const b = step.value;
    kinds.push(b.kind);
    if (b.kind === 'items') items.push(...b.items);
    else if (b.kind === 'users') users.push(...b.users);
    else events.push(...b.events);
    step = gen.next();
  }
  return { items, users, events, kinds, summary: step.value as DemoSummary };
}

const run = collect(SMALL);
const itemIndex = (id: string): number => Number(/:i(\d+)$/.exec(id)?.[1] ?? NaN);
const count = (type: string) => run.events.filter((e) => e.type === type).length;

describe('generateDemoStore: determinism and shape', () => {
  it('gives identical output for the same options and different output for another seed', () => {
    const again = collect(SMALL);
    expect(again.events).toEqual(run.events);
    expect(again.items).toEqual(run.items);
    expect(again.users).toEqual(run.users);
    const other = collect({ ...SMALL, seed: 8 });
    expect(other.items.map((i) => i.title)).not.toEqual(run.items.map((i) => i.title));
    expect(other.events.length).not.toBe(run.events.length);
    expect(other.events[0]?.id.startsWith('demo:8:20261125:')).toBe(true);
  });

  it('derives event ids from seed and window day, so another day gives new ids and the same catalogue ids', () => {
    const nextDay = collect({ ...SMALL, users: 50, endMs: END_MS + DAY_MS });
    expect(nextDay.events[0]?.id).toBe('demo:7:20261126:e0');
    expect(run.events[0]?.id).toBe('demo:7:20261125:e0');
    expect(nextDay.items[0]?.id).toBe(run.items[0]?.id);
    expect(new Set(run.events.map((e) => e.id)).size).toBe(run.events.length);
  });

  it('yields the catalogue first, then bounded batches of users and events', () => {
    expect(run.kinds[0]).toBe('items');
    expect(run.kinds.lastIndexOf('items')).toBeLessThan(run.kinds.indexOf('users'));
    expect(run.kinds.filter((k) => k === 'events').length).toBeGreaterThan(3);
    expect(run.items).toHaveLength(500);
    expect(run.users).toHaveLength(2_500);
    expect(run.summary.events).toBe(run.events.length);
    expect(run.summary.eventsByType['view']).toBe(count('view'));
  });

  it('rejects bad options naming the option', () => {
    for (const [bad, name] of [[{ items: 0 }, 'items'], [{ users: 1.5 }, 'users'], [{ seed: -1 }, 'seed'], [{ days: 100_000 }, 'days']] as const) {
      let caught: unknown;
      try {
        resolveDemoOptions(bad);
      } catch (err) {
        caught = err;
      }
      expect(isCartwiseError(caught) && caught.code === 'INVALID_PARAM').toBe(true);
      expect((caught as Error).message).toContain(`\`${name}\``);
    }
    expect(resolveDemoOptions({}, END_MS + 5 * 3_600_000).endMs).toBe(END_MS);
  });
});

describe('generateDemoStore: valid entities', () => {
  it('every item, user and event passes the public schemas', () => {
    for (const item of run.items) expect(validate(itemSchema, item)).toMatchObject({ ok: true });
    for (const user of run.users) expect(validate(userSchema, user)).toMatchObject({ ok: true });
    const bad = run.events.map((e) => validate(eventSchema, e)).filter((r) => !r.ok);
    expect(bad).toEqual([]);
  });

  it('every event has a session, lies in the window and names a catalogue item', () => {
    const ids = new Set(run.items.map((i) => i.id));
    const users = new Set(run.users.map((u) => u.id));
    for (const e of run.events) {
      expect(e.sessionId).toBeTruthy();
      expect(users.has(e.userId)).toBe(true);
      expect(e.ts).toBeGreaterThanOrEqual(END_MS - 60 * DAY_MS);
      expect(e.ts).toBeLessThan(END_MS);
      if (e.type !== 'search') expect(ids.has(e.itemId as string)).toBe(true);
    }
  });

  it('has realistic items: three-level categories, prices per category, some out of stock, attrs', () => {
    expect(run.items.every((i) => i.category?.split(' > ').length === 3)).toBe(true);
    expect(new Set(run.items.map((i) => i.category?.split(' > ')[0])).size).toBeGreaterThanOrEqual(8);
    expect(new Set(run.items.map((i) => i.title)).size).toBeGreaterThan(480);
    const median = (cat: string) => {
      const p = run.items.filter((i) => i.category?.endsWith(cat)).map((i) => i.price as number).sort((a, b) => a - b);
      return p[Math.floor(p.length / 2)] as number;
    };
    expect(median('Digital Cameras')).toBeGreaterThan(5 * median('Mugs'));
    const outOfStock = run.items.filter((i) => i.inStock === false).length / run.items.length;
    expect(outOfStock).toBeGreaterThan(0.02);
    expect(outOfStock).toBeLessThan(0.15);
    expect(run.items.filter((i) => typeof i.attrs?.['brand'] === 'string').length).toBeGreaterThan(400);
    expect(run.items.every((i) => (i.description?.length ?? 0) > 30 && (i.tags?.length ?? 0) >= 2)).toBe(true);
    for (const u of run.users) expect(Object.keys(u.attrs ?? {}).sort()).toEqual(['country', 'device', 'source']);
  });
});

describe('generateDemoStore: behaviour that analytics and models can find', () => {
  it('emits at least 5 event types with a sane funnel', () => {
    const types = Object.keys(run.summary.eventsByType);
    expect(types.length).toBeGreaterThanOrEqual(5);
    for (const t of ['view', 'search', 'add_to_cart', 'remove_from_cart', 'purchase', 'review', 'click']) expect(types).toContain(t);
    const views = count('view');
    const carts = count('add_to_cart');
    const purchases = count('purchase');
    expect(views).toBeGreaterThan(carts);
    expect(carts).toBeGreaterThan(purchases);
    expect(carts / views).toBeGreaterThan(0.03);
    expect(carts / views).toBeLessThan(0.25);
    expect(purchases / carts).toBeGreaterThan(0.15);
    expect(purchases / carts).toBeLessThan(0.8);
  });

  it('has busier weekends and an evening peak', () => {
    const firstOfSession = new Map<string, number>();
    for (const e of run.events) if (!e.sessionId?.includes(':r')) firstOfSession.set(e.sessionId as string, Math.min(firstOfSession.get(e.sessionId as string) ?? Infinity, e.ts));
    const starts = [...firstOfSession.values()];
    const weekend = starts.filter((t) => [0, 6].includes(new Date(t).getUTCDay())).length / starts.length;
    expect(weekend).toBeGreaterThan(2 / 7 + 0.04);
    const byDay = new Array<number>(7).fill(0);
    for (const t of starts) byDay[new Date(t).getUTCDay()] = (byDay[new Date(t).getUTCDay()] ?? 0) + 1;
    const weekdayMax = Math.max(...byDay.slice(1, 6));
    expect(Math.min(byDay[0] as number, byDay[6] as number)).toBeGreaterThan(weekdayMax);
    const evening = starts.filter((t) => new Date(t).getUTCHours() >= 18 && new Date(t).getUTCHours() < 22).length;
    const night = starts.filter((t) => new Date(t).getUTCHours() >= 2 && new Date(t).getUTCHours() < 6).length;
    expect(evening).toBeGreaterThan(4 * night);
  });

  it('has returning customers (a few loyal) and many one-time visitors', () => {
    const sessions = new Map<string, Set<string>>();
    for (const e of run.events) {
      if (e.type === 'review') continue;
      const set = sessions.get(e.userId) ?? new Set<string>();
      set.add(e.sessionId as string);
      sessions.set(e.userId, set);
    }
    const perUser = [...sessions.values()].map((s) => s.size);
    const returning = perUser.filter((n) => n >= 2).length / perUser.length;
    expect(returning).toBeGreaterThan(0.15);
    expect(returning).toBeLessThan(0.7);
    expect(perUser.filter((n) => n >= 5).length).toBeGreaterThan(20);
    const buyers = new Map<string, number>();
    for (const e of run.events) if (e.type === 'purchase') buyers.set(e.userId, (buyers.get(e.userId) ?? 0) + 1);
    expect([...buyers.values()].some((n) => n >= 3)).toBe(true);
  });

  it('prices every purchase: unit price, quantity, revenue = price × quantity, an order id', () => {
    const purchases = run.events.filter((e) => e.type === 'purchase');
    expect(purchases.length).toBeGreaterThan(100);
    const prices = new Map(run.items.map((i) => [i.id, i.price]));
    for (const p of purchases) {
      expect(p.price).toBeGreaterThan(0);
      expect(p.price).toBe(prices.get(p.itemId as string));
      expect(p.quantity).toBeGreaterThanOrEqual(1);
      expect(p.revenue).toBeCloseTo((p.price as number) * (p.quantity as number), 2);
      expect(typeof p.props?.['orderId']).toBe('string');
    }
    expect(run.summary.orders).toBe(new Set(purchases.map((p) => p.props?.['orderId'])).size);
    for (const c of run.events.filter((e) => e.type === 'add_to_cart')) expect(c.price).toBeGreaterThan(0);
  });

  it('ratings follow the hidden item quality and review texts match the rating', () => {
    const { quality } = createDemoCatalogue(SMALL.seed as number, SMALL.items as number, END_MS);
    const reviews = run.events.filter((e) => e.type === 'review');
    expect(reviews.length).toBeGreaterThan(30);
    const xs = reviews.map((r) => quality[itemIndex(r.itemId as string)] as number);
    const ys = reviews.map((r) => r.rating as number);
    expect(pearson(xs, ys)).toBeGreaterThan(0.5);
    expect(ys.every((y) => Number.isInteger(y) && y >= 1 && y <= 5)).toBe(true);
    const lows = reviews.filter((r) => (r.rating as number) <= 2).map((r) => r.text ?? '');
    const highs = reviews.filter((r) => r.rating === 5).map((r) => r.text ?? '');
    expect(lows.length).toBeGreaterThan(0);
    expect(lows.some((t) => /love|excellent|perfect/i.test(t))).toBe(false);
    expect(highs.some((t) => /disappoint|broke|poor/i.test(t))).toBe(false);
  });

  it('buys complements together far more often than chance (frequently bought together has signal)', () => {
    const catalogue = createDemoCatalogue(SMALL.seed as number, SMALL.items as number, END_MS);
    const orders = new Map<string, Set<number>>();
    for (const e of run.events) {
      if (e.type !== 'purchase') continue;
      const leaves = orders.get(e.props?.['orderId'] as string) ?? new Set<number>();
      leaves.add(catalogue.leafOf[itemIndex(e.itemId as string)] as number);
      orders.set(e.props?.['orderId'] as string, leaves);
    }
    const all = [...orders.values()];
    let withA = 0;
    let withAandB = 0;
    let baseB = 0;
    let pairs = 0;
    for (const leaf of catalogue.leaves) {
      for (const b of leaf.complements) {
        const ordersWithA = all.filter((o) => o.has(leaf.index));
        withA += ordersWithA.length;
        withAandB += ordersWithA.filter((o) => o.has(b)).length;
        baseB += all.filter((o) => o.has(b)).length / all.length;
        pairs++;
      }
    }
    const conditional = withAandB / withA;
    const base = baseB / pairs;
    expect(conditional / base).toBeGreaterThan(3);
  });

  it('derives search queries from the catalogue, a few with typos', () => {
    const searches = run.events.filter((e) => e.type === 'search').map((e) => e.query as string);
    expect(searches.length).toBeGreaterThan(100);
    const words = new Set(run.items.flatMap((i) => `${i.title} ${i.category ?? ''} ${String(i.attrs?.['brand'] ?? '')}`.toLowerCase().split(/[\s,–>:]+/)));
    words.add('cheap');
    const unknown = searches.filter((q) => q.split(' ').some((w) => !words.has(w)));
    expect(unknown.length).toBeGreaterThan(0); // typos
    expect(unknown.length / searches.length).toBeLessThan(0.15);
  });
});

describe('demo vocabulary', () => {
  it('has unique leaf names, and every complement names an existing leaf', () => {
    const leaves = DEMO_DEPARTMENTS.flatMap((d) => d.subcategories.flatMap((s) => s.leaves));
    const names = new Set(leaves.map((l) => l.name));
    expect(names.size).toBe(leaves.length);
    const complements = leaves.flatMap((l) => l.complements ?? []);
    expect(complements.length).toBeGreaterThan(20);
    expect(complements.filter((c) => !names.has(c))).toEqual([]);
  });
});

describe('typo', () => {
  it('changes one word by one keystroke, deterministically', () => {
    const a = typo(createRng(1), 'espresso machine');
    expect(a).not.toBe('espresso machine');
    expect(a).toBe(typo(createRng(1), 'espresso machine'));
    expect(Math.abs(a.length - 'espresso machine'.length)).toBeLessThanOrEqual(1);
    expect(typo(createRng(1), 'a b c')).toBe('a b c');
  });
});

function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
