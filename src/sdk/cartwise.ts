/**
 * The `cartwise` object a storefront talks to: `init`, the `track.*` calls, `identify`, `consent`, `flush` and
 * `mountWidgets`. Arguments are checked here; a bad call logs a console warning naming the argument and sends
 * nothing, because a tracking mistake must never break a shop page.
 */
import { Tracker, type TrackerStats } from './tracker.ts';
import type { CartwiseOptions, EventFields, EventProps, PurchaseInput, ResolvedOptions, SdkEnvironment } from './types.ts';
import { resolveOptions } from './types.ts';
import { mountWidgets, remountAnonymousWidgets, type WidgetHost, type WidgetResult } from './widgets.ts';

/** Longest string a `props` value may hold (Limits.maxPropStringLength on the server). */
const MAX_PROP_CHARS = 1000;

/** The tracking calls. Each returns the id of the queued event(s), or undefined when nothing was queued. */
export interface TrackApi {
  /** A page view (custom type `page_view`, with the path, title and referrer). */
  pageView(props?: EventProps): string | undefined;
  /** A product page view (`view`); pass the `recId` when the shopper came from a recommendation. */
  productView(itemId: string, options?: { recId?: string }): string | undefined;
  addToCart(itemId: string, quantity?: number, price?: number): string | undefined;
  removeFromCart(itemId: string, quantity?: number): string | undefined;
  /** One `purchase` event per line, each with `props.orderId`, revenue = quantity × price. */
  purchase(order: PurchaseInput): string[];
  /** A search and the item ids it showed; `searchId` (the search response id) becomes the event's `recId`. */
  search(query: string, resultIds?: readonly string[], searchId?: string): string | undefined;
  /** A review with a rating from 0 to 10 (e.g. 1–5 stars) and optional text. */
  review(itemId: string, rating: number, text?: string): string | undefined;
  /**
   * A click on a recommended item shown by your own code (the widgets call this themselves). Sends `click` with
   * the `recId`, and the item's view, add-to-cart and purchase later in the session carry that `recId` too.
   */
  recommendationClick(itemId: string, recId: string, props?: EventProps): string | undefined;
  /** Any other event: `type` is a snake_case name. */
  event(type: string, fields?: Omit<EventFields, 'type'>): string | undefined;
}

export interface Cartwise {
  /** Configures the SDK; call once per page before tracking. Returns the same object. */
  init(options: CartwiseOptions): Cartwise;
  readonly track: TrackApi;
  /** Links the anonymous shopper to a known user id; later events use that id. */
  identify(userId: string): void;
  /** Forgets the known user (log-out): a new anonymous id and session follow. */
  reset(): void;
  /** Grants or withdraws tracking consent; withdrawing erases the SDK's stored ids and pending events. */
  consent(granted: boolean): void;
  /** Sends queued events now. */
  flush(): Promise<void>;
  /** Mounts the `data-cartwise` widgets under `root` (default: the document). */
  mountWidgets(root?: ParentNode): Promise<WidgetResult[]>;
  /**
   * Runs queued commands `[name, ...args]`, e.g. `['track.productView', 'sku-1']` or `['identify', 'u1']`: the
   * async-loading pattern, where the page pushes commands onto a plain array `window.cartwise` before the script
   * has loaded (the script replays that array and then replaces it by this object, whose `push` runs at once).
   */
  push(...commands: unknown[]): number;
  /** The id events are sent under (known or anonymous); undefined before init or without consent. */
  readonly userId: string | undefined;
  readonly stats: TrackerStats | undefined;
}

function isId(v: unknown): v is string {
  return (typeof v === 'string' && v.trim() !== '' && v.length <= 256) || (typeof v === 'number' && Number.isFinite(v));
}

function clip(s: string): string {
  return s.length > MAX_PROP_CHARS ? s.slice(0, MAX_PROP_CHARS) : s;
}

/**
 * Creates a `cartwise` object bound to a host environment (the browser entry passes one built from `window`;
 * tests pass fakes). Nothing happens until `init`.
 */
export function createCartwise(env: SdkEnvironment): Cartwise {
  let tracker: Tracker | undefined;
  let options: ResolvedOptions | undefined;
  /** A user identified before consent: the `identify` event is sent once consent is given. */
  let identifiedWithoutConsent = false;

  const warn = (message: string): undefined => {
    env.warn(`cartwise: ${message}`);
    return undefined;
  };
  const send = (fields: EventFields): string | undefined => {
    if (!tracker) return warn('call cartwise.init({ writeKey }) before tracking');
    return tracker.track(fields);
  };
  const idOf = (v: unknown): string => String(v).trim();
  /** The recId this item was clicked from in the current session (see RecAttribution). */
  const attributed = (itemId: string): { recId?: string } => {
    if (!tracker?.hasConsent) return {};
    const recId = tracker.attribution.lookup(itemId, tracker.identity.sessionId(env.now()));
    return recId === undefined ? {} : { recId };
  };
  const recommendationClick = (itemId: string, recId: string, props?: EventProps): string | undefined => {
    if (!isId(itemId)) return warn('track.recommendationClick(itemId, recId): itemId must be a non-empty string');
    if (!isId(recId)) return warn('track.recommendationClick(itemId, recId): recId must be a non-empty string');
    const id = send({ type: 'click', itemId: idOf(itemId), recId: String(recId), ...(props ? { props } : {}) });
    if (id !== undefined && tracker) tracker.attribution.remember(idOf(itemId), String(recId), tracker.identity.sessionId(env.now()));
    return id;
  };

  const track: TrackApi = {
    pageView(props) {
      const page = env.pageInfo?.();
      const base: EventProps = page ? { path: clip(page.path), title: clip(page.title), ...(page.referrer ? { referrer: clip(page.referrer) } : {}) } : {};
      return send({ type: 'page_view', props: { ...base, ...(props ?? {}) } });
    },
    productView(itemId, opts) {
      if (!isId(itemId)) return warn('track.productView(itemId): itemId must be a non-empty string');
      const id = send({ type: 'view', itemId: idOf(itemId), ...(opts?.recId ? { recId: opts.recId } : attributed(idOf(itemId))) });
      if (id !== undefined && opts?.recId && tracker) tracker.attribution.remember(idOf(itemId), opts.recId, tracker.identity.sessionId(env.now()));
      return id;
    },
    addToCart(itemId, quantity = 1, price) {
      if (!isId(itemId)) return warn('track.addToCart(itemId, quantity, price): itemId must be a non-empty string');
      if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) return warn(`track.addToCart(itemId, quantity, price): quantity must be a positive number, got ${String(quantity)}`);
      if (price !== undefined && (typeof price !== 'number' || !Number.isFinite(price) || price < 0)) return warn(`track.addToCart(itemId, quantity, price): price must be a non-negative number, got ${String(price)}`);
      return send({ type: 'add_to_cart', itemId: idOf(itemId), quantity, ...(price !== undefined ? { price } : {}), ...attributed(idOf(itemId)) });
    },
    removeFromCart(itemId, quantity = 1) {
      if (!isId(itemId)) return warn('track.removeFromCart(itemId, quantity): itemId must be a non-empty string');
      if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) return warn(`track.removeFromCart(itemId, quantity): quantity must be a positive number, got ${String(quantity)}`);
      return send({ type: 'remove_from_cart', itemId: idOf(itemId), quantity });
    },
    purchase(order) {
      if (!order || !isId(order.orderId)) return warn('track.purchase(order): order.orderId must be a non-empty string') ?? [];
      if (!Array.isArray(order.lines) || order.lines.length === 0) return warn('track.purchase(order): order.lines must be a non-empty array of { itemId, quantity, price }') ?? [];
      for (let i = 0; i < order.lines.length; i++) {
        const line = order.lines[i]!;
        if (!line || !isId(line.itemId)) return warn(`track.purchase(order): order.lines[${i}].itemId must be a non-empty string`) ?? [];
        if (typeof line.quantity !== 'number' || !Number.isFinite(line.quantity) || line.quantity <= 0) return warn(`track.purchase(order): order.lines[${i}].quantity must be a positive number`) ?? [];
        if (typeof line.price !== 'number' || !Number.isFinite(line.price) || line.price < 0) return warn(`track.purchase(order): order.lines[${i}].price must be a non-negative number`) ?? [];
      }
      if (order.revenue !== undefined && (typeof order.revenue !== 'number' || !Number.isFinite(order.revenue))) return warn('track.purchase(order): order.revenue must be a number') ?? [];
      const orderId = idOf(order.orderId);
      const ids: string[] = [];
      for (const line of order.lines) {
        const props: EventProps = { orderId, ...(order.revenue !== undefined ? { orderRevenue: order.revenue } : {}) };
        const revenue = Math.round(line.quantity * line.price * 100) / 100;
        const id = send({ type: 'purchase', itemId: idOf(line.itemId), quantity: line.quantity, price: line.price, revenue, props, ...attributed(idOf(line.itemId)) });
        if (id !== undefined) ids.push(id);
      }
      return ids;
    },
    search(query, resultIds = [], searchId) {
      if (typeof query !== 'string') return warn('track.search(query, resultIds): query must be a string');
      if (!Array.isArray(resultIds)) return warn('track.search(query, resultIds): resultIds must be an array of item ids');
      const props: EventProps = { resultCount: resultIds.length };
      if (resultIds.length > 0) props['results'] = clip(resultIds.map(String).join(','));
      return send({ type: 'search', query: query.slice(0, 1000), props, ...(searchId ? { recId: searchId } : {}) });
    },
    review(itemId, rating, text) {
      if (!isId(itemId)) return warn('track.review(itemId, rating, text): itemId must be a non-empty string');
      if (typeof rating !== 'number' || !Number.isFinite(rating) || rating < 0 || rating > 10) return warn(`track.review(itemId, rating, text): rating must be a number from 0 to 10, got ${String(rating)}`);
      if (text !== undefined && typeof text !== 'string') return warn('track.review(itemId, rating, text): text must be a string');
      return send({ type: 'review', itemId: idOf(itemId), rating, ...(text ? { text: text.slice(0, 10_000) } : {}) });
    },
    recommendationClick,
    event(type, fields = {}) {
      if (typeof type !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(type)) return warn(`track.event(type): type must be a snake_case name such as "wishlist_add", got ${JSON.stringify(type)}`);
      return send({ ...fields, type });
    },
  };

  const cw: Cartwise = {
    init(opts) {
      if (tracker) {
        warn('cartwise.init was called twice; the first configuration stays');
        return cw;
      }
      options = resolveOptions(opts);
      tracker = new Tracker(options, env);
      if (options.autoMountWidgets && typeof document !== 'undefined') {
        const mount = () => void cw.mountWidgets();
        if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount, { once: true });
        else mount();
      }
      return cw;
    },
    track,
    identify(userId) {
      if (!tracker) return void warn('call cartwise.init({ writeKey }) before identify');
      if (!isId(userId)) return void warn('identify(userId): userId must be a non-empty string');
      const id = idOf(userId);
      if (!tracker.hasConsent) {
        if (tracker.identity.identify(id)) identifiedWithoutConsent = true; // in memory only until consent
        return;
      }
      const anonymousId = tracker.identity.anonymous();
      if (tracker.identity.identify(id)) tracker.track({ type: 'identify', props: { anonymousId } }, id);
    },
    reset() {
      tracker?.identity.reset();
    },
    consent(granted) {
      if (!tracker) return void warn('call cartwise.init({ writeKey }) before consent');
      tracker.setConsent(granted === true);
      const known = tracker.identity.known();
      if (granted === true && identifiedWithoutConsent && known !== undefined) {
        tracker.track({ type: 'identify', props: { anonymousId: tracker.identity.anonymous() } }, known);
      }
      identifiedWithoutConsent = false;
      // widgets shown before consent were anonymous and recorded no impressions: make them personal now
      if (granted === true && options?.autoMountWidgets && typeof document !== 'undefined') void remountAnonymousWidgets(document, widgetHost(tracker, options));
    },
    flush() {
      return tracker ? tracker.flush() : Promise.resolve();
    },
    mountWidgets(root) {
      if (!tracker || !options) {
        warn('call cartwise.init({ writeKey }) before mounting widgets');
        return Promise.resolve([]);
      }
      const container = root ?? (typeof document !== 'undefined' ? document : undefined);
      if (!container) return Promise.resolve([]);
      return mountWidgets(container, widgetHost(tracker, options));
    },
    push(...commands) {
      for (const command of commands) {
        if (!Array.isArray(command) || typeof command[0] !== 'string') {
          warn(`push(command): a command is an array [name, ...args], e.g. ['track.productView', 'sku-1']; got ${JSON.stringify(command)}`);
          continue;
        }
        const [name, ...args] = command as [string, ...unknown[]];
        const [head, member] = name.split('.', 2) as [string, string | undefined];
        const target: Record<string, unknown> | undefined = member === undefined ? (cw as unknown as Record<string, unknown>) : head === 'track' ? (track as unknown as Record<string, unknown>) : undefined;
        const fn = target && Object.prototype.hasOwnProperty.call(target, member ?? head) ? target[member ?? head] : undefined;
        if (typeof fn !== 'function' || name === 'push') {
          warn(`push(command): unknown command "${name}"`);
          continue;
        }
        try {
          (fn as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          warn(`push(command): "${name}" failed: ${(err as Error)?.message ?? String(err)}`);
        }
      }
      return 0;
    },
    get userId() {
      return tracker?.hasConsent ? tracker.identity.userId() : undefined;
    },
    get stats() {
      return tracker ? { ...tracker.stats } : undefined;
    },
  };

  function widgetHost(t: Tracker, o: ResolvedOptions): WidgetHost {
    return {
      endpoint: o.endpoint,
      writeKey: o.writeKey,
      productUrl: o.productUrl,
      currency: o.currency,
      async fetchJson(url) {
        const res = await env.fetch(url, { method: 'GET', headers: { authorization: `Bearer ${o.writeKey}` } });
        const text = await res.text();
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        return { status: res.status, body };
      },
      userId: () => (t.hasConsent ? t.identity.userId() : undefined),
      track: (fields) => {
        if (fields.type === 'click' && fields.itemId !== undefined && fields.recId !== undefined) recommendationClick(fields.itemId, fields.recId, fields.props);
        else t.track(fields);
      },
      warn: (m, d) => env.warn(m, d),
    };
  }
  return cw;
}
