import type { FieldIssue } from '../core/errors.ts';

/** One rejected input, kept for the dashboard's "recent invalid events" list. */
export interface RejectionEntry {
  at: string;
  source: string;
  index: number;
  issues: FieldIssue[];
  /** The rejected value, truncated to a short JSON preview. */
  preview: string;
}

/**
 * A bounded in-memory log of the most recent rejected events (a ring buffer), plus running totals since start.
 * Rejections are also returned to the sender; this log is what an operator sees afterwards.
 */
export class RejectionLog {
  private readonly entries: RejectionEntry[] = [];
  private total = 0;

  constructor(private readonly capacity = 200) {}

  record(source: string, index: number, issues: FieldIssue[], value: unknown): void {
    this.total++;
    let preview = '';
    try {
      preview = JSON.stringify(value) ?? '';
    } catch {
      preview = String(value);
    }
    this.entries.push({ at: new Date().toISOString(), source, index, issues, preview: preview.length > 300 ? preview.slice(0, 300) + '…' : preview });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** Newest first. */
  recent(limit = 50): RejectionEntry[] {
    return this.entries.slice(-limit).reverse();
  }

  get totalSinceStart(): number {
    return this.total;
  }
}
