/**
 * Public types of the storefront SDK. The event shape is tied to the one event schema in `core/schemas`
 * by a compile-time check below, so the SDK can never send a field the server does not know.
 */
import type { EventInput } from '../core/schemas/event.ts';

/** A flat property map, as the event schema allows (`props`). */
export type EventProps = Record<string, string | number | boolean>;

/** One event as the SDK sends it: always with a client `id` (idempotent retries) and `ts` in epoch ms. */
export interface TrackedEvent {
  id: string;
  type: string;
  userId: string;
  sessionId?: string;
  itemId?: string;
  ts: number;
  quantity?: number;
  price?: number;
  revenue?: number;
  query?: string;
  rating?: number;
  text?: string;
  props?: EventProps;
  recId?: string;
}

// Compile-time guard: every TrackedEvent is a valid input of the server's event schema.
type AssertAssignable<T extends EventInput> = T;
export type TrackedEventIsEventInput = AssertAssignable<TrackedEvent>;

/** What a tracking call contributes; the tracker adds `id`, `userId`, `sessionId` and `ts`. */
export type EventFields = Omit<TrackedEvent, 'id' | 'userId' | 'sessionId' | 'ts'>;

/** Options of `cartwise.init`. Only `writeKey` is required. */
export interface CartwiseOptions {
  /** Base URL of the Cartwise server, e.g. `https://cw.example.com`; `''` (default) means the page's origin. */
  endpoint?: string;
  /** The write key (storefront-safe: it can only send events and read recommendations). Never the admin key. */
  writeKey: string;
  /**
   * Whether the shopper has already allowed tracking (default `true`). Pass `false` when your site needs
   * opt-in: nothing is sent or stored until `cartwise.consent(true)`; events tracked before are dropped.
   */
  consent?: boolean;
  /** Send a batch as soon as this many events are queued (default 20). */
  batchSize?: number;
  /** Send queued events at most this long after the first one was queued (default 1000 ms). */
  flushIntervalMs?: number;
  /** Retries of one batch after network errors, 408, 429 and 5xx before it is dropped (default 8). */
  maxRetries?: number;
  /** First retry delay; doubles per attempt, with jitter (default 1000 ms). */
  retryBaseMs?: number;
  /** Longest retry delay (default 60000 ms). */
  retryMaxMs?: number;
  /** Most events kept waiting; the oldest are dropped beyond it (default 1000). */
  maxQueueSize?: number;
  /** A new session starts after this much inactivity (default 30 minutes). */
  sessionTimeoutMs?: number;
  /** Prefix of the localStorage keys (default `cw_`). */
  storagePrefix?: string;
  /** Product page URL for widget cards, `{id}` is replaced by the item id (e.g. `/products/{id}`). */
  productUrl?: string;
  /** Currency of widget prices (ISO 4217, default `USD`). */
  currency?: string;
  /** Mount the `data-cartwise` widgets of the page when the DOM is ready (default true in a browser). */
  autoMountWidgets?: boolean;
}

/** Options after defaults. */
export type ResolvedOptions = Required<Omit<CartwiseOptions, 'productUrl'>> & { productUrl: string | undefined };

/** Fills the defaults of {@link CartwiseOptions} and checks the numbers, naming the bad option. */
export function resolveOptions(options: CartwiseOptions): ResolvedOptions {
  if (!options || typeof options.writeKey !== 'string' || options.writeKey.trim() === '') {
    throw new TypeError('cartwise.init: `writeKey` is required (the write key of your Cartwise server)');
  }
  const endpoint = (options.endpoint ?? '').replace(/\/+$/, '');
  const resolved: ResolvedOptions = {
    endpoint,
    writeKey: options.writeKey.trim(),
    consent: options.consent ?? true,
    batchSize: options.batchSize ?? 20,
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    maxRetries: options.maxRetries ?? 8,
    retryBaseMs: options.retryBaseMs ?? 1000,
    retryMaxMs: options.retryMaxMs ?? 60_000,
    maxQueueSize: options.maxQueueSize ?? 1000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30 * 60_000,
    storagePrefix: options.storagePrefix ?? 'cw_',
    productUrl: options.productUrl,
    currency: options.currency ?? 'USD',
    autoMountWidgets: options.autoMountWidgets ?? true,
  };
  const positive: (keyof ResolvedOptions)[] = ['batchSize', 'flushIntervalMs', 'retryBaseMs', 'retryMaxMs', 'maxQueueSize', 'sessionTimeoutMs'];
  for (const key of positive) {
    const v = resolved[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TypeError(`cartwise.init: \`${key}\` must be a positive number, got ${String(v)}`);
  }
  if (!Number.isInteger(resolved.maxRetries) || resolved.maxRetries < 0) throw new TypeError(`cartwise.init: \`maxRetries\` must be a non-negative integer, got ${String(resolved.maxRetries)}`);
  // The server accepts at most 1000 events per batch (Limits.maxEventsPerBatch).
  resolved.batchSize = Math.min(Math.floor(resolved.batchSize), 1000);
  return resolved;
}

/** One order line of `track.purchase`. */
export interface PurchaseLine {
  itemId: string;
  quantity: number;
  /** Unit price. */
  price: number;
}

/** The argument of `track.purchase`. */
export interface PurchaseInput {
  orderId: string;
  lines: PurchaseLine[];
  /** Order total (shipping and discounts included); kept as `props.orderRevenue` on every line. */
  revenue?: number;
}

/** One recommended item as the recommendation API returns it. */
export interface RecommendedItem {
  itemId: string;
  score: number;
  title?: string;
  price?: number;
  explanation?: string;
}

/** The response of `GET /v1/recommendations`, `/v1/items/:id/similar` and `/v1/items/:id/bought-together`. */
export interface RecommendationResponse {
  recId: string;
  items: RecommendedItem[];
}

/** A key-value store with the `localStorage` shape. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The minimal response the tracker reads. */
export interface HttpResponse {
  status: number;
  text(): Promise<string>;
}

export interface HttpRequestInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  keepalive?: boolean;
}

/**
 * Everything the SDK takes from its host: network, storage, clock, randomness and timers. The browser entry
 * builds it from `window`; tests pass fakes. Nothing in the tracker touches a global directly.
 */
export interface SdkEnvironment {
  fetch(url: string, init: HttpRequestInit): Promise<HttpResponse>;
  /** `localStorage`, or undefined where there is none (the SDK then keeps its state in memory). */
  storage: KeyValueStorage | undefined;
  now(): number;
  /** A unique id for events and anonymous users. */
  randomId(): string;
  /** Uniform in [0, 1), for retry jitter. */
  random(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** `navigator.sendBeacon` with a text body, where available. */
  sendBeacon: ((url: string, body: string) => boolean) | undefined;
  /** Whether the endpoint is on the page's own origin (a keepalive fetch then needs no CORS preflight). */
  sameOrigin(endpoint: string): boolean;
  /** Calls `fn` when the page is hidden or unloaded. */
  onPageExit(fn: () => void): void;
  warn(message: string, detail?: unknown): void;
  /** The current page, for `page_view` events (absent outside a browser). */
  pageInfo?: () => { path: string; title: string; referrer: string };
}
