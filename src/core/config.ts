import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CartwiseError } from './errors.ts';
import { randomId } from './ids.ts';

/**
 * The typed configuration. One schema, defaults and a description on every key. Precedence:
 * defaults < config file (`--config`, `CARTWISE_CONFIG` or `<dataDir>/cartwise.json`) < environment
 * (`CARTWISE_<KEY>` in SCREAMING_SNAKE_CASE) < CLI flags. Parsed once at start-up, frozen, passed down;
 * nothing else reads `process.env`.
 */
export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./data').describe('Directory for the embedded store, generated keys and artifacts.'),
    port: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port of `cartwise serve`.'),
    host: z.string().min(1).default('0.0.0.0').describe('Interface the HTTP server binds.'),
    storeUrl: z
      .string()
      .regex(/^(duckdb|postgres|postgresql):\/\//, { error: 'must start with duckdb:// or postgres://' })
      .optional()
      .describe('Store backend URL. Default `duckdb://<dataDir>/cartwise.duckdb`.'),
    adminKey: z.string().min(16, { error: 'must be at least 16 characters' }).optional().describe('Admin API key (everything). Generated and kept in `<dataDir>/keys.json` when absent.'),
    writeKey: z.string().min(16, { error: 'must be at least 16 characters' }).optional().describe('Write API key (send events only; safe in a storefront page). Generated when absent.'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level (pino).'),
    corsOrigins: z.string().default('*').describe('Comma-separated origins allowed to call the write-key endpoints from a browser; `*` for any.'),
    maxBodyBytes: z.coerce.number().int().min(1024).default(1_048_576).describe('Largest accepted request body in bytes.'),
    pseudonymizeUserIds: z.coerce.boolean().default(false).describe('Replace user ids by a keyed hash at ingest.'),
    recommendImpressions: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])
      .default(false)
      .describe('Store every served recommendation list as an `impression` event (attribution by `recId`); costs one event write per response.'),
    searchWeights: z
      .string()
      .regex(/^\s*(?:[A-Za-z]+\s*=\s*\d+(?:\.\d+)?\s*(?:,\s*[A-Za-z]+\s*=\s*\d+(?:\.\d+)?\s*)*)?$/, { error: 'must be name=number pairs separated by commas, e.g. "margin=0.1,clicks=0.5"' })
      .default('')
      .describe(
        'Search ranking weights that replace the defaults, e.g. `margin=0.1,clicks=0.5`. Names: coordPower, proximity, categoryIntent, popularity, conversion, inStock, margin, clicks, personal, recommendation (formula and defaults in docs/guide/search.md).',
      ),
    searchEmbedder: z
      .enum(['off', 'hashing', 'local', 'openai'])
      .default('off')
      .describe(
        'Semantic matching fused with the lexical search (reciprocal rank fusion): `off`; `hashing` (built in, character n-grams, no download); `local` (a static sentence-embedding model directory you supply, `searchEmbedderModel`); `openai` (an OpenAI-compatible `/v1/embeddings` endpoint: `searchEmbedderUrl`, `searchEmbedderModel`, `searchEmbedderDimensions`). The catalogue is embedded when the search index loads.',
      ),
    searchEmbedderModel: z.string().min(1).optional().describe('For `searchEmbedder` local: the model directory; for openai: the model name.'),
    searchEmbedderUrl: z.string().regex(/^https?:\/\//, { error: 'must start with http:// or https://' }).optional().describe('For `searchEmbedder` openai: the endpoint base URL (`/v1/embeddings` is appended).'),
    searchEmbedderDimensions: z.coerce.number().int().min(1).max(8192).optional().describe('For `searchEmbedder` openai: the vector size the model returns (checked on every answer).'),
    searchEmbedderApiKey: z.string().min(1).optional().describe('For `searchEmbedder` openai: sent as `Authorization: Bearer`; masked by `cartwise config`.'),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<
  Omit<z.output<typeof configSchema>, 'storeUrl' | 'adminKey' | 'writeKey'> & { storeUrl: string; adminKey: string; writeKey: string }
>;

export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof ConfigInput)[];

function envName(key: string): string {
  return 'CARTWISE_' + key.replace(/([A-Z])/g, '_$1').toUpperCase();
}

/** Reads the `CARTWISE_*` variables that name config keys; unknown `CARTWISE_*` names are an error. */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<Record<string, string>> {
  const byEnv = new Map(CONFIG_KEYS.map((k) => [envName(k), k]));
  const out: Partial<Record<string, string>> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('CARTWISE_') || value === undefined || name === 'CARTWISE_CONFIG' || name === 'CARTWISE_DEV') continue;
    const key = byEnv.get(name);
    if (!key) throw new CartwiseError('CONFIG_INVALID', { key: name, reason: `unknown variable; known: ${[...byEnv.keys()].join(', ')}` });
    out[key] = value;
  }
  return out;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  flags?: Partial<Record<string, unknown>>;
  configFile?: string;
  /** Generate missing API keys and keep them in the data directory (default true). */
  persistKeys?: boolean;
}

function readJsonFile(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new CartwiseError('CONFIG_INVALID', { key: path, reason: (err as Error).message });
  }
}

/** Loads, merges and validates the configuration; errors name the bad key. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const flags = Object.fromEntries(Object.entries(options.flags ?? {}).filter(([, v]) => v !== undefined));
  const envValues = configFromEnv(env);
  const preDataDir = (flags['dataDir'] as string | undefined) ?? envValues['dataDir'] ?? './data';
  const configPath = options.configFile ?? env['CARTWISE_CONFIG'] ?? join(preDataDir, 'cartwise.json');
  const fileValues = existsSync(configPath) ? readJsonFile(configPath) : {};
  if (options.configFile && !existsSync(options.configFile)) {
    throw new CartwiseError('CONFIG_INVALID', { key: 'config', reason: `file ${options.configFile} does not exist` });
  }
  const parsed = configSchema.safeParse({ ...fileValues, ...envValues, ...flags });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') ?? '?';
    const reason = issue?.code === 'unrecognized_keys' ? 'unknown key' : issue?.message ?? 'invalid';
    throw new CartwiseError('CONFIG_INVALID', { key, reason }, { issues: parsed.error.issues });
  }
  const cfg = parsed.data;
  const dataDir = resolve(cfg.dataDir);
  const keys = resolveKeys(dataDir, cfg.adminKey, cfg.writeKey, options.persistKeys ?? true);
  return Object.freeze({
    ...cfg,
    dataDir,
    storeUrl: cfg.storeUrl ?? `duckdb://${join(dataDir, 'cartwise.duckdb')}`,
    adminKey: keys.adminKey,
    writeKey: keys.writeKey,
  });
}

function resolveKeys(dataDir: string, adminKey: string | undefined, writeKey: string | undefined, persist: boolean) {
  if (adminKey && writeKey) return { adminKey, writeKey };
  const file = join(dataDir, 'keys.json');
  let stored: { adminKey?: string; writeKey?: string } = {};
  if (existsSync(file)) stored = readJsonFile(file) as typeof stored;
  const next = {
    adminKey: adminKey ?? stored.adminKey ?? randomId('cw_admin_', 24),
    writeKey: writeKey ?? stored.writeKey ?? randomId('cw_write_', 18),
  };
  if (persist && (next.adminKey !== stored.adminKey || next.writeKey !== stored.writeKey) && (!adminKey || !writeKey)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ adminKey: adminKey ? stored.adminKey : next.adminKey, writeKey: writeKey ? stored.writeKey : next.writeKey }, null, 2) + '\n');
    chmodSync(file, 0o600);
  }
  return next;
}

/** The config reference (for docs/reference/config.md and `cartwise config --help`). */
export function describeConfig(): { key: string; env: string; default: unknown; description: string }[] {
  return CONFIG_KEYS.map((key) => {
    const field = configSchema.shape[key];
    const parsed = configSchema.shape[key].safeParse(undefined);
    return { key, env: envName(key), default: parsed.success ? parsed.data : undefined, description: field.description ?? '' };
  });
}
