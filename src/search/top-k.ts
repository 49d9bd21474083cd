/**
 * Partial selection: the `k` best of `n` candidates under a strict "better than" order, best first, with a binary
 * min-heap of size k. O(n log k) instead of sorting all n — what keeps a 50,000-match query inside the latency budget.
 */
export function topK(n: number, k: number, better: (a: number, b: number) => boolean): number[] {
  if (k <= 0 || n <= 0) return [];
  const heap: number[] = [];
  // heap[0] is the worst of the kept ones.
  const worse = (a: number, b: number) => better(b, a);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i] as number, heap[p] as number)) break;
      [heap[i], heap[p]] = [heap[p] as number, heap[i] as number];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l] as number, heap[m] as number)) m = l;
      if (r < heap.length && worse(heap[r] as number, heap[m] as number)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as number, heap[i] as number];
      i = m;
    }
  };
  for (let c = 0; c < n; c++) {
    if (heap.length < k) {
      heap.push(c);
      up(heap.length - 1);
    } else if (better(c, heap[0] as number)) {
      heap[0] = c;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}
