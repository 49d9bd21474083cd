/**
 * Recommendation widgets: any element with `data-cartwise="recommendations" | "similar" | "bought-together"`
 * becomes a carousel of item cards fetched from the recommendation API with the write key. Rendering uses DOM
 * APIs only (no `innerHTML` with server data). Each rendered card is reported as an `impression` event and each
 * click as a `click` event, both with the response's `recId` for attribution. On any error the widget renders
 * nothing and logs a console warning: a storefront never breaks because recommendations are unavailable.
 */
import type { EventFields, RecommendationResponse, RecommendedItem } from './types.ts';

/** The widget kinds and their default headings. */
export const WidgetKinds = {
  recommendations: 'Recommended for you',
  similar: 'Similar items',
  'bought-together': 'Frequently bought together',
} as const;
export type WidgetKind = keyof typeof WidgetKinds;

/** What a widget needs from the SDK. */
export interface WidgetHost {
  endpoint: string;
  writeKey: string;
  fetchJson(url: string): Promise<{ status: number; body: unknown }>;
  /** The shopper's id, only when tracking is allowed (recommendations are otherwise anonymous). */
  userId(): string | undefined;
  track(fields: EventFields): void;
  warn(message: string, detail?: unknown): void;
  productUrl: string | undefined;
  currency: string;
}

/** The data attributes of one widget element. */
export interface WidgetSpec {
  kind: string | undefined;
  k?: string | undefined;
  item?: string | undefined;
}

/** Where a widget element asks for its items, or why it cannot. */
export type WidgetRequest = { ok: true; kind: WidgetKind; url: string; k: number } | { ok: false; reason: string };

/**
 * Builds the API URL of a widget from its data attributes: `data-k` (1–100, default 8) and, for `similar` and
 * `bought-together`, `data-item`. Returns a reason naming the attribute when the element is misconfigured.
 */
export function widgetRequest(spec: WidgetSpec, endpoint: string, userId: string | undefined): WidgetRequest {
  const kind = spec.kind;
  if (kind === undefined || !Object.prototype.hasOwnProperty.call(WidgetKinds, kind)) {
    return { ok: false, reason: `data-cartwise="${kind ?? ''}" is not a widget; use ${Object.keys(WidgetKinds).map((k) => `"${k}"`).join(', ')}` };
  }
  let k = 8;
  if (spec.k !== undefined && spec.k !== '') {
    k = Number(spec.k);
    if (!Number.isInteger(k) || k < 1 || k > 100) return { ok: false, reason: `data-k="${spec.k}" must be an integer from 1 to 100` };
  }
  const widget = kind as WidgetKind;
  if (widget === 'recommendations') {
    const params = new URLSearchParams({ k: String(k) });
    if (userId !== undefined) params.set('userId', userId);
    return { ok: true, kind: widget, k, url: `${endpoint}/v1/recommendations?${params.toString()}` };
  }
  const item = spec.item?.trim();
  if (!item) return { ok: false, reason: `data-cartwise="${widget}" needs data-item="<item id>"` };
  return { ok: true, kind: widget, k, url: `${endpoint}/v1/items/${encodeURIComponent(item)}/${widget}?k=${k}` };
}

/**
 * Checks a response against the recommendation contract `{ recId, items: [{ itemId | id, score, title?, price?,
 * explanation? }] }`; `explanation` may be a string or the server's `{ type, text }` object.
 */
export function parseRecommendations(body: unknown): RecommendationResponse | string {
  if (!body || typeof body !== 'object') return 'the response is not a JSON object';
  const b = body as { recId?: unknown; items?: unknown };
  if (typeof b.recId !== 'string' || b.recId === '') return 'the response has no recId';
  if (!Array.isArray(b.items)) return 'the response has no items array';
  const items: RecommendedItem[] = [];
  for (const raw of b.items as unknown[]) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    const rawId = r['itemId'] ?? r['id'];
    const itemId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
    if (itemId === undefined) continue;
    const item: RecommendedItem = { itemId, score: typeof r['score'] === 'number' ? r['score'] : 0 };
    if (typeof r['title'] === 'string') item.title = r['title'];
    if (typeof r['price'] === 'number' && Number.isFinite(r['price'])) item.price = r['price'];
    const why = r['explanation'];
    if (typeof why === 'string') item.explanation = why;
    else if (why && typeof why === 'object' && typeof (why as { text?: unknown }).text === 'string') item.explanation = (why as { text: string }).text;
    items.push(item);
  }
  return { recId: b.recId, items };
}

/** A stable hue for an item's placeholder picture. */
export function hueOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % 360;
}

const CSS = `.cw-carousel{margin:16px 0;font:14px/1.4 system-ui,sans-serif;color:#1d2433}
.cw-head{display:flex;align-items:center;justify-content:space-between;margin-bottom:8px}
.cw-title{font-size:17px;font-weight:650;margin:0}
.cw-nav button{border:1px solid #d5d9e3;background:#fff;border-radius:50%;width:30px;height:30px;margin-left:6px;cursor:pointer;font-size:16px;line-height:1}
.cw-track{display:flex;gap:12px;overflow-x:auto;scroll-snap-type:x mandatory;scroll-behavior:smooth;list-style:none;margin:0;padding:2px 2px 10px}
.cw-card{flex:0 0 164px;scroll-snap-align:start;background:#fff;border:1px solid #e6e8ef;border-radius:10px;overflow:hidden}
.cw-card a,.cw-card button.cw-open{display:block;color:inherit;text-decoration:none;text-align:left;background:none;border:0;padding:0;width:100%;cursor:pointer;font:inherit}
.cw-thumb{height:104px;display:flex;align-items:center;justify-content:center;color:#fff;font-weight:700;font-size:26px;letter-spacing:1px}
.cw-body{padding:8px 10px 10px}.cw-name{font-weight:600;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;min-height:2.8em}
.cw-price{margin-top:4px;font-weight:700}.cw-why{margin-top:4px;color:#667085;font-size:12px}`;

function ensureStyle(doc: Document): void {
  if (doc.getElementById('cartwise-widget-style')) return;
  const style = doc.createElement('style');
  style.id = 'cartwise-widget-style';
  style.textContent = CSS;
  doc.head.appendChild(style);
}

function initials(title: string): string {
  const words = title.split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? '')).toUpperCase();
}

function formatPrice(price: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(price);
  } catch {
    return price.toFixed(2);
  }
}

/** What happened to one widget element. */
export interface WidgetResult {
  element: Element;
  kind: string | undefined;
  status: 'rendered' | 'empty' | 'error';
  recId?: string;
  items?: number;
  reason?: string;
}

/**
 * Renders one carousel into `el` from a parsed response and wires its click tracking. Returns the number of
 * cards. Exposed for hosts that fetch recommendations themselves.
 */
export function renderCarousel(el: HTMLElement, kind: WidgetKind, rec: RecommendationResponse, host: WidgetHost): number {
  const doc = el.ownerDocument;
  ensureStyle(doc);
  const section = doc.createElement('section');
  section.className = 'cw-carousel';
  section.setAttribute('data-cartwise-rec-id', rec.recId);
  const head = doc.createElement('div');
  head.className = 'cw-head';
  const title = doc.createElement('h3');
  title.className = 'cw-title';
  title.textContent = el.getAttribute('data-title') ?? WidgetKinds[kind];
  const nav = doc.createElement('div');
  nav.className = 'cw-nav';
  const track = doc.createElement('ol');
  track.className = 'cw-track';
  for (const [label, dir] of [['‹', -1], ['›', 1]] as const) {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-label', dir < 0 ? 'Previous' : 'Next');
    b.addEventListener('click', () => track.scrollBy({ left: dir * Math.max(track.clientWidth * 0.8, 176), behavior: 'smooth' }));
    nav.appendChild(b);
  }
  head.append(title, nav);
  const linkTemplate = el.getAttribute('data-link') ?? host.productUrl;
  const currency = el.getAttribute('data-currency') ?? host.currency;
  rec.items.forEach((item, position) => {
    const li = doc.createElement('li');
    li.className = 'cw-card';
    li.setAttribute('data-item-id', item.itemId);
    const target = linkTemplate ? doc.createElement('a') : doc.createElement('button');
    if (target instanceof HTMLAnchorElement) target.href = linkTemplate!.replace('{id}', encodeURIComponent(item.itemId));
    else {
      target.type = 'button';
      target.className = 'cw-open';
    }
    const name = item.title ?? item.itemId;
    const thumb = doc.createElement('div');
    thumb.className = 'cw-thumb';
    const hue = hueOf(item.itemId);
    thumb.style.background = `linear-gradient(135deg,hsl(${hue} 62% 52%),hsl(${(hue + 40) % 360} 62% 40%))`;
    thumb.textContent = initials(name);
    const body = doc.createElement('div');
    body.className = 'cw-body';
    const nameEl = doc.createElement('div');
    nameEl.className = 'cw-name';
    nameEl.textContent = name;
    body.appendChild(nameEl);
    if (item.price !== undefined) {
      const p = doc.createElement('div');
      p.className = 'cw-price';
      p.textContent = formatPrice(item.price, currency);
      body.appendChild(p);
    }
    if (item.explanation) {
      const w = doc.createElement('div');
      w.className = 'cw-why';
      w.textContent = item.explanation;
      body.appendChild(w);
    }
    target.append(thumb, body);
    target.addEventListener('click', () => {
      host.track({ type: 'click', itemId: item.itemId, recId: rec.recId, props: { widget: kind, position } });
      el.dispatchEvent(new CustomEvent('cartwise:click', { bubbles: true, detail: { itemId: item.itemId, recId: rec.recId, position, widget: kind } }));
    });
    li.appendChild(target);
    track.appendChild(li);
  });
  section.append(head, track);
  el.replaceChildren(section);
  return rec.items.length;
}

/**
 * Finds the widget elements under `root` that are not mounted yet, fetches their items and renders them.
 * Resolves with one result per element once all have settled; never rejects.
 */
export async function mountWidgets(root: ParentNode, host: WidgetHost): Promise<WidgetResult[]> {
  const elements = Array.from(root.querySelectorAll<HTMLElement>('[data-cartwise]')).filter((el) => !el.hasAttribute('data-cartwise-state'));
  return Promise.all(elements.map((el) => mountOne(el, host)));
}

/**
 * Mounts again the widgets that were rendered without the shopper's id (before consent), so that they become
 * personal and their impressions are recorded. Widgets still loading are left alone.
 */
export async function remountAnonymousWidgets(root: ParentNode, host: WidgetHost): Promise<WidgetResult[]> {
  const elements = Array.from(root.querySelectorAll<HTMLElement>('[data-cartwise][data-cartwise-anonymous]')).filter((el) => el.getAttribute('data-cartwise-state') !== 'loading');
  return Promise.all(elements.map((el) => mountOne(el, host)));
}

async function mountOne(el: HTMLElement, host: WidgetHost): Promise<WidgetResult> {
  const kind = el.getAttribute('data-cartwise') ?? undefined;
  el.setAttribute('data-cartwise-state', 'loading');
  const userId = host.userId();
  if (userId === undefined) el.setAttribute('data-cartwise-anonymous', '');
  else el.removeAttribute('data-cartwise-anonymous');
  const fail = (reason: string): WidgetResult => {
    el.setAttribute('data-cartwise-state', 'error');
    el.replaceChildren();
    host.warn(`cartwise: the ${kind ?? ''} widget was not rendered: ${reason}`);
    return { element: el, kind, status: 'error', reason };
  };
  const req = widgetRequest({ kind, k: el.getAttribute('data-k') ?? undefined, item: el.getAttribute('data-item') ?? undefined }, host.endpoint, userId);
  if (!req.ok) return fail(req.reason);
  let response: { status: number; body: unknown };
  try {
    response = await host.fetchJson(req.url);
  } catch (err) {
    return fail(`request failed: ${(err as Error)?.message ?? String(err)}`);
  }
  if (response.status !== 200) {
    const message = (response.body as { error?: { message?: string } } | undefined)?.error?.message;
    return fail(`HTTP ${response.status}${message ? ` ${message}` : ''}`);
  }
  const rec = parseRecommendations(response.body);
  if (typeof rec === 'string') return fail(rec);
  const items = rec.items.slice(0, req.k);
  if (items.length === 0) {
    el.setAttribute('data-cartwise-state', 'empty');
    el.replaceChildren();
    return { element: el, kind, status: 'empty', recId: rec.recId, items: 0 };
  }
  // consent arrived while this anonymous request was in flight: ask again with the shopper's id
  if (userId === undefined && host.userId() !== undefined) return mountOne(el, host);
  const n = renderCarousel(el, req.kind, { recId: rec.recId, items }, host);
  el.setAttribute('data-cartwise-state', 'rendered');
  items.forEach((item, position) => host.track({ type: 'impression', itemId: item.itemId, recId: rec.recId, props: { widget: req.kind, position } }));
  el.dispatchEvent(new CustomEvent('cartwise:rendered', { bubbles: true, detail: { recId: rec.recId, items: n, widget: req.kind } }));
  return { element: el, kind, status: 'rendered', recId: rec.recId, items: n };
}
