import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Item } from '../../src/core/schemas/index.ts';

/**
 * Command-line handling shared by the SASRec benches: `--name value` flags (taken out of the remaining arguments)
 * and the Amazon Sports leave-one-out split they read by default (built as in ../shared/reference/README.md).
 */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)) {
  const args = [...argv];
  const flag = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 ? (args.splice(i, 2)[1] as string) : dflt;
  };
  const trainPath = flag('--train', '/tmp/sasrec-data/sports-loo/train.csv');
  const testPath = flag('--test', '/tmp/sasrec-data/sports-loo/test.csv');
  /** What is left after the flags taken so far (positional arguments, `key=value` params). */
  return { args, flag, trainPath, testPath };
}

/**
 * A catalogue from an S3-Rec `item2attributes.json(.gz)` file (`{ "<item id>": [attribute id, …] }`, anonymous
 * brand and category ids): each item gets its attribute ids as tags, which SASRec's `sideFeatures` reads.
 */
export function readAttributeCatalog(path: string): Item[] {
  const raw = readFileSync(path);
  const json = JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Record<string, number[]>;
  return Object.entries(json).map(([id, attrs]) => ({ id, title: `item ${id}`, tags: attrs.map((a) => `a${a}`) }));
}
