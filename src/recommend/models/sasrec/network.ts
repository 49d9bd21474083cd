/**
 * The SASRec network (Kang & McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018) in its pre-LN form:
 * item embeddings · √dim + learned positional embeddings → dropout → L blocks of
 * `x += Dropout(MHA(LN(x)))`, `x += Dropout(FFN(LN(x)))` with causal multi-head attention → final LN.
 * The hidden state at position t scores the next item against the (tied) item embedding table.
 *
 * Sequences are packed without padding (a batch is a list of variable-length sequences), and a token's position is
 * counted from the end of the window, `maxLen - len + t`, so the latest item always sits at position `maxLen - 1`
 * exactly as in SASRec's right-aligned padded windows, while padding costs nothing.
 *
 * Parameters: the item table `[nItems, dim]` (updated sparsely, see optimizer.ts) and one flat dense vector
 * holding every other tensor (views listed by {@link denseLayout}). Dropout is applied to the embeddings and to both
 * residual branches; attention probabilities are not dropped.
 */
import { CartwiseError } from '../../../core/errors.ts';
import type { Rng } from '../../../core/random.ts';
import {
  activationBackward,
  activationForward,
  allocLike,
  attentionBackward,
  attentionCacheOffsets,
  attentionForward,
  dropoutBackward,
  dropoutForward,
  embeddingBackward,
  embeddingForward,
  layerNormBackward,
  layerNormForward,
  linearBackward,
  linearForward,
  type Activation,
  type Vec,
} from './kernels.ts';

/** Architecture of a network. */
export interface SasrecShape {
  nItems: number;
  dim: number;
  blocks: number;
  heads: number;
  maxLen: number;
  /** Hidden width of the feed-forward layer. */
  ffnDim: number;
  activation: Activation;
  dropout: number;
  /** Side-feature vocabulary size (category levels, brand, tags…); 0 or absent = item ids only. */
  nFeatures?: number;
}

/**
 * Item side features as CSR: item i's feature ids are `indices[indptr[i] … indptr[i+1])`. With features, the item
 * vector used at the input and the (tied) output is `E[i] + mean(F[features of i])`, so items that share a brand or
 * category share part of their representation (helps rarely seen items).
 */
export interface ItemFeatures {
  /** [nItems + 1] */
  indptr: Int32Array;
  indices: Int32Array;
}

/** One named tensor inside the dense parameter vector. */
export interface DenseTensor {
  name: string;
  offset: number;
  size: number;
  /** Whether AdamW's weight decay applies (matrices and positions yes, layer-norm gains and biases no). */
  decay: boolean;
  /** How to initialise: normal with this std, or a constant. */
  init: { std: number } | { value: number };
}

/** The tensors of one block, as views into the dense vector. */
interface BlockViews {
  ln1g: Vec;
  ln1b: Vec;
  wq: Vec;
  bq: Vec;
  wk: Vec;
  bk: Vec;
  wv: Vec;
  bv: Vec;
  wo: Vec;
  bo: Vec;
  ln2g: Vec;
  ln2b: Vec;
  w1: Vec;
  b1: Vec;
  w2: Vec;
  b2: Vec;
}

interface DenseViews {
  pos: Vec;
  /** [nFeatures, dim] side-feature embeddings (empty without features) */
  feat: Vec;
  lnfg: Vec;
  lnfb: Vec;
  blocks: BlockViews[];
}

/**
 * The layout of the dense parameter vector for a shape: every tensor with its offset, size, decay flag and
 * initialisation (Xavier-style `1/√fan_in`, output projections scaled by `1/√(2·blocks)`).
 */
export function denseLayout(shape: SasrecShape): { tensors: DenseTensor[]; size: number } {
  const { dim: d, blocks, maxLen, ffnDim: f } = shape;
  const tensors: DenseTensor[] = [];
  let offset = 0;
  const add = (name: string, size: number, decay: boolean, init: DenseTensor['init']) => {
    tensors.push({ name, offset, size, decay, init });
    offset += size;
  };
  const resid = 1 / Math.sqrt(2 * Math.max(1, blocks));
  add('pos', maxLen * d, true, { std: 1 / Math.sqrt(d) });
  for (let l = 0; l < blocks; l++) {
    add(`b${l}.ln1g`, d, false, { value: 1 });
    add(`b${l}.ln1b`, d, false, { value: 0 });
    add(`b${l}.wq`, d * d, true, { std: 1 / Math.sqrt(d) });
    add(`b${l}.bq`, d, false, { value: 0 });
    add(`b${l}.wk`, d * d, true, { std: 1 / Math.sqrt(d) });
    add(`b${l}.bk`, d, false, { value: 0 });
    add(`b${l}.wv`, d * d, true, { std: 1 / Math.sqrt(d) });
    add(`b${l}.bv`, d, false, { value: 0 });
    add(`b${l}.wo`, d * d, true, { std: resid / Math.sqrt(d) });
    add(`b${l}.bo`, d, false, { value: 0 });
    add(`b${l}.ln2g`, d, false, { value: 1 });
    add(`b${l}.ln2b`, d, false, { value: 0 });
    add(`b${l}.w1`, d * f, true, { std: 1 / Math.sqrt(d) });
    add(`b${l}.b1`, f, false, { value: 0 });
    add(`b${l}.w2`, f * d, true, { std: resid / Math.sqrt(f) });
    add(`b${l}.b2`, d, false, { value: 0 });
  }
  add('lnfg', d, false, { value: 1 });
  add('lnfb', d, false, { value: 0 });
  // Last, so the layout without features is unchanged (models saved before features existed still load).
  if ((shape.nFeatures ?? 0) > 0) add('feat', (shape.nFeatures as number) * d, true, { std: 1 / Math.sqrt(d) });
  return { tensors, size: offset };
}

/** Typed views of every tensor in a dense vector (parameters or gradients share the layout). */
export function denseViews(shape: SasrecShape, dense: Vec): DenseViews {
  const { tensors } = denseLayout(shape);
  const by = new Map(tensors.map((t) => [t.name, dense.subarray(t.offset, t.offset + t.size)]));
  const get = (name: string): Vec => by.get(name) as Vec;
  const blocks: BlockViews[] = [];
  for (let l = 0; l < shape.blocks; l++) {
    const p = `b${l}.`;
    blocks.push({
      ln1g: get(p + 'ln1g'),
      ln1b: get(p + 'ln1b'),
      wq: get(p + 'wq'),
      bq: get(p + 'bq'),
      wk: get(p + 'wk'),
      bk: get(p + 'bk'),
      wv: get(p + 'wv'),
      bv: get(p + 'bv'),
      wo: get(p + 'wo'),
      bo: get(p + 'bo'),
      ln2g: get(p + 'ln2g'),
      ln2b: get(p + 'ln2b'),
      w1: get(p + 'w1'),
      b1: get(p + 'b1'),
      w2: get(p + 'w2'),
      b2: get(p + 'b2'),
    });
  }
  return { pos: get('pos'), feat: by.get('feat') ?? dense.subarray(0, 0), lnfg: get('lnfg'), lnfb: get('lnfb'), blocks };
}

/** The trainable weights: item table `[nItems, dim]` and the dense vector. */
export interface SasrecWeights {
  item: Vec;
  dense: Vec;
}

/** Fresh weights for a shape, initialised from a seeded generator (`float64` for gradient checks). */
export function initWeights(shape: SasrecShape, rng: Rng, float64 = false): SasrecWeights {
  const { tensors, size } = denseLayout(shape);
  const dense: Vec = float64 ? new Float64Array(size) : new Float32Array(size);
  for (const t of tensors) {
    for (let i = 0; i < t.size; i++) dense[t.offset + i] = 'std' in t.init ? rng.normal() * t.init.std : t.init.value;
  }
  const item: Vec = float64 ? new Float64Array(shape.nItems * shape.dim) : new Float32Array(shape.nItems * shape.dim);
  const std = 1 / Math.sqrt(shape.dim);
  for (let i = 0; i < item.length; i++) item[i] = rng.normal() * std;
  return { item, dense };
}

/** A batch of packed sequences: token items and positions, and `[nSeq + 1]` token offsets. */
export interface SequenceBatch {
  items: Int32Array;
  positions: Int32Array;
  offsets: Int32Array;
  nSeq: number;
  nTok: number;
}

/** Gradients of the weights: dense (same layout) and the item table with the list of touched rows. */
export interface SasrecGrads {
  item: Vec;
  dense: Vec;
  /** [nItems] 1 when a row is in `touched` */
  mark: Uint8Array;
  /** touched item rows, first `nTouched` valid */
  touched: Int32Array;
  nTouched: number;
}

/** Zeroed gradients for a shape (same float type as `like`). */
export function createGrads(shape: SasrecShape, like: Vec): SasrecGrads {
  return {
    item: allocLike(like, shape.nItems * shape.dim),
    dense: allocLike(like, denseLayout(shape).size),
    mark: new Uint8Array(shape.nItems),
    touched: new Int32Array(shape.nItems),
    nTouched: 0,
  };
}

/** Resets gradients: the dense part fully, the item table only on its touched rows. */
export function zeroGrads(g: SasrecGrads, dim: number): void {
  g.dense.fill(0);
  for (let t = 0; t < g.nTouched; t++) {
    const r = g.touched[t]!;
    g.item.fill(0, r * dim, (r + 1) * dim);
    g.mark[r] = 0;
  }
  g.nTouched = 0;
}

interface BlockCache {
  xin: Vec;
  a: Vec;
  xhat1: Vec;
  rstd1: Vec;
  q: Vec;
  k: Vec;
  v: Vec;
  att: Vec;
  probs: Vec;
  m1: Vec;
  x1: Vec;
  b: Vec;
  xhat2: Vec;
  rstd2: Vec;
  f1: Vec;
  g: Vec;
  m2: Vec;
}

/**
 * Forward/backward runner with reusable workspaces sized for the largest batch seen. Not thread-safe: one
 * network per worker. `forward` returns the final hidden states `[nTok, dim]` (a view valid until the next call).
 */
export class SasrecNetwork {
  readonly shape: SasrecShape;
  weights: SasrecWeights;
  private views: DenseViews;
  private capTok = 0;
  private capProbs = 0;
  private caches: BlockCache[] = [];
  private x0 = new Float32Array(0) as Vec;
  private m0 = new Float32Array(0) as Vec;
  private xL = new Float32Array(0) as Vec;
  private xhatF = new Float32Array(0) as Vec;
  private rstdF = new Float32Array(0) as Vec;
  private hidden = new Float32Array(0) as Vec;
  private dx = new Float32Array(0) as Vec;
  private dt1 = new Float32Array(0) as Vec;
  private dq = new Float32Array(0) as Vec;
  private dk = new Float32Array(0) as Vec;
  private dv = new Float32Array(0) as Vec;
  private df = new Float32Array(0) as Vec;
  private scratch = new Float32Array(0) as Vec;
  private probOffsets: Int32Array = new Int32Array(1);
  private lastBatch: SequenceBatch | undefined;
  private lastTrain = false;
  private readonly features: ItemFeatures | undefined;
  private table: Vec | undefined;
  /** Per item row: the {@link stamp} it was computed at. */
  private rowStamp = new Int32Array(0);
  private stamp = 1;

  constructor(shape: SasrecShape, weights: SasrecWeights, features?: ItemFeatures) {
    this.shape = shape;
    this.weights = weights;
    this.views = denseViews(shape, weights.dense);
    if ((shape.nFeatures ?? 0) > 0) {
      if (!features || features.indptr.length !== shape.nItems + 1) throw new CartwiseError('INTERNAL', { reason: 'a SASRec shape with nFeatures needs item features for every item' });
      this.features = features;
    }
  }

  /** Re-binds the views after the dense vector was replaced (e.g. restored from a checkpoint). */
  setWeights(weights: SasrecWeights): void {
    this.weights = weights;
    this.views = denseViews(this.shape, weights.dense);
    this.stamp++;
  }

  /**
   * The item vectors used at the input and the output: the item table itself, or with side features
   * `E[i] + mean(F[features of i])`, every row brought up to date (O(nItems·dim + nnz·dim) after a change).
   */
  itemTable(): Vec {
    if (!this.features) return this.weights.item;
    for (let i = 0; i < this.shape.nItems; i++) if (this.rowStamp[i] !== this.stamp) this.refreshRow(i);
    return this.table as Vec;
  }

  /**
   * Like {@link itemTable} but brings only the listed rows up to date (negative entries ignored): a training step
   * needs its batch's inputs, targets and negatives, not the whole catalogue. Other rows may be stale.
   */
  itemRows(rows: ArrayLike<number>): Vec {
    if (!this.features) return this.weights.item;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k] as number;
      if (i >= 0 && this.rowStamp[i] !== this.stamp) this.refreshRow(i);
    }
    return this.table as Vec;
  }

  private refreshRow(i: number): void {
    const f = this.features as ItemFeatures;
    const d = this.shape.dim;
    const E = this.weights.item;
    if (!this.table || this.table.length !== E.length) {
      this.table = allocLike(E, E.length);
      this.rowStamp = new Int32Array(this.shape.nItems);
    }
    const T = this.table;
    const F = this.views.feat;
    const to = i * d;
    for (let j = 0; j < d; j++) T[to + j] = E[to + j]!;
    const a0 = f.indptr[i]!;
    const a1 = f.indptr[i + 1]!;
    const inv = a1 > a0 ? 1 / (a1 - a0) : 0;
    for (let a = a0; a < a1; a++) {
      const fo = f.indices[a]! * d;
      for (let j = 0; j < d; j++) T[to + j] = T[to + j]! + inv * F[fo + j]!;
    }
    this.rowStamp[i] = this.stamp;
  }

  /** Marks the item vectors out of date (after the weights changed in place, e.g. an optimiser step). */
  invalidateItemTable(): void {
    this.stamp++;
  }

  /**
   * With side features: routes the gradient of the touched item vectors (`grads.item`, from the input and the loss)
   * to the feature embeddings, `dF[a] += dT[i] / |features of i|`. The item table's own gradient is `dT` itself.
   */
  featureBackward(grads: SasrecGrads, gradViews: DenseViews): void {
    const f = this.features;
    if (!f) return;
    const d = this.shape.dim;
    const gF = gradViews.feat;
    for (let t = 0; t < grads.nTouched; t++) {
      const i = grads.touched[t]!;
      const a0 = f.indptr[i]!;
      const a1 = f.indptr[i + 1]!;
      if (a1 === a0) continue;
      const inv = 1 / (a1 - a0);
      const go = i * d;
      for (let a = a0; a < a1; a++) {
        const fo = f.indices[a]! * d;
        for (let j = 0; j < d; j++) gF[fo + j] = gF[fo + j]! + inv * grads.item[go + j]!;
      }
    }
  }

  private ensure(nTok: number, nProbs: number): void {
    const like = this.weights.dense;
    const { dim: d, ffnDim: f, blocks } = this.shape;
    if (nTok > this.capTok || this.caches.length !== blocks) {
      const cap = Math.max(nTok, Math.ceil(this.capTok * 1.5));
      const A = (n: number) => allocLike(like, n);
      this.caches = [];
      for (let l = 0; l < blocks; l++) {
        this.caches.push({
          xin: A(cap * d),
          a: A(cap * d),
          xhat1: A(cap * d),
          rstd1: A(cap),
          q: A(cap * d),
          k: A(cap * d),
          v: A(cap * d),
          att: A(cap * d),
          probs: A(Math.max(this.capProbs, nProbs)),
          m1: A(cap * d),
          x1: A(cap * d),
          b: A(cap * d),
          xhat2: A(cap * d),
          rstd2: A(cap),
          f1: A(cap * f),
          g: A(cap * f),
          m2: A(cap * d),
        });
      }
      this.x0 = A(cap * d);
      this.m0 = A(cap * d);
      this.xL = A(cap * d);
      this.xhatF = A(cap * d);
      this.rstdF = A(cap);
      this.hidden = A(cap * d);
      this.dx = A(cap * d);
      this.dt1 = A(cap * d);
      this.dq = A(cap * d);
      this.dk = A(cap * d);
      this.dv = A(cap * d);
      this.df = A(cap * f);
      this.scratch = A(Math.max(this.shape.maxLen, 1));
      this.capTok = cap;
      this.capProbs = Math.max(this.capProbs, nProbs);
    }
    if (nProbs > this.capProbs) {
      this.capProbs = Math.max(nProbs, Math.ceil(this.capProbs * 1.5));
      for (const c of this.caches) c.probs = allocLike(like, this.capProbs);
    }
  }

  /**
   * Runs the network on a batch. With `random` (training) dropout is active and caches are kept for
   * {@link backward}; without it the pass is deterministic (inference).
   */
  forward(batch: SequenceBatch, random?: () => number): Vec {
    const { dim: d, ffnDim: f, heads, dropout } = this.shape;
    const n = batch.nTok;
    this.probOffsets = attentionCacheOffsets(batch.offsets, batch.nSeq, heads);
    this.ensure(n, this.probOffsets[batch.nSeq]!);
    const train = random !== undefined;
    const p = train ? dropout : 0;
    const rnd = random ?? (() => 1);
    embeddingForward(this.itemRows(batch.items), this.views.pos, batch.items, batch.positions, this.x0, n, d, Math.sqrt(d));
    dropoutForward(this.x0, this.m0, n * d, p, rnd);
    let x = this.x0;
    for (let l = 0; l < this.shape.blocks; l++) {
      const c = this.caches[l]!;
      const w = this.views.blocks[l]!;
      c.xin.set(x.subarray(0, n * d));
      layerNormForward(c.xin, w.ln1g, w.ln1b, c.a, c.xhat1, c.rstd1, n, d);
      linearForward(c.a, w.wq, w.bq, c.q, n, d, d);
      linearForward(c.a, w.wk, w.bk, c.k, n, d, d);
      linearForward(c.a, w.wv, w.bv, c.v, n, d, d);
      attentionForward(c.q, c.k, c.v, c.att, c.probs, batch.offsets, this.probOffsets, batch.nSeq, d, heads);
      linearForward(c.att, w.wo, w.bo, c.x1, n, d, d);
      dropoutForward(c.x1, c.m1, n * d, p, rnd);
      for (let i = 0; i < n * d; i++) c.x1[i] = c.x1[i]! + c.xin[i]!;
      layerNormForward(c.x1, w.ln2g, w.ln2b, c.b, c.xhat2, c.rstd2, n, d);
      linearForward(c.b, w.w1, w.b1, c.f1, n, d, f);
      activationForward(this.shape.activation, c.f1, c.g, n * f);
      linearForward(c.g, w.w2, w.b2, this.xL, n, f, d);
      dropoutForward(this.xL, c.m2, n * d, p, rnd);
      for (let i = 0; i < n * d; i++) this.xL[i] = this.xL[i]! + c.x1[i]!;
      x = this.xL;
    }
    layerNormForward(x, this.views.lnfg, this.views.lnfb, this.hidden, this.xhatF, this.rstdF, n, d);
    this.lastBatch = batch;
    this.lastTrain = train;
    return this.hidden.subarray(0, n * d);
  }

  /**
   * Attention probabilities of the last block for the last forward pass: `[heads, len, len]` of sequence `s`
   * (used to explain a recommendation by the history item the last position attended to most).
   */
  lastBlockAttention(s: number): { probs: Vec; len: number } {
    const b = this.lastBatch;
    if (!b || this.shape.blocks === 0) return { probs: allocLike(this.weights.dense, 0), len: 0 };
    const len = b.offsets[s + 1]! - b.offsets[s]!;
    const o = this.probOffsets[s]!;
    return { probs: this.caches[this.shape.blocks - 1]!.probs.subarray(o, o + this.shape.heads * len * len), len };
  }

  /** Back-propagates `dHidden [nTok, dim]` of the last training forward into `grads` (accumulating). */
  backward(dHidden: Vec, grads: SasrecGrads, gradViews: DenseViews): void {
    const batch = this.lastBatch;
    if (!batch || !this.lastTrain) throw new CartwiseError('INTERNAL', { reason: 'SasrecNetwork.backward() needs a preceding training forward()' });
    const { dim: d, ffnDim: f, heads } = this.shape;
    const n = batch.nTok;
    const dx = this.dx;
    layerNormBackward(dHidden, this.views.lnfg, this.xhatF, this.rstdF, dx, gradViews.lnfg, gradViews.lnfb, n, d);
    for (let l = this.shape.blocks - 1; l >= 0; l--) {
      const c = this.caches[l]!;
      const w = this.views.blocks[l]!;
      const gw = gradViews.blocks[l]!;
      // FFN branch: xout = x1 + drop(W2 act(W1 LN2(x1)))
      const dt = this.dt1;
      for (let i = 0; i < n * d; i++) dt[i] = dx[i]! * c.m2[i]!;
      linearBackward(c.g, w.w2, dt, this.df, gw.w2, gw.b2, n, f, d);
      activationBackward(this.shape.activation, c.f1, this.df, this.df, n * f);
      linearBackward(c.b, w.w1, this.df, dt, gw.w1, gw.b1, n, d, f);
      layerNormBackward(dt, w.ln2g, c.xhat2, c.rstd2, dx, gw.ln2g, gw.ln2b, n, d, true);
      // Attention branch: x1 = xin + drop(Wo MHA(LN1(xin)))
      for (let i = 0; i < n * d; i++) dt[i] = dx[i]! * c.m1[i]!;
      const datt = this.df; // reuse: [n, d] ≤ [n, f] when ffnDim ≥ dim, else fall back below
      const dattBuf = f >= d ? datt : allocLike(dx, n * d);
      linearBackward(c.att, w.wo, dt, dattBuf, gw.wo, gw.bo, n, d, d);
      attentionBackward(c.q, c.k, c.v, dattBuf, c.probs, this.dq, this.dk, this.dv, batch.offsets, this.probOffsets, batch.nSeq, d, heads, this.scratch);
      linearBackward(c.a, w.wq, this.dq, dt, gw.wq, gw.bq, n, d, d);
      linearBackward(c.a, w.wk, this.dk, dt, gw.wk, gw.bk, n, d, d, true);
      linearBackward(c.a, w.wv, this.dv, dt, gw.wv, gw.bv, n, d, d, true);
      layerNormBackward(dt, w.ln1g, c.xhat1, c.rstd1, dx, gw.ln1g, gw.ln1b, n, d, true);
    }
    dropoutBackward(dx, this.m0, n * d);
    grads.nTouched = embeddingBackward(dx, batch.items, batch.positions, grads.item, gradViews.pos, n, d, Math.sqrt(d), grads.mark, grads.touched, grads.nTouched);
  }
}

export type { DenseViews };
