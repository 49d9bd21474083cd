/**
 * String parameters → analytics options, shared by the HTTP query strings and the CLI flags so both accept
 * the same syntax and report the same errors (each naming the parameter):
 * steps `view[category=Shoes],add_to_cart,purchase`, window `24h`, exclusions `remove_from_cart@1-2;…`,
 * dates as ISO 8601 or epoch ms.
 */
import { CartwiseError } from '../core/errors.ts';
import { parseDateParam, parseDuration, parseEventFilter, splitTopLevel, type EventFilter } from './filters.ts';
import { FunnelBreakdowns, type FunnelBreakdown, type FunnelBreakdownBy, type FunnelExclusion, type FunnelOptions } from './funnel.ts';
import { RetentionBreakdowns, type RetentionBreakdownBy, type RetentionOptions, type RetentionPeriod } from './retention.ts';

export interface FunnelParams {
  steps?: string | undefined;
  window?: string | undefined;
  sameItem?: boolean | string | undefined;
  exclude?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  segment?: string | undefined;
  breakdown?: string | undefined;
  breakdownKey?: string | undefined;
  breakdownLimit?: number | string | undefined;
}

function bool(v: boolean | string | undefined): boolean {
  return v === true || v === 'true' || v === '1' || v === '';
}

/** Parses the step list; `field` names the parameter in errors (`steps`, then `steps[i]`). */
export function parseSteps(text: string | undefined, field = 'steps'): EventFilter[] {
  if (text === undefined || text.trim() === '') throw new CartwiseError('INVALID_PARAM', { name: field, reason: 'is required: a comma-separated list of event types, e.g. view,add_to_cart,purchase' });
  return splitTopLevel(text).map((s, i) => {
    if (s === '') throw new CartwiseError('INVALID_PARAM', { name: `${field}[${i}]`, reason: 'is empty' });
    return parseEventFilter(s, `${field}[${i}]`);
  });
}

/** Parses `type[filters]@from-to` exclusions separated by `;`. */
export function parseExclusions(text: string | undefined): FunnelExclusion[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(';').map((part, i) => {
    const m = /^(.+)@(\d+)-(\d+)$/.exec(part.trim());
    if (!m || !m[1]) throw new CartwiseError('INVALID_PARAM', { name: `exclude[${i}]`, reason: `\`${part}\` is not TYPE@FROM-TO (e.g. remove_from_cart@1-2)` });
    return { filter: parseEventFilter(m[1], `exclude[${i}]`), fromStep: Number(m[2]), toStep: Number(m[3]) };
  });
}

/** Funnel options from string parameters (HTTP query or CLI flags). */
export function funnelOptionsFromParams(p: FunnelParams): FunnelOptions {
  const o: FunnelOptions = {
    steps: parseSteps(p.steps),
    windowMs: parseDuration(p.window ?? '24h', 'window'),
    sameItem: bool(p.sameItem ?? false),
    exclusions: parseExclusions(p.exclude),
    sinceMs: parseDateParam(p.since, 'since'),
    untilMs: parseDateParam(p.until, 'until'),
    segment: p.segment || undefined,
  };
  if (p.breakdown) o.breakdown = parseFunnelBreakdown(p.breakdown, p.breakdownKey, p.breakdownLimit);
  return o;
}

/** A funnel breakdown from its parts; errors name `breakdown` or `breakdownLimit`. */
export function parseFunnelBreakdown(by: string, key?: string, limit?: number | string): FunnelBreakdown {
  if (!(by in FunnelBreakdowns)) throw new CartwiseError('INVALID_PARAM', { name: 'breakdown', reason: `must be one of ${Object.keys(FunnelBreakdowns).join(', ')}` });
  return { by: by as FunnelBreakdownBy, key: key || undefined, limit: limit === undefined ? undefined : positiveInt(limit, 'breakdownLimit') };
}

export interface RetentionParams {
  period?: string | undefined;
  periods?: number | string | undefined;
  cohortType?: string | undefined;
  returnType?: string | undefined;
  mode?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  segment?: string | undefined;
  breakdown?: string | undefined;
  breakdownKey?: string | undefined;
}

/** Retention options from string parameters; `ANY` (or nothing) means any event. */
export function retentionOptionsFromParams(p: RetentionParams): RetentionOptions {
  const event = (v: string | undefined, field: string) => (v === undefined || v === '' || v.toUpperCase() === 'ANY' ? undefined : parseEventFilter(v, field));
  const o: RetentionOptions = {
    period: (p.period ?? 'week') as RetentionPeriod,
    periods: positiveInt(p.periods ?? 8, 'periods'),
    cohortEvent: event(p.cohortType, 'cohortType'),
    returnEvent: event(p.returnType, 'returnType'),
    mode: (p.mode ?? 'bounded') as 'bounded',
    sinceMs: parseDateParam(p.since, 'since'),
    untilMs: parseDateParam(p.until, 'until'),
    segment: p.segment || undefined,
  };
  if (p.breakdown) {
    if (!(p.breakdown in RetentionBreakdowns)) throw new CartwiseError('INVALID_PARAM', { name: 'breakdown', reason: `must be one of ${Object.keys(RetentionBreakdowns).join(', ')}` });
    o.breakdown = { by: p.breakdown as RetentionBreakdownBy, key: p.breakdownKey || undefined };
  }
  return o;
}

/** A positive integer parameter; throws INVALID_PARAM naming `field`. */
export function positiveInt(v: number | string, field: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CartwiseError('INVALID_PARAM', { name: field, reason: `\`${v}\` is not a positive integer` });
  return n;
}
