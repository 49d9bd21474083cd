import { CartwiseError } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import { generateDemoStore, resolveDemoOptions, type DemoStoreOptions, type DemoSummary, type ResolvedDemoOptions } from './generate-demo-store.ts';

/** Name of the artifact that marks a store as holding a demo store. */
export const DEMO_MANIFEST_ARTIFACT = 'demo/manifest';

/** The marker saved in the store: which run is (being) loaded and, once complete, what it produced. */
export interface DemoManifest {
  kind: 'cartwise-demo';
  version: 1;
  status: 'in_progress' | 'complete';
  seed: number;
  items: number;
  users: number;
  days: number;
  endMs: number;
  startedAt: string;
  completedAt?: string;
  summary?: DemoSummary;
}

export interface DemoLoadProgress {
  shoppersDone: number;
  shoppersTotal: number;
  eventsInserted: number;
}

export interface DemoLoadOptions {
  /** Checked between batches; an abort stops at a batch boundary (the run resumes next time). */
  signal?: AbortSignal;
  onProgress?: (p: DemoLoadProgress) => void;
}

/** What `loadDemoStore` did. */
export interface DemoLoadResult {
  /** `generated`: a fresh run; `resumed`: an interrupted run finished; `existing`: the store already had one. */
  status: 'generated' | 'resumed' | 'existing';
  manifest: DemoManifest;
  /** Rows actually written by this call (0 for `existing`; ids already stored are not counted). */
  inserted: { items: number; users: number; events: number };
  /** Events whose id was already in the store (a resumed run re-sends the part it had stored). */
  duplicates: number;
  durationMs: number;
  /** Set when the requested options differ from the demo already in the store (which is kept). */
  requestedDiffers: boolean;
}

/** Reads the demo marker, or `undefined` when the store holds no demo store. */
export async function readDemoManifest(store: Store): Promise<DemoManifest | undefined> {
  const artifact = await store.loadArtifact(DEMO_MANIFEST_ARTIFACT);
  const m = artifact?.manifest as Partial<DemoManifest> | undefined;
  return m?.kind === 'cartwise-demo' ? (m as DemoManifest) : undefined;
}

async function writeManifest(store: Store, manifest: DemoManifest): Promise<void> {
  await store.saveArtifact(DEMO_MANIFEST_ARTIFACT, { manifest: manifest as unknown as Record<string, unknown>, buffers: {} });
}

const sameRun = (a: ResolvedDemoOptions, m: DemoManifest) => a.seed === m.seed && a.items === m.items && a.users === m.users && a.days === m.days;

/**
 * Generates the demo store into `store` with its batch upserts and idempotent appends, once. A marker artifact
 * (`demo/manifest`) records the run: when a complete demo is already there, nothing is generated (a second
 * `cartwise demo` starts at once, on any later day, without duplicates); when an earlier run was interrupted,
 * it is finished with the *recorded* options and window, so the deterministic ids make the re-sent part a no-op.
 * A store that already holds events but no demo marker is refused (`CONFLICT`): simulated data must not be
 * mixed into real data.
 */
export async function loadDemoStore(store: Store, options: DemoStoreOptions = {}, load: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  const started = Date.now();
  const requested = resolveDemoOptions(options);
  const existing = await readDemoManifest(store);
  if (existing?.status === 'complete') {
    return { status: 'existing', manifest: existing, inserted: { items: 0, users: 0, events: 0 }, duplicates: 0, durationMs: Date.now() - started, requestedDiffers: !sameRun(requested, existing) };
  }
  if (!existing) {
    const stats = await store.stats();
    if (stats.events > 0) {
      throw new CartwiseError('CONFLICT', {
        reason: `the store already holds ${stats.events.toLocaleString('en-US')} events that are not a demo store; use another --data-dir for the demo`,
      });
    }
  }
  const run: ResolvedDemoOptions = existing
    ? { ...requested, seed: existing.seed, items: existing.items, users: existing.users, days: existing.days, endMs: existing.endMs }
    : requested;
  const manifest: DemoManifest = {
    kind: 'cartwise-demo', version: 1, status: 'in_progress',
    seed: run.seed, items: run.items, users: run.users, days: run.days, endMs: run.endMs,
    startedAt: existing?.startedAt ?? new Date(started).toISOString(),
  };
  if (!existing) await writeManifest(store, manifest);

  const inserted = { items: 0, users: 0, events: 0 };
  let duplicates = 0;
  const generator = generateDemoStore(run);
  let step = generator.next();
  while (!step.done) {
    if (load.signal?.aborted) throw new CartwiseError('ABORTED');
    const batch = step.value;
    if (batch.kind === 'items') inserted.items += await store.upsertItems(batch.items);
    else if (batch.kind === 'users') inserted.users += await store.upsertUsers(batch.users);
    else {
      const r = await store.appendEvents(batch.events);
      inserted.events += r.inserted;
      duplicates += r.duplicates;
    }
    load.onProgress?.({ shoppersDone: batch.shoppersDone, shoppersTotal: run.users, eventsInserted: inserted.events });
    step = generator.next();
  }
  const done: DemoManifest = { ...manifest, status: 'complete', completedAt: new Date().toISOString(), summary: step.value };
  await writeManifest(store, done);
  return {
    status: existing ? 'resumed' : 'generated',
    manifest: done,
    inserted,
    duplicates,
    durationMs: Date.now() - started,
    requestedDiffers: existing ? !sameRun(requested, existing) : false,
  };
}
