import type { KeyValueStorage } from './types.ts';

interface Entry {
  itemId: string;
  recId: string;
  sessionId: string;
}

/**
 * Remembers which recommendation (`recId`) the shopper clicked each item from, for the rest of that session, so
 * the product view, add-to-cart and purchase of that item carry the same `recId` and revenue can be attributed
 * to the recommendation. Kept in storage only with consent (like the ids); at most `maxEntries`, newest first.
 */
export class RecAttribution {
  private entries: Entry[] = [];
  private persist = false;

  constructor(
    private readonly storage: KeyValueStorage | undefined,
    private readonly key: string,
    private readonly maxEntries = 50,
  ) {}

  setPersistent(persist: boolean): void {
    if (persist === this.persist) return;
    this.persist = persist;
    if (persist) {
      try {
        const parsed = JSON.parse(this.storage?.getItem(this.key) ?? '[]') as unknown;
        if (Array.isArray(parsed)) {
          const stored = parsed.filter((e): e is Entry => !!e && typeof e.itemId === 'string' && typeof e.recId === 'string' && typeof e.sessionId === 'string');
          this.entries = [...this.entries, ...stored].slice(0, this.maxEntries);
        }
      } catch {
        // corrupt or unavailable storage: start empty
      }
      this.save();
    } else {
      this.entries = [];
      try {
        this.storage?.removeItem(this.key);
      } catch {
        // nothing to erase
      }
    }
  }

  /** Records a click on `itemId` in recommendation `recId` during `sessionId`. */
  remember(itemId: string, recId: string, sessionId: string): void {
    this.entries = [{ itemId, recId, sessionId }, ...this.entries.filter((e) => e.itemId !== itemId)].slice(0, this.maxEntries);
    this.save();
  }

  /** The recId the item was last clicked from in this session, if any. */
  lookup(itemId: string, sessionId: string): string | undefined {
    return this.entries.find((e) => e.itemId === itemId && e.sessionId === sessionId)?.recId;
  }

  private save(): void {
    if (!this.persist) return;
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.entries));
    } catch {
      // quota or disabled storage: memory only
    }
  }
}
