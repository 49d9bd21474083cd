import { describeConfig } from '../core/config.ts';
import { ErrorCodes } from '../core/errors.ts';
import { Limits } from '../core/limits.ts';
import type { RouteSpec } from './route.ts';

/**
 * Renders docs/reference/*.md from the code (config schema, error registry, route specs), so the reference
 * cannot drift: a test compares the committed files with this output (`npm run docs` rewrites them).
 */
export function renderReferenceDocs(routes: readonly RouteSpec[]): Record<string, string> {
  const config = [
    '# Configuration reference',
    '',
    '_Generated from `src/core/config.ts` by `npm run docs`; do not edit by hand._',
    '',
    'Precedence: defaults < JSON config file (`--config`, `CARTWISE_CONFIG`, or `<dataDir>/cartwise.json`) < environment < CLI flags.',
    '',
    '| key | environment | default | description |',
    '|---|---|---|---|',
    ...describeConfig().map((d) => `| \`${d.key}\` | \`${d.env}\` | ${d.default === undefined ? '—' : `\`${JSON.stringify(d.default)}\``} | ${d.description} |`),
    '',
  ].join('\n');
  const errors = [
    '# Error reference',
    '',
    '_Generated from `src/core/errors.ts` by `npm run docs`; do not edit by hand._',
    '',
    'Every error response has the shape `{ "error": { "code": "…", "message": "…", "details": { … } } }`.',
    '',
    '| code | HTTP status | message template |',
    '|---|---|---|',
    ...Object.entries(ErrorCodes).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.message.replace(/\|/g, '\\|')} |`),
    '',
    '## Input limits',
    '',
    '| limit | value |',
    '|---|---|',
    ...Object.entries(Limits).map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
  ].join('\n');
  const byTag = new Map<string, RouteSpec[]>();
  for (const r of routes) byTag.set(r.tag, [...(byTag.get(r.tag) ?? []), r]);
  const api = [
    '# HTTP API reference',
    '',
    '_Generated from the route specs in `src/server/routes/` by `npm run docs`; do not edit by hand. The server also serves this as OpenAPI at `/openapi.json` and as a page at `/docs`._',
    '',
    'Access: `public` needs no key; `write` accepts the write key or the admin key (`Authorization: Bearer <key>`); `admin` needs the admin key.',
    '',
    ...[...byTag.entries()].flatMap(([tag, rs]) => [
      `## ${tag}`,
      '',
      '| method | path | access | summary |',
      '|---|---|---|---|',
      ...rs.map((r) => `| ${r.method} | \`${r.url}\` | ${r.access} | ${r.summary.replace(/\|/g, '\\|')} |`),
      '',
    ]),
  ].join('\n');
  return { 'config.md': config, 'errors.md': errors, 'http-api.md': api };
}
