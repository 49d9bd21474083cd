/**
 * The public module of the `cartwise` package (`import { eventSchema, openStore } from 'cartwise'`): the entity
 * schemas and their TypeScript types (the same ones the HTTP API and the importers validate with), the error
 * registry, the limits, configuration, the store port and the server. The storefront SDK is `cartwise/sdk`.
 */
export * from './core/schemas/index.ts';
export { ErrorCodes, CartwiseError, isCartwiseError, type ErrorCode, type FieldIssue } from './core/errors.ts';
export { Limits } from './core/limits.ts';
export { parseTimestamp } from './core/time.ts';
export { loadConfig, describeConfig, type Config, type ConfigInput } from './core/config.ts';
export { openStore } from './store/open-store.ts';
export type { Store, StoreStats, AppendResult, Artifact, InteractionBatch, InteractionScanOptions, ListItemsOptions } from './store/store.ts';
export { startServer, type RunningServer } from './server/serve.ts';
export { prepareEvents, type PreparedEvents, type RejectedEvent } from './ingest/prepare-events.ts';
