// Regenerates docs/reference/*.md from the code. Run: npm run docs
import { writeFileSync, mkdirSync } from 'node:fs';
import { allRoutes } from '../src/server/routes/index.ts';
import { renderReferenceDocs } from '../src/server/reference-docs.ts';

mkdirSync('docs/reference', { recursive: true });
for (const [name, text] of Object.entries(renderReferenceDocs(allRoutes))) {
  writeFileSync(`docs/reference/${name}`, text);
  console.log(`wrote docs/reference/${name}`);
}
