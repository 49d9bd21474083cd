import type { z } from 'zod';
import type { FieldIssue } from '../errors.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/** Turns zod issues into field issues whose path starts with `prefix` (e.g. `events[3]`). */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const tail = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const path = (prefix + tail).replace(/^\./, '') || '(root)';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    else if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
    return { path, message };
  });
}

/** Validates one value against a schema; expected failures are values, not exceptions. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): Validated<z.output<S>> {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: toFieldIssues(r.error, prefix) };
}
