/**
 * Worker-thread entry of a training run (see `training-worker-client.ts`): receives the training input and request
 * as `workerData`, runs {@link trainFromInput}, relays progress and leaderboard entries, and posts the served model
 * back as an artifact whose buffers are transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isCartwiseError } from '../../core/errors.ts';
import { servedModelToArtifact } from '../serving/served-model.ts';
import { trainFromInput, type TrainingInput, type TrainRequest } from './train-model.ts';

const port = parentPort;
if (!port) throw new Error('training-worker.ts must run in a worker thread');
const { input, request } = workerData as { input: TrainingInput; request: TrainRequest };
try {
  const out = await trainFromInput(input, request, {
    onProgress: (p) => port.postMessage({ type: 'progress', progress: p }),
    onEntry: (e) => port.postMessage({ type: 'entry', entry: e }),
  });
  const artifact = servedModelToArtifact(out.model);
  // Copy each buffer into its own ArrayBuffer so it can be transferred (views may share one).
  const buffers: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(artifact.buffers)) buffers[k] = v.slice();
  port.postMessage(
    { type: 'done', manifest: artifact.manifest, buffers, leaderboard: out.leaderboard ?? null, timings: out.timings },
    Object.values(buffers).map((b) => b.buffer as ArrayBuffer),
  );
} catch (err) {
  port.postMessage({ type: 'error', code: isCartwiseError(err) ? err.code : 'INTERNAL', message: (err as Error).message, details: isCartwiseError(err) ? err.details : undefined });
}
