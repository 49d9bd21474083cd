import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReferenceDocs } from './reference-docs.ts';
import { allRoutes } from './routes/index.ts';

describe('docs/reference', () => {
  it('matches the code (run `npm run docs` after changing config, errors or routes)', () => {
    for (const [name, text] of Object.entries(renderReferenceDocs(allRoutes))) {
      const committed = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'reference', name), 'utf8');
      expect(committed, `docs/reference/${name} is stale: run npm run docs`).toBe(text);
    }
  });
});
