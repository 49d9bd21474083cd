import type { InteractionTable } from '../interactions/csv-rows.ts';

export type InferredProtocol = 'time' | 'loo' | 'random';

/**
 * Tells which split protocol produced a train/test pair, so model selection can validate the way the winner will
 * be judged: `time` when every test row is at or after the last training row (a global time cut), `loo` when each
 * test user has exactly one test row, at or after their last training row, otherwise `random`.
 */
export function inferSplitProtocol(train: InteractionTable, test: InteractionTable): InferredProtocol {
  if (test.length === 0) return 'random';
  let maxTrain = -Infinity;
  const lastByUser = new Map<string, number>();
  for (let r = 0; r < train.length; r++) {
    const t = train.ts[r] as number;
    if (t > maxTrain) maxTrain = t;
    const u = train.users[r] as string;
    if (t > (lastByUser.get(u) ?? -Infinity)) lastByUser.set(u, t);
  }
  let minTest = Infinity;
  const testRows = new Map<string, number>();
  let eachAfterOwnHistory = true;
  for (let r = 0; r < test.length; r++) {
    const t = test.ts[r] as number;
    if (t < minTest) minTest = t;
    const u = test.users[r] as string;
    testRows.set(u, (testRows.get(u) ?? 0) + 1);
    if (t < (lastByUser.get(u) ?? -Infinity)) eachAfterOwnHistory = false;
  }
  if (minTest >= maxTrain) return 'time';
  if (eachAfterOwnHistory && [...testRows.values()].every((n) => n === 1)) return 'loo';
  return 'random';
}
