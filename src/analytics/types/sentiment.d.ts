/** Types for `sentiment` (AFINN-165 word list scorer; the package ships none). */
declare module 'sentiment' {
  interface AnalysisResult {
    score: number;
    comparative: number;
    calculation: Record<string, number>[];
    tokens: string[];
    words: string[];
    positive: string[];
    negative: string[];
  }
  class Sentiment {
    analyze(phrase: string, options?: { language?: string; extras?: Record<string, number> }): AnalysisResult;
  }
  export default Sentiment;
}
