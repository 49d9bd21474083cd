/**
 * The one registry of error codes. Every error Cartwise reports — over HTTP, in the CLI, in import
 * summaries — carries one of these codes, its HTTP status and a message template. The server's single
 * error handler maps a {@link CartwiseError} to `{ error: { code, message, details } }`.
 */
export const ErrorCodes = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid: {reason}' },
  BATCH_TOO_LARGE: { status: 413, message: 'A batch may hold at most {limit} {what}; got {count}' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body exceeds the limit of {limitBytes} bytes' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON: {reason}' },
  UNAUTHORIZED: { status: 401, message: 'Missing or unknown API key; send `Authorization: Bearer <key>`' },
  FORBIDDEN: { status: 403, message: 'This API key may not {action}; use the admin key' },
  NOT_FOUND: { status: 404, message: '{what} not found: {id}' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No route {method} {url}' },
  CONFLICT: { status: 409, message: '{reason}' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  CONFIG_INVALID: { status: 500, message: 'Invalid configuration at `{key}`: {reason}' },
  STORE_URL_UNSUPPORTED: { status: 500, message: 'Unsupported store URL `{url}`: use duckdb://PATH or postgres://…' },
  STORE_FAILED: { status: 500, message: 'The store failed: {reason}' },
  IMPORT_FAILED: { status: 400, message: 'Import failed: {reason}' },
  FILE_NOT_FOUND: { status: 400, message: 'File not found: {path}' },
  MODEL_NOT_READY: { status: 503, message: 'No trained model is available yet: {reason}' },
  UNKNOWN_ALGORITHM: { status: 400, message: 'Unknown algorithm `{name}`; known: {known}' },
  INVALID_PARAM: { status: 400, message: 'Invalid parameter `{name}`: {reason}' },
  ABORTED: { status: 499, message: 'The operation was interrupted' },
  INTERNAL: { status: 500, message: 'Internal error: {reason}' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** One field-level problem: where (a JSON path such as `events[3].userId` or a CSV line) and why. */
export interface FieldIssue {
  path: string;
  message: string;
  line?: number;
  index?: number;
}

function fill(template: string, vars: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => (key in vars ? String(vars[key]) : `{${key}}`));
}

/** The error class of Cartwise: a registry code, the filled message, and structured details. */
export class CartwiseError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, vars: Record<string, unknown> = {}, details?: Record<string, unknown>) {
    super(fill(ErrorCodes[code].message, vars));
    this.name = 'CartwiseError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.details = details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isCartwiseError(err: unknown): err is CartwiseError {
  return err instanceof CartwiseError;
}
