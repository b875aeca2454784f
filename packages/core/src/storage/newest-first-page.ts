import { UaipError } from '../errors';
import type { Page, PageRequest } from './types';

/** Where a page ends: the sort key of its last item. */
export interface CursorKey {
  createdAt: string;
  id: string;
}

/**
 * One page of `candidates` in the order of session lists (newest `createdAt` first, ties by
 * larger id first), after the request's cursor, each mapped by `toItem`: the paging of
 * `listSessions`, `listSharedSessions` and `listReviewsFor` in memory. The cursor is the key
 * of the page's last candidate (not of its item, which may sort by another time).
 * `validation_failed` for a limit that is not a whole number from 1 to 100, or a garbled cursor.
 */
export function newestFirstPage<T extends CursorKey, U>(
  candidates: Iterable<T>,
  page: PageRequest,
  toItem: (candidate: T) => U,
): Page<U> {
  // A zero limit would return an empty "last" page and hide every session.
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 100) {
    throw new UaipError('validation_failed', 'Invalid page limit');
  }
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  const remaining: T[] = [];
  for (const candidate of candidates) {
    if (after && compareNewestFirst(candidate, after) <= 0) continue;
    remaining.push(candidate);
  }
  remaining.sort(compareNewestFirst);
  const chosen = remaining.slice(0, page.limit);
  // Looking one item ahead means a page ending exactly at the last item says so.
  const last = chosen.at(-1);
  const nextCursor = last && remaining.length > chosen.length ? encodeCursor(last) : null;
  return { items: chosen.map(toItem), nextCursor };
}

/** Newest first, ties by larger id first. */
function compareNewestFirst(a: CursorKey, b: CursorKey): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

// base64url through btoa/TextEncoder rather than Buffer: the core also runs outside Node.
function encodeCursor(key: CursorKey): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ createdAt: key.createdAt, id: key.id }));
  const base64 = btoa(String.fromCharCode(...bytes));
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): CursorKey {
  const key = parseCursor(cursor);
  if (!key) throw new UaipError('validation_failed', 'Invalid cursor');
  return key;
}

function parseCursor(cursor: string): CursorKey | null {
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof value !== 'object' || value === null) return null;
    const { createdAt, id } = value as Partial<Record<keyof CursorKey, unknown>>;
    if (typeof createdAt !== 'string' || typeof id !== 'string') return null;
    return Number.isNaN(Date.parse(createdAt)) ? null : { createdAt, id };
  } catch {
    return null;
  }
}
