/**
 * Entry of the browser bundle served at `/cartwise.js`: defines `window.cartwise`. With a `data-write-key`
 * attribute on its script tag the SDK initialises itself:
 *
 *   <script src="https://cw.example.com/cartwise.js" data-write-key="cw_write_…" data-consent="false"></script>
 *
 * (`data-endpoint` defaults to the script's origin; `data-consent="false"` waits for `cartwise.consent(true)`;
 * `data-product-url="/products/{id}"` links the widget cards). Otherwise call `cartwise.init({ … })` yourself.
 */
import { browserEnvironment } from './browser-environment.ts';
import { createCartwise, type Cartwise } from './cartwise.ts';

declare global {
  interface Window {
    cartwise: Cartwise;
  }
}

// Commands a page queued before this script loaded: `window.cartwise = window.cartwise || []; cartwise.push([…])`.
const queued: unknown[] = Array.isArray(window.cartwise as unknown) ? (window.cartwise as unknown as unknown[]) : [];
const cartwise = createCartwise(browserEnvironment());
window.cartwise = cartwise;

const script = document.currentScript as HTMLScriptElement | null;
const writeKey = script?.dataset['writeKey'];
if (script && writeKey) {
  let endpoint = script.dataset['endpoint'];
  if (endpoint === undefined) {
    try {
      endpoint = new URL(script.src, window.location.href).origin;
    } catch {
      endpoint = '';
    }
  }
  const productUrl = script.dataset['productUrl'];
  cartwise.init({ endpoint, writeKey, consent: script.dataset['consent'] !== 'false', ...(productUrl ? { productUrl } : {}) });
}
// replay after the script-tag init, so queued calls see a configured SDK (a queued `init` works too)
if (queued.length > 0) cartwise.push(...queued);
