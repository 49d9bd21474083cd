/** Size bounds on every input, enforced by the entity schemas. Named so error messages can cite them. */
export const Limits = {
  maxIdLength: 256,
  maxPropsCount: 50,
  maxPropKeyLength: 64,
  maxPropStringLength: 1_000,
  maxTextLength: 10_000,
  maxTitleLength: 1_000,
  maxTags: 100,
  maxAttrsCount: 100,
  maxEventsPerBatch: 1_000,
  maxItemsPerBatch: 1_000,
  maxUsersPerBatch: 1_000,
  maxBodyBytes: 1_048_576,
  /** Events dated further in the future than this are rejected as clock errors. */
  maxFutureSkewMs: 24 * 3600 * 1000,
} as const;
