import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CartwiseError } from '../../core/errors.ts';
import { defineRoutes } from '../route.ts';

/** The dashboard's static files live in `src/web/` (plain ES modules: no build step, no CDN). */
function findWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'src', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('dashboard files (src/web) not found');
}

const WEB_ROOT = findWebRoot();
// chart.js's exports map hides dist/; resolve its main entry and take the UMD build beside it.
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };
const cache = new Map<string, Buffer>();

function readCached(path: string): Buffer {
  let body = cache.get(path);
  if (!body) {
    body = readFileSync(path);
    cache.set(path, body);
  }
  return body;
}

export const webRoutes = defineRoutes([
  {
    method: 'GET',
    url: '/',
    access: 'public',
    tag: 'Dashboard',
    summary: 'The web dashboard (signs in with the admin key)',
    produces: 'text/html; charset=utf-8',
    async handler() {
      return readCached(join(WEB_ROOT, 'index.html'));
    },
  },
  {
    method: 'GET',
    url: '/web/*',
    access: 'public',
    tag: 'Dashboard',
    summary: 'Dashboard assets',
    async handler(req, reply) {
      const rel = (req.params as { '*': string })['*'];
      if (rel === 'vendor/chart.js') {
        reply.type(TYPES['.js'] as string).header('cache-control', 'public, max-age=86400');
        return readCached(CHART_JS);
      }
      const path = normalize(join(WEB_ROOT, rel));
      if (!path.startsWith(WEB_ROOT + sep) || !existsSync(path) || !TYPES[extname(path)]) {
        throw new CartwiseError('NOT_FOUND', { what: 'Asset', id: rel });
      }
      reply.type(TYPES[extname(path)] as string).header('cache-control', 'no-cache');
      return readCached(path);
    },
  },
]);

