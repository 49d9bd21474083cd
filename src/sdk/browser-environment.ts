import type { KeyValueStorage, SdkEnvironment } from './types.ts';

function safeLocalStorage(): KeyValueStorage | undefined {
  try {
    const s = window.localStorage;
    const probe = '__cw_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return undefined; // disabled storage or private mode: the SDK keeps its state in memory
  }
}

function randomId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function random(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return (buf[0] as number) / 4294967296;
}

/**
 * The SDK's environment in a browser: `fetch`, `localStorage`, `crypto` for ids and jitter, timers,
 * `navigator.sendBeacon`, and `pagehide` / `visibilitychange` for the exit flush.
 */
export function browserEnvironment(): SdkEnvironment {
  const storage = safeLocalStorage();
  return {
    fetch: (url, init) => window.fetch(url, init),
    storage,
    now: () => Date.now(),
    randomId,
    random,
    setTimer: (fn, ms) => window.setTimeout(fn, ms),
    clearTimer: (handle) => window.clearTimeout(handle as number),
    sendBeacon: typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function' ? (url, body) => navigator.sendBeacon(url, body) : undefined,
    sameOrigin(endpoint) {
      if (endpoint === '') return true;
      try {
        return new URL(endpoint, window.location.href).origin === window.location.origin;
      } catch {
        return false;
      }
    },
    onPageExit(fn) {
      window.addEventListener('pagehide', fn);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') fn();
      });
    },
    warn: (message, detail) => (detail === undefined ? console.warn(message) : console.warn(message, detail)),
    pageInfo: () => ({ path: window.location.pathname + window.location.search, title: document.title, referrer: document.referrer }),
  };
}
