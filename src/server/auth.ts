import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CartwiseError } from '../core/errors.ts';
import type { RouteAccess } from './route.ts';

export type KeyKind = 'admin' | 'write';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Reads `Authorization: Bearer <key>` and tells which kind of key it is, if any. Without the header, a `?key=`
 * query parameter is accepted for the WRITE key only (so only on write-access routes): `navigator.sendBeacon`
 * cannot set headers, and the write key is public in storefront pages anyway. The admin key is never read from
 * a URL, where it would end up in access logs and browser history.
 */
export function keyKindOf(req: FastifyRequest, keys: { adminKey: string; writeKey: string }): KeyKind | undefined {
  const header = req.headers.authorization;
  if (!header) {
    const queryKey = (req.query as Record<string, unknown> | undefined)?.['key'];
    return typeof queryKey === 'string' && queryKey !== '' && same(queryKey, keys.writeKey) ? 'write' : undefined;
  }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const token = match?.[1]?.trim();
  if (!token) return undefined;
  if (same(token, keys.adminKey)) return 'admin';
  if (same(token, keys.writeKey)) return 'write';
  return undefined;
}

/** Missing or unknown key → 401; a write key on an admin route → 403. */
export function authorize(access: RouteAccess, kind: KeyKind | undefined, action: string): void {
  if (access === 'public') return;
  if (kind === undefined) throw new CartwiseError('UNAUTHORIZED');
  if (access === 'admin' && kind !== 'admin') throw new CartwiseError('FORBIDDEN', { action }, { required: 'admin', given: kind });
}
