/**
 * Brand words learned from the catalogue alone: product titles conventionally open with the brand ("GE 5.3 cu. ft.
 * Electric Range", "BEHR Premium Plus …", "Hampton Bay …"), so the share of a term's items whose title starts with it
 * separates brands (GE 0.98, BEHR 0.97, DEWALT 0.99) from product types and modifiers (stove 0.01, outdoor 0.01,
 * white 0.01). A shopper who names a brand rarely wants another brand's product, while a product type named in the
 * query is often spelled differently in the title (`ge stove` → "GE … Electric Range"); the search engine uses the
 * share to keep products of the named brand ahead of other brands' products that match only the type word.
 *
 * Complexity: one pass over the live titles per index version (O(items)), then O(1) per query term. Limits: only the
 * first word of a multi-word brand is seen ("hampton" in Hampton Bay, not "bay"); catalogues whose titles do not open
 * with the brand give low shares everywhere, which switches the feature off by itself.
 */
import type { SearchIndex } from './search-index.ts';

/** Share of items a term must lead (title's first term) to count as a brand word. */
export const BRAND_LEAD_SHARE = 0.8;
/** ...and the least number of items it must occur in (a one-off first word is a product name, not a brand). */
export const BRAND_MIN_ITEMS = 3;

/** Per index version, the share of each term's items whose title starts with that term. */
export class BrandTerms {
  private share = new Float32Array(0);
  private version = -1;

  constructor(private readonly index: SearchIndex) {}

  /** Share (0..1) of the term's live items whose title's first term it is; 0 for unknown ids. */
  leadShare(termId: number): number {
    this.refresh();
    return (this.share[termId] as number | undefined) ?? 0;
  }

  /** Whether the term is a brand word by the thresholds above. */
  isBrand(termId: number): boolean {
    return this.index.docFreqOf(termId) >= BRAND_MIN_ITEMS && this.leadShare(termId) >= BRAND_LEAD_SHARE;
  }

  private refresh(): void {
    if (this.version === this.index.version) return;
    const n = this.index.vocabularySize;
    const lead = new Float32Array(n);
    for (const s of this.index.liveSlots()) {
      const t = this.index.titleTermIds(s)[0];
      if (t !== undefined && t < n) lead[t] = (lead[t] as number) + 1;
    }
    for (let t = 0; t < n; t++) {
      const df = this.index.docFreqOf(t);
      lead[t] = df > 0 ? Math.min(1, (lead[t] as number) / df) : 0;
    }
    this.share = lead;
    this.version = this.index.version;
  }
}
