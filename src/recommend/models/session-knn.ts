/**
 * Session-based k-nearest neighbours with STAN weighting, for anonymous sessions and short histories.
 * Paper: Garg et al., "Sequence and Time Aware Neighborhood for Session-based Recommendations: STAN" (SIGIR 2019),
 * building on V-SKNN (Ludewig & Jannach, "Evaluation of session-based recommendation algorithms", UMUAI 2018).
 * The current session s (its latest `window` items) is compared with past sessions t that share an item, drawn from
 * the `sampleSize` most recent sessions per shared item:
 *   sim(s, t) = Σ_{i ∈ s∩t} exp((pos_s(i) − |s|) / λ1) / √(|s|·|t|)      (recent items of s count more)
 * the `neighbors` most similar sessions vote for their items, each weighted by its distance to the latest item
 * shared with s:  score(j) = Σ_t sim(s, t) · exp(−|pos_t(j) − pos_t(shared)| / λ3), items after the shared one
 * counting `forwardBoost` times more (what followed is what comes next).
 * Past sessions are the training sequences, cut where the session id changes or at `sessionGapHours`.
 * Complexity: fit O(n log n); recommend O(|s| · sampleSize + neighbors · |t| + nItems).
 * Limits: STAN's λ2 (time decay of neighbour sessions) is not applied (timestamps of imported logs are often
 * positions); a training user's own sessions are skipped when scoring for that user.
 */
import { z } from 'zod';
import { CartwiseError } from '../../core/errors.ts';
import type { Artifact } from '../../store/store.ts';
import { bytesOf, float64Of, int32Of } from '../../store/artifact-codec.ts';
import type { InteractionData } from '../interactions/interaction-builder.ts';
import { BaseRecommender, checkAbort, csrBuffers, parseParams, requireBuffer, type FitOptions, type Profile, type RecommendQuery, type RecommenderFactory } from '../recommender.ts';
import { queryWindow } from './markov.ts';

export const sessionKnnParamsSchema = z.object({
  neighbors: z.number().int().min(1).max(10_000).default(100).describe('most similar past sessions that vote'),
  sampleSize: z.number().int().min(1).max(1_000_000).default(1000).describe('most recent past sessions considered per item of the current session'),
  window: z.number().int().min(1).max(1000).default(20).describe('latest items of the current sequence used as the session'),
  lambdaPosition: z.number().positive().default(2).describe('λ1: decay of the current session positions (larger = flatter)'),
  lambdaNeighbor: z.number().positive().default(3).describe('λ3: decay of a neighbour item weight with its distance to the shared item'),
  forwardBoost: z.number().min(0).default(2).describe('extra weight of neighbour items that come after the shared item'),
  sessionGapHours: z.number().min(0).default(0).describe('split a user sequence into sessions at time gaps longer than this (0 = never)'),
});
export type SessionKnnParams = z.infer<typeof sessionKnnParamsSchema>;

/** STAN session-kNN model. */
export class SessionKnnRecommender extends BaseRecommender<SessionKnnParams> {
  readonly kind = 'sknn';
  /** [nSessions + 1] offsets into `sessionItems` */
  sessionIndptr: Int32Array = new Int32Array(1);
  /** ordered items of every past session */
  sessionItems: Int32Array = new Int32Array(0);
  /** [nSessions] owning user index */
  sessionUser: Int32Array = new Int32Array(0);
  /** [nSessions] time of the session's last event (epoch ms) */
  sessionTime: Float64Array = new Float64Array(0);
  seqIndptr: Int32Array = new Int32Array(1);
  seqItems: Int32Array = new Int32Array(0);
  /** item → sessions containing it, most recent first: [nItems + 1] offsets, session ids and the item's last position */
  private postIndptr: Int32Array = new Int32Array(1);
  private postSession: Int32Array = new Int32Array(0);
  private postPos: Int32Array = new Int32Array(0);
  private simAcc: Float64Array = new Float64Array(0);
  private sharedPos: Int32Array = new Int32Array(0);

  protected async fitModel(data: InteractionData, options: FitOptions): Promise<void> {
    checkAbort(options.signal);
    const gapMs = this.params.sessionGapHours > 0 ? this.params.sessionGapHours * 3_600_000 : Infinity;
    const indptr: number[] = [0];
    const users: number[] = [];
    const times: number[] = [];
    for (let u = 0; u < data.nUsers; u++) {
      const e = data.seqIndptr[u + 1]!;
      for (let p = data.seqIndptr[u]!; p < e; p++) {
        const cut = p + 1 === e || data.seqTs[p + 1]! - data.seqTs[p]! > gapMs || (data.seqSessions[p + 1] !== data.seqSessions[p] && data.seqSessions[p] !== -1);
        if (cut) {
          indptr.push(p + 1);
          users.push(u);
          times.push(data.seqTs[p]!);
        }
      }
    }
    // Sessions are contiguous slices of the sequence arrays, so offsets are global sequence offsets.
    this.sessionIndptr = Int32Array.from(indptr);
    this.sessionItems = data.seqItems.slice();
    this.sessionUser = Int32Array.from(users);
    this.sessionTime = Float64Array.from(times);
    this.seqIndptr = data.seqIndptr.slice();
    this.seqItems = data.seqItems.slice();
    this.buildPostings();
  }

  /** Builds the item → sessions index (most recent sessions first, capped at `sampleSize`). */
  private buildPostings(): void {
    const nS = this.sessionUser.length;
    const nI = this.nItems;
    const perItem: number[][] = Array.from({ length: nI }, () => []);
    const lastPos = new Map<number, number>();
    for (let t = 0; t < nS; t++) {
      lastPos.clear();
      const s = this.sessionIndptr[t]!;
      for (let p = s; p < this.sessionIndptr[t + 1]!; p++) lastPos.set(this.sessionItems[p]!, p - s);
      for (const [it, pos] of lastPos) perItem[it]!.push(t, pos);
    }
    const indptr = new Int32Array(nI + 1);
    const cap = this.params.sampleSize;
    for (let i = 0; i < nI; i++) indptr[i + 1] = indptr[i]! + Math.min(cap, perItem[i]!.length / 2);
    const sess = new Int32Array(indptr[nI]!);
    const pos = new Int32Array(indptr[nI]!);
    for (let i = 0; i < nI; i++) {
      const list = perItem[i]!;
      const order = Array.from({ length: list.length / 2 }, (_, k) => k);
      order.sort((a, b) => this.sessionTime[list[2 * b]!]! - this.sessionTime[list[2 * a]!]! || list[2 * b]! - list[2 * a]!);
      const n = indptr[i + 1]! - indptr[i]!;
      for (let k = 0; k < n; k++) {
        sess[indptr[i]! + k] = list[2 * order[k]!]!;
        pos[indptr[i]! + k] = list[2 * order[k]! + 1]!;
      }
    }
    this.postIndptr = indptr;
    this.postSession = sess;
    this.postPos = pos;
    this.simAcc = new Float64Array(nS);
    this.sharedPos = new Int32Array(nS).fill(-1);
  }

  override score(query: RecommendQuery, out: Float64Array): boolean {
    if (!this.fitted) throw new CartwiseError('MODEL_NOT_READY', { reason: 'sknn is not fitted' });
    out.fill(0);
    const p = this.params;
    const s = queryWindow(query, this.seqIndptr, this.seqItems, this.nItems, p.window);
    if (s.length === 0) return false;
    const user = typeof query === 'number' ? query : (query.user ?? -1);
    const touched: number[] = [];
    const L = s.length;
    // Oldest to newest, so `sharedPos` ends at the position (in t) of the latest shared item.
    for (let q = 0; q < L; q++) {
      const it = s[q]!;
      const w = Math.exp((q + 1 - L) / p.lambdaPosition);
      for (let k = this.postIndptr[it]!; k < this.postIndptr[it + 1]!; k++) {
        const t = this.postSession[k]!;
        if (this.sessionUser[t] === user) continue;
        if (this.sharedPos[t] === -1) touched.push(t);
        this.simAcc[t]! += w;
        this.sharedPos[t] = this.postPos[k]!;
      }
    }
    // Normalise and keep the `neighbors` most similar sessions.
    const cand = touched.map((t) => {
      const len = this.sessionIndptr[t + 1]! - this.sessionIndptr[t]!;
      return { t, sim: this.simAcc[t]! / Math.sqrt(L * len), shared: this.sharedPos[t]! };
    });
    for (const t of touched) {
      this.simAcc[t] = 0;
      this.sharedPos[t] = -1;
    }
    cand.sort((a, b) => b.sim - a.sim || a.t - b.t);
    const nb = Math.min(p.neighbors, cand.length);
    for (let c = 0; c < nb; c++) {
      const { t, sim, shared } = cand[c]!;
      const st = this.sessionIndptr[t]!;
      const len = this.sessionIndptr[t + 1]! - st;
      for (let q = 0; q < len; q++) {
        const dist = q - shared;
        const w = Math.exp(-Math.abs(dist) / p.lambdaNeighbor) * (dist > 0 ? 1 + p.forwardBoost : 1);
        out[this.sessionItems[st + q]!]! += sim * w;
      }
    }
    return true;
  }

  protected scoreProfile(_profile: Profile, _out: Float64Array): boolean {
    return false; // `score` reads the ordered window instead.
  }

  toArtifact(): Artifact {
    return {
      manifest: this.manifest(),
      buffers: {
        ...csrBuffers('history', this.history),
        'session.indptr': bytesOf(this.sessionIndptr),
        'session.items': bytesOf(this.sessionItems),
        'session.user': bytesOf(this.sessionUser),
        'session.time': bytesOf(this.sessionTime),
        'seq.indptr': bytesOf(this.seqIndptr),
      },
    };
  }

  /** Restores sessions from an artifact and rebuilds the item → session index. */
  restore(artifact: Artifact): void {
    this.restoreBase(artifact);
    this.sessionIndptr = int32Of(requireBuffer(artifact, 'session.indptr'));
    this.sessionItems = int32Of(requireBuffer(artifact, 'session.items'));
    this.sessionUser = int32Of(requireBuffer(artifact, 'session.user'));
    this.sessionTime = float64Of(requireBuffer(artifact, 'session.time'));
    this.seqIndptr = int32Of(requireBuffer(artifact, 'seq.indptr'));
    this.seqItems = this.sessionItems;
    this.buildPostings();
  }
}

export const sessionKnnFactory: RecommenderFactory<SessionKnnParams> = {
  kind: 'sknn',
  description: 'Session-kNN with STAN weighting: similar past sessions vote for what followed the shared items',
  paramsSchema: sessionKnnParamsSchema,
  create: (params) => new SessionKnnRecommender(parseParams(sessionKnnParamsSchema, params)),
  fromArtifact(artifact) {
    const m = new SessionKnnRecommender(parseParams(sessionKnnParamsSchema, artifact.manifest.params));
    m.restore(artifact);
    return m;
  },
};
