/**
 * Background training jobs for the server (`POST /v1/models/train`, start-up training): one job at a time, each
 * with its progress, live leaderboard and outcome; a finished job hands its model to `onModel` (the service's hot
 * swap). The computation runs in a worker thread (reading events and saving stay on the main thread), so serving
 * keeps its latency while a model trains; a cancelled job terminates its worker, saves nothing and leaves the served
 * model in place.
 */
import { CartwiseError, isCartwiseError } from '../../core/errors.ts';
import { randomId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Store } from '../../store/store.ts';
import type { ServedModel } from '../serving/served-model.ts';
import type { LeaderboardEntry } from './model-selection.ts';
import { trainServedModel, type TrainRequest } from './train-model.ts';

export const JobStatuses = { running: 'running', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' } as const;
export type JobStatus = keyof typeof JobStatuses;

/** A training job as `GET /v1/models/jobs/:id` shows it. */
export interface TrainingJob {
  id: string;
  request: TrainRequest;
  status: JobStatus;
  /** The current phase, e.g. `read events`, `candidate`, `fit ease: inverse`. */
  phase: string;
  done: number;
  total: number;
  startedAt: string;
  finishedAt?: string;
  /** Candidates finished so far (auto). */
  candidates: LeaderboardEntry[];
  /** The model the job produced. */
  model?: { id: string; algo: string; params: Record<string, unknown> };
  error?: { code: string; message: string };
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Parses a budget such as `10m`, `90s`, `1h` or a plain number of seconds; `INVALID_PARAM` naming `budget`. */
export function parseBudgetMs(value: string | number): number {
  const m = typeof value === 'number' ? [String(value), String(value), 's'] : /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new CartwiseError('INVALID_PARAM', { name: 'budget', reason: `"${value}" is not a positive duration (examples: 90s, 10m, 1h)` });
  return Math.round(ms);
}

export interface TrainingJobsOptions {
  /** Receives every model a job produces (the hot swap). */
  onModel: (model: ServedModel) => void;
  log?: Logger;
  /** Finished jobs kept for `GET /v1/models/jobs/:id` (default 20). */
  keep?: number;
  /** Train in a worker thread so that serving is not slowed by a long fit (default true). */
  worker?: boolean;
}

/** Runs and tracks training jobs, one at a time. */
export class TrainingJobs {
  private readonly jobs = new Map<string, TrainingJob>();
  private readonly running = new Map<string, { controller: AbortController; done: Promise<TrainingJob> }>();
  private readonly store: Store;
  private readonly options: TrainingJobsOptions;

  constructor(store: Store, options: TrainingJobsOptions) {
    this.store = store;
    this.options = options;
  }

  /** Starts a job; `CONFLICT` while another runs. The returned job object updates as it runs. */
  start(request: TrainRequest): TrainingJob {
    const busy = [...this.running.keys()][0];
    if (busy) throw new CartwiseError('CONFLICT', { reason: `training job ${busy} is still running; wait for it or cancel it` });
    const job: TrainingJob = { id: randomId('job_', 6), request, status: 'running', phase: 'starting', done: 0, total: 0, startedAt: new Date().toISOString(), candidates: [] };
    this.jobs.set(job.id, job);
    this.trim();
    const controller = new AbortController();
    const done = this.run(job, controller.signal);
    this.running.set(job.id, { controller, done });
    return job;
  }

  private async run(job: TrainingJob, signal: AbortSignal): Promise<TrainingJob> {
    // Let the caller answer before the first chunk of work.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const out = await trainServedModel(this.store, job.request, {
        signal,
        worker: this.options.worker ?? true,
        onProgress: (p) => {
          job.phase = p.phase;
          job.done = p.done;
          job.total = p.total;
        },
        onEntry: (e) => job.candidates.push(e),
      });
      job.model = { id: out.model.info.id, algo: out.model.info.algo, params: out.model.info.params };
      this.options.onModel(out.model);
      job.status = 'succeeded';
      this.options.log?.info({ job: job.id, model: job.model.id, algo: job.model.algo }, 'training job finished');
    } catch (err) {
      const cw = isCartwiseError(err) ? err : new CartwiseError('INTERNAL', { reason: (err as Error).message });
      job.status = cw.code === 'ABORTED' ? 'cancelled' : 'failed';
      job.error = { code: cw.code, message: cw.message };
      if (job.status === 'failed') this.options.log?.warn({ job: job.id, err: cw.message }, 'training job failed');
    } finally {
      job.finishedAt = new Date().toISOString();
      this.running.delete(job.id);
    }
    return job;
  }

  private trim(): void {
    const keep = this.options.keep ?? 20;
    for (const [id, j] of this.jobs) {
      if (this.jobs.size <= keep) break;
      if (j.status !== 'running') this.jobs.delete(id);
    }
  }

  /** A job by id; `NOT_FOUND` when unknown. */
  get(id: string): TrainingJob {
    const job = this.jobs.get(id);
    if (!job) throw new CartwiseError('NOT_FOUND', { what: 'Training job', id });
    return job;
  }

  /** Every kept job, newest first. */
  list(): TrainingJob[] {
    return [...this.jobs.values()].reverse();
  }

  /** Whether a job is running. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Cancels a running job (it stops at its next safe point and saves nothing). */
  cancel(id: string): TrainingJob {
    const job = this.get(id);
    this.running.get(id)?.controller.abort();
    return job;
  }

  /** Resolves when the job has finished (any status). */
  async wait(id: string): Promise<TrainingJob> {
    const r = this.running.get(id);
    return r ? r.done : this.get(id);
  }

  /** Cancels every running job and waits for them (server shutdown). */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.all(all.map((r) => r.done));
  }
}
