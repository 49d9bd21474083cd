/**
 * The storefront SDK as an importable module (`import { createBrowserCartwise } from 'cartwise/sdk'`).
 * The same code is served as a single browser file at `/cartwise.js` (see `browser.ts`).
 */
import { browserEnvironment } from './browser-environment.ts';
import { createCartwise, type Cartwise } from './cartwise.ts';

export { createCartwise, type Cartwise, type TrackApi } from './cartwise.ts';
export { browserEnvironment } from './browser-environment.ts';
export { Tracker, chunkByBytes, type TrackerStats } from './tracker.ts';
export { mountWidgets, renderCarousel, parseRecommendations, widgetRequest, WidgetKinds, type WidgetKind, type WidgetResult } from './widgets.ts';
export * from './types.ts';

/** A `cartwise` object bound to the browser (`window.fetch`, `localStorage`, `sendBeacon`); call `init` next. */
export function createBrowserCartwise(): Cartwise {
  return createCartwise(browserEnvironment());
}
