import { vi } from 'vitest';
import type { HttpRequestInit, HttpResponse, KeyValueStorage, SdkEnvironment, TrackedEvent } from '../types.ts';

export interface FetchCall {
  url: string;
  init: HttpRequestInit;
  events: TrackedEvent[];
}

/** A Map-backed localStorage. */
export class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

export interface FakeEnvironment extends SdkEnvironment {
  calls: FetchCall[];
  beacons: { url: string; body: string }[];
  warnings: string[];
  storage: MemoryStorage;
  /** Next responses, in order; when empty every request answers 200. A thrown Error is a network failure. */
  responses: (number | Error | { status: number; body: unknown })[];
  exit(): void;
  origin: 'same' | 'cross';
}

/**
 * An SDK environment for unit tests: records every request, answers from a script of statuses, stores in memory,
 * numbers its ids, uses vitest's fake timers (call `vi.useFakeTimers()` first) and a jitter of 1.
 */
let n = 0; // shared by all fake environments, so two "pages" never mint the same id

export function fakeEnvironment(storage = new MemoryStorage()): FakeEnvironment {
  const exits: (() => void)[] = [];
  const env: FakeEnvironment = {
    calls: [],
    beacons: [],
    warnings: [],
    storage,
    responses: [],
    origin: 'same',
    async fetch(url: string, init: HttpRequestInit): Promise<HttpResponse> {
      const events = init.body ? ((JSON.parse(init.body) as { events?: TrackedEvent[] }).events ?? []) : [];
      env.calls.push({ url, init, events });
      const next = env.responses.shift() ?? 200;
      if (next instanceof Error) throw next;
      const status = typeof next === 'number' ? next : next.status;
      const body = typeof next === 'number' ? (status < 300 ? { accepted: events.length, duplicates: 0, rejected: [] } : { error: { code: 'X', message: `failed with ${status}` } }) : next.body;
      return { status, text: async () => JSON.stringify(body) };
    },
    now: () => Date.now(),
    randomId: () => `id${++n}`,
    random: () => 0.999_999,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    sendBeacon: vi.fn((url: string, body: string) => {
      env.beacons.push({ url, body });
      return true;
    }),
    sameOrigin: () => env.origin === 'same',
    onPageExit: (fn) => void exits.push(fn),
    warn: (message) => void env.warnings.push(message),
    pageInfo: () => ({ path: '/shop?x=1', title: 'Shop', referrer: 'https://example.org/' }),
    exit: () => exits.forEach((f) => f()),
  };
  return env;
}
