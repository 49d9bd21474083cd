import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeEnvironment, MemoryStorage } from './test-support/fake-environment.ts';
import { chunkByBytes, PERSIST_DELAY_MS, Tracker } from './tracker.ts';
import { resolveOptions, type CartwiseOptions, type TrackedEvent } from './types.ts';

const KEY = 'w'.repeat(20);
const tracker = (env = fakeEnvironment(), options: Partial<CartwiseOptions> = {}) => ({ env, t: new Tracker(resolveOptions({ writeKey: KEY, endpoint: 'https://cw.test', ...options }), env) });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('batching', () => {
  it('sends queued events together after flushIntervalMs, with the write key', async () => {
    const { env, t } = tracker(undefined, { batchSize: 10, flushIntervalMs: 1000 });
    t.track({ type: 'view', itemId: 'a' });
    await vi.advanceTimersByTimeAsync(400);
    t.track({ type: 'view', itemId: 'b' });
    await vi.advanceTimersByTimeAsync(599);
    expect(env.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(env.calls).toHaveLength(1);
    const call = env.calls[0]!;
    expect(call.url).toBe('https://cw.test/v1/events');
    expect(call.init.method).toBe('POST');
    expect(call.init.headers).toEqual({ 'content-type': 'application/json', authorization: `Bearer ${KEY}` });
    expect(call.events.map((e) => e.itemId)).toEqual(['a', 'b']);
    for (const e of call.events) {
      expect(e.id).toMatch(/^id\d+$/);
      expect(e.userId).toMatch(/^anon-/);
      expect(e.sessionId).toMatch(/^s-/);
    }
    expect(call.events[1]!.ts - call.events[0]!.ts).toBe(400);
    expect(t.stats.sent).toBe(2);
    expect(t.pending).toBe(0);
  });

  it('sends at once when a batch is full, and what was queued meanwhile right after', async () => {
    const { env, t } = tracker(undefined, { batchSize: 3, flushIntervalMs: 5000 });
    for (const id of ['a', 'b']) t.track({ type: 'view', itemId: id });
    await vi.advanceTimersByTimeAsync(0);
    expect(env.calls).toHaveLength(0);
    for (const id of ['c', 'd']) t.track({ type: 'view', itemId: id });
    await vi.advanceTimersByTimeAsync(0);
    expect(env.calls.map((c) => c.events.map((e) => e.itemId))).toEqual([['a', 'b', 'c'], ['d']]);
    expect(t.pending).toBe(0);
  });

  it('flush() sends everything now in batches of batchSize', async () => {
    const { env, t } = tracker(undefined, { batchSize: 2, flushIntervalMs: 60_000 });
    t.setConsent(true);
    for (let i = 0; i < 5; i++) t.track({ type: 'view', itemId: `i${i}` });
    await t.flush();
    expect(env.calls.map((c) => c.events.length)).toEqual([2, 2, 1]);
    expect(t.pending).toBe(0);
  });
});

describe('retry', () => {
  it('retries network errors and 5xx with exponential backoff, resending the same event ids', async () => {
    const env = fakeEnvironment();
    env.responses.push(new Error('offline'), 503, 429, 200);
    const { t } = tracker(env, { retryBaseMs: 1000, flushIntervalMs: 100 });
    t.track({ type: 'add_to_cart', itemId: 'x', quantity: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(env.calls).toHaveLength(1);
    // delays 1000, 2000, 4000 (jitter factor ≈ 1 in the fake environment)
    await vi.advanceTimersByTimeAsync(999);
    expect(env.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(env.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(env.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(env.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(4000);
    expect(env.calls).toHaveLength(4);
    const ids = env.calls.map((c) => c.events.map((e) => e.id).join());
    expect(new Set(ids).size).toBe(1);
    expect(t.stats).toMatchObject({ sent: 1, retries: 3, dropped: 0 });
    expect(t.pending).toBe(0);
  });

  it('does not send a full batch early while backing off', async () => {
    const env = fakeEnvironment();
    env.responses.push(500);
    const { t } = tracker(env, { batchSize: 2, retryBaseMs: 1000 });
    t.track({ type: 'view', itemId: 'a' });
    t.track({ type: 'view', itemId: 'b' });
    await vi.advanceTimersByTimeAsync(0);
    expect(env.calls).toHaveLength(1);
    t.track({ type: 'view', itemId: 'c' });
    t.track({ type: 'view', itemId: 'd' });
    await vi.advanceTimersByTimeAsync(500);
    expect(env.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(env.calls.map((c) => c.events.map((e) => e.itemId))).toEqual([['a', 'b'], ['a', 'b'], ['c', 'd']]);
  });

  it('new events during a backoff do not bring the retry forward', async () => {
    const env = fakeEnvironment();
    env.responses.push(500, 500);
    const { t } = tracker(env, { retryBaseMs: 4000, flushIntervalMs: 100 });
    t.track({ type: 'view', itemId: 'a' });
    await vi.advanceTimersByTimeAsync(100); // fails: retry in 4000 ms
    expect(env.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    t.track({ type: 'view', itemId: 'b' });
    await vi.advanceTimersByTimeAsync(3000);
    expect(env.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500); // 4000 ms after the failure
    expect(env.calls).toHaveLength(2);
    expect(env.calls[1]!.events.map((e) => e.itemId)).toEqual(['a', 'b']);
  });

  it('caps the delay at retryMaxMs and applies jitter in [0.5, 1)', () => {
    const env = fakeEnvironment();
    const { t } = tracker(env, { retryBaseMs: 1000, retryMaxMs: 10_000 });
    expect([1, 2, 3, 4, 5, 9].map((a) => t.backoffMs(a))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    env.random = () => 0;
    expect(t.backoffMs(3)).toBe(2000);
  });

  it('drops a batch after maxRetries and warns', async () => {
    const env = fakeEnvironment();
    env.responses.push(500, 500, 500);
    const { t } = tracker(env, { maxRetries: 2, retryBaseMs: 10, flushIntervalMs: 10 });
    t.track({ type: 'view', itemId: 'a' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(env.calls).toHaveLength(3);
    expect(t.stats).toMatchObject({ sent: 0, dropped: 1, retries: 2 });
    expect(env.warnings.join()).toMatch(/giving up on 1 event\(s\) after 2 retries: 500 failed with 500/);
    expect(env.storage.getItem('cw_queue')).toBeNull();
  });

  it('does not retry a 400 or a 401, and says why', async () => {
    const env = fakeEnvironment();
    env.responses.push(400, 401);
    const { t } = tracker(env, { flushIntervalMs: 10 });
    t.track({ type: 'view', itemId: 'a' });
    await vi.advanceTimersByTimeAsync(10);
    t.track({ type: 'view', itemId: 'b' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(env.calls).toHaveLength(2);
    expect(t.stats).toMatchObject({ rejected: 2, retries: 0 });
    expect(env.warnings[1]).toMatch(/check the write key/);
  });

  it('counts events the server rejected in a 207 and does not resend them', async () => {
    const env = fakeEnvironment();
    env.responses.push({ status: 207, body: { accepted: 1, rejected: [{ index: 1, errors: [{ path: 'events[1].rating', message: 'too big' }] }] } });
    const { t } = tracker(env, { batchSize: 2 });
    t.track({ type: 'view', itemId: 'a' });
    t.track({ type: 'review', itemId: 'a', rating: 99 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(env.calls).toHaveLength(1);
    expect(t.stats).toMatchObject({ sent: 1, rejected: 1 });
    expect(env.warnings[0]).toMatch(/events\[1\]\.rating too big/);
  });
});

describe('persistence and page exit', () => {
  it('keeps pending events in storage, and the next page sends them with the same ids', async () => {
    const storage = new MemoryStorage();
    const first = tracker(fakeEnvironment(storage), { flushIntervalMs: 10_000 });
    first.t.track({ type: 'view', itemId: 'a' });
    first.t.track({ type: 'add_to_cart', itemId: 'a', quantity: 2 });
    await vi.advanceTimersByTimeAsync(PERSIST_DELAY_MS);
    const stored = JSON.parse(storage.getItem('cw_queue')!) as TrackedEvent[];
    expect(stored.map((e) => e.type)).toEqual(['view', 'add_to_cart']);
    // the shopper navigates away before the timer fires; the next page uses the same storage
    vi.clearAllTimers();
    const second = tracker(fakeEnvironment(storage), { flushIntervalMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    expect(second.env.calls).toHaveLength(1);
    expect(second.env.calls[0]!.events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(storage.getItem('cw_queue')).toBeNull();
  });

  it('writes the queue once per burst of events, and at once on page exit', async () => {
    const env = fakeEnvironment();
    const writes: string[] = [];
    const setItem = env.storage.setItem.bind(env.storage);
    env.storage.setItem = (k, v) => {
      if (k === 'cw_queue') writes.push(v);
      setItem(k, v);
    };
    const { t } = tracker(env, { flushIntervalMs: 10_000, batchSize: 100 });
    for (let i = 0; i < 30; i++) t.track({ type: 'view', itemId: `i${i}` });
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(PERSIST_DELAY_MS);
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0]!)).toHaveLength(30);
    t.track({ type: 'view', itemId: 'last' });
    env.sendBeacon = () => false;
    env.origin = 'cross';
    env.exit();
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!)).toHaveLength(31);
  });

  it('on the same origin, exits with a keepalive fetch carrying the Authorization header', async () => {
    const env = fakeEnvironment();
    const { t } = tracker(env, { flushIntervalMs: 10_000 });
    t.track({ type: 'view', itemId: 'a' });
    env.exit();
    expect(env.calls).toHaveLength(1);
    expect(env.calls[0]!.init.keepalive).toBe(true);
    expect(env.calls[0]!.init.headers['authorization']).toBe(`Bearer ${KEY}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.pending).toBe(0);
    expect(env.beacons).toHaveLength(0);
  });

  it('cross-origin, exits with sendBeacon: text body, write key in the query string', () => {
    const env = fakeEnvironment();
    env.origin = 'cross';
    const { t } = tracker(env, { flushIntervalMs: 10_000 });
    t.track({ type: 'view', itemId: 'a' });
    t.track({ type: 'view', itemId: 'b' });
    env.exit();
    expect(env.calls).toHaveLength(0);
    expect(env.beacons).toHaveLength(1);
    expect(env.beacons[0]!.url).toBe(`https://cw.test/v1/events/beacon?key=${KEY}`);
    expect((JSON.parse(env.beacons[0]!.body) as { events: TrackedEvent[] }).events.map((e) => e.itemId)).toEqual(['a', 'b']);
    expect(t.pending).toBe(0);
    expect(env.storage.getItem('cw_queue')).toBeNull();
  });

  it('keeps events whose beacon the browser refused, for the next page', () => {
    const env = fakeEnvironment();
    env.origin = 'cross';
    env.sendBeacon = () => false;
    const { t } = tracker(env, { flushIntervalMs: 10_000 });
    t.track({ type: 'view', itemId: 'a' });
    env.exit();
    expect(t.pending).toBe(1);
    expect(JSON.parse(env.storage.getItem('cw_queue')!)).toHaveLength(1);
  });

  it('drops the oldest events beyond maxQueueSize and warns once', async () => {
    const env = fakeEnvironment();
    env.responses.push(...Array.from({ length: 20 }, () => new Error('offline')));
    const { t } = tracker(env, { maxQueueSize: 5, batchSize: 100, retryBaseMs: 100_000 });
    for (let i = 0; i < 8; i++) t.track({ type: 'view', itemId: `i${i}` });
    await vi.advanceTimersByTimeAsync(PERSIST_DELAY_MS);
    expect(t.pending).toBe(5);
    expect(t.stats.dropped).toBe(3);
    expect(env.warnings.filter((w) => /dropping the oldest/.test(w))).toHaveLength(1);
    expect((JSON.parse(env.storage.getItem('cw_queue')!) as TrackedEvent[]).map((e) => e.itemId)).toEqual(['i3', 'i4', 'i5', 'i6', 'i7']);
  });
});

describe('consent', () => {
  it('sends and stores nothing until consent, then tracks; withdrawing erases the stored state', async () => {
    const env = fakeEnvironment();
    const { t } = tracker(env, { consent: false, flushIntervalMs: 100 });
    expect(t.track({ type: 'view', itemId: 'a' })).toBeUndefined();
    env.exit();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(env.calls).toHaveLength(0);
    expect(env.beacons).toHaveLength(0);
    expect(env.storage.map.size).toBe(0);
    expect(t.stats.dropped).toBe(1);

    t.setConsent(true);
    t.track({ type: 'view', itemId: 'b' });
    expect(env.storage.getItem('cw_anon')).toMatch(/^anon-/);
    await vi.advanceTimersByTimeAsync(100);
    expect(env.calls.flatMap((c) => c.events.map((e) => e.itemId))).toEqual(['b']);

    env.responses.push(new Error('offline'));
    t.track({ type: 'view', itemId: 'c' });
    await vi.advanceTimersByTimeAsync(100);
    expect(env.storage.getItem('cw_queue')).not.toBeNull();
    t.setConsent(false);
    expect(env.storage.map.size).toBe(0);
    expect(t.pending).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(env.calls).toHaveLength(2);
  });
});

describe('identity', () => {
  it('keeps the anonymous id and session across pages and starts a new session after inactivity', async () => {
    const storage = new MemoryStorage();
    const a = tracker(fakeEnvironment(storage), { sessionTimeoutMs: 30 * 60_000 });
    a.t.track({ type: 'view', itemId: 'a' });
    await a.t.flush();
    const first = a.env.calls[0]!.events[0]!;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const b = tracker(fakeEnvironment(storage));
    b.t.track({ type: 'view', itemId: 'b' });
    await b.t.flush();
    const second = b.env.calls[0]!.events[0]!;
    expect(second.userId).toBe(first.userId);
    expect(second.sessionId).toBe(first.sessionId);
    await vi.advanceTimersByTimeAsync(31 * 60_000);
    b.t.track({ type: 'view', itemId: 'c' });
    await b.t.flush();
    const third = b.env.calls[1]!.events[0]!;
    expect(third.userId).toBe(first.userId);
    expect(third.sessionId).not.toBe(first.sessionId);
  });
});

describe('chunkByBytes', () => {
  it('splits by count and by bytes, and gives an oversized event its own chunk', () => {
    const ev = (i: number, text = ''): TrackedEvent => ({ id: `e${i}`, type: 'review', userId: 'u', ts: 1, ...(text ? { text } : {}) });
    expect(chunkByBytes([ev(1), ev(2), ev(3)], 2, 10_000).map((c) => c.length)).toEqual([2, 1]);
    const big = 'x'.repeat(700);
    expect(chunkByBytes([ev(1, big), ev(2, big), ev(3, big)], 100, 1600).map((c) => c.length)).toEqual([2, 1]);
    expect(chunkByBytes([ev(1, 'y'.repeat(5000)), ev(2)], 100, 1000).map((c) => c.length)).toEqual([1, 1]);
    expect(chunkByBytes([], 10, 1000)).toEqual([]);
  });
});

describe('resolveOptions', () => {
  it('requires a write key and names a bad option', () => {
    expect(() => resolveOptions({ writeKey: '' })).toThrow(/writeKey/);
    expect(() => resolveOptions({ writeKey: KEY, batchSize: 0 })).toThrow(/`batchSize` must be a positive number/);
    expect(() => resolveOptions({ writeKey: KEY, maxRetries: -1 })).toThrow(/maxRetries/);
    expect(resolveOptions({ writeKey: KEY, endpoint: 'https://x.test//', batchSize: 5000 })).toMatchObject({ endpoint: 'https://x.test', batchSize: 1000, consent: true });
  });
});
