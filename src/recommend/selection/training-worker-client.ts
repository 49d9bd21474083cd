/**
 * Runs a training computation in a worker thread so that a long fit (an EASE inverse, ALS sweeps) never blocks the
 * server's event loop: requests keep being answered at full speed while a model trains, and the result is swapped in
 * when it arrives. Cancelling terminates the worker at once. From the TypeScript sources (dev, tests) the worker
 * registers tsx first; from the compiled build it loads the compiled module directly.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CartwiseError, ErrorCodes, type ErrorCode } from '../../core/errors.ts';
import type { Leaderboard } from './model-selection.ts';
import { servedModelFromArtifact } from '../serving/served-model.ts';
import type { TrainingInput, TrainOptions, TrainOutcome, TrainRequest } from './train-model.ts';

function startWorker(data: unknown): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./training-worker.js', self), { workerData: data });
  // The ESM entry of tsx's API (require.resolve gives the CommonJS one, which cannot be imported from a worker).
  const tsxApi = pathToFileURL(createRequire(self).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const entry = new URL('./training-worker.ts', self).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

/** Trains in a worker thread; same contract as `trainFromInput`. */
export function trainInWorker(input: TrainingInput, request: TrainRequest, options: TrainOptions = {}): Promise<TrainOutcome> {
  return new Promise<TrainOutcome>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new CartwiseError('ABORTED'));
    const worker = startWorker({ input, request });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(new CartwiseError('ABORTED')));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: string; [k: string]: unknown }) => {
      if (m.type === 'progress') options.onProgress?.(m.progress as never);
      else if (m.type === 'entry') options.onEntry?.(m.entry as never);
      else if (m.type === 'error') {
        const code = (m.code as string) in ErrorCodes ? (m.code as ErrorCode) : 'INTERNAL';
        const err = new CartwiseError(code, {}, m.details as Record<string, unknown> | undefined);
        // Keep the worker's filled message.
        Object.defineProperty(err, 'message', { value: m.message as string });
        finish(() => reject(err));
      } else if (m.type === 'done') {
        finish(() => {
          try {
            const model = servedModelFromArtifact({ manifest: m.manifest as Record<string, unknown>, buffers: m.buffers as Record<string, Uint8Array> });
            if (options.source) model.info.source = options.source;
            const leaderboard = m.leaderboard as Leaderboard | null;
            resolve({ model, ...(leaderboard ? { leaderboard } : {}), timings: m.timings as TrainOutcome['timings'] });
          } catch (err) {
            reject(err);
          }
        });
      }
    });
    worker.on('error', (err) => finish(() => reject(new CartwiseError('INTERNAL', { reason: `training worker failed: ${err.message}` }))));
    worker.on('exit', (code) => finish(() => reject(new CartwiseError('INTERNAL', { reason: `training worker exited with code ${code}` }))));
  });
}
