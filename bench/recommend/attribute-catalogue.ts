/**
 * Writes an S3-Rec `item2attributes.json(.gz)` file as a JSON-lines catalogue that `cartwise evaluate --items`
 * reads (each item's anonymous attribute ids become tags), so SASRec's side features can be evaluated through the CLI:
 *   npx tsx bench/recommend/attribute-catalogue.ts ../shared/datasets/amazon-sports/Sports_and_Outdoors_item2attributes.json.gz /tmp/sasrec-data/sports-items.jsonl
 */
import { writeFileSync } from 'node:fs';
import { readAttributeCatalog } from './bench-args.ts';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: attribute-catalogue.ts ITEM2ATTRIBUTES.json[.gz] OUT.jsonl');
  process.exit(2);
}
const items = readAttributeCatalog(input);
writeFileSync(output, items.map((it) => JSON.stringify(it)).join('\n') + '\n');
console.log(`${items.length} items → ${output}`);
