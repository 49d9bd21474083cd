/**
 * Test helpers: small loaders that put shared real datasets into a store through the Store API, so analytics
 * tests can compare with `../shared/reference/analytics.py`. The datasets are never copied into the repo.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { splitCsvRecord } from '../../core/csv.ts';
import type { StoredEvent } from '../../core/schemas/index.ts';
import type { Store } from '../../store/store.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** `../shared` beside the repository (datasets and reference scripts). */
export const SHARED_DIR = resolve(here, '../../../../shared');
export const TAOBAO_CSV_GZ = join(SHARED_DIR, 'datasets/taobao-userbehavior/taobao_userbehavior_head.csv.gz');
export const ONLINE_RETAIL_CSV_GZ = join(SHARED_DIR, 'datasets/online-retail/online_retail.csv.gz');
export const REFERENCE_ANALYTICS = join(SHARED_DIR, 'reference/analytics.py');

/** Why a dataset parity test must skip, or undefined when it can run. */
export function parityUnavailable(dataset: string): string | undefined {
  if (!existsSync(dataset)) return `dataset ${dataset} is absent`;
  if (!existsSync(REFERENCE_ANALYTICS)) return `reference script ${REFERENCE_ANALYTICS} is absent`;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import pandas, numpy'], { stdio: 'ignore' });
  } catch {
    return 'python3 with pandas and numpy is not installed';
  }
  return undefined;
}

const TAOBAO_TYPES: Record<string, string> = { pv: 'view', cart: 'add_to_cart', buy: 'purchase', fav: 'favorite' };

/** Loads Taobao UserBehavior (pv→view, cart→add_to_cart, buy→purchase, fav→favorite; ts in seconds). */
export async function loadTaobao(store: Store, file = TAOBAO_CSV_GZ): Promise<number> {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const batch: StoredEvent[] = [];
  let n = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [user, item, category, behavior, ts] = line.split(',');
    const type = TAOBAO_TYPES[behavior ?? ''];
    if (!type || !user || !item || !ts) throw new Error(`taobao line ${i + 1}: cannot parse \`${line}\``);
    batch.push({ id: `tb-${i}`, type, userId: user, itemId: item, ts: Number(ts) * 1000, props: { category: category ?? '' } });
    if (batch.length === 20_000) {
      n += (await store.appendEvents(batch.splice(0))).inserted;
    }
  }
  n += (await store.appendEvents(batch)).inserted;
  return n;
}

/** Runs the reference script and parses its JSON output. */
export function runReference(args: string[]): Record<string, unknown> {
  const out = execFileSync('/usr/bin/python3', [REFERENCE_ANALYTICS, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out) as Record<string, unknown>;
}

/**
 * Loads the purchases of UCI Online Retail (CustomerID present, Quantity > 0, invoice not `C…`; InvoiceDate read
 * as UTC) as `purchase` events, and writes the same events as `user,type,ts` (ms) to `csvOut` for the reference.
 */
export async function loadOnlineRetail(store: Store, csvOut: string, file = ONLINE_RETAIL_CSV_GZ): Promise<number> {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const batch: StoredEvent[] = [];
  const csv: string[] = ['user,type,ts'];
  let n = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.replace(/\r$/, '');
    if (!line) continue;
    const [invoice, code, , qty, date, price, customer, country] = splitCsvRecord(line) ?? [];
    if (!customer || !invoice || invoice.startsWith('C') || !(Number(qty) > 0) || !code || !date) continue;
    const userId = customer.replace(/\.0$/, '');
    const ts = Date.parse(date.replace(' ', 'T') + 'Z');
    if (!Number.isFinite(ts)) throw new Error(`online retail line ${i + 1}: bad date \`${date}\``);
    batch.push({ id: `or-${i}`, type: 'purchase', userId, itemId: code, ts, quantity: Number(qty), price: Number(price), props: { orderId: invoice, country: country ?? '' } });
    csv.push(`${userId},purchase,${ts}`);
    if (batch.length === 20_000) n += (await store.appendEvents(batch.splice(0))).inserted;
  }
  n += (await store.appendEvents(batch)).inserted;
  writeFileSync(csvOut, csv.join('\n') + '\n');
  return n;
}
