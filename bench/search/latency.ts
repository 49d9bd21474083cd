/** Shared by the search benchmarks: `--name value` flags and latency percentiles. */

/** The number after `--name` on the command line, or `dflt`. */
export const flag = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

/** The p-th percentile (nearest rank) of `xs`. */
export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

/** `p50 … · p95 … · p99 … · max … ms` */
export const latencies = (xs: readonly number[]): string =>
  `p50 ${percentile(xs, 50).toFixed(2)} · p95 ${percentile(xs, 95).toFixed(2)} · p99 ${percentile(xs, 99).toFixed(2)} · max ${Math.max(...xs).toFixed(2)} ms`;
