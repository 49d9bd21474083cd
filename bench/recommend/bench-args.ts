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
