import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventSchema } from '../core/schemas/event.ts';
import { createCartwise } from './cartwise.ts';
import { fakeEnvironment, MemoryStorage, type FakeEnvironment } from './test-support/fake-environment.ts';
import type { TrackedEvent } from './types.ts';

const KEY = 'w'.repeat(20);

function setup(consent = true, storage = new MemoryStorage()): { env: FakeEnvironment; cw: ReturnType<typeof createCartwise>; sent(): Promise<TrackedEvent[]> } {
  const env = fakeEnvironment(storage);
  const cw = createCartwise(env).init({ writeKey: KEY, consent, autoMountWidgets: false, flushIntervalMs: 60_000 });
  return {
    env,
    cw,
    async sent() {
      await cw.flush();
      return env.calls.flatMap((c) => c.events);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('track API', () => {
  it('maps every call to a valid event of the server schema', async () => {
    const { cw, sent } = setup();
    cw.track.pageView({ campaign: 'spring' });
    cw.track.productView('i1', { recId: 'rec-1' });
    cw.track.addToCart('i1', 2, 12.5);
    cw.track.removeFromCart('i1');
    cw.track.search('blue mug', ['i1', 'i2'], 'srch-1');
    cw.track.review('i1', 4, 'Lovely');
    cw.track.event('wishlist_add', { itemId: 'i2' });
    const events = await sent();
    expect(events.map((e) => e.type)).toEqual(['page_view', 'view', 'add_to_cart', 'remove_from_cart', 'search', 'review', 'wishlist_add']);
    for (const e of events) expect(eventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
    expect(events[0]!.props).toEqual({ path: '/shop?x=1', title: 'Shop', referrer: 'https://example.org/', campaign: 'spring' });
    expect(events[1]).toMatchObject({ itemId: 'i1', recId: 'rec-1' });
    expect(events[2]).toMatchObject({ itemId: 'i1', quantity: 2, price: 12.5 });
    expect(events[3]).toMatchObject({ itemId: 'i1', quantity: 1 });
    expect(events[4]).toMatchObject({ query: 'blue mug', recId: 'srch-1', props: { resultCount: 2, results: 'i1,i2' } });
    expect(events[5]).toMatchObject({ rating: 4, text: 'Lovely' });
  });

  it('sends one purchase event per order line with the order id and line revenue', async () => {
    const { cw, sent } = setup();
    const ids = cw.track.purchase({ orderId: 'o-7', lines: [{ itemId: 'a', quantity: 3, price: 1.1 }, { itemId: 'b', quantity: 1, price: 20 }], revenue: 28.3 });
    expect(ids).toHaveLength(2);
    const events = await sent();
    expect(events.map((e) => [e.type, e.itemId, e.quantity, e.price, e.revenue])).toEqual([
      ['purchase', 'a', 3, 1.1, 3.3],
      ['purchase', 'b', 1, 20, 20],
    ]);
    for (const e of events) expect(e.props).toEqual({ orderId: 'o-7', orderRevenue: 28.3 });
    expect(events.map((e) => e.id)).toEqual(ids);
  });

  it('warns, naming the argument, and sends nothing for bad calls', async () => {
    const { env, cw, sent } = setup();
    cw.track.productView('');
    cw.track.addToCart('i1', -1);
    cw.track.addToCart('i1', 1, Number.NaN);
    cw.track.review('i1', 11);
    cw.track.event('Bad Type');
    expect(cw.track.purchase({ orderId: 'o', lines: [{ itemId: 'a', quantity: 0, price: 1 }] })).toEqual([]);
    expect(cw.track.purchase({ orderId: 'o', lines: [] })).toEqual([]);
    expect(await sent()).toEqual([]);
    expect(env.warnings).toEqual([
      'cartwise: track.productView(itemId): itemId must be a non-empty string',
      'cartwise: track.addToCart(itemId, quantity, price): quantity must be a positive number, got -1',
      'cartwise: track.addToCart(itemId, quantity, price): price must be a non-negative number, got NaN',
      'cartwise: track.review(itemId, rating, text): rating must be a number from 0 to 10, got 11',
      'cartwise: track.event(type): type must be a snake_case name such as "wishlist_add", got "Bad Type"',
      'cartwise: track.purchase(order): order.lines[0].quantity must be a positive number',
      'cartwise: track.purchase(order): order.lines must be a non-empty array of { itemId, quantity, price }',
    ]);
  });

  it('warns when used before init', () => {
    const env = fakeEnvironment();
    const cw = createCartwise(env);
    expect(cw.track.productView('i1')).toBeUndefined();
    expect(env.warnings[0]).toMatch(/call cartwise.init/);
    expect(env.calls).toHaveLength(0);
  });
});

describe('push (async loading)', () => {
  it('runs queued commands in order and warns about bad ones without stopping', async () => {
    const env = fakeEnvironment();
    const cw = createCartwise(env);
    cw.push(['init', { writeKey: KEY, autoMountWidgets: false }], ['identify', 'carol'], ['track.addToCart', 'sku-9', 2, 3.5], ['track.nope'], 'oops', ['push', []], ['track.pageView']);
    await cw.flush();
    const events = env.calls.flatMap((c) => c.events);
    expect(events.map((e) => [e.type, e.userId])).toEqual([
      ['identify', 'carol'],
      ['add_to_cart', 'carol'],
      ['page_view', 'carol'],
    ]);
    expect(env.warnings).toEqual(['cartwise: push(command): unknown command "track.nope"', expect.stringMatching(/a command is an array \[name, \.\.\.args\]/), 'cartwise: push(command): unknown command "push"']);
  });
});

describe('recommendation attribution', () => {
  it('carries the recId of a recommendation click to the view, cart and purchase of that item in the session', async () => {
    const storage = new MemoryStorage();
    const { cw, sent } = setup(true, storage);
    cw.track.recommendationClick('sku-1', 'rec-A', { widget: 'similar', position: 2 });
    cw.track.productView('sku-1');
    cw.track.addToCart('sku-1', 1, 10);
    cw.track.addToCart('sku-2', 1, 5); // not from a recommendation
    cw.track.productView('sku-1', { recId: 'rec-B' }); // an explicit recId wins, and is remembered
    cw.track.purchase({ orderId: 'o1', lines: [{ itemId: 'sku-1', quantity: 1, price: 10 }, { itemId: 'sku-2', quantity: 1, price: 5 }] });
    const events = await sent();
    expect(events.map((e) => [e.type, e.itemId, e.recId])).toEqual([
      ['click', 'sku-1', 'rec-A'],
      ['view', 'sku-1', 'rec-A'],
      ['add_to_cart', 'sku-1', 'rec-A'],
      ['add_to_cart', 'sku-2', undefined],
      ['view', 'sku-1', 'rec-B'],
      ['purchase', 'sku-1', 'rec-B'],
      ['purchase', 'sku-2', undefined],
    ]);
    expect(events[0]!.props).toEqual({ widget: 'similar', position: 2 });

    // the next page of the same session still knows; a new session does not
    const next = setup(true, storage);
    next.cw.track.addToCart('sku-1', 1, 10);
    expect((await next.sent())[0]!.recId).toBe('rec-B');
    await vi.advanceTimersByTimeAsync(31 * 60_000);
    next.cw.track.addToCart('sku-1', 1, 10);
    await next.cw.flush();
    expect(next.env.calls.at(-1)!.events[0]!.recId).toBeUndefined();
  });

  it('keeps nothing without consent and erases it when consent is withdrawn', async () => {
    const { env, cw } = setup(false);
    expect(cw.track.recommendationClick('sku-1', 'rec-A')).toBeUndefined();
    expect(env.storage.map.size).toBe(0);
    cw.consent(true);
    cw.track.recommendationClick('sku-1', 'rec-A');
    expect(env.storage.getItem('cw_recs')).toContain('rec-A');
    cw.consent(false);
    expect(env.storage.getItem('cw_recs')).toBeNull();
  });
});

describe('identify', () => {
  it('switches to the known id and links it to the anonymous one with an identify event', async () => {
    const storage = new MemoryStorage();
    const { cw, sent } = setup(true, storage);
    cw.track.productView('i1');
    const anon = cw.userId!;
    expect(anon).toMatch(/^anon-/);
    cw.identify('alice');
    cw.identify('alice'); // no second link
    cw.track.addToCart('i1', 1, 5);
    const events = await sent();
    expect(events.map((e) => [e.type, e.userId])).toEqual([
      ['view', anon],
      ['identify', 'alice'],
      ['add_to_cart', 'alice'],
    ]);
    expect(events[1]!.props).toEqual({ anonymousId: anon });
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);

    // the next page remembers the user
    const next = setup(true, storage);
    next.cw.track.pageView();
    expect((await next.sent())[0]!.userId).toBe('alice');

    // log-out: a new anonymous id
    next.cw.reset();
    expect(next.cw.userId).toMatch(/^anon-/);
    expect(next.cw.userId).not.toBe(anon);
  });

  it('identify before consent stores nothing and links the ids once consent is given', async () => {
    const { env, cw, sent } = setup(false);
    cw.identify('bob');
    expect(env.storage.map.size).toBe(0);
    expect(cw.userId).toBeUndefined();
    cw.consent(true);
    cw.track.pageView();
    const events = await sent();
    expect(events.map((e) => [e.type, e.userId])).toEqual([
      ['identify', 'bob'],
      ['page_view', 'bob'],
    ]);
    expect(events[0]!.props!['anonymousId']).toMatch(/^anon-/);
    expect(env.storage.getItem('cw_uid')).toBe('bob');
  });
});
