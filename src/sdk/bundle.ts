/**
 * Builds the browser file `/cartwise.js` from the SDK sources with esbuild, in memory, on first request
 * (about 50 ms), and keeps it for the life of the process. No build step is needed before `cartwise serve`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built SDK. */
export interface SdkBundle {
  /** Minified IIFE that defines `window.cartwise`. */
  code: string;
  /** Strong validator for `ETag` / `If-None-Match`. */
  etag: string;
  bytes: number;
  buildMs: number;
}

let cached: Promise<SdkBundle> | undefined;

/** The entry file: `browser.ts` beside this file, or `browser.js` in a compiled `dist/`. */
function entryPoint(): string {
  const ts = fileURLToPath(new URL('./browser.ts', import.meta.url));
  if (existsSync(ts)) return ts;
  return fileURLToPath(new URL('./browser.js', import.meta.url));
}

/** Bundles the SDK now (not cached). `minify` defaults to true. */
export async function buildSdkBundle(options: { minify?: boolean } = {}): Promise<SdkBundle> {
  const start = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entryPoint()],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the SDK');
  const code = `/* Cartwise storefront SDK: window.cartwise (docs/guide/sdk.md) */\n${file.text}`;
  return {
    code,
    etag: `"${createHash('sha1').update(code).digest('base64url')}"`,
    bytes: Buffer.byteLength(code),
    buildMs: performance.now() - start,
  };
}

/** The SDK bundle, built once per process; a failed build is retried on the next call. */
export function getSdkBundle(): Promise<SdkBundle> {
  if (!cached) {
    cached = buildSdkBundle();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}
